"""Calendar years and days a KPI value may be dated by, beside fiscal years: parse, order, format (pure)."""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from reportgen.rules import era
from reportgen.rules.era import (_BY_CODE, _BY_NAME, _ERAS, _MONTH_ERAS, _NAMED_YEAR, EXPECTED_FY, FY2019_NAMES, MAX_YEAR,
    MIN_YEAR, NATIONAL, EraError, FiscalYear, _num, long, parse_fy, short, year_end)
from reportgen.rules.problems import Msg

# calendar years, days
# A KPI value belongs to a fiscal year (the default: 平成27年度, `H27末`), a calendar year (統計の
# 平成27年, printed `平成27`/`H27`, never `…末`) or a day (4月1日現在). Each kind orders by the day
# its value stands at, so values of different kinds sort together (`moment`).

EXPECTED_CY = Msg(
    ja="暦年（例: 平成27年, H27年, 2015年, CY2015）。この指標は period: calendar_year（暦年の統計）です",
    en="a calendar year such as 平成27年, H27年, 2015年 or CY2015 (the measure has period: calendar_year)",
)
EXPECTED_DAY = Msg(ja="日付（例: 2003-09-30, 平成15年9月30日）", en="a date such as 2003-09-30 or 平成15年9月30日")


def _calendar_era(year: int, fy2019: str) -> tuple[str, str, int]:
    """The era a calendar year is named in: the one in force at its end, except 2019, named as the
    documents name FY2019 (`fy2019`: 平成31年 in those written before 令和, else the city's choice)."""
    if year == 2019:
        code = FY2019_NAMES[fy2019]
        return code, _BY_CODE[code][1], _BY_CODE[code][2]
    for code, name, start, _last in _ERAS:
        if year >= start:
            return code, name, start
    raise EraError(EXPECTED_CY, year)


@dataclass(frozen=True)
class CalendarYear:
    """A calendar year (January–December): statistics such as 婚姻率 of 平成27年."""

    year: int

    def __post_init__(self) -> None:
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise EraError(EXPECTED_CY, self.year)

    @property
    def moment(self) -> tuple[int, int, int]:
        return (self.year, 12, 31)

    def __lt__(self, other) -> bool:
        return self.moment < moment(other)

    def __str__(self) -> str:  # the neutral form messages use (2019 by the national rule)
        return calendar_long(self, fy2019=NATIONAL)


@dataclass(frozen=True)
class Day:
    """A day a value stands at (平成15年9月30日現在)."""

    year: int
    month: int
    day: int

    def __post_init__(self) -> None:
        import datetime
        try:
            datetime.date(self.year, self.month, self.day)
        except ValueError:
            raise EraError(EXPECTED_DAY, f"{self.year}-{self.month}-{self.day}") from None
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise EraError(EXPECTED_DAY, self.year)

    @property
    def moment(self) -> tuple[int, int, int]:
        return (self.year, self.month, self.day)

    @property
    def fiscal_year(self) -> FiscalYear:
        return FiscalYear(self.year if self.month >= 4 else self.year - 1)

    def __lt__(self, other) -> bool:
        return self.moment < moment(other)

    def __str__(self) -> str:
        return day_long(self)


def moment(when) -> tuple[int, int, int]:
    """The last day a fiscal year, calendar year or day stands for (to order values of any kind)."""
    if isinstance(when, FiscalYear):
        return (when.year + 1, 3, 31)
    return when.moment


_CY_WESTERN = re.compile(r"(?:CY(\d{4})|(\d{4})年)", re.I)
_DAY_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_JA = re.compile(r"(令和|平成|昭和)(\d{1,2}|元)年(\d{1,2})月(\d{1,2})日")


def parse_calendar_year(text: str) -> CalendarYear:
    """平成27年, H27年, 2015年, CY2015; `H27` and `平成27年度` (fiscal spellings) are refused."""
    if not isinstance(text, str):
        raise EraError(EXPECTED_CY, text)
    s = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    m = _CY_WESTERN.fullmatch(s)
    if m:
        return CalendarYear(int(m.group(1) or m.group(2)))
    m = _NAMED_YEAR.fullmatch(s)
    if not m:
        raise EraError(EXPECTED_CY, text)
    code = _BY_NAME[m.group(1)][0] if m.group(1) else m.group(2).upper()
    n = 1 if m.group(3) == "元" else int(m.group(3))
    _code, name, start, last = _BY_CODE[code]
    if not 1 <= n <= (31 if code == "H" else last):
        raise EraError(Msg(ja=f"{name}（{code}）の1～{last}年", en=f"a {name} ({code}) year from 1 to {last}"), text)
    return CalendarYear(start + n - 1)


