"""Each input cell judged with the model's own rules (pure): a returned cell in → a value or what was expected out."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from reportgen.collect.sheet import Cell
from reportgen.model import measures, scalars
from reportgen.model.measures import Figure
from reportgen.rules import era
from reportgen.rules.numbers import Quantity, in_unit, parse_quantity
from reportgen.rules.problems import Invalid, Msg, expected_got
from reportgen.rules.ratings import DEFAULT_AXIS, RatingAxis

# A lone dash-like character a clerk types for "not reported" (full-width, Japanese long vowel, …)
DASHES = frozenset("-‐‑‒–―−－ーｰ")
NOT_REPORTED = "-"
STATES = ("未発表", NOT_REPORTED, "—")

TEXT_ONLY = Msg(ja="文字", en="text")


def _not_text(cell: Cell) -> Msg | None:
    if cell.formula:
        return expected_got(Msg(ja="文字（計算式は使えません）", en="text (formulas are not accepted)"), "=" + cell.text.lstrip("="))
    if cell.kind == "date":
        return expected_got(Msg(ja="文字（日付は、Excel が日付に変えない書き方で: 例 令和6年4月1日）",
                                en="text (a date typed as Excel does not turn into a date, e.g. 令和6年4月1日)"), cell.text)
    if cell.kind in ("bool", "error"):
        return expected_got(TEXT_ONLY, cell.text)
    return None


def text(cell: Cell) -> str | Msg:
    """A text field (実施内容, 評価理由, メモ …): the model's text rule; trailing blanks dropped."""
    bad = _not_text(cell)
    if bad:
        return bad
    try:
        return scalars.parse_text(cell.text.rstrip())
    except Invalid as exc:
        return expected_got(exc.expected, exc.got)


def status(cell: Cell) -> str | Msg:
    """状況 A–D (full-width and lower case as the model accepts them), or "" when empty."""
    bad = _not_text(cell)
    if bad:
        return bad
    if not cell.text.strip():
        return ""
    try:
        return scalars.parse_status(cell.text)
    except Invalid as exc:
        return expected_got(exc.expected, cell.text)


def rating(cell: Cell, axis: RatingAxis = DEFAULT_AXIS) -> str | Msg:
    """A symbol of the rating axis (typed or picked; ４ for 4, Ａ for A), or "" when empty: the
    loader's rule (RatingAxis.parse)."""
    bad = _not_text(cell) if cell.kind != "number" else None
    if bad:
        return bad
    if not cell.text.strip():
        return ""
    try:
        return axis.parse(cell.text, typed=True)
    except Invalid as exc:
        return expected_got(exc.expected, cell.text)


def writes_minus(meas) -> bool:
    """Whether the measure writes negatives with `-` (indices) rather than △: as its own figures do."""
    figures = [meas.baseline, *meas.actuals.values()]
    qs = [f.value for f in figures if f is not None and f.value is not None]
    qs += [f.reference.value for f in figures if f is not None and f.reference is not None]
    if meas.target is not None and meas.target.value is not None:
        qs.append(meas.target.value)
    return any(q.minus for q in qs)


def written_prefix(meas) -> str:
    """The prefix the measure's actuals are written with (its latest numeric actual's: 年間11名 → 年間,
    2件 under a 年4件 target → none), else the measure's own."""
    numeric = [meas.actuals[y].value for y in sorted(meas.actuals) if meas.actuals[y].value is not None]
    return numeric[-1].prefix if numeric else meas.prefix


def _spaces(t: str) -> str:
    """`4,800 事業所`, `年間 12 名`: blanks next to the unit or prefix mean nothing; `1 234` stays (ambiguous)."""
    return re.sub(r"\s+(?=[^\s0-9])|(?<=[^\s0-9])\s+", "", t)


def value(cell: Cell, meas, states: tuple[str, ...] = STATES) -> Figure | Msg:
    """A year-end value: a number in the measure's way of writing it (its unit, prefix and sign style;
    the unit and prefix may be left out), or a state (未発表, - …). `meas` is the measure as of the year."""
    if cell.formula or cell.kind in ("date", "bool", "error"):
        return _not_text(cell) if cell.kind != "date" else expected_got(
            Msg(ja=f"数値（日付ではなく。例: 1,234{meas.unit}）", en=f"a number, not a date, such as 1,234{meas.unit}"), cell.text)
    raw = cell.text
    t = unicodedata.normalize("NFKC", raw).strip()
    if t in DASHES or t in ("ー", "―"):
        t = NOT_REPORTED
    if t in states:
        return Figure(state=t)
    as_of = None
    m = re.fullmatch(r"(.*?)\s*\(([RHS]\d{1,2})\)", t)
    if m:  # a year note as the sheet prints it: 4,743事業所 (R03)
        try:
            as_of = era.parse_fy(m.group(2))
            t = m.group(1)
        except Invalid:
            pass
    try:
        q = parse_quantity(_spaces(t))
    except Invalid:
        q = None
    if q is not None:
        unit = q.unit if q.unit else meas.unit
        prefix = q.prefix if q.prefix else (written_prefix(meas) if unit == meas.unit else "")
        q = in_unit(Quantity(q.number, unit, prefix, writes_minus(meas) if q.number < 0 else False, q.notation), meas.unit)
        written = getattr(getattr(meas, "baseline", None), "value", None)  # a registry row may hold no baseline
        if not q.notation and written is not None and written.notation:
            q = replace(q, notation=written.notation)  # 203960000 typed: kept as the city writes it, 2億396万円
        if not measures.quantity_problems(q, meas):
            return Figure(value=q, as_of=as_of)
    example = f"{meas.prefix}1,234{meas.unit}"
    return Msg(ja=f"単位 {meas.unit or '（なし）'} の数値（例: {example}）または {'、'.join(states)} が必要です。書かれていた値: {raw!r}",
               en=f"expected a number in {meas.unit or 'no unit'} such as {example}, or one of {', '.join(states)}, got {raw!r}")
