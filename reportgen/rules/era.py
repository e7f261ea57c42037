"""Japanese fiscal years and dates: parse any common spelling, format in era style (pure)."""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from reportgen.rules.problems import Invalid, Msg

# Era starts as fiscal years: FY1989 is 平成元年度 (Heisei began in January 1989, inside FY1988,
# but fiscal years are named by the era in force on 1 April), FY2019 is 令和元年度.
# Heisei names are read up to H32: documents written before May 2019 name FY2019 "平成31年度"
# (the 1st strategy's target year is H31 = R1 = FY2019), and plans printed before 2019 name
# FY2020 "平成32年度". Output names each year one way only: every formatter takes `fy2019`, how the
# document being written names FY2019 (`fy2019_name_for`); nothing here remembers a choice.
_ERAS = (
    # code, name, first western year, last era year read on input
    ("R", "令和", 2019, 99),
    ("H", "平成", 1989, 32),
    ("S", "昭和", 1926, 63),
)
_BY_CODE = {code: (code, name, start, last) for code, name, start, last in _ERAS}
_BY_NAME = {name: (code, name, start, last) for code, name, start, last in _ERAS}

# How FY2019 is named in files and headings, whatever the spelling it was read from: 令和元年度
# (the national rule after the change of era) unless city.yaml's `fy2019` says 平成31年度. Every
# formatter takes the name as `fy2019=` (keyword-only, no default): the year being built carries it
# (templating.year.YearSettings), so a document cannot be formatted without saying which.
FY2019_NAMES = {"令和元年度": "R", "平成31年度": "H"}
# The national rule: how messages and data files (no city's document) name FY2019, and `str(fy)`.
NATIONAL = "令和元年度"


def fy2019_name_for(document: "FiscalYear", choice: str) -> str:
    """How the documents of fiscal year `document` name FY2019: 平成31年度 in those of FY2018 and
    before, written before 令和 existed (announced 2019-04-01, in force from 2019-05-01), as the
    published documents print it (目標値（H31）); in later ones the city's `choice`."""
    return "平成31年度" if document.year < 2019 else choice


# Calendar months where the era changed: 令和 from 2019-05, 平成 from 1989-01 (months, not days,
# because the documents write dates as 令和5年9月末).
_MONTH_ERAS = ((2019, 5, "R"), (1989, 1, "H"), (1926, 12, "S"))

MIN_YEAR, MAX_YEAR = 1926, 2117


class EraError(Invalid):
    """A year or date that does not name a real fiscal year."""


EXPECTED_FY = Msg(
    ja="年度（例: R6, R06, 令和6年度, 令和元年度, H29, 平成29年度, 2024, FY2024）",
    en="a fiscal year such as R6, R06, 令和6年度, 令和元年度, H29, 平成29年度, 2024 or FY2024",
)
EXPECTED_MONTH = Msg(ja="年月（例: 2023-09, 令和5年9月）", en="a month such as 2023-09 or 令和5年9月")


@dataclass(frozen=True, order=True)
class FiscalYear:
    """A Japanese fiscal year (April–March), named by the western year it starts in.

    `era` remembers how the input wrote it (H31, R1); it takes no part in equality (H31 == R1)
    nor in formatting: every formatter is told how to name FY2019 (`fy2019=`). `str(fy)` is the
    neutral form messages use: FY2019 by the national rule (R1).
    """

    year: int
    era: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise EraError(Msg(ja=f"{MIN_YEAR}～{MAX_YEAR}年度", en=f"a year from {MIN_YEAR} to {MAX_YEAR}"), self.year)

    def __str__(self) -> str:
        return short(self, fy2019=NATIONAL)

    def __add__(self, n: int) -> "FiscalYear":
        return FiscalYear(self.year + n)

    def __sub__(self, n: int) -> "FiscalYear":
        return FiscalYear(self.year - n)



