"""The types a data file's fields are declared with: each scalar's parser from the text as written, and Model.

Every scalar arrives as the text the YAML file holds (see yamlsrc), and the types below decide what
the text means, so no YAML 1.1 coercion happens anywhere. The records built of them are in
model/schema.py (city, departments, strategies, projects, pledges) and model/measures.py (a
strategy's indicators and KPIs).
"""
from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass
from typing import Annotated, Any

from reportgen.rules import era, eradays, yearranges
from reportgen.rules.era import FiscalYear, YearMonth
from reportgen.rules.filenames import check_name
from reportgen.rules.numbering import Numbering
from reportgen.rules.numbering import parse as parse_numbering
from reportgen.rules.numbers import Quantity, parse_int, parse_quantity
from reportgen.rules.problems import Invalid, Msg
from reportgen.rules.typed import Record

# ---------------------------------------------------------------------------- scalar types


def _text_of(value: Any, what: Msg) -> str:
    if not isinstance(value, str):
        raise Invalid(what, value)
    return value


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
EXPECTED_TEXT = Msg(ja="文字列", en="text")


EXCEL_CELL_LIMIT = 32767


def check_text(value: str) -> str:
    """The rule for every text, in data/ and in a returned form: Excel's cell limit, no control
    characters (U+2028/2029 included), line ends as LF."""
    if len(value) > EXCEL_CELL_LIMIT:
        raise Invalid(Msg(ja=f"{EXCEL_CELL_LIMIT:,}文字以内の文字列（Excel のセルの上限）",
                          en=f"text of at most {EXCEL_CELL_LIMIT:,} characters (Excel's cell limit)"),
                      f"{len(value):,} characters")
    bad = _CONTROL.search(value)
    if bad:
        raise Invalid(
            Msg(ja="制御文字を含まない文字列", en="text without control characters"),
            f"{value[:bad.start()][-20:]}\\x{ord(bad.group()):02x}…",
        )
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _parse_str(value: Any) -> str:
    return check_text(_text_of(value, EXPECTED_TEXT))


def parse_text(value: Any) -> str:
    """A string, or a list of strings meaning one line each; stored as lines joined by \\n."""
    if value is None:
        return ""
    if isinstance(value, list):
        lines = []
        for i, line in enumerate(value):
            if not isinstance(line, str):
                raise Invalid(Msg(ja=f"文字列の並び（{i + 1}行目）", en=f"a list of text lines (line {i + 1})"), line)
            lines.append(check_text(line))
        return "\n".join(lines)
    text = check_text(_text_of(value, Msg(ja="文字列または文字列の並び", en="text or a list of lines")))
    return text.rstrip("\n") if text.endswith("\n") else text


def _parse_fy(value: Any) -> FiscalYear:
    if isinstance(value, FiscalYear):
        return value
    return era.parse_fy(_text_of(value, era.EXPECTED_FY))


def _parse_when(value: Any):
    if isinstance(value, (FiscalYear, eradays.CalendarYear, eradays.Day)):
        return value
    return eradays.parse_when(_text_of(value, era.EXPECTED_FY))


def _parse_as_of(value: Any):
    if isinstance(value, yearranges.YearRange):
        return value
    if yearranges.is_range(value):
        return yearranges.parse_range(value)
    return _parse_when(value)


def _parse_month(value: Any) -> YearMonth:
    if isinstance(value, YearMonth):
        return value
    return era.parse_year_month(_text_of(value, era.EXPECTED_MONTH))


