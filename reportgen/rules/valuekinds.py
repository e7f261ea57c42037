"""What a KPI value is: its kind of year, bounds, running totals and yearly sums, no baseline (pure).

One definition of each rule, used by the loader (which years a measure's values may be dated by), by
the documents (which value a column shows, differences, colours), by the suggested rating and by the
achievement rate (`compared_value`, `target_number`, `reached`).
"""
from __future__ import annotations

from decimal import Decimal

from reportgen.rules import eradays, yearranges
from reportgen.rules.era import NATIONAL, FiscalYear
from reportgen.rules.eradays import CalendarYear, Day
from reportgen.rules.numbers import Quantity, difference
from reportgen.rules.problems import Msg

# which kinds of year a measure's values (actuals, forecasts, references, the baseline's and target's
# year) may be dated by, per its `period`; a day (a point-in-time value) is allowed beside calendar years
KEY_KINDS = {
    "fiscal_year": (FiscalYear,),
    "calendar_year": (CalendarYear, Day),
    "point_in_time": (Day,),
}
_KIND_EXPECTED = {
    "fiscal_year": Msg(ja="年度（例: H27, 平成27年度）。この指標は年度の値です（暦年の統計なら period: calendar_year）",
                       en="a fiscal year such as H27 or 平成27年度 (the measure's values are fiscal-year ones; "
                          "period: calendar_year for calendar-year statistics)"),
    "calendar_year": Msg(ja="暦年（例: 平成27年, 2015年）または日付（例: 2003-09-30）。この指標は period: calendar_year です",
                         en="a calendar year such as 平成27年 or 2015年, or a date such as 2003-09-30 "
                            "(the measure has period: calendar_year)"),
    "point_in_time": Msg(ja="日付（例: 2023-04-01, 令和5年4月1日）。この指標は period: point_in_time です",
                         en="a date such as 2023-04-01 or 令和5年4月1日 (the measure has period: point_in_time)"),
}


def spelled(when) -> str:
    """How a year or day reads in a message: 平成25年度, 平成25年, 平成15年9月30日 (2019 by the national
    rule); a range of years as written (2009~14年)."""
    if isinstance(when, yearranges.YearRange):
        return when.written or yearranges.long(when, fy2019=NATIONAL)
    return eradays.when_long(when, fy2019=NATIONAL)


def year_problem(period: str, when, range_ok: bool = False) -> Msg | None:
    """What the measure's `period` expects, where `when` is of another kind (else None). A range of
    years (`2009~14年`) dates a figure (`as_of`), never a column: its years are of the period's kind."""
    if isinstance(when, yearranges.YearRange):
        if not range_ok:
            return Msg(ja=f"1つの{_KIND_EXPECTED[period].ja}（年の範囲は値の as_of にだけ書けます）",
                       en=f"one year, {_KIND_EXPECTED[period].en} (a range of years only as a figure's as_of)")
        when = when.last
    if isinstance(when, KEY_KINDS[period]):
        return None
    return _KIND_EXPECTED[period]


def in_column(when, column: FiscalYear) -> bool:
    """Whether a value dated `when` goes in the column of `column` (a fiscal year of the period):
    its own fiscal year; a calendar year of the same number (平成27年 in the H27 column); a day in that
    fiscal year."""
    if isinstance(when, FiscalYear):
        return when == column
    if isinstance(when, CalendarYear):
        return when.year == column.year
    return when.fiscal_year == column


def shown_in(when, document: FiscalYear, fig=None) -> bool:
    """Whether documents of fiscal year `document` can show a value dated `when`: from the figure's
    `published` year where the data says, else eradays.first_document_year."""
    first = fig.published if fig is not None and fig.published is not None else eradays.first_document_year(when)
    return first <= document


def first_shown(when, fig) -> FiscalYear:
    """The first fiscal year whose documents show a value (`published`, else its kind's rule)."""
    return fig.published if fig.published is not None else eradays.first_document_year(when)


def ordered(values: dict) -> list:
    """(when, figure) by the day each stands at (fiscal years, calendar years and days together)."""
    return sorted(values.items(), key=lambda kv: eradays.moment(kv[0]))


def column_value(meas, column: FiscalYear, document: FiscalYear):
    """The value a year column shows in a document of `document` (the latest of that column), or None."""
    found = [f for w, f in ordered(meas.actuals) if in_column(w, column) and shown_in(w, document, f)]
    return found[-1] if found else None


