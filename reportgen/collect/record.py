"""Recording what came back: each collected form's outcome entered against the form `open` sent."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from reportgen.collect.merge import target_key
from reportgen.forms.kind import Kinds
from reportgen.model import cycle_state as st
from reportgen.rules import era


def why(report, fields: Mapping[str, str]) -> list[str]:
    """A refused form's reasons (every one, at its cell) or a form's conflicts waiting, in Japanese
    (`fields`: the form kinds' names of their fields, reportgen.forms.kind.Kinds.fields)."""
    if report.refused is not None:
        return [report.refused.ja]
    if report.problems:
        lines = []
        for p in report.problems:
            at = f"{p.sheet}!{p.ref}: " if p.ref else (f"{p.sheet}: " if p.sheet else "")
            lines.append(at + (f"{fields.get(p.field, p.field)}: " if p.field else "") + p.message.ja)
        return lines
    return [f"競合: {c.label} / {fields.get(c.field, c.field)}: データ {now!r}、様式 {c.new!r}" for c, now in report.conflicts]


def outcome(report) -> str:
    if not report.accepted:
        return st.REFUSED
    if report.conflicts:
        return st.CONFLICTS
    return st.APPLIED if report.applied else st.UNCHANGED


def matching(year: st.CycleYear, report) -> list[st.SentForm]:
    """The sent forms a returned one answers: same kind and department (and strategy, where recorded)."""
    # a form of no department (the office's registry) was recorded under the planning office
    return [f for f in year.forms if f.kind == report.kind and (f.department == report.department or not report.department)
            and (not f.strategy or not report.strategy or f.strategy == report.strategy)]


def _years(cycle: st.Cycle, fy, listed: bool) -> list[st.CycleYear]:
    """The cycle years a form of `fy` may have been sent with: its own, and for a kind whose year is its
    list's (`listed`), a year opened with a pledge list dated in `fy` (open R7 --pledges 2025-03 sends
    the forms of a list of R6)."""
    own = cycle.year(fy)
    out = [own] if own is not None else []
    for y in cycle.years.values():
        if listed and y is not own and y.pledges and era.parse_year_month(y.pledges).fiscal_year == fy:
            out.append(y)
    return out


def outcomes(cycle: st.Cycle, reports, kinds: Kinds) -> str | None:
    """Enter every recognised form's outcome in `cycle`; the new state's text, or None when nothing
    was recorded (a form of no recorded year, or one refused before it was recognised)."""
    recorded = False
    date = st.now()
    for r in reports:
        if not r.recognised or r.year is None:
            continue
        kind = kinds.get(r.kind)
        years = _years(cycle, r.year, kind is not None and kind.listed)
        if not years:
            continue
        digest = r.sha256
        for sent in (f for year in years for f in matching(year, r)):
            sent.returns.append(st.Return(Path(r.path).name, digest, date, outcome(r),
                                          len(r.applied) if r.accepted else 0, why(r, kinds.fields),
                                          {target_key(c.target): c.new for c in r.applied} if r.accepted else {}))
            recorded = True
    return st.dump(cycle) if recorded else None


def earlier_values(cycle: st.Cycle, report, listed: bool) -> dict[str, tuple[str, str, str]]:
    """What the earlier returns of the form `report` answers (same year, kind, department, strategy)
    applied, the latest return's value for each place: (value, file, date as shown)."""
    found: dict[str, tuple[str, str, str]] = {}
    for year in _years(cycle, report.year, listed):
        for sent in matching(year, report):
            for ret in sent.returns:
                for key, value in ret.values.items():
                    found[key] = (value, ret.file, st.shown(ret.date))
    return found