def era_code(fy: FiscalYear, *, fy2019: str) -> str:
    """R, H or S: the era `fy` is named in, FY2019 as `fy2019` (令和元年度 or 平成31年度) says."""
    if fy.year == 2019:
        return FY2019_NAMES[fy2019]
    for code, _name, start, _last in _ERAS:
        if fy.year >= start:
            return code
    raise EraError(EXPECTED_FY, fy.year)


def era_year(fy: FiscalYear, *, fy2019: str) -> int:
    """6 for 令和6年度: the year within its era."""
    return fy.year - _BY_CODE[era_code(fy, fy2019=fy2019)][2] + 1


def era_name(fy: FiscalYear, *, fy2019: str) -> str:
    """令和, 平成 or 昭和."""
    return _BY_CODE[era_code(fy, fy2019=fy2019)][1]


_WESTERN = re.compile(r"(?:FY)?(\d{4})(?:年度)?", re.I)
_CODE = re.compile(r"([RHS])(\d{1,3}|元)(?:年度)?", re.I)
_NAMED = re.compile(r"(令和|平成|昭和)(\d{1,3}|元)(?:年度)?")
# `平成25年` (年 without 度) is a calendar year: refused as a fiscal year, read by parse_calendar_year
_NAMED_YEAR = re.compile(r"(?:(令和|平成|昭和)|([RHS]))(\d{1,3}|元)年", re.I)
EXPECTED_FY_NOT_CY = Msg(
    ja="年度（例: H25, 平成25年度）。「年」で終わる書き方は暦年です: 年度なら 平成25年度 と書き、"
       "暦年の統計なら指標に period: calendar_year を書いてください",
    en="a fiscal year such as H25 or 平成25年度 (a year ending in 年 is a calendar year: write 平成25年度 "
       "for the fiscal year, or give the measure period: calendar_year)",
)


def parse_fy(text: str) -> FiscalYear:
    """Parse a fiscal year from any spelling the documents use; raise EraError otherwise."""
    if not isinstance(text, str):
        raise EraError(EXPECTED_FY, text)
    return _parse_fy(text)


@functools.lru_cache(maxsize=4096)
def _parse_fy(text: str) -> FiscalYear:
    # memoized (a pure function of the text, its value frozen): a build parses the same few dozen year
    # keys hundreds of thousands of times; an error is raised again each time, not cached
    s = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    m = _WESTERN.fullmatch(s)
    if m:
        year = int(m.group(1))
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise EraError(Msg(ja=f"{MIN_YEAR}～{MAX_YEAR}の西暦年", en=f"a year between {MIN_YEAR} and {MAX_YEAR}"), text)
        return FiscalYear(year)
    m = _CODE.fullmatch(s)
    if m:
        code, num = m.group(1).upper(), m.group(2)
    else:
        m = _NAMED.fullmatch(s)
        if not m:
            if _NAMED_YEAR.fullmatch(s) or re.fullmatch(r"\d{4}年", s):
                raise EraError(EXPECTED_FY_NOT_CY, text)
            raise EraError(EXPECTED_FY, text)
        code, num = _BY_NAME[m.group(1)][0], m.group(2)
    n = 1 if num == "元" else int(num)
    _code, name, start, last = _BY_CODE[code]
    if not 1 <= n <= last:
        raise EraError(Msg(ja=f"{name}（{code}）の1～{last}年", en=f"a {name} ({code}) year from 1 to {last}"), text)
    return FiscalYear(start + n - 1, code)


def long(fy: FiscalYear, *, fy2019: str) -> str:
    """令和6年度, 平成29年度, 令和元年度."""
    return f"{era_name(fy, fy2019=fy2019)}{_num(era_year(fy, fy2019=fy2019))}年度"


def short(fy: FiscalYear, pad: int = 0, *, fy2019: str) -> str:
    """R6, H29; with pad=2: R06 (the form of as-of notes such as `(R03)`)."""
    return f"{era_code(fy, fy2019=fy2019)}{era_year(fy, fy2019=fy2019):0{pad}d}"


