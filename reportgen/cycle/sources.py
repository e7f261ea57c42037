"""Where the forms a year sends out come from: one tuple of callables (dataset, year settings) -> list[Output].

Every source returns render jobs like any deliverable's (reportgen.deliverables.output.Output), rendered
by reportgen.render.dispatch.render. `open` sends, and `status` lists, exactly the forms these return:
each form kind's own sending (FormKind.send), in the order of reportgen.formkinds.catalogue().
"""
from __future__ import annotations

from dataclasses import replace

from reportgen.deliverables.output import Output
from reportgen.formkinds import catalogue, evaluation, kpi, pledge
from reportgen.rules.era import YearMonth
from reportgen.templating.year import YearSettings


def department_forms(ds, year: YearSettings) -> list[Output]:
    """The department forms of the year: the evaluation forms where a round ends that year, the KPI forms
    where a strategy's period holds it (also before any actual of that year is in the data)."""

    return [*evaluation.KIND.send(ds, year), *kpi.KIND.send(ds, year)]


pledge_forms = pledge.KIND.send  # the pledge progress forms of the pledge lists dated in the year
SOURCES = tuple(kind.send for kind in catalogue())


def forms_for(ds, year: YearSettings, sources=None, pledges: YearMonth | None = None) -> list[Output]:
    """Every form to send for the year, from every source, in the sources' order; with `pledges`, also the
    forms of the list as of that month where it is dated in another fiscal year (open R7 --pledges
    2025-03: 令和7年3月末 is in R6), written as the year being opened writes them."""
    out: list[Output] = []
    for source in SOURCES if sources is None else sources:
        out.extend(source(ds, year))
    if pledges is not None and pledges.fiscal_year != year.fy and (sources is None or pledge_forms in sources):
        out.extend(job for job in pledge_forms(ds, replace(year, fy=pledges.fiscal_year))
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
