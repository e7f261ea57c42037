"""The cycle's state, data/cycle.yaml: which years are open or closed, what was sent and what came back.

Written only by reportgen (open, collect, close, serve), atomically and under data/.lock; never edited by
hand. It lives in data/ so that it is backed up with the data, but the loader does not read it:
it is no source of the data set (Dataset.sources), so writing it changes neither the build id a
form carries nor the data copy a year's archive keeps (verify rebuilds from that copy).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

from reportgen.model.datastore import temp_path
from reportgen.model.loader import display  # noqa: F401 (the cycle's messages name paths as the loader does)
from reportgen.model.lock import fsync_path, write_synced
from reportgen.model.yamlsrc import YamlProblem, format_path, read_yaml
from reportgen.rules import era
from reportgen.rules.era import FiscalYear
from reportgen.rules.problems import DataError, Msg, Problem, show

FILE = "cycle.yaml"
FORMAT = "reportgen-cycle/1"
OPEN, CLOSED = "open", "closed"
# what became of a returned form (the latest return decides a form's status)
APPLIED, UNCHANGED, REFUSED, CONFLICTS = "applied", "unchanged", "refused", "conflicts"
OUTCOMES = (APPLIED, UNCHANGED, REFUSED, CONFLICTS)
HEADER = ("# 年度サイクルの記録（どの年度を受付中・締切済か、送付した様式と返送の結果、アーカイブの版）。\n"
          "# reportgen（generate.py open / collect / close / correct / serve）だけが書き込みます。手で編集しないでください。\n"
          "# Written by reportgen only (generate.py open / collect / close / correct / serve): do not edit by hand.\n")


JST = timezone(timedelta(hours=9), "JST")  # Japan has no daylight saving: Asia/Tokyo is +09:00 all year


def now() -> str:
    """The time recorded for an event, Japan time with its zone, to the second (2026-04-06T09:30:00+09:00;
    REPORTGEN_NOW overrides it, for tests)."""
    return os.environ.get("REPORTGEN_NOW") or datetime.now(JST).isoformat(timespec="seconds")


def shown(when: str) -> str:
    """A recorded time as the office reads it: Japan time (older records were kept in UTC, …Z)."""
    try:
        t = datetime.fromisoformat(when.replace("Z", "+00:00"))
    except ValueError:
        return when
    return t.astimezone(JST).isoformat(timespec="seconds") if t.tzinfo else when


@dataclass
class Return:
    """One returned file of a form and what collect did with it."""

    file: str
    sha256: str
    date: str
    outcome: str
    changes: int = 0
    why: list[str] = field(default_factory=list)  # refused: every reason; conflicts: each waiting value
    # applied: each value written, by where it went (collect.record.target_key): a later return of the
    # same form by the same department supersedes them, as long as nothing else changed them since
    values: dict[str, str] = field(default_factory=dict)


@dataclass
class SentForm:
    """One form sent: its file name, department, kind, strategy, SHA-256 and date, and its returns."""

    file: str
    department: str
    kind: str
    strategy: str
    sha256: str
    date: str
    returns: list[Return] = field(default_factory=list)

    @property
    def outcome(self) -> str | None:
        """The latest return's outcome; None when nothing came back."""
        return self.returns[-1].outcome if self.returns else None

    @property
    def done(self) -> bool:
        return self.outcome in (APPLIED, UNCHANGED)


@dataclass
class CycleYear:
    """One fiscal year of the cycle."""

    fy: FiscalYear
    state: str
    opened: str
    build: str
    folder: str                     # where the sent forms were written (relative to the working folder or absolute)
    forms: list[SentForm] = field(default_factory=list)
    pledges: str = ""               # the pledge list opened with the year (YYYY-MM), if any
    closed: str = ""
    closed_missing: list[str] = field(default_factory=list)  # forms not in when the year was closed anyway
    # the forms inbox's department links: department -> {"serial": n, "sha256": hash of the token};
    # the token itself is never stored (reportgen.cycle.links derives it from the inbox key)
    links: dict[str, dict] = field(default_factory=dict)
    # the archive's editions, the last the current one: {edition, folder, manifest_sha256, date[, reason, supersedes]};
    # verify compares each folder's manifest with its anchor here
    editions: list[dict] = field(default_factory=list)

    def anchors(self) -> dict[str, str]:
        return {e["folder"]: e["manifest_sha256"] for e in self.editions}


