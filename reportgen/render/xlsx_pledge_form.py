"""The pledge progress form as an Excel workbook: 取組状況 and 評価 (A–D dropdown) editable, the rest locked, with its identity."""
from __future__ import annotations

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from reportgen import forms
from reportgen.forms import layout
from reportgen.render.workbook import INPUT_FILL, fit_row, put, safe
from reportgen.render.xlsx_forms import finish_form, form_sheet, headers
from reportgen.templating.labels import labels
from reportgen.templating.templateset import TemplateSet


def pledge_form(ctx: dict, *, templates: TemplateSet) -> Workbook:
    flab = labels("pledge_form", ctx, templates=templates)
    columns = layout.COLUMNS[layout.PLEDGE]
    widths = layout.widths(layout.PLEDGE)
    status_col = layout.column(layout.PLEDGE, "pledge_status").letter
    wb, ws, head = form_sheet({**flab, "columns": headers(flab["columns"], columns)}, widths)
    row = first = head + 1
    locked_cells: dict[str, dict[str, str]] = {}
    for r in ctx["rows"]:
        put(ws, row, 1, r["id"], wrap=False)
        locked_values = {c.index: r[c.name] for c in columns if not c.input and c.name != "key"}
        inputs = {c.index: r[c.name] for c in columns if c.input}
        for c, v in locked_values.items():
            put(ws, row, c, v)
        for c, v in inputs.items():
            centred = get_column_letter(c) == status_col
            put(ws, row, c, v, fill=INPUT_FILL, locked=False, horizontal="center" if centred else None)
        fit_row(ws, row, {**locked_values, **inputs}, widths, minimum=2)
        locked_cells[r["id"]] = {get_column_letter(c): forms.digest(v) for c, v in locked_values.items()}
        row += 1
    last = max(row - 1, first)
    # the statuses and the legend come from the data's labels: only what a worksheet can hold goes in
    dv = DataValidation(type="list", formula1='"' + ",".join(safe(s) for s in ctx["statuses"]) + '"', allow_blank=True,
                        showErrorMessage=True, showInputMessage=True, promptTitle=safe(flab["status_title"]),
                        prompt=safe(flab["status_prompt"]), errorTitle=safe(flab["status_title"]),
                        error=safe(flab["status_error"]))
    dv.add(f"{status_col}{first}:{status_col}{last}")
    return finish_form(wb, ws, ctx, head, first, dv, locked_cells, layout.PLEDGE, frozen_columns=4)
