"""対象事業一覧 (target project list, Word): goals, indicators, KPIs with differences, projects per policy group."""
from __future__ import annotations

from reportgen.deliverables.common import (column_year, goal_number, group_name, groups, kpi_label, kpis_in,
    numbered, strategy_title)
from reportgen.deliverables.output import Deliverable, Output
from reportgen.model.figures import figure_text, measure_diff_text, target_text
from reportgen.model.loader import Dataset, StrategyData
from reportgen.model.schema import Measure
from reportgen.rules import era, eradays, valuekinds
from reportgen.rules.era import FiscalYear

KEY = "target_list"
DOCUMENT = "対象事業一覧"
DOCUMENT_WITHOUT_PROJECTS = "指標一覧"


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
    target_year = era.short(s.period.to)
    headers = {
        "indicator_baseline": f"{s.baseline_label_of('indicators')}（{era.short(s.indicator_baseline_year)}）",
        "kpi_baseline": f"{s.baseline_label_of('kpis')}（{era.short(s.kpi_baseline_year)}）",
        # each table's 増減 column names that table's baseline (基準値からの増減, 現状値からの増減)
        "indicator_baseline_label": s.baseline_label_of("indicators"),
        "kpi_baseline_label": s.baseline_label_of("kpis"),
        "current": era.year_end_current(prev),
        "target": f"{s.target_label}（{target_year}）",
        "indicator_target": f"{s.target_label_of('indicators')}（{target_year}）",
        "kpi_target": f"{s.target_label_of('kpis')}（{target_year}）",
    }
    numbering = s.numbering
    listed = [p for p in sd.projects.projects if fy in p.years and p.active_in(fy)]
    goals = []
    for goal in s.goals:
        indicators = [i.as_of(fy) for i in sd.measures.indicators if i.goal == goal.no and i.exists_in(fy)]
        indicators = [(i, numbered(i.name, numbering.indicators, n)) for n, i in enumerate(indicators, 1)]
        gctx = {"no": goal_number(sd, goal.no), "title": goal.title, "project": goal.project or "",
                "indicators": _table(indicators, fy, s.indicator_baseline_year, s.year_notes), "groups": []}
        for goal_no, pids in groups(sd, KEY):
            if goal_no != goal.no:
                continue
            kpis = [(k, numbered(kpi_label(sd, k), numbering.kpis, n)) for n, k in enumerate(kpis_in(sd, pids, fy), 1)]
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
        "goal_label": s.goal_label,
        "policy_label": s.policy_label,
        "has_projects": s.projects,
    }


def outputs(ds: Dataset, fy: FiscalYear) -> list[Output]:
    ctx = context(ds, fy)
    # a city without project lists gets the same document without its projects, named for what it holds
    document = DOCUMENT if ctx["has_projects"] else DOCUMENT_WITHOUT_PROJECTS
    title = f"{ctx['year']}{ctx['strategy']}{document.replace('一覧', '')}"
    return [Output(f"01_{document}_{ctx['year']}.docx", "docx", "target_list.docx", title, ctx)]


DELIVERABLE = Deliverable(KEY, applies, outputs, years)
