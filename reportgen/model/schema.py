"""The typed data model: everything the four documents hold, validated at load.

Each class is a frozen record of reportgen's own validator (rules/typed.py), not a pydantic model:
- a process's cold start: the command line loads data/ before its first document, and importing
  pydantic (with the standard library it pulls in) and building its 41 model classes took about
  0.19 s of a one-document process that plain docxtpl runs in 0.25 s; these classes cost a few
  milliseconds, their plans made on first use;
- one record shape: the validator knows exactly the types below (a parser per field, `T | None`,
  lists, mappings, literals, nested records) and nothing else, so its problems come in the one
  shape the loader turns into file:line:col messages;
- every error at once: it checks a whole file in one pass, every problem with its field path (a
  mapping's bad key at its key), unknown keys refused, as pydantic did, message for message.
Every scalar arrives as the text the YAML file holds (see yamlsrc), and the types below decide what
the text means, so no YAML 1.1 coercion happens anywhere.
"""
from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Annotated, Any, Literal


from reportgen.rules import era, eradays, yearranges
from reportgen.rules.era import FiscalYear, YearMonth
from reportgen.rules.filenames import check_name
from reportgen.rules.numbering import Numbering
from reportgen.rules.numbering import parse as parse_numbering
from reportgen.rules.numbers import Quantity, format_quantity, in_unit, parse_int, parse_quantity
from reportgen.rules.problems import Invalid, Msg
from reportgen.rules.ratings import DEFAULT_AXIS, DEFAULT_TEXT, RateDeclaration, RateOverride, RatingAxis, RatingText, Shares
from reportgen.rules.typed import Field, Record, after

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


def _parse_flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value == "true":
        return True
    if value == "false":
        return False
    raise Invalid(Msg(ja="true または false", en="true or false"), value)


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
Flag = Annotated[bool, _parse_flag]
Count = Annotated[int, _parse_count]
Status = Annotated[str, parse_status]
QuantityT = Annotated[Quantity, _parse_quantity]


def _distinct_years(value: Any) -> Any:
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


# ---------------------------------------------------------------------------- common pieces


class City(Model):
    """city.yaml."""

    name: Str = Field(description="The city's name as printed in titles, e.g. 入間市.")
    prefecture: Str | None = Field(None, description="The prefecture, e.g. 埼玉県.")
    form_password: Str | None = Field(
        None, description="Password of the department forms' sheet protection (none by default). "
                          "It only stops accidental edits: Excel's sheet protection is not a secret.")
    planning_office: FileName = Field(
        "企画課", description="The planning office (企画課) that runs the cycle: it answers the pledge progress "
                           "form for the pledge items that name no department.")
    fy2019: Literal["令和元年度", "平成31年度"] = Field(
        "令和元年度", description="How FY2019 is named in file names and headings, whatever spelling the data "
                             "or --year used: 令和元年度 (the default, the national rule after the change of era) "
                             "or 平成31年度.")
    head: FileName = Field("市長", description="The head of the municipality as the documents name it: 市長, 町長, 村長, 区長.")
    year_notation: Literal["short", "long", "western", "western_era"] = Field(
        "short", description="How every document names a fiscal year in its file name, title and headers: short "
                             "(令和7年度 in file names and titles, R7 and R6末 in headers: the default), long (令和7年度, "
                             "令和6年度末 everywhere), western (2025年度, 2024年度末) or western_era (2025(令和7)年度, 2025(R7)).")
    pledge_title: Str | None = Field(
        None, description="The pledge document's title (default: the head's pledge list, e.g. 町長公約（政策宣言）進捗状況一覧表).")


class Department(Model):
    # a department's name is part of its forms' file names (KPI実績値等入力表_令和6年度_商工観光課.xlsx)
    name: FileName = Field(description="The department (担当課) or sub-unit, exactly as printed.")
    parent: FileName | None = Field(None, description="The department whose forms include this sub-unit's work.")

    @property
    def form_department(self) -> str:
        return self.parent or self.name