def latest(meas, document: FiscalYear, numeric: bool = False):
    """(when, figure) of the latest value documents of `document` can show (with a number, if asked)."""
    found = [(w, f) for w, f in ordered(meas.actuals) if shown_in(w, document, f)
             and (not numeric or _number(meas, f) is not None)]
    return found[-1] if found else None


def _number(meas, fig) -> Decimal | None:
    q = fig.number if fig is not None else None
    return q.number if q is not None else None


def has_baseline(meas) -> bool:
    """False for a new measure (`baseline: {none: 新規}`): nothing to count a difference from."""
    return meas.baseline.none is None


def baseline_number(meas) -> Decimal | None:
    return _number(meas, meas.baseline) if has_baseline(meas) else None


def compared_value(meas, document: FiscalYear) -> Decimal | None:
    """The value to compare with the target in documents of `document`: the latest number; for a
    yearly sum (5年間で100人) the sum of the yearly values so far (a state that means zero counts 0)."""
    c = meas.cumulative
    if c is not None and c.kind == "yearly_sum":
        nums = [_number(meas, f) for w, f in ordered(meas.actuals) if shown_in(w, document, f)]
        nums = [n for n in nums if n is not None]
        return sum(nums, Decimal(0)) if nums else None
    found = latest(meas, document, numeric=True)
    return _number(meas, found[1]) if found else None


def target_number(meas) -> Decimal | None:
    """The number a target stands for: its value, or the baseline for 基準値, 基準値以上, 現状値以上,
    現状維持; None for a state or where there is no baseline."""
    t = meas.target
    if t.value is not None:
        return t.value.number
    if t.relation is not None:
        return baseline_number(meas)
    return None


def reached(meas, value: Decimal | None) -> bool | None:
    """Whether `value` reaches the target: where the target has a bound (75%以上, 10件以下, 2.0%以内,
    未満) when the bound holds; otherwise in the measure's direction (up: at least, down: at most,
    keep: equal). None where either number is missing."""
    t = target_number(meas)
    if value is None or t is None:
        return None
    bound = meas.target.bound
    if bound == "以上":
        return value >= t
    if bound in ("以下", "以内"):
        return value <= t
    if bound == "未満":
        return value < t
    if meas.direction == "keep":
        return value == t
    return value >= t if meas.direction == "up" else value <= t


def difference_quantity(meas, current) -> Quantity | None:
    """基準値からの増減 of a figure: current − baseline, or None where it means nothing: no baseline
    (新規), a running total against a one-year baseline, a state. A running total's difference keeps
    its label (延べ4人: four more, counted together)."""
    if current is None or current.value is None or not has_baseline(meas):
        return None
    base = meas.baseline.number
    if base is None:
        return None
    c = meas.cumulative
    if c is not None and c.kind == "running_total" and c.baseline == "yearly":
        return None
    if meas.baseline.value is None:  # a zero stand-in takes the current figure's unit
        base = Quantity(base.number, unit=current.value.unit)
    q = difference(base, current.value)
    if c is not None and c.kind == "running_total":
        label = current.value.prefix or (meas.baseline.value.prefix if meas.baseline.value is not None else "")
        q = Quantity(q.number, q.unit, label, q.minus)
    return q


def change(meas, current) -> int:
    """+1 improvement, -1 worsening, 0 unchanged or not comparable, against the baseline in the
    measure's direction (keep: any change is a worsening); nothing where `difference_quantity` is
    nothing (no baseline, a running total against a one-year baseline)."""
    q = difference_quantity(meas, current)
    if q is None or q.number == 0:
        return 0
    if meas.direction == "keep":
        return -1
    up = q.number > 0
    return 1 if up == (meas.direction == "up") else -1


def note_year(when, style: str, *, fy2019: str) -> str:
    """A figure's own year as printed after it: short ` (R2)`, long `(平成25年)`, Western `(2014年)`
    or Western with 和暦 `(2019(H31)年度)` (strategy.yaml `year_notes`)."""
    if isinstance(when, yearranges.YearRange):
        return yearranges.note(when, style, fy2019=fy2019)
    if style == "long":
        return f"({eradays.when_long(when, fy2019=fy2019)})"
    if style == "western":
        return f"({eradays.when_western(when)})"
    if style == "western_era":
        return f"({eradays.when_western_era(when, fy2019=fy2019)})"
    return f" ({eradays.when_short(when, fy2019=fy2019)})"
