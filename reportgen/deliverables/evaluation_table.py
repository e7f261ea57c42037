"""実施事業評価等入力表 (evaluation input table): the master workbook and one pre-filled form per department."""
from __future__ import annotations

from reportgen import forms
from reportgen.deliverables.common import goal_number, group_name, groups, strategy_title
from reportgen.deliverables.output import Deliverable, Output
from reportgen.model.loader import Dataset, StrategyData
from reportgen.model.schema import Project, Round
from reportgen.rules import era
from reportgen.rules.era import FiscalYear
from reportgen.templating.year import YearSettings

KEY = "evaluation_table"
DOCUMENT = "実施事業評価等入力表"


def round_in(ds: Dataset, fy: FiscalYear) -> tuple[StrategyData, Round] | None:
    for sd in ds.strategies:
        for r in sd.strategy.rounds:
            if r.id == fy:
                return sd, r
    return None


def applies(ds: Dataset, fy: FiscalYear) -> bool:
    return round_in(ds, fy) is not None


def years(ds: Dataset) -> set[FiscalYear]:
    return {r.id for sd in ds.strategies for r in sd.strategy.rounds}


def projects_of(sd: StrategyData, rnd: Round) -> list[Project]:
    """Projects running in the round (started on or before its last year, not ended by the round's year)."""
    return [p for p in sd.projects.projects if p.first_year.year <= rnd.to and p.active_in(rnd.id)]


def _project_row(p: Project, rnd: Round) -> dict:
    ev = p.evaluations.get(rnd.id)
    values = forms.evaluation_values(ev)
    return {
        "kind": "project", "id": p.id, "name": p.name, "description": p.description,
        "is_new": bool(p.is_new_in(rnd.id)), "departments": "\n".join(p.departments),
        "department_list": list(p.departments), **values,
    }


def rows(sd: StrategyData, rnd: Round, projects: list[Project] | None = None) -> list[dict]:
    """Goal rows and policy rows breaking the list, project rows under them (all, or `projects`)."""
    by_policy: dict[str, list[Project]] = {}
    order = sd.project_order
    for p in projects_of(sd, rnd) if projects is None else projects:
        by_policy.setdefault(p.policy, []).append(p)
    out: list[dict] = []
    last_goal = None
    for goal_no, pids in groups(sd, KEY):
        projects = [p for pid in pids for p in by_policy.get(pid, [])]
        projects.sort(key=lambda p: order[p.id])
        if not projects:
            continue
        if goal_no != last_goal:
            goal = next(g for g in sd.strategy.goals if g.no == goal_no)
            out.append({"kind": "goal", "no": goal_number(sd, goal.no), "title": goal.title, "project": goal.project or ""})
            last_goal = goal_no
        out.append({"kind": "policy", "name": group_name(sd, pids)})
        out.extend(_project_row(p, rnd) for p in projects)
    return out


def header(ds: Dataset, sd: StrategyData, rnd: Round, *, fy2019: str) -> dict:
    n = {"fy2019": fy2019}
    named = era.Notation(ds.city.year_notation, fy2019)  # the city's notation (city.yaml year_notation)
    return {
        "strategy": strategy_title(ds, sd),
        "years": named.years(rnd.years),
        "year": named.long(rnd.to),
        "previous_year": named.long(rnd.to - 1),
        "round": era.short(rnd.id, **n),
        "strategy_id": sd.strategy.id,
    }


def form_departments(ds: Dataset, sd: StrategyData, rnd: Round) -> dict[str, list[Project]]:
    """Departments that receive a form, with their projects (sub-units go to their parent's form)."""
    forms_of: dict[str, list[Project]] = {}
    for p in projects_of(sd, rnd):
        for root in dict.fromkeys(ds.form_department(d) for d in p.departments):
            forms_of.setdefault(root, []).append(p)
    return forms_of


def form_context(ds: Dataset, sd: StrategyData, rnd: Round, department: str, projects: list[Project],
                 year: YearSettings) -> dict:
    body = rows(sd, rnd, projects)
    ctx = {**header(ds, sd, rnd, fy2019=year.fy2019), "department": department, "rows": body,
           "password": ds.city.form_password or ""}
    ctx["identity"] = forms.identity(forms.EVALUATION, ds, sd.strategy.id, rnd.id, department,
                                     [r for r in body if r["kind"] == "project"], forms.EVALUATION_FIELDS,
                                     fy2019=year.fy2019)
    return ctx


def outputs(ds: Dataset, year: YearSettings) -> list[Output]:
    sd, rnd = round_in(ds, year.fy)
    head = header(ds, sd, rnd, fy2019=year.fy2019)
    ctx = {**head, "rows": rows(sd, rnd)}
    title = f"{head['strategy']} {DOCUMENT}"
    name = era.Notation(ds.city.year_notation, year.fy2019).long(rnd.id)
    jobs = [Output(f"02_{DOCUMENT}_{name}.xlsx", "xlsx", KEY, title, ctx)]
    for dept, projects in form_departments(ds, sd, rnd).items():
        fctx = form_context(ds, sd, rnd, dept, projects, year)
        jobs.append(Output(f"forms/{DOCUMENT}_{name}_{dept}.xlsx", "xlsx", "evaluation_form",
                           f"{title}（{dept}）", fctx, publish=False))
    return jobs


DELIVERABLE = Deliverable(KEY, applies, outputs, years)
