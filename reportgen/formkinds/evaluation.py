"""The evaluation form (実施事業評価等入力表): each department's projects of an evaluation round, its status and texts taken back."""
from __future__ import annotations

from reportgen.collect import cells
from reportgen.collect.collecting import Examination, department_rows, strategy_form
from reportgen.collect.merge import Change
from reportgen.collect.read import sheet_extent, sheet_form
from reportgen.collect.report import FormReport, _another_department, _Row
from reportgen.collect.writeback import write_project
from reportgen.deliverables import evaluation_table
from reportgen.forms import layout
from reportgen.forms.kind import FormKind
from reportgen.model.loader import Dataset, StrategyData
from reportgen.render.xlsx_forms import evaluation_form
from reportgen.rules import era
from reportgen.rules.era import FiscalYear
from reportgen.rules.problems import Msg
from reportgen.templating.year import YearSettings

# each input column's cell rule (the columns: reportgen.forms.layout.COLUMNS[EVALUATION])
RULES = {"status": cells.status, "done": cells.text, "assessment": cells.text, "plan": cells.text, "memo": cells.text}
FIELDS = {"status": "状況", "done": "実施内容", "assessment": "評価・課題", "plan": "今後の方針", "memo": "メモ"}

COLUMNS = layout.COLUMNS[layout.EVALUATION]  # its sheet's columns (forms/layout.py: the context and the sheet use them too)


def send(ds: Dataset, year: YearSettings) -> list:
    """The evaluation forms of the year: one per department where a round ends that year."""
    if not evaluation_table.applies(ds, year.fy):
        return []
    return [o for o in evaluation_table.outputs(ds, year) if not o.publish and o.filename.startswith("forms/")]


def collecting_year(ds: Dataset, opened: list[FiscalYear]) -> FiscalYear | None:
    """The latest year opened that has a round, else the latest round's year."""
    years = [fy for fy in opened if evaluation_table.applies(ds, fy)] or evaluation_table.years(ds)
    return max(years) if years else None


def year_refused(sd: StrategyData, year: FiscalYear) -> tuple[str, str] | None:
    if not any(r.id == year for r in sd.strategy.rounds):
        return (f"{era.long(year, fy2019=era.NATIONAL)} の評価回はデータにありません（別の年度の様式です）",
                f"the data has no evaluation round {era.long(year, fy2019=era.NATIONAL)} (a form of another year)")
    return None


def judge_row(r: _Row) -> None:
    """A project's row: its department's, each input judged by its rule, merged three ways."""
    project = next((p for p in r.sd.projects.projects if p.id == r.key), None)
    if project is None:
        r.problem("status", Msg(ja=f"事業 {r.key} はデータにありません", en=f"project {r.key} is not in the data"))
        return
    if not r.mine(project.departments):
        r.problem("status", _another_department(project.name, r.department))
        return
    rel = f"strategies/{r.sd.strategy.id}/projects.yaml"
    now = r.current.evaluation(project, r.year)
    for name, rule in RULES.items():
        value = r.judged(name, rule)
        if value is not None:
            r.decide(Change(rel, ("project", r.key, r.year, name), project.name, name, now[name], value, value), now[name])


def examine(x: Examination) -> FormReport:
    sd = strategy_form(x, year_refused)
    return x.report if sd is None else department_rows(x, sd, judge_row)


KIND = FormKind(
    key=layout.EVALUATION, name=Msg(ja="実施事業評価等入力表", en="evaluation form"), layout="evaluation_form",
    columns={layout.EVALUATION: COLUMNS}, fields=FIELDS,
    send=send, sheet=evaluation_form, read=sheet_form(COLUMNS), extent=sheet_extent(COLUMNS), examine=examine,
    targets=("project",), write=write_project, collecting_year=collecting_year,
)
