"""The city's own wording, as data: the rules on it (used by the loader) and the labels the documents print from it."""
from __future__ import annotations

from reportgen.rules.problems import Msg


def strategy_problems(s, has_projects_file: bool) -> list[tuple[bool, tuple, Msg]]:
    """(in projects.yaml?, field path, message) for each wording rule strategy `s` breaks: a city
    without project lists (`projects: false`) has no projects.yaml, no evaluation rounds and no
    goal project names; KPIs are labelled by their ids or by a numbering, not both."""
    out: list[tuple[bool, tuple, Msg]] = []
    if not s.projects:
        if has_projects_file:
            out.append((True, (), Msg(
                ja="strategy.yaml が projects: false（事業一覧を持たない）なのに projects.yaml があります。"
                   "事業を載せるなら projects: false を消し、載せないならこのファイルを消してください",
                en="strategy.yaml says projects: false (no project lists) but projects.yaml exists: "
                   "remove projects: false to list projects, or remove this file")))
        for i, _ in enumerate(s.rounds):
            out.append((False, ("rounds", i), Msg(
                ja="projects: false（事業一覧を持たない）の戦略に事業の評価回 rounds は置けません",
                en="a strategy with projects: false (no project lists) has no evaluation rounds")))
        for gi, goal in enumerate(s.goals):
            if goal.project is not None:
                out.append((False, ("goals", gi, "project"), Msg(
                    ja=f"projects: false（事業一覧を持たない）の戦略の基本目標にプロジェクト名は書けません（書かれていた値: {goal.project!r}）",
                    en=f"a strategy with projects: false has no goal project names (got {goal.project!r})")))
    if s.print_kpi_ids and s.numbering.kpis.numbered:
        out.append((False, ("numbering", "kpis"), Msg(
            ja=f"print_kpi_ids: true と numbering.kpis（{s.numbering.kpis.pattern}）は同時に使えません: KPI の前に印刷するのは ID か番号のどちらか一方です",
            en=f"print_kpi_ids: true and numbering.kpis ({s.numbering.kpis.pattern}) exclude each other: a KPI is labelled by its id or by a number")))
    return out


def goal_number(s, goal) -> str:
    """The goal's number as printed (1, Ⅰ, 第1 …), without the word before it."""
    return s.numbering.goals(goal.no)