class Departments(Model):
    """departments.yaml."""

    departments: list[Department]


# ---------------------------------------------------------------------------- figures

RELATIONS = ("基準値", "基準値以上", "現状値以上", "現状維持")
BOUNDS = ("以内", "以上", "以下", "未満")


class Reference(Model):
    source: Str = Field(description="The survey the reference figure comes from, e.g. 市政意向調査.")
    value: QuantityT = Field(description="The reference figure.")


class Figure(Model):
    """A value as printed: a number, or a state, with its annotations."""

    value: QuantityT | None = None
    bound: Literal["以内", "以上", "以下", "未満"] | None = Field(
        None, description="A bounded figure as printed (75%以上): the number counts as it is, the bound is printed after it.")
    state: Str | None = None
    none: Str | None = Field(None, description="No baseline (a new measure): the text its cell prints, e.g. 新規 or ―.")
    as_of: AsOf | None = None
    published: FY | None = Field(None, description="The first fiscal year whose documents show this value, where "
                                                  "it is not the usual one (a calendar year's: the year after it).")
    reference: Reference | None = None
    remark: Str | None = None
    footnote: Text | None = None
    means_zero: Flag = False

    @classmethod
    def _coerce(cls, value: Any) -> Any:
        # `75%以上` (an actual bounded as the source prints it): the number and its bound
        text = value.get("value") if isinstance(value, dict) and "bound" not in value else value
        bound = next((b for b in BOUNDS if isinstance(text, str) and text.strip().endswith(b)), None)
        if bound is not None:
            core = text.strip()[: -len(bound)]
            try:
                parse_quantity(core)
            except Invalid:
                bound = None
        if isinstance(value, str):
            return {"value": core, "bound": bound} if bound else {"value": value}
        return {**value, "value": core, "bound": bound} if bound else value

    @after
    def _one_of_value_and_state(self) -> "Figure":
        given = [k for k in ("value", "state", "none") if getattr(self, k) is not None]
        if len(given) != 1:
            raise Invalid(Msg(ja="value, state, none のどれか1つ", en="exactly one of value, state and none"),
                          " と ".join(given) if given else "neither")
        if self.bound is not None and self.value is None:
            raise Invalid(Msg(ja="bound は value と共に", en="bound only with a value"), self.bound)
        return self

    @property
    def number(self) -> Quantity | None:
        """The number differences count from (a state that means zero counts as 0)."""
        if self.value is not None:
            return self.value
        if self.means_zero:
            return Quantity(Decimal(0))
        return None


FigureT = Annotated[Figure, Figure._coerce]


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


def _parse_target(value: Any) -> Target:
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
        target = _parse_target(value["value"])
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


TargetT = Annotated[Target, _parse_target]


class Rating(Model, extra=Text):
    """One review's ratings of a measure: a symbol per rating axis the strategy declares (Iruma's
    `rating: 4`; Etajima's `improvement: ○, achievement: A`) and its texts (`reason`, `review`), as
    written; the loader checks each key and symbol against the declaration (reportgen/ratings.py).
    Every key is kept (each a Text): which keys fit depends on the strategy, not on this class."""

    def get(self, key: str, default: str = "") -> str:
        return (self.model_extra or {}).get(key, default)

    @property
    def values(self) -> dict[str, str]:
        return dict(self.model_extra or {})

    @property
    def rating(self) -> str:
        """The symbol of Iruma's axis (id `rating`)."""
        return self.get("rating")

    @property
    def reason(self) -> str:
        return self.get("reason")


class SubItem(Model):
    """One survey item of a composite KPI (4-①'s ①…⑩)."""

    name: Str
    departments: list[Str] = []
    ratings: dict[FY, Rating] = {}


YearFigures = Annotated[dict[When, FigureT], _distinct_years]


