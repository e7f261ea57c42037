"""New ids for projects and KPIs registered through the registry: the strategy's own scheme, never reused.

A project id is the strategy's prefix and the next number (s1-001 … s1-068 → s1-069; a strategy
without projects starts at s<strategy id>-001). A KPI id follows the strategy's KPIs: goal and
circled number (1-① … 1-⑤ → 1-⑥ for goal 1), or prefix and number (K01 … K13 → K14). The next
number is one more than the highest ever given in the strategy (ended items keep theirs), so a gap
left by an item removed by hand from data/ is not filled either.
"""
from __future__ import annotations

import re

from reportgen.collect.merge import Overlay

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳㉑㉒㉓㉔㉕㉖㉗㉘㉙㉚㉛㉜㉝㉞㉟㊱㊲㊳㊴㊵㊶㊷㊸㊹㊺㊻㊼㊽㊾㊿"
_NUMBERED = re.compile(r"^(.*?)(\d+)$")


def _pending(current: Overlay, what: str) -> list[str]:
    """Ids given to new rows earlier in this run (not in data/ yet)."""
    return [t[2] for t in current.pending if t[:2] == ("registry", what)]


def next_project_id(sd, current: Overlay) -> str:
    taken = [p.id for p in sd.projects.projects] + _pending(current, "new-project")
    return _next_numbered(taken, f"s{sd.strategy.id}-", 3)


def _next_numbered(taken: list[str], default_prefix: str, default_width: int) -> str:
    numbered = [m for m in map(_NUMBERED.match, taken) if m]
    if not numbered:
        return f"{default_prefix}{1:0{default_width}d}"
    prefix = max(numbered, key=lambda m: int(m.group(2))).group(1)
    same = [m for m in numbered if m.group(1) == prefix]
    width = max(len(m.group(2)) for m in same)
    return f"{prefix}{max(int(m.group(2)) for m in same) + 1:0{width}d}"


def next_kpi_id(sd, goal: int, current: Overlay) -> str:
    taken = [k.id for k in sd.measures.kpis] + _pending(current, "new-kpi")
    circled = [t for t in taken if re.fullmatch(rf"\d+-[{CIRCLED}]", t)]
    if circled or not taken:  # the goal-and-circled-number scheme (1-①), also for a strategy without KPIs
        used = [CIRCLED.index(t.split("-")[1]) for t in circled if t.split("-")[0] == str(goal)]
        n = max(used, default=-1) + 1
        if n >= len(CIRCLED):
            return f"{goal}-{n + 1}"
        return f"{goal}-{CIRCLED[n]}"
    return _next_numbered(taken, "K", 2)

