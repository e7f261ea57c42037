"""One render job to bytes: the Word or Excel renderer, given only the template or labels file the job needs."""
from __future__ import annotations

from collections.abc import Callable, Mapping

from openpyxl import Workbook

from reportgen.deliverables.output import Output
from reportgen.ooxml.package import CoreProps
from reportgen.render.docx import render_docx
from reportgen.render.workbook import workbook_bytes
from reportgen.render.xlsx import evaluation_table, kpi_trend, pledge_list
from reportgen.render.xlsx_forms import evaluation_form, kpi_form
from reportgen.render.xlsx_pledge_form import pledge_form
from reportgen.render.xlsx_registry import registry
from reportgen.render.xlsx_values import value_tables
from reportgen.templating import templateset
from reportgen.templating.templateset import TemplateSet
from reportgen.templating.year import YearSettings


def render(job: Output, year: YearSettings, creator: str,
           sheets: Mapping[str, Callable[..., Workbook]] | None = None) -> bytes:
    """Render one job of `year` to bytes (the renderers are imported here, never by the pure layers):
    stamped with the year's stamp, from the year's template set.

    The renderers see only the one template or labels file the job needs (templateset.needed), so
    the files a year's manifest records are exactly those its documents were made from. `sheets`:
    workbook layouts beyond LAYOUTS (the form kinds' own, reportgen.formkinds, which `open` sends)."""
    core = CoreProps(job.title, creator, year.stamp)
    tset = year.templates.only([templateset.needed(job.kind, job.layout)])
    if job.kind == "docx":
        return render_docx(tset.path(job.layout), job.context, core)
    return render_xlsx(job.layout, job.context, core, templates=tset, sheets=sheets)


LAYOUTS: dict[str, Callable[..., Workbook]] = {
    "pledge_list": pledge_list,
    "evaluation_table": evaluation_table,
    "evaluation_form": evaluation_form,
    "kpi_trend": kpi_trend,
    "kpi_form": kpi_form,
    "registry": registry,
    "value_tables": value_tables,
    "pledge_form": pledge_form,
}


def render_xlsx(layout: str, ctx: dict, core: CoreProps, *, templates: TemplateSet,
                sheets: Mapping[str, Callable[..., Workbook]] | None = None) -> bytes:
    """The workbook of `layout` for `ctx`, its labels read from `templates`, as reproducible .xlsx bytes."""
    return workbook_bytes({**LAYOUTS, **(sheets or {})}[layout](ctx, templates=templates), core)
