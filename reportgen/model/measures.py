"""A strategy's measures (kpis.yaml): goal indicators and KPIs, their figures, targets, ratings and revisions."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Annotated, Any, Literal

from reportgen.model.scalars import BOUNDS, FY, AsOf, Count, Model, QuantityT, Statement, Str, TargetT, Text, When, distinct_years
from reportgen.rules.era import FiscalYear
from reportgen.rules.numbers import Quantity, format_quantity, in_unit, parse_quantity
from reportgen.rules.problems import Invalid, Msg
from reportgen.rules.ratings import Flag, RateOverride  # Flag: true or false, one parser for the data and the rating axes
from reportgen.rules.typed import Field, after

# ---------------------------------------------------------------------------- figures


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


YearFigures = Annotated[dict[When, FigureT], distinct_years]


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
YearRatings = Annotated[dict[FY, Rating], distinct_years]


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

