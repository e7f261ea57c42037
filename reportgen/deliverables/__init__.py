"""The deliverables, in the order a year's archive lists them; each builds pure render jobs."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from reportgen.deliverables import evaluation_table, kpi_trend, pledge_list, target_list, value_tables
from reportgen.deliverables.output import Deliverable, Output
from reportgen.rules import era, eradays
from reportgen.rules.era import FiscalYear
from reportgen.rules.problems import Msg
from reportgen.templating.year import YearSettings


def catalogue() -> tuple[Deliverable, ...]:
    """Every deliverable, in archive order."""

    return (target_list.DELIVERABLE, evaluation_table.DELIVERABLE, kpi_trend.DELIVERABLE, pledge_list.DELIVERABLE,
            value_tables.DELIVERABLE)


def outputs_for(ds, year: YearSettings) -> list[Output]:
    """All render jobs of the year being built, in archive order."""
    return [o for jobs in outputs_by_deliverable(ds, year) for o in jobs]


def outputs_by_deliverable(ds, year: YearSettings) -> Iterator[list[Output]]:
    """The year's render jobs, a list for each deliverable in turn, made as they are asked for (a
    comparison can stop at the first that differs)."""
    for d in catalogue():
        if d.applies(ds, year.fy):
            yield [replace(o, deliverable=d.key) for o in d.outputs(ds, year)]


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


def left_out(ds, fy: FiscalYear) -> list[Msg]:
    """Why a document the year would have is left out (one line each: a list that would only repeat 該当事業なし)."""
    return [why for d in catalogue() if d.applies(ds, fy) for why in [d.left_out(ds, fy)] if why is not None]


def not_built(ds, built: list[FiscalYear]) -> list[tuple[FiscalYear, Msg]]:
    """Each year of a strategy's period that a build without --year does not make, with why: a city
    with project lists waits for the year's listings (the year after an actual included); otherwise
    the data dates nothing in it yet."""
    done = {fy.year for fy in built}
    out = []
    for sd in ds.strategies:
        s = sd.strategy
        dated = [eradays.moment(w) for m in [*sd.measures.indicators, *sd.measures.kpis] for w in m.actuals]
        shown_by = None
        if dated:
            y, mo, _d = max(dated)
            shown_by = FiscalYear(y if mo >= 4 else y - 1) + 1  # the list showing the last actual
        for fy in era.years_between(s.period.from_, s.period.to):
            if fy.year in done or ds.strategy_for(fy) is not sd:
                continue
            short = era.short(fy, fy2019=era.NATIONAL)
            if s.projects and shown_by is not None and fy <= shown_by:
                why = Msg(ja=f"projects.yaml にこの年度の事業（years: {short}）がまだないため。書くと対象事業一覧を作ります",
                          en=f"projects.yaml lists no project for it yet (years: {short}); list them to build its target project list")
            else:
                why = Msg(ja="この年度の事業・実績・評価がデータにまだないため",
                          en="the data holds no project list, actual or review of it yet")
            out.append((fy, why))
    return sorted(out, key=lambda t: t[0].year)
