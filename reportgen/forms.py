"""Department forms, the pure part: which cells a department fills, and the identity a form carries.

A form carries (in a very hidden sheet) its kind, strategy, year, department, and for each row
the digest of every input value as sent and of the locked cells. `collect` uses them to
recognise the form, to detect tampering, and to merge three ways (sent, returned, data now).
"""
from __future__ import annotations

import hashlib
import json

from . import era
from .era import FiscalYear

FORMAT = "reportgen-form/1"
EVALUATION, KPI = "evaluation", "kpi"
EVALUATION_FIELDS = ("status", "done", "assessment", "plan", "memo")
KPI_FIELDS = ("value", "rating", "reason")
IDENTITY_SHEET = "_reportgen"
CHUNK = 30000  # JSON is split over cells below Excel's 32,767-character limit


def digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:20]


def evaluation_values(ev) -> dict:
    """The department's cells of a project as data holds them ("" where nothing is written yet)."""
    if ev is None:
        return {f: "" for f in EVALUATION_FIELDS}
    return {"status": ev.status or "", "done": ev.done, "assessment": ev.assessment, "plan": ev.plan, "memo": ev.memo}


def identity(kind: str, strategy_id: str, year: FiscalYear, department: str, rows: list[dict],
             fields: tuple[str, ...]) -> dict:
    body = {
        "format": FORMAT,
        "kind": kind,
        "strategy": strategy_id,
        "year": era.short(year),
        "department": department,
        "rows": [{"key": r["id"], "base": {f: digest(r.get(f, "")) for f in fields if f in r}} for r in rows],
    }
    body["sent"] = digest(json.dumps(body, ensure_ascii=False, sort_keys=True))
    return body


def identity_chunks(ident: dict) -> list[str]:
    text = json.dumps(ident, ensure_ascii=False, sort_keys=True)
    return [text[i:i + CHUNK] for i in range(0, len(text), CHUNK)] or [""]
