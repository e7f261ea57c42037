"""Each registry cell judged with the model's own rules (pure): a returned cell in → (text, value to write) or what was expected."""
from __future__ import annotations

import functools
import re
import unicodedata
from types import SimpleNamespace

from reportgen.collect import cells
from reportgen.collect.sheet import Cell
from reportgen.forms import registry_layout as rl
from reportgen.model import measures, scalars, schema
from reportgen.model.figures import figure_text, target_text
from reportgen.rules import era
from reportgen.rules.problems import Invalid, Msg, expected_got

Judged = tuple[str, object]  # the cell's text as it will stand in the registry, and the value written to data/


def names(text: str) -> list[str]:
    """Several names typed into one cell: a line each, or separated by 、 or , (blanks around dropped)."""
    return [n.strip() for n in re.split(f"[{re.escape(rl.SEPARATORS)}]", text) if n.strip()]


def text(cell: Cell) -> Judged | Msg:
    t = cells.text(cell)
    return t if isinstance(t, Msg) else (t, t)


def policy_ids(cell: Cell, known: list[str], many: bool) -> Judged | Msg:
    """Policy ids of the strategy (`1-1`, or `1-1 しごとの場を創る` as the list beside shows them)."""
    t = cells.text(cell)
    if isinstance(t, Msg):
        return t
    found = [unicodedata.normalize("NFKC", n).split(" ")[0] for n in names(t)]
    bad = [n for n in found if n not in known] or ([] if many or len(found) <= 1 else found[1:])
    if bad:
        one = "" if many else "1つ"
        return expected_got(Msg(ja=f"この戦略の施策ID{one}（{', '.join(known)}）", en=f"{'' if many else 'one '}policy id of the strategy ({', '.join(known)})"),
                            "、".join(bad))
    return ("\n".join(found), found if many else (found[0] if found else ""))


def departments(cell: Cell, known) -> Judged | Msg:
    t = cells.text(cell)
    if isinstance(t, Msg):
        return t
    found = names(t)
    bad = [n for n in found if n not in known]
    if bad:
        return expected_got(Msg(ja="departments.yaml にある部署名", en="a department of departments.yaml"), "、".join(bad))
    return ("\n".join(found), found)


def _optional(rule):
    """A rule of a cell that may be left empty: the rule gets its text NFKC-normalised and stripped; an empty
    cell is nothing written; text that is no text (a formula, a date) is refused by cells.text."""
    @functools.wraps(rule)
    def judged(cell: Cell, *args) -> Judged | Msg:
        t = cells.text(cell)
        if isinstance(t, Msg):
            return t
        t = unicodedata.normalize("NFKC", t).strip()
        return ("", None) if not t else rule(t, *args)
    return judged


@_optional
def _year_cell(t: str, parse, written) -> Judged | Msg:
    """A year or nothing: `parse` reads it (the model's own parser), `written` gives the data's form."""
    try:
        fy = parse(t)
    except Invalid as exc:
        return expected_got(exc.expected, t)
    return written(fy)


def year(cell: Cell) -> Judged | Msg:
    """A fiscal year (R7, 令和7年度, 2025 …) or nothing; written in the data's short form."""
    return _year_cell(cell, era.parse_fy, lambda fy: (era.short(fy, fy2019=era.NATIONAL), fy))


def first_year(cell: Cell) -> Judged | Msg:
    return _year_cell(cell, scalars.parse_first_year, lambda fy: (str(fy), str(fy)))


@_optional
def direction(t: str) -> Judged | Msg:
    words = {v: k for k, v in rl.DIRECTIONS.items()}
    key = words.get(t) or (t.lower() if t.lower() in rl.DIRECTIONS else None)
    if key is None:
        return expected_got(Msg(ja=f"方向（{'、'.join(rl.DIRECTIONS.values())}）", en=f"a direction ({', '.join(rl.DIRECTIONS)})"), t)
    return (rl.DIRECTIONS[key], key)


def measure(unit: str, prefix: str) -> SimpleNamespace:
    """What the figure rules need of a KPI (its unit and prefix), for a row whose unit may be new."""
    return SimpleNamespace(unit=unit, prefix=prefix, actuals={}, baseline=None, target=None)


BASELINE_STATES = (*cells.STATES, "新規")


def baseline(cell: Cell, meas) -> Judged | Msg:
    """A baseline: a number in the KPI's unit, with its year as the sheet prints it (`264件 (R02)`), or a state."""
    t = cells.text(cell) if cell.kind != "number" else None
    if isinstance(t, Msg):
        return t
    if cell.kind == "text" and not cell.text.strip():
        return ("", None)
    m = re.fullmatch(r"\s*(.+?)\s*\(([^()]+)\)\s*", unicodedata.normalize("NFKC", cell.text))
    if m and m.group(1) in BASELINE_STATES and not re.fullmatch(r"[RHS]\d{1,2}", m.group(2)):
        fig = measures.Figure(state=m.group(1), remark=m.group(2))  # - (新規)
    else:
        fig = cells.value(cell, meas, BASELINE_STATES)
        if isinstance(fig, Msg):
            return fig
    return (figure_text(fig, as_of="note", fy2019=era.NATIONAL), fig)


@_optional
def target(t: str, meas, states: tuple[str, ...]) -> Judged | Msg:
    """A target with the model's own parser (270件, 2.0%以内, 現状値以上 …), or one of the states targets use (調整中)."""
    if t in states:
        tgt = scalars.Target(state=t)
    else:
        try:
            tgt = scalars.parse_target(t)
        except Invalid:
            return expected_got(scalars.TARGET_EXPECTED, t)
        if tgt.value is not None:
            bad = measures.quantity_problems(tgt.value, meas)
            if bad:
                return expected_got(*bad[0])
    return (target_text(tgt, fy2019=era.NATIONAL), {"state": t} if tgt.state else t)


def ended(cell: Cell, start, period) -> Judged | Msg:
    """廃止: a year of the strategy's period not before the item's first year (schema.ended_problem), or nothing."""
    got = year(cell)
    if isinstance(got, Msg) or got[1] is None:
        return got
    bad = schema.ended_problem(got[1], start, period)
    return expected_got(*bad) if bad else got
