"""The office's registry workbook (事業・KPI登録簿): a strategy's projects and KPIs, edited and extended by the planning office."""
from __future__ import annotations

from reportgen.collect import registry_read, registry_writeback
from reportgen.collect.collecting import Examination, strategy_form
from reportgen.collect.registry_collect import examine as examine_registry
from reportgen.collect.report import FormReport
from reportgen.deliverables import registry_form
from reportgen.forms import registry_layout as rl
from reportgen.forms.kind import FormKind
from reportgen.model.loader import Dataset, StrategyData
from reportgen.render.xlsx_registry import registry
from reportgen.rules import era
from reportgen.rules.era import FiscalYear
from reportgen.rules.problems import Msg

# its cell rules: reportgen.collect.registry_rules, per column, applied by registry_collect
FIELDS = {"name": "名称", "description": "事業内容", "policy": "施策", "policies": "施策", "departments": "担当課",
          "first_year": "開始年度", "work": "取組内容", "ended": "廃止", "unit": "単位", "prefix": "接頭語",
          "direction": "方向", "baseline": "基準値", "target": "目標値", "new": "新規登録（ID）", "id": "ID"}


def collecting_year(ds: Dataset, opened: list[FiscalYear]) -> FiscalYear | None:
    """The year whose documents are prepared next (reportgen.deliverables.registry_form.registry_year)."""
    return registry_form.registry_year(ds)


def year_refused(sd: StrategyData, year: FiscalYear) -> tuple[str, str] | None:
    if not sd.strategy.covers(year):
        return (f"{era.long(year, fy2019=era.NATIONAL)} は戦略の期間外です（別の年度の様式です）",
                f"{era.long(year, fy2019=era.NATIONAL)} lies outside the strategy (a form of another year)")
    return None


def examine(x: Examination) -> FormReport:
    """Its two sheets' rows judged by reportgen.collect.registry_collect."""
    sd = strategy_form(x, year_refused)
    if sd is None:
        return x.report
    report = x.report
    report.recognised = True
    examine_registry(x.ds, sd, report.year, x.form, report, x.current)
    if report.problems:
        report.applied, report.conflicts, report.unchanged = [], [], 0
    return report


KIND = FormKind(
    key=rl.REGISTRY, name=Msg(ja="事業・KPI登録簿", en="registry"), layout="registry",
    columns={kind: rl.COLUMNS[kind] for kind in rl.PARTS}, fields=FIELDS,
    send=registry_form.outputs, sheet=registry, read=registry_read.read, extent=registry_read.extent,
    examine=examine, targets=("registry",), write=registry_writeback.apply, collecting_year=collecting_year,
)