def era_year_only(fy: FiscalYear, *, fy2019: str) -> str:
    """29年度 (the year within its era, as the lead sentence writes it)."""
    return f"{_num(era_year(fy, fy2019=fy2019))}年度"


def year_end(fy: FiscalYear, *, fy2019: str) -> str:
    """R6末: the end of the fiscal year."""
    return f"{short(fy, fy2019=fy2019)}末"


def year_end_current(fy: FiscalYear, *, fy2019: str) -> str:
    """H28末現在."""
    return f"{short(fy, fy2019=fy2019)}末現在"


def western(fy: FiscalYear) -> str:
    """2015年度 (a fiscal year in Western numbering)."""
    return f"{fy.year}年度"


def western_era(fy: FiscalYear, *, fy2019: str) -> str:
    """2019(R1)年度: the Western year with the short 和暦 in brackets."""
    return f"{fy.year}({short(fy, fy2019=fy2019)})年度"


def end_month(fy: FiscalYear, *, fy2019: str) -> str:
    """平成28年3月: the month a fiscal year ends, in the era the year is named in (a plan printed
    before 2019 that names FY2019 平成31年度 ends it 平成32年3月, as such plans print it)."""
    return f"{era_name(fy, fy2019=fy2019)}{era_year(fy, fy2019=fy2019) + 1}年3月"


def notations(fy: FiscalYear, *, fy2019: str, named: "Notation | None" = None) -> dict[str, str]:
    """A fiscal year in every notation a labels file may print (`{{ year.long }}`, `{{ year.western }}`):
    a key chooses its notation by the attribute it writes; the `named…` ones follow the city's
    `year_notation` (`named` 令和7年度 / 2025年度, `named_short` R7 / 2025年度, `named_end` R6末 /
    2024年度末, `named_brief` 7年度 / 2025年度, the lead sentence's)."""
    n = {"fy2019": fy2019}
    named = named or Notation("short", fy2019)
    brief = era_year_only(fy, **n) if named.style in ("short", "long") else named.long(fy)
    return {"short": short(fy, **n), "long": long(fy, **n), "era": long(fy, **n)[:-2], "era_year": era_year_only(fy, **n),
            "end": year_end(fy, **n), "western": str(fy.year), "western_fy": western(fy),
            "western_era": f"{fy.year}({short(fy, **n)})", "end_month": end_month(fy, **n),
            "named": named.long(fy), "named_short": named.short(fy), "named_end": named.end(fy), "named_brief": brief}


NOTATIONS = ("short", "long", "western", "western_era")


@dataclass(frozen=True)
class Notation:
    """How a city's documents name a fiscal year (city.yaml `year_notation`), one setting for file
    names, titles and headers alike, FY2019 as `fy2019` names it. `long` names a year in titles and
    file names (令和7年度), `short` in a header (目標値（R8）), `end` its end (R6末), `month` a month's end."""

    style: str
    fy2019: str

    def long(self, fy: FiscalYear) -> str:
        if self.style == "western":
            return western(fy)
        if self.style == "western_era":
            return f"{fy.year}({long(fy, fy2019=self.fy2019)[:-2]})年度"
        return long(fy, fy2019=self.fy2019)

    def short(self, fy: FiscalYear) -> str:
        if self.style == "short":
            return short(fy, fy2019=self.fy2019)
        if self.style == "western_era":
            return f"{fy.year}({short(fy, fy2019=self.fy2019)})"
        return self.long(fy)

    def end(self, fy: FiscalYear) -> str:
        if self.style == "western_era":
            return f"{fy.year}({short(fy, fy2019=self.fy2019)})年度末"
        return f"{self.short(fy)}末"

    def span(self, first: FiscalYear, last: FiscalYear) -> str:
        """令和4～6年度 / 2022～2024年度."""
        if self.style in ("short", "long"):
            return span_long(first, last, fy2019=self.fy2019)
        return self.long(first) if first == last else f"{self.long(first)[:-2]}～{self.long(last)}"

    def years(self, years: list[FiscalYear]) -> str:
        """平成28、29年度 / 2016、2017年度: each year of a round."""
        if self.style in ("short", "long") or not years:
            return list_long(years, fy2019=self.fy2019)
        return "、".join(self.long(y)[:-2] for y in years) + "年度"

    def month(self, ym: "YearMonth") -> str:
        """令和5年9月末 / 2023年9月末."""
        if self.style in ("short", "long"):
            return month_end(ym)
        return f"{ym.year}年{ym.month}月末"