@dataclass
class Cycle:
    years: dict[int, CycleYear] = field(default_factory=dict)  # by western year
    office: dict = field(default_factory=dict)  # the planning office's inbox link: {"serial": n, "sha256": hash}

    def year(self, fy: FiscalYear) -> CycleYear | None:
        return self.years.get(fy.year)

    def open_years(self) -> list[FiscalYear]:
        return [y.fy for y in sorted(self.years.values(), key=lambda y: y.fy) if y.state == OPEN]

    def closed_years(self) -> list[FiscalYear]:
        return [y.fy for y in sorted(self.years.values(), key=lambda y: y.fy) if y.state == CLOSED]

    def anchors(self) -> dict[str, str]:
        """Year folder name → the SHA-256 of the manifest closed (or corrected) in it."""
        return {k: v for y in self.years.values() for k, v in y.anchors().items()}


def path(data: Path) -> Path:
    return Path(data) / FILE


def load(data: Path) -> Cycle:
    """The cycle's state (empty where no year was ever opened); a damaged file is reported at its line."""
    p = path(data)
    if not p.is_file():
        return Cycle()
    shown = display(p)
    problems: list[Problem] = []

    def bad(where: tuple, ja: str, en: str) -> None:
        line, col = located.where(where)
        problems.append(Problem(shown, line, col, format_path(where), Msg(
            ja=ja + "（このファイルは reportgen だけが書きます。手で編集した場合は .backups/ などから戻してください）",
            en=en + " (this file is written by reportgen only; if it was edited by hand, restore it)")))

    try:
        located = read_yaml(p.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, YamlProblem) as exc:
        line, col = (getattr(exc, "line", 1), getattr(exc, "column", 1))
        raise DataError([Problem(shown, line, col, "", Msg(ja=f"読めません: {exc}", en=f"cannot read: {exc}"))]) from None
    for exc in located.problems:
        problems.append(Problem(shown, exc.line, exc.column, format_path(exc.path), Msg(ja=exc.message, en=exc.message)))
    doc = located.value
    cycle = Cycle()
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        bad(("format",), f"format: {FORMAT} が必要です", f"expected format: {FORMAT}")
        raise DataError(problems)
    years = doc.get("years") or {}
    if not isinstance(years, dict):
        bad(("years",), "年度ごとの記録（R7: …）が必要です", "expected a record per fiscal year (R7: …)")
        raise DataError(problems)
    for code, y in years.items():
        at = ("years", code)
        try:
            fy = era.parse_fy(str(code))
        except ValueError:
            bad(at, f"年度（R7 など）が必要です。書かれていた値: {code!r}", f"expected a fiscal year such as R7, got {code!r}")
            continue
        if not isinstance(y, dict) or y.get("state") not in (OPEN, CLOSED):
            got = show(y.get("state") if isinstance(y, dict) else y)
            bad(at + ("state",), f"open または closed が必要です。書かれていた値: {got}", f"expected open or closed, got {got}")
            continue
        links = y.get("links") or {}
        if not _links_ok(links):
            bad(at + ("links",), "提出用リンクの記録が読めません（課: {serial, sha256}）",
                "the inbox links' record is not readable (department: {serial, sha256})")
            links = {}
        forms = []
        for i, f in enumerate(y.get("forms") or []):
            try:
                returns = [Return(r["file"], r["sha256"], r["date"], r["outcome"], int(r.get("changes") or 0),
                                  list(r.get("why") or []), {str(k): str(v) for k, v in (r.get("values") or {}).items()})
                           for r in (f.get("returns") or [])]
                if any(r.outcome not in OUTCOMES for r in returns):
                    raise ValueError
                forms.append(SentForm(f["file"], f["department"], f["kind"], str(f.get("strategy") or ""),
                                      f["sha256"], f["date"], returns))
            except (KeyError, TypeError, ValueError, AttributeError):
                bad(at + ("forms", i), "送付した様式の記録が読めません（file, department, kind, sha256, date, returns）",
                    "a sent form's record is not readable (file, department, kind, sha256, date, returns)")
        cycle.years[fy.year] = CycleYear(fy, y["state"], str(y.get("opened") or ""), str(y.get("build") or ""),
                                         str(y.get("folder") or ""), forms, str(y.get("pledges") or ""),
                                         str(y.get("closed") or ""), list(y.get("closed_missing") or []),
                                         {str(k): _link(v) for k, v in links.items()},
                                         _editions(y.get("editions"), lambda i: bad(at + ("editions", i), *_BAD_EDITION)))
    office = doc.get("office") or {}
    if not _link_ok(office) and office:
        bad(("office",), "企画課のリンクの記録が読めません（serial, sha256）",
            "the office link's record is not readable (serial, sha256)")
        office = {}
    cycle.office = _link(office) if office else {}
    if problems:
        raise DataError(problems)
    return cycle


