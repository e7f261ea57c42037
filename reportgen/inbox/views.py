"""What the inbox's pages show: the department's forms and verdicts, the office's year, in the words of pages/words.yaml."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import jinja2
import yaml

from reportgen.cycle.status import CONFLICT, LABELS, YearStatus, form_status, reminder_block
from reportgen.inbox import store
from reportgen.model import cycle_state as st
from reportgen.rules import era

PAGES = Path(__file__).resolve().parent / "pages"
JST = timezone(timedelta(hours=9))


class Words(dict):
    """The fixed words in one language; a missing word is a bug (KeyError), never a blank on the page."""

    def __init__(self, lang: str):
        raw = yaml.safe_load((PAGES / "words.yaml").read_text(encoding="utf-8"))
        super().__init__({k: v[lang] for k, v in raw.items()})

    def __getattr__(self, name: str) -> str:
        return self[name]

    def fill(self, name: str, **values) -> str:
        return self[name].format(**values)


def environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(PAGES), autoescape=True, undefined=jinja2.StrictUndefined)


def japan_time(stamp: str, w: Words) -> str:
    """A recorded UTC time (2026-12-01T02:21:25Z) as Japan time, to the minute."""
    try:
        t = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).astimezone(JST)
    except ValueError:
        return stamp
    return t.strftime("%Y-%m-%d %H:%M") + w.jst


def _pick(value, lang: str) -> str:
    return value[lang] if isinstance(value, dict) else str(value or "")


def verdict(doc: dict, w: Words, lang: str, department: str, upload: str, shown: str) -> dict:
    """A check's result: the summary for the live region, every problem at its cell, the changes, the hand-in button."""
    v = {"tone": "bad", "problems": [], "applied": [], "conflicts": [], "hand_in": "", "accepted": False}
    if doc.get("stopped"):
        return v | {"summary": w.verdict_stopped}
    if doc.get("data_error"):
        return v | {"summary": w.verdict_data_error}
    if not doc["ours"]:
        return v | {"summary": w.fill("verdict_not_ours", department=department)}
    name = doc.get("sent_file") or shown
    problems = [{"at": p["at"], "field": _pick(p["field"], lang), "message": _pick(p["message"], lang)} for p in doc["problems"]]
    if doc["refused"]:
        problems.insert(0, {"at": "", "field": "", "message": _pick(doc["refused"], lang)})
    if not doc["accepted"]:
        return v | {"summary": w.fill("verdict_refused", file=name, n=len(problems)), "problems": problems,
                    "hand_in": upload if doc["recognised"] else ""}
    return v | {"tone": "ok", "accepted": True, "hand_in": upload,
                "summary": w.fill("verdict_ok", file=name, changes=len(doc["applied"]), unchanged=doc["unchanged"],
                                  conflicts=len(doc["conflicts"])),
                "applied": [c | {"field": _pick(c["field"], lang)} for c in doc["applied"]],
                "conflicts": [c | {"field": _pick(c["field"], lang)} for c in doc["conflicts"]]}


def handed_in(year: st.CycleYear, department: str, sha: str, w: Words) -> dict | None:
    """The outcome of a hand-in as recorded in data/cycle.yaml (the page after the post shows the record)."""
    for f in year.forms:
        if f.department == department and f.returns and f.returns[-1].sha256 == sha:
            r = f.returns[-1]
            if r.outcome == st.REFUSED:
                return {"tone": "bad", "summary": w.fill("handed_in_refused", file=r.file), "hand_in": "", "applied": [],
                        "conflicts": [], "accepted": False,
                        "problems": [{"at": "", "field": "", "message": line} for line in r.why]}
            summary = (w.fill("handed_in_conflicts", file=r.file, conflicts=len(r.why)) if r.outcome == st.CONFLICTS
                       else w.fill("handed_in_ok", file=r.file, changes=r.changes))
            return {"tone": "ok", "summary": summary, "hand_in": "", "applied": [], "conflicts": [], "problems": [],
                    "accepted": True}
    return None


def recorded(year: st.CycleYear, department: str, sha: str) -> bool:
    """This file is already the latest return of one of the department's forms (a second press does nothing)."""
    return any(f.department == department and f.returns and f.returns[-1].sha256 == sha for f in year.forms)


def _downloads(out: Path, year: st.CycleYear, f: st.SentForm, href, w: Words) -> list[dict]:
    return [{"href": href(r), "text": w.fill("download_sent", date=japan_time(r.date, w))}
            for r in f.returns if store.received(out, year.fy, r.sha256, r.file) is not None]


def department_forms(out: Path, year: st.CycleYear, department: str, base: str, w: Words, lang: str) -> list[dict]:
    rows = []
    for f in year.forms:
        if f.department != department:
            continue
        code = form_status(f)
        rows.append({"file": f.file, "code": code, "status": LABELS[code](lang),
                     "when": japan_time(f.returns[-1].date, w) if f.returns else "",
                     "downloads": _downloads(out, year, f, lambda r: f"{base}/file/{r.sha256}", w)})
    return rows


def find_return(year: st.CycleYear, department: str | None, sha: str) -> st.Return | None:
    for f in year.forms:
        if department is None or f.department == department:
            for r in f.returns:
                if r.sha256 == sha:
                    return r
    return None


def office_year(out: Path, ys: YearStatus, base: str, w: Words, lang: str) -> dict:
    """One open year as `status` prints it: every form by department, the counts, the chase list, the conflicts."""
    y = ys.year
    code = era.short(y.fy, fy2019=era.NATIONAL)
    counts = {k: 0 for k in LABELS}
    rows, conflicts = [], []
    for f in y.forms:
        s = form_status(f)
        counts[s] += 1
        rows.append({"department": f.department, "file": f.file, "code": s, "status": LABELS[s](lang),
                     "when": japan_time(f.returns[-1].date, w) if f.returns else "",
                     "why": f.returns[-1].why if f.returns and s != "done" else [],
                     "downloads": _downloads(out, y, f, lambda r: f"{base}/file/{code}/{r.sha256}", w)})
        if s == CONFLICT:
            r = f.returns[-1]
            kept = store.received(out, y.fy, r.sha256, r.file)
            conflicts.append({"department": f.department, "file": r.file, "sha": r.sha256 if kept else "",
                              "path": kept, "values": [], "why": r.why,
                              "settle": w.fill("settle_button", file=r.file)})
    return {"code": code, "heading": w.fill("office_year", year=f"{era.long(y.fy, fy2019=era.NATIONAL)}（{code}）", state=w.state_open),
            "counts": "、".join(f"{LABELS[k](lang)} {n}" for k, n in counts.items()), "forms": rows,
            "chase_heading": w.fill("chase_heading", n=len(ys.to_chase())), "chase": reminder_block(ys),
            "conflicts": conflicts}


def conflict_values(doc: dict, lang: str, w: Words) -> list[dict]:
    """The three values of each conflict side by side (as sent, as returned, now in the data)."""
    return [{"label": c["label"], "field": _pick(c["field"], lang),
             "sent": w.unknown if c["sent"] is None else (c["sent"] or w.empty),
             "returned": c["returned"] or w.empty, "now": c["now"] or w.empty} for c in doc.get("conflicts", [])]
