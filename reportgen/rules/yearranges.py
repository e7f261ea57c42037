"""A range of years a figure was measured over (`2009~14年`, `H21~26`): parse, order, print (pure)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from reportgen.rules import eradays
from reportgen.rules.era import NATIONAL, EraError, FiscalYear, era_code, era_name, era_year
from reportgen.rules.eradays import CalendarYear
from reportgen.rules.problems import Msg

EXPECTED_RANGE = Msg(
    ja="年の範囲（例: 2009~14年, 2009～2014年, H21~26, 平成21～26年度）: 前の年から後の年へ、同じ種類の年で",
    en="a range of years such as 2009~14年, 2009～2014年, H21~26 or 平成21～26年度: an earlier year to a later "
       "one, both of one kind",
)
_DASH = re.compile(r"[~～〜]")
# the part after the dash may leave out what the first part says: 2009~14年 (the century), H21~26 (the era)
_WESTERN_FIRST = re.compile(r"(\d{4})")
_ERA_FIRST = re.compile(r"(?:([RHS])|(令和|平成|昭和))(\d{1,2}|元)", re.I)
_SUFFIX = re.compile(r"(年度|年)$")


@dataclass(frozen=True)
class YearRange:
    """Fiscal or calendar years from `first` to `last`, as a figure's as_of (a period's average or
    total). It orders by its last year; it is printed as written, in the city's notation."""

    first: FiscalYear | CalendarYear
    last: FiscalYear | CalendarYear
    written: str = field(default="", compare=False)  # as the data wrote it, for messages

    @property
    def moment(self) -> tuple[int, int, int]:
        return eradays.moment(self.last)

    @property
    def fiscal_year(self) -> FiscalYear:
        """The first fiscal year whose documents can show a figure of the whole range."""
        return eradays.first_document_year(self.last)

    @property
    def calendar(self) -> bool:
        return isinstance(self.last, CalendarYear)

    def __lt__(self, other) -> bool:
        return self.moment < eradays.moment(other)

    def __str__(self) -> str:
        return self.written or long(self, fy2019=NATIONAL)


def is_range(text) -> bool:
    return isinstance(text, str) and bool(_DASH.search(unicodedata.normalize("NFKC", text)))


def parse_range(text: str) -> YearRange:
    """2009~14年 / 2009～2014年 (calendar years), H21~26 / 平成21～26年度 / 2009~2014年度 (fiscal years)."""
    s = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    parts = _DASH.split(s)
    if len(parts) != 2 or not all(parts):
        raise EraError(EXPECTED_RANGE, text)
    left, right = parts
    suffix = _SUFFIX.search(right)
    kind = suffix.group(1) if suffix else ""
    left = _SUFFIX.sub("", left)
    right = _SUFFIX.sub("", right)
    if (m := _WESTERN_FIRST.fullmatch(left)) and right.isdigit() and len(right) <= 4:
        year = int(right)
        if len(right) <= 2:  # 2009~14: the century of the first year
            year += int(m.group(1)) // 100 * 100
        left, right = m.group(1), str(year)
    elif (m := _ERA_FIRST.fullmatch(left)) and (right.isdigit() or right == "元"):
        right = (m.group(1) or m.group(2)) + right  # H21~26: the era of the first year
    try:
        first, last = (_one(p, kind, text) for p in (left, right))
    except EraError:
        raise EraError(EXPECTED_RANGE, text) from None
    if type(first) is not type(last) or not eradays.moment(first) < eradays.moment(last):
        raise EraError(EXPECTED_RANGE, text)
    return YearRange(first, last, text)


def _one(part: str, kind: str, text: str):
    if kind == "年":
        return eradays.parse_calendar_year(part + "年" if part[-1].isdigit() or part[-1] == "元" else part)
    return eradays.parse_when(part + kind) if kind else eradays.parse_when(part)


def _era_parts(when, fy2019: str) -> tuple[str, str, int]:
    """(code, name, era year) of a fiscal or calendar year, 2019 as `fy2019` names it."""
    if isinstance(when, FiscalYear):
        return era_code(when, fy2019=fy2019), era_name(when, fy2019=fy2019), era_year(when, fy2019=fy2019)
    code, name, start = eradays._calendar_era(when.year, fy2019)
    return code, name, when.year - start + 1


def _num(n: int) -> str:
    return "元" if n == 1 else str(n)


def shortened(r: YearRange, *, fy2019: str) -> str:
    """H21~26 (one era), H30~R2 (across eras): the short 和暦."""
    a, b = _era_parts(r.first, fy2019), _era_parts(r.last, fy2019)
    return f"{a[0]}{a[2]}~{b[2]}" if a[0] == b[0] else f"{a[0]}{a[2]}~{b[0]}{b[2]}"


def long(r: YearRange, *, fy2019: str) -> str:
    """平成21~26年 / 平成21~26年度; across eras 平成30~令和2年度."""
    a, b = _era_parts(r.first, fy2019), _era_parts(r.last, fy2019)
    unit = "年" if r.calendar else "年度"
    last = _num(b[2]) if a[0] == b[0] else f"{b[1]}{_num(b[2])}"
    return f"{a[1]}{_num(a[2])}~{last}{unit}"


def western(r: YearRange) -> str:
    """2009~14年 (as the plans print it: the second year's century left out where it is the same)."""
    unit = "年" if r.calendar else "年度"
    last = f"{r.last.year % 100:02d}" if r.first.year // 100 == r.last.year // 100 else str(r.last.year)
    return f"{r.first.year}~{last}{unit}"


def western_era(r: YearRange, *, fy2019: str) -> str:
    """2009~14(H21~26)年."""
    unit = "年" if r.calendar else "年度"
    return f"{western(r)[:-len(unit)]}({shortened(r, fy2019=fy2019)}){unit}"


def note(r: YearRange, style: str, *, fy2019: str) -> str:
    """The range after a figure in the city's notation (strategy `year_notes` / city `year_notation`)."""
    if style == "long":
        return f"({long(r, fy2019=fy2019)})"
    if style == "western":
        return f"({western(r)})"
    if style == "western_era":
        return f"({western_era(r, fy2019=fy2019)})"
    return f" ({shortened(r, fy2019=fy2019)})"

