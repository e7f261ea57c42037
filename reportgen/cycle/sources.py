"""Where the forms a year sends out come from: one tuple of callables (dataset, year settings) -> list[Output].

Every source returns render jobs like any deliverable's (reportgen.deliverables.output.Output), rendered
by reportgen.render.dispatch.render. `open` sends, and `status` lists, exactly the forms these return.
The department forms, the office's registry workbook and the pledge progress forms are its sources.
"""
from __future__ import annotations

from dataclasses import replace

from reportgen.deliverables import evaluation_table, kpi_trend, pledge_form, registry_form
from reportgen.deliverables.output import Output
from reportgen.rules.era import YearMonth
from reportgen.templating.year import YearSettings


def department_forms(ds, year: YearSettings) -> list[Output]:
    """The department forms of the year: the evaluation forms where a round ends that year, the KPI forms
    where a strategy's period holds it (also before any actual of that year is in the data)."""

    jobs: list[Output] = []
    for d in (evaluation_table.DELIVERABLE, kpi_trend.DELIVERABLE):
        if d.applies(ds, year.fy):
            jobs.extend(o for o in d.outputs(ds, year) if not o.publish and o.filename.startswith("forms/"))
    return jobs


def registry_forms(ds, year: YearSettings) -> list[Output]:
    """The office's registry workbook of each strategy whose period holds the year (its projects and KPIs)."""

    return registry_form.outputs(ds, year)


def pledge_forms(ds, year: YearSettings) -> list[Output]:
    """The pledge progress forms of the pledge lists dated in the year, one per answering department."""

    return pledge_form.outputs(ds, year)


SOURCES = (department_forms, registry_forms, pledge_forms)


def forms_for(ds, year: YearSettings, sources=None, pledges: YearMonth | None = None) -> list[Output]:
    """Every form to send for the year, from every source, in the sources' order; with `pledges`, also the
    forms of the list as of that month where it is dated in another fiscal year (open R7 --pledges
    2025-03: 令和7年3月末 is in R6), written as the year being opened writes them."""
    out: list[Output] = []
    for source in SOURCES if sources is None else sources:
        out.extend(source(ds, year))
    if pledges is not None and pledges.fiscal_year != year.fy and (sources is None or pledge_forms in sources):
        out.extend(job for job in pledge_form.outputs(ds, replace(year, fy=pledges.fiscal_year))
                   if job.context.get("identity", {}).get("month") == str(pledges))
    return out


def sent_name(job: Output) -> str:
    """The file name a form is sent under (its name in the archive, without the forms/ folder)."""
    return job.filename.split("/")[-1]


def describe(job: Output) -> tuple[str, str, str]:
    """(kind, department, strategy) of a form, from the identity it carries (any source's form)."""
    ident = job.context.get("identity") or {}
    kind = str(ident.get("kind") or job.layout)
    department = str(ident.get("department") or job.context.get("department") or "")
    return kind, department, str(ident.get("strategy") or "")
