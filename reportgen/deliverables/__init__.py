"""The deliverables, in the order a year's archive lists them; each builds pure render jobs."""
from __future__ import annotations

from dataclasses import replace

from reportgen.deliverables import evaluation_table, kpi_trend, pledge_list, target_list, value_tables
from reportgen.deliverables.output import Deliverable, Output
from reportgen.rules.era import FiscalYear
from reportgen.templating.year import YearSettings


def catalogue() -> tuple[Deliverable, ...]:
    """Every deliverable, in archive order."""

    return (target_list.DELIVERABLE, evaluation_table.DELIVERABLE, kpi_trend.DELIVERABLE, pledge_list.DELIVERABLE,
            value_tables.DELIVERABLE)


def outputs_for(ds, year: YearSettings) -> list[Output]:
    """All render jobs of the year being built, in archive order."""
    jobs: list[Output] = []
    for d in catalogue():
        if d.applies(ds, year.fy):
            jobs.extend(replace(o, deliverable=d.key) for o in d.outputs(ds, year))
    return jobs


def present_years(ds) -> list[FiscalYear]:
    """The fiscal years the data dates something in (listings, rounds, actuals, pledge lists)."""
    years: set[int] = set()
    for d in catalogue():
        years |= {fy.year for fy in d.years(ds)}
    for sd in ds.strategies:
        s = sd.strategy
        dated = any(s.period.from_.year <= y <= s.period.to.year for y in years)
        if not dated and not any(m.actuals for m in [*sd.measures.indicators, *sd.measures.kpis]):
            # a plan with no actuals yet and nothing else dated (its first publication, baseline → target)
            years.add(s.period.from_.year)
    return [FiscalYear(y) for y in sorted(years)]