class ReferenceValue(Model):
    """A value of a year with no column of its own (参考: before the period, or between columns)."""

    year: When
    value: FigureT
    text: Str | None = Field(None, description="The note as printed when it differs from the default "
                                                "(H26 5.3‰), e.g. 平成25 4,016.")


class Cumulative(Model):
    """A quantity counted over several years (延べ, 累計, 5年間で100人)."""

    kind: Literal["running_total", "yearly_sum"] = Field(
        description="running_total: every value is the total so far (累計, 延べ); yearly_sum: the values are "
                    "yearly and the target is their sum over the period (5年間で100人).")
    baseline: Literal["total", "yearly"] = Field(
        "total", description="running_total: whether the baseline is itself a total (延べ 2: the difference "
                             "counts from it) or one year's figure (the difference is not computed).")
YearRatings = Annotated[dict[FY, Rating], _distinct_years]


class MeasurePatch(Model):
    """The fields a revision may change."""

    name: Str | None = None
    unit: Str | None = None
    prefix: Str | None = None
    direction: Literal["up", "down", "keep"] | None = None
    footnote: Text | None = None
    baseline: FigureT | None = None
    target: TargetT | None = None
    departments: list[Str] | None = None
    policies: list[Str] | None = None


class Revision(Model):
    """A change made after the strategy was published, in force from `since` on."""

    since: FY
    source: Str = Field(description="The document that made the change.")
    set: MeasurePatch


class Measure(Model):
    """What goal indicators (指標) and KPIs have in common."""

    name: Str
    unit: Str = ""
    prefix: Str = ""
    direction: Literal["up", "down", "keep"] = Field(
        description="up: higher is better; down: lower is better; keep: no change is best.")
    footnote: Text | None = None
    period: Literal["fiscal_year", "calendar_year", "point_in_time"] = Field(
        "fiscal_year", description="What a value is: the end of a fiscal year (H27末), a calendar year's "
                                   "statistic (平成27年), or a day (4月1日現在).")
    cumulative: Cumulative | None = None
    baseline: FigureT
    target: TargetT
    departments: list[Str] = []
    actuals: YearFigures = {}
    yearly_targets: YearFigures = Field({}, description="The target of each year, where the table prints a 目標値 "
                                                         "row under the year columns (cumulative ones as running totals).")
    forecasts: YearFigures = {}
    references: list[ReferenceValue] = []
    definition: Text | None = Field(None, description="How the value is defined, printed as a 参考 note.")
    statement: Statement | None = Field(
        None, description="The 数値目標 as one sentence, as the city prints it: 5年間で{target}の雇用の創出 "
                          "({baseline_year} {baseline}); the figures stay the measure's target and baseline.")
    table_unit: Flag = Field(True, description="false: the value tables print this measure's figures without the unit.")
    ratings: YearRatings = {}
    sub_items: list[SubItem] = []
    since: FY | None = None
    ended: FY | None = Field(None, description="廃止: the first FY whose documents no longer print it.")
    revisions: list[Revision] = []
    achievement_rate: RateOverride | None = Field(None, description="This measure's own 達成率, or `none: true`.")
    target_unit: Str | None = Field(None, description="The target's unit where the plan sets it in another unit than "
                                                     "its baseline (1.4人/年 → 4組/年); the measure's unit otherwise.")
    checked: list[Literal["target_side", "tenfold", "actual_unit", "target_unit"]] = Field(
        [], description="Plausibility warnings a person has looked at and found right (a target below the "
                        "baseline of a measure planned to fall): no longer printed for this measure.")

    @after
    def _amounts(self) -> "Measure":
        """Figures written in 万 or 億 of the measure's unit (4億円 where the unit is 円) are amounts in that
        unit (rules.numbers.in_unit): one number to compare and compute with, printed as written."""
        def fig(f: Figure | None, unit: str = self.unit) -> Figure | None:
            if f is None or (f.value is None and f.reference is None):
                return f
            changes: dict[str, Any] = {}
            if f.value is not None and in_unit(f.value, unit) is not f.value:
                changes["value"] = in_unit(f.value, unit)
            if f.reference is not None and in_unit(f.reference.value, unit) is not f.reference.value:
                changes["reference"] = f.reference.model_copy(update={"value": in_unit(f.reference.value, unit)})
            return f.model_copy(update=changes) if changes else f

        changes: dict[str, Any] = {"baseline": fig(self.baseline)}
        for name in ("actuals", "yearly_targets", "forecasts"):
            changes[name] = {w: fig(f) for w, f in getattr(self, name).items()}
        changes["references"] = [r.model_copy(update={"value": fig(r.value)}) for r in self.references]
        if self.target.value is not None:
            changes["target"] = replace(self.target, value=in_unit(self.target.value, self.target_unit or self.unit))
        # a revision's figures in the unit in force from its year (its own `unit`, else the last one set)
        unit, revised = self.unit, {}
        for rev in sorted(self.revisions, key=lambda r: r.since):
            unit = rev.set.unit or unit
            patch: dict[str, Any] = {}
            if rev.set.baseline is not None:
                patch["baseline"] = fig(rev.set.baseline, unit)
            if rev.set.target is not None and rev.set.target.value is not None:
                patch["target"] = replace(rev.set.target, value=in_unit(rev.set.target.value, unit))
            if patch:
                revised[id(rev)] = rev.model_copy(update={"set": rev.set.model_copy(update=patch)})
        changes["revisions"] = [revised.get(id(rev), rev) for rev in self.revisions]
        # the model is frozen: its validated fields are set once, here, before anyone reads them
        self.__dict__.update(changes)
        return self

    def exists_in(self, fy: FiscalYear) -> bool:
        return (self.since is None or fy >= self.since) and (self.ended is None or fy < self.ended)

    def as_of(self, fy: FiscalYear):
        """This measure as documents of FY `fy` print it: revisions up to `fy` applied."""
        changes: dict[str, Any] = {}
        for rev in sorted(self.revisions, key=lambda r: r.since):
            if rev.since <= fy:
                changes.update({k: v for k, v in rev.set if v is not None})
        return self.model_copy(update=changes) if changes else self