def parse_day(text: str) -> Day:
    """2003-09-30 or 平成15年9月30日."""
    if not isinstance(text, str):
        raise EraError(EXPECTED_DAY, text)
    s = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    m = _DAY_ISO.fullmatch(s)
    if m:
        return Day(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _DAY_JA.fullmatch(s)
    if m:
        _code, _name, start, _last = _BY_NAME[m.group(1)]
        n = 1 if m.group(2) == "元" else int(m.group(2))
        return Day(start + n - 1, int(m.group(3)), int(m.group(4)))
    raise EraError(EXPECTED_DAY, text)


def parse_when(text: str) -> "FiscalYear | CalendarYear | Day":
    """Any year or day a value may be dated by, its kind kept: a day, a calendar year (年), a fiscal
    year (年度, H27, 2015); the measure's `period` then says which kinds it accepts."""
    if not isinstance(text, str):
        raise EraError(EXPECTED_FY, text)
    return _parse_when(text)


@functools.lru_cache(maxsize=4096)
def _parse_when(text: str) -> "FiscalYear | CalendarYear | Day":
    # memoized as era.parse_fy is (a pure function of the text, its value frozen)
    s = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if _DAY_ISO.fullmatch(s) or _DAY_JA.fullmatch(s):
        return parse_day(text)
    if _CY_WESTERN.fullmatch(s) or _NAMED_YEAR.fullmatch(s):
        return parse_calendar_year(text)
    return parse_fy(text)


def calendar_long(cy: CalendarYear, *, fy2019: str) -> str:
    """平成27年, 令和元年."""
    _code, name, start = _calendar_era(cy.year, fy2019)
    return f"{name}{_num(cy.year - start + 1)}年"


def calendar_header(cy: CalendarYear, *, fy2019: str) -> str:
    """平成27 (a calendar year as a column header: no 年, no 末)."""
    return calendar_long(cy, fy2019=fy2019)[:-1]


def calendar_short(cy: CalendarYear, *, fy2019: str) -> str:
    """H27."""
    code, _name, start = _calendar_era(cy.year, fy2019)
    return f"{code}{cy.year - start + 1}"


def _day_era(d: "Day") -> tuple[str, str, int]:
    for y, mo, code in _MONTH_ERAS:
        if (d.year, d.month) >= (y, mo):
            return code, _BY_CODE[code][1], _BY_CODE[code][2]
    raise EraError(EXPECTED_DAY, str(d.moment))


def day_long(d: Day) -> str:
    """平成15年9月30日."""
    _code, name, start = _day_era(d)
    return f"{name}{_num(d.year - start + 1)}年{d.month}月{d.day}日"


def day_short(d: Day) -> str:
    """H15.9.30."""
    code, _name, start = _day_era(d)
    return f"{code}{d.year - start + 1}.{d.month}.{d.day}"


def when_long(when, *, fy2019: str) -> str:
    """平成25年度 / 平成25年 / 平成15年9月30日 (as a figure's year in brackets: 5.5‰(平成25年))."""
    if isinstance(when, FiscalYear):
        return long(when, fy2019=fy2019)
    if isinstance(when, CalendarYear):
        return calendar_long(when, fy2019=fy2019)
    return day_long(when)


def when_short(when, *, fy2019: str) -> str:
    """H25 / H25 / H15.9.30."""
    if isinstance(when, FiscalYear):
        return short(when, fy2019=fy2019)
    if isinstance(when, CalendarYear):
        return calendar_short(when, fy2019=fy2019)
    return day_short(when)


def when_western(when) -> str:
    """2014年度 / 2014年 / 2003年9月30日 (Western numbering, the kind of year kept)."""
    if isinstance(when, FiscalYear):
        return era.western(when)
    if isinstance(when, CalendarYear):
        return f"{when.year}年"
    return f"{when.year}年{when.month}月{when.day}日"


def when_western_era(when, *, fy2019: str) -> str:
    """2019(H31)年度 / 2019(H31)年: the Western year with the short 和暦 in brackets."""
    if isinstance(when, FiscalYear):
        return era.western_era(when, fy2019=fy2019)
    if isinstance(when, CalendarYear):
        return f"{when.year}({calendar_short(when, fy2019=fy2019)})年"
    return f"{when.year}({day_short(when)})"


def when_header(when, *, fy2019: str) -> str:
    """A value column's header: R6末 (end of a fiscal year), 平成27 (a calendar year), 平成15年9月30日現在."""
    if isinstance(when, FiscalYear):
        return year_end(when, fy2019=fy2019)
    if isinstance(when, CalendarYear):
        return calendar_header(when, fy2019=fy2019)
    return day_long(when) + "現在"


def first_document_year(when) -> FiscalYear:
    """The first fiscal year whose documents can show a value of `when`: a fiscal year's own (its
    year-end value is reported in that year's trend sheet); a calendar year's statistics in the
    fiscal year that starts after it ends (平成27年 → 平成28年度); a day's in its fiscal year."""
    if isinstance(when, FiscalYear):
        return when
    if isinstance(when, CalendarYear):
        return FiscalYear(when.year + 1)
    return when.fiscal_year
