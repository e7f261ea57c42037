"""The deliverables, in the order a year's archive lists them; each builds pure render jobs."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

from ..era import FiscalYear


@dataclass(frozen=True)
class Output:
    """One file to render: where it goes, how it is rendered, and the pure context it needs.

    kind "docx": `layout` names a docxtpl template in templates/; kind "xlsx": a workbook
    layout in reportgen/render/xlsx.py. `publish`: also converted to PDF with --pdf.
    """

    filename: str
    kind: str
    layout: str
    title: str
    context: dict
    publish: bool = True
    deliverable: str = ""


@dataclass(frozen=True)
class Deliverable:
    """The small interface every deliverable module exposes."""

    key: str
    applies: Callable  # (dataset, fy) -> bool
    outputs: Callable  # (dataset, fy) -> list[Output]
    years: Callable = field(default=lambda ds: set())  # (dataset) -> years its own data dates


def registry() -> tuple[Deliverable, ...]:
    """Every deliverable, in archive order."""
    from . import evaluation_table, kpi_trend, pledge_list, target_list, value_tables

    return (target_list.DELIVERABLE, evaluation_table.DELIVERABLE, kpi_trend.DELIVERABLE, pledge_list.DELIVERABLE,
            value_tables.DELIVERABLE)


def outputs_for(ds, fy: FiscalYear) -> list[Output]:
    """All render jobs of one fiscal year, in archive order."""
    jobs: list[Output] = []
    for d in registry():
        if d.applies(ds, fy):
            jobs.extend(replace(o, deliverable=d.key) for o in d.outputs(ds, fy))
    return jobs


def present_years(ds) -> list[FiscalYear]:
    """The fiscal years the data dates something in (listings, rounds, actuals, pledge lists)."""
    years: set[int] = set()
    for d in registry():
        years |= {fy.year for fy in d.years(ds)}
    return [FiscalYear(y) for y in sorted(years)]