def _parse_count(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return parse_int(_text_of(value, Msg(ja="整数", en="a whole number")), 1, 9999)


def parse_status(value: Any) -> str:
    text = _text_of(value, STATUS_EXPECTED)
    norm = unicodedata.normalize("NFKC", text).strip().upper()
    if norm not in STATUSES:
        raise Invalid(STATUS_EXPECTED, value)
    return norm


def _parse_quantity(value: Any) -> Quantity:
    if isinstance(value, Quantity):
        return value
    return parse_quantity(_text_of(value, Msg(ja="数値", en="a number")))


STATUSES = ("A", "B", "C", "D")
STATUS_EXPECTED = Msg(ja="A, B, C, D のいずれか", en="one of A, B, C, D")

Str = Annotated[str, _parse_str]
# A name that becomes part of a file name (a department's, the head's, a strategy's id): rules/filenames.py
FileName = Annotated[str, lambda v: check_name(_parse_str(v))]
Text = Annotated[str, parse_text]
EXPECTED_STATEMENT = Msg(
    ja="数値目標の文（例: \"5年間で{target}の雇用の創出 ({baseline_year} {baseline})\"）: 1行で、目標値の入る {target} を含み、"
       "使える差し込みは {target}, {baseline}, {baseline_year} だけ（数字は target と baseline に書きます）",
    en="a 数値目標 sentence such as \"5年間で{target}の雇用の創出 ({baseline_year} {baseline})\": one line, holding {target}, "
       "with no other places than {target}, {baseline} and {baseline_year} (the figures are the target and baseline)")
STATEMENT_FIELDS = ("target", "baseline", "baseline_year")


def _parse_statement(value: Any) -> str:
    """The sentence a city states a 数値目標 in, its figures left as places the measure fills."""
    text = check_text(_text_of(value, EXPECTED_STATEMENT))
    try:
        places = [(name, spec, conv) for _lit, name, spec, conv in string.Formatter().parse(text) if name is not None]
    except ValueError:  # a lone { or }
        raise Invalid(EXPECTED_STATEMENT, value) from None
    names = [name for name, _spec, _conv in places]
    if "\n" in text or "target" not in names or any(name not in STATEMENT_FIELDS or spec or conv for name, spec, conv in places):
        raise Invalid(EXPECTED_STATEMENT, value)
    return text


Statement = Annotated[str, _parse_statement]
FY = Annotated[FiscalYear, _parse_fy]
# a fiscal year (H27, 平成27年度), a calendar year (平成27年) or a day (2003-09-30): the kind as written;
# which kinds a measure's values may have is its `period` (checked by the loader, valuekinds.KEY_KINDS)
When = Annotated[Any, _parse_when]
# a figure's as_of may also be a range of years it was measured over (2009~14年, H21~26: rules/yearranges)
AsOf = Annotated[Any, _parse_as_of]
Month = Annotated[YearMonth, _parse_month]
Count = Annotated[int, _parse_count]
Status = Annotated[str, parse_status]
QuantityT = Annotated[Quantity, _parse_quantity]


def distinct_years(value: Any) -> Any:
    """Keys of a per-year mapping must name different years (R1 and H31 are both FY2019)."""
    if isinstance(value, dict):
        seen: dict[Any, str] = {}
        for key in value:
            try:
                fy = eradays.parse_when(key)
            except Invalid:
                continue  # reported by the key validator with its own location
            if fy in seen:
                raise Invalid(
                    Msg(ja=f"別々の年度（{seen[fy]} と {key} は同じ年度）",
                        en=f"distinct years ({seen[fy]} and {key} are the same fiscal year)"),
                    key,
                )
            seen[fy] = key
    return value


class Model(Record):
    """Base of every data class: frozen, unknown keys refused."""


# ---------------------------------------------------------------------------- a target

RELATIONS = ("基準値", "基準値以上", "現状値以上", "現状維持")
BOUNDS = ("以内", "以上", "以下", "未満")


@dataclass(frozen=True)
class Target:
    """A target: a number (optionally with a bound 以内/以上), a relation to the baseline, or a state."""

    value: Quantity | None = None
    bound: str | None = None
    relation: str | None = None
    state: str | None = None
    year: Any = None  # the target's own year, when the table prints it: 5.9‰(平成31年)
    remark: str | None = None  # a note printed in brackets after it: 610人(期間平均)


TARGET_EXPECTED = Msg(
    ja="目標値（例: 270件, 2.0%以内, 基準値, 基準値以上, 現状値以上, 現状維持, {state: 調整中}, {value: 5.9‰, year: 平成31年}, "
       "{value: 610人, remark: 期間平均}）",
    en="a target such as 270件, 2.0%以内, 基準値, 基準値以上, 現状値以上, 現状維持, {state: 調整中}, {value: 5.9‰, year: 平成31年} "
       "or {value: 610人, remark: 期間平均}",
)


def parse_target(value: Any) -> Target:
    if isinstance(value, Target):
        return value
    if isinstance(value, dict):
        # {value: 5.9‰, year: 平成31年}, {value: 10件, bound: 以下, year: R8}, {state: 調整中}
        keys = set(value)
        if not keys or not keys <= {"state", "value", "bound", "year", "remark"} or ("state" in keys) == ("value" in keys) \
                or ("bound" in keys and "value" not in keys) or not all(isinstance(v, str) for v in value.values()):
            raise Invalid(TARGET_EXPECTED, value)
        year = _parse_when(value["year"]) if "year" in value else None
        remark = check_text(value["remark"]) if "remark" in value else None
        if "state" in keys:
            return Target(state=check_text(value["state"]), year=year, remark=remark)
        bound = value.get("bound")
        if bound is not None and bound not in BOUNDS:
            raise Invalid(Msg(ja=f"{', '.join(BOUNDS)} のいずれか", en=f"one of {', '.join(BOUNDS)}"), bound)
        target = parse_target(value["value"])
        if target.value is None or (bound and target.bound):
            raise Invalid(TARGET_EXPECTED, value["value"])
        return Target(value=target.value, bound=bound or target.bound, year=year, remark=remark)
    text = _text_of(value, TARGET_EXPECTED).strip()
    if text in RELATIONS:
        return Target(relation=text)
    bound = next((b for b in BOUNDS if text.endswith(b)), None)
    core = text[: -len(bound)] if bound else text
    try:
        return Target(value=parse_quantity(core), bound=bound)
    except Invalid as exc:
        if re.search(r"[億万][0-9]", core):  # an amount (4億3,0000万円): say what an amount looks like
            raise
        raise Invalid(TARGET_EXPECTED, value) from None


TargetT = Annotated[Target, parse_target]


# ---------------------------------------------------------------------------- numbering, a project's first year, a pledge's progress

NumberingT = Annotated[Numbering, parse_numbering]


@dataclass(frozen=True)
class FirstYear:
    """The FY a project started: exact (`H29`) or only known as on-or-before (`H28以前`)."""

    year: FiscalYear
    or_before: bool = False

    def __str__(self) -> str:  # the neutral form messages and data files use (FY2019 by the national rule)
        return self.text(fy2019=era.NATIONAL)

    def text(self, *, fy2019: str) -> str:
        """H27, H27以前: as a document naming FY2019 `fy2019` prints it."""
        return era.short(self.year, fy2019=fy2019) + ("以前" if self.or_before else "")


def parse_first_year(value: Any) -> FirstYear:
    if isinstance(value, FirstYear):
        return value
    expected = Msg(ja="開始年度（例: H29, H28以前）", en="a first year such as H29 or H28以前")
    t = _text_of(value, expected).strip()
    try:
        if t.endswith("以前"):
            return FirstYear(year=era.parse_fy(t[:-2]), or_before=True)
        return FirstYear(year=era.parse_fy(t))
    except Invalid:
        raise Invalid(expected, value) from None


FirstYearT = Annotated[FirstYear, parse_first_year]


def parse_progress_line(value: Any) -> str:
    """One line of a pledge item's 取組状況, in data/ and in a returned form: text on one line, not blank
    (a form's cell holds the lines one per line, so a line break inside a line could not come back)."""
    text = _parse_str(value)
    if "\n" in text or not text.strip():
        raise Invalid(Msg(ja="1行の文字列（改行や空行は、行を分けて書いてください）",
                          en="one line of text (write each line as its own list entry)"), value)
    return text


ProgressLine = Annotated[str, parse_progress_line]