def quantity_problems(q: Quantity, meas) -> list[tuple[Msg, str]]:
    """The rule for a number of a measure (baseline, target, actual; in data/ or typed in a form):
    its unit, and its prefix if it has one; (what was expected, what was found) for each problem.
    `meas` may be a list of definitions (revisions): any will do."""
    if isinstance(meas, list):
        if any(q.unit == d.unit and (not q.prefix or q.prefix == d.prefix) for d in meas):
            return []
        meas = meas[-1]
    out = []
    if q.unit != meas.unit:
        out.append((Msg(ja=f"単位 {meas.unit or '（なし）'} の数値（例: 1,234{meas.unit}）",
                        en=f"a number in {meas.unit or 'no unit'} such as 1,234{meas.unit}"), format_quantity(q)))  # 3,400 as written, not 3400
    if q.prefix and q.prefix != meas.prefix:
        out.append((Msg(ja=f"接頭語 {meas.prefix or '（なし）'}", en=f"the prefix {meas.prefix!r}" if meas.prefix else "no prefix"),
                    q.prefix))
    return out


class Indicator(Measure):
    goal: Count


class Kpi(Measure):
    id: Str
    policies: list[Str] = Field(min_length=1)


class Measures(Model):
    """strategies/<n>/kpis.yaml."""

    indicators: list[Indicator] = []
    kpis: list[Kpi] = []


# ---------------------------------------------------------------------------- strategy


class Policy(Model):
    id: Str
    name: Str
    no: Count | None = Field(None, description="The policy's own number where the plan numbers policies across "
                                               "goals (施策23): printed by numbering.policies instead of its place in its goal.")
    departments: list[Str] = Field([], description="The departments in charge (担当課), where the plan names them on the "
                                                  "policy; the target list's policy heading may print them ({{ departments }}).")
    related: list[Str] = Field([], description="The related departments (関係課), printed where the city prints them: "
                                              "the target list's policy heading ({{ related }}).")


