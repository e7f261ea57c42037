"""The KPI form (KPI実績値等入力表): each department's indicators and KPIs of a year, their values and ratings taken back."""
from __future__ import annotations

from reportgen.collect import cells, kpi_ratings
from reportgen.collect.collecting import Examination, department_rows, strategy_form
from reportgen.collect.merge import Change
from reportgen.collect.read import sheet_extent, sheet_form
from reportgen.collect.report import FormReport, _another_department, _Row
from reportgen.collect.writeback import write_measure
from reportgen.deliverables import kpi_trend
from reportgen.forms import layout
from reportgen.forms.identity import digest
from reportgen.forms.kind import FormKind
from reportgen.model.figures import figure_text
from reportgen.model.loader import Dataset, StrategyData
from reportgen.render.xlsx_forms import kpi_form
from reportgen.rules import era
from reportgen.rules.era import FiscalYear
from reportgen.rules.problems import Msg
from reportgen.templating.year import YearSettings

# the value's rule is cells.value (per measure, below); a rating axis's and a text's are kpi_ratings'
FIELDS = {"value": "実績値", "rating": "評価", "reason": "評価理由"}

COLUMNS = layout.COLUMNS[layout.KPI]  # its sheet's columns (forms/layout.py: the context and the sheet use them too)


def send(ds: Dataset, year: YearSettings) -> list:
    """The KPI forms of the year: one per department where a strategy's period holds it (also before any actual of that year)."""
    if not kpi_trend.applies(ds, year.fy):
        return []
    return [o for o in kpi_trend.outputs(ds, year) if not o.publish and o.filename.startswith("forms/")]


def collecting_year(ds: Dataset, opened: list[FiscalYear]) -> FiscalYear | None:
    """The latest year opened that a strategy covers, else the latest year with an actual."""
    years = [fy for fy in opened if kpi_trend.applies(ds, fy)] or kpi_trend.years(ds)
    return max(years) if years else None


def year_refused(sd: StrategyData, year: FiscalYear) -> tuple[str, str] | None:
    if not sd.strategy.covers(year):
        return (f"{era.long(year, fy2019=era.NATIONAL)} は戦略の期間外です（別の年度の様式です）",
                f"{era.long(year, fy2019=era.NATIONAL)} lies outside the strategy (a form of another year)")
    return None


def judge_row(r: _Row) -> None:
    """A measure's row (or a composite's sub-item's): its value, then its ratings where a review covers the year."""
    meas, sub = r.current.measure(r.sd, r.key)
    if meas is None:
        r.problem("value", Msg(ja=f"指標 {r.key} はデータにありません", en=f"measure {r.key} is not in the data"))
        return
    defined = meas.as_of(r.year)
    label = defined.name if sub is None else f"{defined.name} {meas.sub_items[sub].name}"
    owners = meas.sub_items[sub].departments if sub is not None else (
        list(defined.departments) + [d for s in defined.sub_items for d in s.departments])
    if not r.mine(owners):
        r.problem("value", _another_department(label, r.department))
        return
    rel = f"strategies/{r.sd.strategy.id}/kpis.yaml"
    if sub is None and "value" in r.base:
        _value(r, meas, defined, label, rel)
    review = next((v for v in r.sd.strategy.reviews if v.from_ <= r.year <= v.to), None)
    if review is not None and any(c.role and c.name in r.base for c in r.form.columns):
        kpi_ratings.judge(r, meas if sub is None else meas.sub_items[sub], review, sub, label, rel)


def _states(sd: StrategyData) -> tuple[str, ...]:
    found = {f.state for m in list(sd.measures.indicators) + list(sd.measures.kpis) for f in m.actuals.values() if f.state}
    return tuple(dict.fromkeys([*cells.STATES, *sorted(found)]))


def _value(r: _Row, meas, defined, label: str, rel: str) -> None:
    target = ("measure", r.key, "actual", r.year, None)
    now = r.current.now(target, figure_text(meas.actuals[r.year], as_of="note", fy2019=era.NATIONAL) if r.year in meas.actuals else "")
    cell = r.cell("value")
    if cell.kind == "text" and not cell.formula and digest(cell.text.rstrip()) == r.base["value"]:
        r.report.unchanged += 1  # returned as sent ((R03) notes included)
        return
    fig = r.judged("value", lambda c: "" if c.kind == "text" and not c.text.strip() else cells.value(c, defined, _states(r.sd)))
    if fig is None or fig == "":
        if fig == "":
            r.report.unchanged += 1  # sent empty, returned empty
        return
    new = figure_text(fig, as_of="note", fy2019=era.NATIONAL)
    r.decide(Change(rel, target, label, "value", now, new, fig), now)


def examine(x: Examination) -> FormReport:
    sd = strategy_form(x, year_refused)
    return x.report if sd is None else department_rows(x, sd, judge_row)


KIND = FormKind(
    # its columns follow a strategy's rating axes (layout.kpi_columns); these are Iruma's, and a form's
    # whose identity records none
    key=layout.KPI, name=Msg(ja="KPI実績値等入力表", en="KPI form"), layout="kpi_form",
    columns={layout.KPI: COLUMNS}, fields=FIELDS,
    send=send, sheet=kpi_form, read=sheet_form(COLUMNS), extent=sheet_extent(COLUMNS), examine=examine,
    targets=("measure",), write=write_measure, collecting_year=collecting_year,
)
