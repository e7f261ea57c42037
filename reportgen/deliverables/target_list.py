"""対象事業一覧 (target project list, Word): goals, indicators, KPIs with differences, projects per policy group."""
from __future__ import annotations

from .. import era, eradays, valuekinds
from ..era import FiscalYear
from ..figures import figure_text, measure_diff_text, target_text
from ..loader import Dataset, StrategyData
from ..model import Measure
from . import Deliverable, Output
from .common import column_year, group_name, groups, kpi_label, kpis_in, strategy_title

KEY = "target_list"
DOCUMENT = "対象事業一覧"


def applies(ds: Dataset, fy: FiscalYear) -> bool:
    return ds.strategy_for(fy) is not None


def years(ds: Dataset) -> set[FiscalYear]:
    """The years a list is dated in: each year with listed projects; for a strategy without project
    lists, the year after its last actual (its list shows the latest actuals: `H27末現在` in the H28
    list), when that year lies in the strategy's period."""
    out = {fy for sd in ds.strategies for p in sd.projects.projects for fy in p.years}
    for sd in ds.strategies:
        if sd.projects.projects:
            continue  # a city with project lists: a year's list needs that year's listings
        dated = [eradays.moment(w) for meas in list(sd.measures.indicators) + list(sd.measures.kpis) for w in meas.actuals]
        if dated:
            y, mo, _d = max(dated)
            after = FiscalYear(y if mo >= 4 else y - 1) + 1
            if sd.strategy.covers(after):
                out.add(after)
    return out


def current_value(meas: Measure, prev: FiscalYear):
    """The 〜末現在 column's figure: a fiscal-year measure's value of that year; a calendar-year or
    point-in-time one's latest value dated by the end of that year, with its own year noted."""
    if meas.period == "fiscal_year":
        return meas.actuals.get(prev), None
    end = eradays.moment(prev)
    found = [(w, f) for w, f in valuekinds.ordered(meas.actuals) if eradays.moment(w) <= end]
    return (found[-1][1], found[-1][0]) if found else (None, None)


def _table(rows_of: list[tuple[Measure, str]], fy: FiscalYear, header_year: FiscalYear, style: str = "short") -> dict:
    """One indicator or KPI table: rows, ※ notes in order, and whether the 増減 column is printed."""
    rows, notes = [], []
    prev = fy - 1
    for meas, label in rows_of:
        current, when = current_value(meas, prev)
        name = label + ("※" if meas.footnote else "")
        diff = valuekinds.difference_quantity(meas, current)
        rows.append({
            "name": name,
            "baseline": figure_text(meas.baseline, as_of="differs", column_year=header_year, style=style),
            "current": figure_text(current, style=style) + (valuekinds.note_year(when, style) if when else ""),
            "diff": measure_diff_text(meas, current),
            "target": target_text(meas.target, style),
            "computable": diff is not None,
        })
        for fig in (meas.baseline, current):
            if fig is not None and fig.footnote:
                notes.append(fig.footnote)
        if meas.footnote:
            notes.append(meas.footnote)
    # The seed prints the 基準値からの増減 column only where some row has a difference.
    return {"rows": rows, "notes": notes, "has_rows": bool(rows), "has_notes": bool(notes),
            "has_diff": any(r["computable"] for r in rows)}


def context(ds: Dataset, fy: FiscalYear) -> dict:
    sd: StrategyData = ds.strategy_for(fy)
    s = sd.strategy
    fy = column_year(fy, s.period.from_)
    prev = fy - 1  # the "current" column: the end of the previous fiscal year
    headers = {
        "indicator_baseline": f"{s.baseline_label}（{era.short(s.indicator_baseline_year)}）",
        "kpi_baseline": f"{s.baseline_label}（{era.short(s.kpi_baseline_year)}）",
        "current": era.year_end_current(prev),
        "target": f"{s.target_label}（{era.short(s.period.to)}）",
    }
    listed = [p for p in sd.projects.projects if fy in p.years and p.active_in(fy)]
    goals = []
    for goal in s.goals:
        indicators = [(i.as_of(fy), i.as_of(fy).name) for i in sd.measures.indicators
                      if i.goal == goal.no and i.exists_in(fy)]
        gctx = {"no": str(goal.no), "title": goal.title, "project": goal.project or "",
                "indicators": _table(indicators, fy, s.indicator_baseline_year, s.year_notes), "groups": []}
        for goal_no, pids in groups(sd, KEY):
            if goal_no != goal.no:
                continue
            kpis = [(k, kpi_label(sd, k)) for k in kpis_in(sd, pids, fy)]
            projects = [p for p in listed if p.policy in pids]
            rows = {True: [], False: []}
            for p in projects:
                rows[bool(p.is_new_in(fy))].append({
                    "name": p.name_in(fy),
                    "work": p.years[fy].work,
                    "departments": "\n".join(p.departments_in(fy)),
                })
            gctx["groups"].append({
                "name": group_name(sd, pids),
                "kpis": _table(kpis, fy, s.kpi_baseline_year, s.year_notes),
                "continuing": rows[False], "new": rows[True],
                "has_continuing": bool(rows[False]), "has_new": bool(rows[True]),
                "has_projects": bool(projects),
            })
        goals.append(gctx)
    return {
        "year": era.long(fy),
        "strategy": strategy_title(ds, sd),
        "previous_year_short": era.era_year_only(prev),
        "year_short": era.era_year_only(fy),
        "headers": headers,
        "goals": goals,
    }


def outputs(ds: Dataset, fy: FiscalYear) -> list[Output]:
    ctx = context(ds, fy)
    title = f"{ctx['year']}{ctx['strategy']}{DOCUMENT.replace('一覧', '')}"
    return [Output(f"01_{DOCUMENT}_{ctx['year']}.docx", "docx", "target_list.docx", title, ctx)]


DELIVERABLE = Deliverable(KEY, applies, outputs, years)