def as_of_note(fy: FiscalYear, *, fy2019: str) -> str:
    """(R03): the year a figure was measured, as the trend sheet writes it."""
    return f"({short(fy, pad=2, fy2019=fy2019)})"


def span_long(first: FiscalYear, last: FiscalYear, *, fy2019: str) -> str:
    """令和4～6年度; across eras 平成30年度～令和2年度."""
    n = {"fy2019": fy2019}
    if first == last:
        return long(first, **n)
    if era_code(first, **n) == era_code(last, **n):
        return f"{era_name(first, **n)}{_num(era_year(first, **n))}～{_num(era_year(last, **n))}年度"
    return f"{long(first, **n)}～{long(last, **n)}"


def list_long(years: list[FiscalYear], *, fy2019: str) -> str:
    """平成28、29年度: each year of a round, within one era where possible."""
    if not years:
        return ""
    parts: list[str] = []
    era = None
    for fy in years:
        code = era_code(fy, fy2019=fy2019)
        parts.append(f"{era_name(fy, fy2019=fy2019)}{_num(era_year(fy, fy2019=fy2019))}" if code != era else
                     _num(era_year(fy, fy2019=fy2019)))
        era = code
    return "、".join(parts) + "年度"


def years_between(first: FiscalYear, last: FiscalYear) -> list[FiscalYear]:
    """Every fiscal year from first to last inclusive."""
    return [FiscalYear(y) for y in range(first.year, last.year + 1)]


@dataclass(frozen=True, order=True)
class YearMonth:
    """A calendar month (the as-of date of a list, always the end of that month)."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not MIN_YEAR <= self.year <= MAX_YEAR:
            raise EraError(EXPECTED_MONTH, f"{self.year}-{self.month:02d}")

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def fiscal_year(self) -> FiscalYear:
        return FiscalYear(self.year if self.month >= 4 else self.year - 1)


_YM = re.compile(r"(\d{4})-(\d{1,2})")
_YM_JA = re.compile(r"(令和|平成|昭和)(\d{1,2}|元)年(\d{1,2})月(?:末)?")


def parse_year_month(text: str) -> YearMonth:
    """2023-09 or 令和5年9月(末)."""
    s = unicodedata.normalize("NFKC", str(text)).strip()
    m = _YM.fullmatch(s)
    if m:
        return YearMonth(int(m.group(1)), int(m.group(2)))
    m = _YM_JA.fullmatch(s)
    if m:
        _code, _name, start, last = _BY_NAME[m.group(1)]
        n = 1 if m.group(2) == "元" else int(m.group(2))
        if 1 <= n <= last:
            return YearMonth(start + n - 1, int(m.group(3)))
    raise EraError(EXPECTED_MONTH, text)


def month_end(ym: YearMonth) -> str:
    """令和5年9月末."""
    for y, mo, code in _MONTH_ERAS:
        if (ym.year, ym.month) >= (y, mo):
            _c, name, start, _last = _BY_CODE[code]
            return f"{name}{_num(ym.year - start + 1)}年{ym.month}月末"
    raise EraError(EXPECTED_MONTH, str(ym))


def _num(n: int) -> str:
    return "元" if n == 1 else str(n)

