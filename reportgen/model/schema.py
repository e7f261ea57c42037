"""The typed data model: city.yaml, departments.yaml, strategy.yaml, projects.yaml and the pledge lists.

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
Every scalar arrives as the text the YAML file holds (see yamlsrc), and the types of model/scalars.py
decide what the text means, so no YAML 1.1 coercion happens anywhere. A strategy's measures (kpis.yaml)
are in model/measures.py.
"""
from __future__ import annotations

from typing import Annotated, Literal

from reportgen.model.scalars import (
    FY,
    Count,
    FileName,
    FirstYearT,
    Model,
    Month,
    NumberingT,
    ProgressLine,
    Status,
    Str,
    Text,
    distinct_years,
)
from reportgen.rules import era
from reportgen.rules.era import FiscalYear
from reportgen.rules.numbering import Numbering
from reportgen.rules.problems import Invalid, Msg
from reportgen.rules.ratings import DEFAULT_AXIS, DEFAULT_TEXT, Flag, RateDeclaration, RatingAxis, RatingText, Shares
from reportgen.rules.typed import Field

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
    years: Annotated[dict[FY, Listing], distinct_years] = {}
    evaluations: Annotated[dict[FY, Evaluation], distinct_years] = {}
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
