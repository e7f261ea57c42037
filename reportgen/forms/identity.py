"""A form's identity: what issued it (city, data set, build), what it is for, and the digests of what it was sent with.

A form carries (in a very hidden sheet) its kind, city, data set, strategy, fiscal year,
department, the build that issued it, and for each row the digest of every input value as sent
and of the locked cells. `collect` uses them to recognise the form, to detect tampering, and to
merge three ways (sent, returned, data now).
"""
from __future__ import annotations

import hashlib
import json

from reportgen.rules import era
from reportgen.rules.era import FiscalYear

FORMAT = "reportgen-form/2"
IDENTITY_SHEET = "_reportgen"
CHUNK = 30000  # JSON is split over cells below Excel's 32,767-character limit


def digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:20]


def dataset_id(ds) -> str:
    """The data set a form belongs to: its city and its strategies (id, name, period), which a year's
    edits of values, projects or measures do not change."""
    parts = [ds.city.name, ds.city.prefecture or ""]
    for sd in ds.strategies:
        s = sd.strategy
        # western years: how FY2019 is printed depends on the document (平成31年度 in those of FY2018)
        parts.append(f"{s.id}\t{s.edition}\t{s.name}\t{s.period.from_.year}\t{s.period.to.year}")
    return digest("\n".join(parts))


_BUILD_IDS: list = []  # (dataset, id): hashing every data file once per build, not once per form


def build_id(ds) -> str:
    """The build that issued a form: the start of the data hash its archive's manifest records."""
    if not _BUILD_IDS or _BUILD_IDS[0][0] is not ds:
        _BUILD_IDS[:] = [(ds, ds.sha256[:16])]
    return _BUILD_IDS[0][1]


def evaluation_values(ev) -> dict:
    """The department's cells of a project as data holds them ("" where nothing is written yet)."""
    if ev is None:
        return {"status": "", "done": "", "assessment": "", "plan": "", "memo": ""}
    return {"status": ev.status or "", "done": ev.done, "assessment": ev.assessment, "plan": ev.plan, "memo": ev.memo}


def identity(kind: str, ds, strategy_id: str, year: FiscalYear, department: str, rows: list[dict],
             fields: tuple[str, ...], extra: dict | None = None, *, fy2019: str) -> dict:
    """A form's identity sheet: what it was sent for, its year named as the form's document names FY2019 (`fy2019`)."""
    body = {
        **(extra or {}),  # what else a kind of form is for (a pledge form: the month of its list)
        "format": FORMAT,
        "kind": kind,
        "city": ds.city.name,
        "dataset": dataset_id(ds),
        "build": build_id(ds),
        "strategy": strategy_id,
        "year": era.short(year, fy2019=fy2019),
        "department": department,
        "rows": [{"key": r["id"], "base": {f: digest(r.get(f, "")) for f in fields if f in r}} for r in rows],
    }
    body["sent"] = digest(json.dumps(body, ensure_ascii=False, sort_keys=True))
    return body


def identity_chunks(ident: dict) -> list[str]:
    text = json.dumps(ident, ensure_ascii=False, sort_keys=True)
    return [text[i:i + CHUNK] for i in range(0, len(text), CHUNK)] or [""]


def row_text(values) -> str:
    """A row's texts as one string (empty cells at the end do not count), for the fixed rows' digests."""
    return "\t".join("" if v is None else str(v) for v in values).rstrip("\t")