def _link_ok(link) -> bool:
    return (isinstance(link, dict) and str(link.get("serial", "")).isdigit() and isinstance(link.get("sha256"), str)
            and len(link["sha256"]) == 64)


def _link(link: dict) -> dict:
    return {"serial": int(link["serial"]), "sha256": link["sha256"]}


def _links_ok(links) -> bool:
    return isinstance(links, dict) and all(_link_ok(v) for v in links.values())


_BAD_EDITION = ("版の記録が読めません（edition, folder, manifest_sha256, date）",
                "an edition's record is not readable (edition, folder, manifest_sha256, date)")


def _editions(raw, bad) -> list[dict]:
    out = []
    for i, e in enumerate(raw or []):  # the reader gives every scalar as text
        try:
            entry = {"edition": int(str(e["edition"])), "folder": str(e["folder"]),
                     "manifest_sha256": str(e["manifest_sha256"]), "date": str(e["date"])}
            if e.get("reason") is not None:
                entry["reason"] = str(e["reason"])
            if e.get("supersedes") is not None:
                entry["supersedes"] = int(str(e["supersedes"]))
        except (KeyError, TypeError, ValueError, AttributeError):
            bad(i)
            continue
        out.append(entry)
    return out


def dump(cycle: Cycle) -> str:
    """The state as YAML, years in order, with the header saying who writes it."""
    years = {}
    for y in sorted(cycle.years.values(), key=lambda y: y.fy):
        entry: dict = {"state": y.state, "opened": y.opened}
        if y.closed:
            entry["closed"] = y.closed
        if y.closed_missing:
            entry["closed_missing"] = list(y.closed_missing)
        if y.editions:
            entry["editions"] = [dict(e) for e in y.editions]
        entry |= {"build": y.build, "folder": y.folder}
        if y.pledges:
            entry["pledges"] = y.pledges
        if y.links:
            entry["links"] = {d: {"serial": v["serial"], "sha256": v["sha256"]} for d, v in y.links.items()}
        entry["forms"] = [{"file": f.file, "department": f.department, "kind": f.kind, "strategy": f.strategy,
                           "sha256": f.sha256, "date": f.date,
                           "returns": [{"file": r.file, "sha256": r.sha256, "date": r.date, "outcome": r.outcome,
                                        "changes": r.changes, **({"why": list(r.why)} if r.why else {}),
                                        **({"values": dict(r.values)} if r.values else {})}
                                       for r in f.returns]} for f in y.forms]
        years[era.short(FiscalYear(y.fy.year), fy2019=era.NATIONAL)] = entry
    doc = {"format": FORMAT, **({"office": dict(cycle.office)} if cycle.office else {}), "years": years}
    body = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=1000)
    return HEADER + body


def save(data: Path, cycle: Cycle) -> None:
    """Replace data/cycle.yaml in one step (temporary file, fsync, rename). Call with data/.lock held."""

    target = path(data)
    temp = temp_path(target)
    write_synced(temp, dump(cycle).encode("utf-8"))
    os.replace(temp, target)
    fsync_path(target.parent)
