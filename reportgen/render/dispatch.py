"""One render job to bytes: the Word or Excel renderer, given only the template or labels file the job needs."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from reportgen.deliverables.output import Output
from reportgen.ooxml.package import CoreProps
from reportgen.render.docx import render_docx
from reportgen.templating import templateset
from reportgen.templating.templateset import TemplateSet


def _template_set(templates: TemplateSet | Path | None) -> TemplateSet:
    if isinstance(templates, TemplateSet):
        return templates
    return templateset.folder_set(templates) if templates is not None else templateset.for_data(None)


def render(job: Output, stamp: datetime, creator: str, templates: TemplateSet | Path | None = None) -> bytes:
    """Render one job to bytes (the renderers are imported here, never by the pure layers).

    The renderers see only the one template or labels file the job needs (templateset.needed), so
    the files a year's manifest records are exactly those its documents were made from."""
    core = CoreProps(job.title, creator, stamp)
    tset = _template_set(templates).only([templateset.needed(job.kind, job.layout)])
    with templateset.using(tset):
        if job.kind == "docx":
            return render_docx(tset.path(job.layout), job.context, core)

        return render_xlsx(job.layout, job.context, core)


def render_xlsx(layout: str, ctx: dict, core: CoreProps) -> bytes:
    """The workbook of `layout` for `ctx`, as reproducible .xlsx bytes."""
    # why here, on the first workbook: the layouts import openpyxl (and numpy through it where installed),
    # about a quarter of a second that a process writing only Word documents never needs (docs/performance.md)
    from reportgen.render.workbook import workbook_bytes
    from reportgen.render.xlsx_layouts import LAYOUTS
    return workbook_bytes(LAYOUTS[layout](ctx), core)