class Goal(Model):
    no: Count
    title: Str
    project: Str | None = Field(None, description="The goal's project name, printed 〈…〉 after its title; optional.")
    policies: list[Policy]


NumberingT = Annotated[Numbering, parse_numbering]


class Numberings(Model):
    """How goals, policies, indicators and KPIs are numbered in the documents (strategy.yaml `numbering`)."""

    goals: NumberingT = Field(Numbering("1"), description="基本目標1 (1), 政策分野Ⅰ (Ⅰ), 第1 …")
    policies: NumberingT = Field(Numbering(""), description="Printed before each policy's name; restarts in each goal.")
    indicators: NumberingT = Field(Numbering(""), description="Printed before each indicator's name; restarts in each goal.")
    kpis: NumberingT = Field(Numbering(""), description="Printed before each KPI's name; restarts in each table.")


def _header(names: tuple[str, ...]):
    """A column header pattern naming only `names` in braces ({label} ({year})): checked at load, so a
    misspelt name is an error at its line rather than a failed build."""
    import string

    def check(value: object) -> object:
        expected = Msg(ja="見出しの書式: " + "、".join(f"{{{n}}}" for n in names) + " だけを使える文字列（例: 実績値 ({year})）",
                       en="a header pattern using only " + ", ".join(f"{{{n}}}" for n in names) + " (e.g. 実績値 ({year}))")
        if value is None:
            return value
        if not isinstance(value, str):
            raise Invalid(expected, value)
        try:
            fields = [f for _, f, spec, conv in string.Formatter().parse(value) if f is not None]
        except ValueError:
            raise Invalid(expected, value) from None
        if any(f not in names for f in fields):
            raise Invalid(expected, value)
        return value
    return check


class TableLabel(Model):
    """The labels of one table's columns that differ from city to city."""

    baseline: Str | None = None
    target: Str | None = None
    # the KPI trend sheet's column headers where the city prints its own (江田島市: 基準値 (H26),
    # 実績値 (H27)); {label} is the baseline word, {year} the column's; absent: the shipped headers
    baseline_column: Annotated[Str | None, _header(("label", "year"))] = None
    actual_column: Annotated[Str | None, _header(("year",))] = None


class TableLabels(Model):
    """One baseline (and target) label per table: 基準値 in one table, 現状値 in another."""

    indicators: TableLabel = TableLabel()   # 対象事業一覧: the goal's indicator table
    kpis: TableLabel = TableLabel()         # 対象事業一覧: each policy group's KPI table
    kpi_trend: TableLabel = TableLabel()    # KPI目標値達成状況推移: the sheet and its legends
    # KPI目標値達成状況推移 where each policy's KPIs have a header of their own (江田島市: the goal's
    # table 基準値 (H26) | 実績値 (H27), the KPI table 現状値 (H26) | H27 実績): printed under each policy
    kpi_trend_kpis: TableLabel | None = None


class Period(Model):
    from_: FY = Field(alias="from")
    to: FY

    @property
    def years(self) -> list[FiscalYear]:
        return era.years_between(self.from_, self.to)


class Round(Model):
    """An evaluation round of the 実施事業評価等入力表 (built into the archive of FY `id`)."""

    id: FY
    from_: FY = Field(alias="from")
    to: FY

    @property
    def years(self) -> list[FiscalYear]:
        return era.years_between(self.from_, self.to)


class Review(Model):
    """A rating period of the KPI trend sheet (令和4～6年度 中間総括)."""

    id: FY
    from_: FY = Field(alias="from")
    to: FY
    name: Str


