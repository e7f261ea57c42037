"""Pieces the deliverables share: titles, groups of policies, the measures printed under them (pure)."""
from __future__ import annotations

from reportgen.model.loader import Dataset, StrategyData
from reportgen.model.measures import Kpi
from reportgen.rules import era
from reportgen.rules.era import FiscalYear


def strategy_title(ds: Dataset, sd: StrategyData, sep: str = "") -> str:
    """入間市まち・ひと・しごと創生総合戦略; 第2期 入間市まち・ひと・しごと創生総合戦略 (sep=" ")."""
    s = sd.strategy
    return (f"{s.edition}{sep}" if s.edition else "") + f"{ds.city.name}{s.name}"


def groups(sd: StrategyData, deliverable: str) -> list[tuple[int, list[str]]]:
    """(goal number, policy ids) of each heading the deliverable prints, in order."""
    out = []
    for grp in sd.strategy.grouping(deliverable):
        out.append((sd.goal_of(grp[0]).no, list(grp)))
    return out


def group_name(sd: StrategyData, policy_ids: list[str]) -> str:
    """しごとの場を創る・しごと探しを支援する; each name after its number where the strategy numbers
    policies (施策① 農林業の振興; the count restarts in each goal)."""
    numbering = sd.strategy.numbering.policies
    if not numbering.numbered:
        return "・".join(sd.policy(pid).name for pid in policy_ids)
    goal = sd.goal_of(policy_ids[0])
    # a policy's own number (施策23, numbered across the plan), else its place in its goal
    index = {p.id: p.no or i + 1 for i, p in enumerate(goal.policies)}
    return "・".join(f"{numbering(index[pid])} {sd.policy(pid).name}" for pid in policy_ids)


def goal_number(sd: StrategyData, no: int) -> str:
    """A goal's number as the strategy prints it (1, Ⅰ, 第1 …)."""
    return sd.strategy.numbering.goals(no)


def numbered(label: str, numbering, n: int) -> str:
    """`label` after its number n where the table numbers its rows (① 婚姻率), else as it is."""
    return f"{numbering(n)} {label}" if numbering.numbered else label


def kpis_in(sd: StrategyData, policy_ids: list[str], fy: FiscalYear) -> list[Kpi]:
    """KPIs in force in `fy` (revisions applied) printed under the group of `policy_ids`."""
    found = []
    for k in sd.measures.kpis:
        if not k.exists_in(fy):
            continue
        k = k.as_of(fy)
        if k.policies[0] in policy_ids:
            found.append(k)
    return found


def kpi_label(sd: StrategyData, k: Kpi) -> str:
    return f"{k.id} {k.name}" if sd.strategy.print_kpi_ids else k.name


def column_year(fy: FiscalYear, like: FiscalYear) -> FiscalYear:
    """`fy` spelt in the era of `like` where that era still names it (H31 stays H31 in the 1st strategy)."""
    return era.years_between(like, fy)[-1] if fy >= like else fy


CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def circled(i: int) -> str:
    """① for index 0 (items and sub-items are numbered in order)."""
    return CIRCLED[i] if i < len(CIRCLED) else f"({i + 1})"