class Strategy(Model):
    """strategies/<n>/strategy.yaml."""

    id: FileName = Field(description="The strategy's id, part of its registry workbook's file name (事業・KPI登録簿_令和6年度_戦略1.xlsx).")
    edition: Str = Field("", description="Printed before the city name, e.g. 第2期.")
    print_kpi_ids: Flag = Field(False, description="Print KPI ids (1-①) before their names.")
    name: Str
    period: Period
    baseline_label: Str = Field("基準値", description="The baseline's word in headers: 基準値 (default) or 現状値.")
    target_label: Str = Field("目標値", description="The target's word in headers: 目標値 (default).")
    indicator_baseline_year: FY
    kpi_baseline_year: FY
    goals: list[Goal]
    groupings: dict[Str, list[list[Str]]]
    year_notes: Literal["short", "long", "western", "western_era"] | None = Field(
        None, description="(default: city.yaml's year_notation) How a figure's own year is printed: short `264件 (R2)`, long `5.5‰(平成25年)`, "
                             "western `3,324人(2014年度)`, western_era `3,324人(2019(H31)年度)`.")
    value_tables: Literal["none", "per_measure", "table"] = Field(
        "none", description="Also build the 数値目標・重要業績評価指標の現状値 workbook: one small table per measure "
                            "under its own years (per_measure), or one table per goal (table).")
    rounds: list[Round] = []
    reviews: list[Review] = []
    rating_axes: list[RatingAxis] | None = Field(
        None, description="The rating columns of a review, in order (reportgen/ratings.py); absent: Iruma's 1–4.")
    rating_texts: list[RatingText] | None = Field(
        None, description="The texts that go with a review (評価理由, ≪成果と見直し≫); absent: `reason`.")
    achievement_rate: RateDeclaration | None = Field(None, description="The 達成率 column; absent: none.")
    shares: Shares | None = Field(None, description="How shares of counts are rounded.")

    goal_label: Str = Field("基本目標", description="The word before a goal's number: 基本目標1, 政策分野Ⅰ; may be empty.")
    policy_label: Str = Field("基本施策", description="The word naming a policy heading: ◇基本施策：…")
    numbering: Numberings = Numberings()
    table_labels: TableLabels = TableLabels()
    projects: Flag = Field(True, description="false: the city keeps no project lists (no projects.yaml, no rounds, "
                                              "no project documents or wording).")

    @property
    def axes(self) -> list[RatingAxis]:
        return list(self.rating_axes) if self.rating_axes is not None else [DEFAULT_AXIS]

    @property
    def texts(self) -> list[RatingText]:
        return list(self.rating_texts) if self.rating_texts is not None else [DEFAULT_TEXT]

    def baseline_label_of(self, table: str) -> str:
        return getattr(self.table_labels, table).baseline or self.baseline_label

    def target_label_of(self, table: str) -> str:
        return getattr(self.table_labels, table).target or self.target_label

    def covers(self, fy: FiscalYear) -> bool:
        return self.period.from_ <= fy <= self.period.to

    def grouping(self, deliverable: str) -> list[list[str]]:
        return self.groupings.get(deliverable) or self.groupings["default"]


# ---------------------------------------------------------------------------- projects


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


def _parse_first_year(value: Any) -> FirstYear:
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


FirstYearT = Annotated[FirstYear, _parse_first_year]


class Listing(Model):
    """How a project is listed in one year's 対象事業一覧."""

    name: Str | None = None
    work: Text = Field(description="取組内容 printed that year.")
    departments: list[Str] | None = None


class Evaluation(Model):
    """One round's evaluation, written by the department (status A–D and three texts)."""

    status: Status | None = None
    done: Text = ""
    assessment: Text = ""
    plan: Text = ""
    memo: Text = ""


class Project(Model):
    id: Str
    name: Str
    description: Text
    policy: Str
    departments: list[Str] = Field(min_length=1)
    first_year: FirstYearT
    years: Annotated[dict[FY, Listing], _distinct_years] = {}
    evaluations: Annotated[dict[FY, Evaluation], _distinct_years] = {}
    ended: FY | None = Field(None, description="廃止: the first FY whose documents no longer list it.")

    def active_in(self, fy: FiscalYear) -> bool:
        """Whether documents of FY `fy` may list it (not yet ended)."""
        return self.ended is None or fy < self.ended

    def is_new_in(self, fy: FiscalYear) -> bool | None:
        """True: 新規 in `fy`; False: 継続; None: cannot tell (the first year is only bounded)."""
        first = self.first_year
        if fy > first.year:
            return False
        if fy == first.year and not first.or_before:
            return True
        return None

    def name_in(self, fy: FiscalYear) -> str:
        """The name the year's list uses: the latest rename on or before `fy`."""
        name = self.name
        for year in sorted(self.years):
            if year <= fy and self.years[year].name:
                name = self.years[year].name
        return name

    def departments_in(self, fy: FiscalYear) -> list[str]:
        listing = self.years.get(fy)
        return list(listing.departments) if listing and listing.departments else list(self.departments)


def ended_problem(ended: FiscalYear, start: FiscalYear | None, period) -> tuple[Msg, str] | None:
    """The rule for 廃止 (in data/ and in the registry workbook): a year of the strategy's period, not
    before the item's first year; (what was expected, what was found) or None."""
    if not (period.from_ <= ended <= period.to) or (start is not None and ended < start):
        low = max(period.from_, start) if start is not None else period.from_
        return (Msg(ja=f"廃止年度は {era.short(low, fy2019=era.NATIONAL)}～{era.short(period.to, fy2019=era.NATIONAL)} のいずれか（戦略の期間内で、開始年度より前でない年度）",
                    en=f"a year {era.short(low, fy2019=era.NATIONAL)}–{era.short(period.to, fy2019=era.NATIONAL)} (in the strategy's period, not before the first year)"),
                era.short(ended, fy2019=era.NATIONAL))
    return None


def same_name_problem(name: str, policy: str, ident: str, seen: dict[tuple[str, str], str]) -> Msg | None:
    """The rule that two projects of one policy have different names (in data/ and in the registry
    workbook); `seen` ((policy, name) → id) is filled as the projects are checked one by one."""
    other = seen.get((policy, name))
    if other is None:
        seen[(policy, name)] = ident
        return None
    return Msg(ja=f"施策 {policy} に同じ事業名「{name}」の事業がすでにあります（{other or '新規の行'}）",
               en=f"policy {policy} already has a project named {name!r} ({other or 'a new row'})")


class Projects(Model):
    """strategies/<n>/projects.yaml."""

    projects: list[Project] = []


# ---------------------------------------------------------------------------- pledges


def parse_progress_line(value: Any) -> str:
    """One line of a pledge item's 取組状況, in data/ and in a returned form: text on one line, not blank
    (a form's cell holds the lines one per line, so a line break inside a line could not come back)."""
    text = _parse_str(value)
    if "\n" in text or not text.strip():
        raise Invalid(Msg(ja="1行の文字列（改行や空行は、行を分けて書いてください）",
                          en="one line of text (write each line as its own list entry)"), value)
    return text


ProgressLine = Annotated[str, parse_progress_line]


class PledgeItem(Model):
    title: Str
    content: Text
    progress: list[ProgressLine] = []
    status: Status | None = None
    department: Str | None = Field(
        None, description="The department (departments.yaml) that answers for this item on a pledge progress "
                          "form; items without one go to the planning office's form (city.yaml planning_office).")


class Pledge(Model):
    no: Count
    category: Str
    title: Str
    items: list[PledgeItem] = Field(min_length=1)


class Chapter(Model):
    title: Str
    pledges: list[Pledge] = Field(min_length=1)


class PledgeList(Model):
    """pledges/<YYYY-MM>.yaml."""

    as_of: Month
    chapters: list[Chapter] = Field(min_length=1)

    def items(self):
        """(pledge, index, item) for every item, in order."""
        for chapter in self.chapters:
            for pledge in chapter.pledges:
                for i, item in enumerate(pledge.items):
                    yield pledge, i, item
