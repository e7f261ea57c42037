"""Department forms as Excel workbooks: the evaluation form and the KPI update form, with their identity."""
from __future__ import annotations

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from reportgen import forms
from reportgen.forms import layout
from reportgen.forms.column import Column
from reportgen.render.workbook import HEADER_FILL, INPUT_FILL, fit_row, new_sheet, page_setup, protect, put, safe
from reportgen.templating.labels import fill, labels
from reportgen.templating.templateset import TemplateSet


def fixed_rows(ws, head: int) -> list[str]:
    """Digests of the rows above the first data row (title, instructions, header): a row without a
    key that is none of them was inserted by the clerk, and collect reports what it holds."""
    return sorted({forms.digest(forms.row_text(ws.cell(row=r, column=c).value for c in range(2, ws.max_column + 1)))
                   for r in range(1, head + 1)})


def write_identity(wb: Workbook, ident: dict, sheet: str, header_row: int, locked: dict, fixed: list[str]) -> None:
    """The very hidden sheet `collect` recognises a form by: identity, layout and locked-cell digests."""
    identity_sheet(wb, {**ident, "sheet": sheet, "header_row": header_row, "fixed": fixed,
                        "rows": [{**r, "locked": locked.get(r["key"], {})} for r in ident["rows"]]})


def identity_sheet(wb: Workbook, ident: dict) -> None:
    """The identity written, in chunks, into a very hidden, protected sheet (every kind of form)."""
    ws = wb.create_sheet(forms.IDENTITY_SHEET)
    ws.sheet_state = "veryHidden"
    ws.cell(row=1, column=1).value = forms.FORMAT
    for i, chunk in enumerate(forms.identity_chunks(ident)):
        put(ws, i + 2, 1, chunk, wrap=False, border=False)
    ws.protection.sheet = True


def by_column(words, columns: tuple[Column, ...]) -> dict:
    """A labels file's column headers, keyed by column (`columns: {label: 指標・KPI, …}`). A year archived
    before they were keyed keeps them as a list in the order of its kind's columns from B (`columns`),
    and rebuilds from that copy: such a list is read by those columns."""
    return dict(zip((c.name for c in columns[1:]), words)) if isinstance(words, list) else words


def headers(words, columns: tuple[Column, ...]) -> list[str]:
    """The header of each column from B, by its name."""
    keyed = by_column(words, columns)
    return [keyed[c.name] for c in columns[1:]]


def form_sheet(flab: dict, widths: dict[int, float]):
    """A department form's sheet: title, instructions and the header row; returns (wb, ws, header row).

    Column A, hidden, holds each row's key, which collect reads back.
    """
    wb, ws = new_sheet(flab, widths, title_column=2, title_size=13)
    ws.column_dimensions["A"].hidden = True
    for i, line in enumerate(flab["instructions"], 2):
        put(ws, i, 2, line, wrap=False, border=False)
    head = 2 + len(flab["instructions"]) + 1
    for c, text in enumerate(flab["columns"], 2):
        put(ws, head, c, text, bold=True, fill=HEADER_FILL, horizontal="center", vertical="center")
    fit_row(ws, head, dict(enumerate(flab["columns"], 2)), widths)
    return wb, ws, head


def finish_form(wb: Workbook, ws, ctx: dict, head: int, first: int, dropdown: DataValidation | None,
                locked_cells: dict, kind: str, frozen_columns: int) -> Workbook:
    """Dropdown, frozen header and name columns, print setup, protection and the identity collect recognises."""
    if dropdown is not None:
        ws.add_data_validation(dropdown)
    ws.freeze_panes = f"{get_column_letter(frozen_columns + 1)}{first}"
    page_setup(ws, f"{head}:{head}")
    protect(ws, ctx.get("password"))
    write_identity(wb, ctx["identity"], ws.title, head, locked_cells, fixed_rows(ws, head))
    return wb


def evaluation_form(ctx: dict, *, templates: TemplateSet) -> Workbook:
    flab = labels("evaluation_form", ctx, templates=templates)
    widths = layout.widths(layout.EVALUATION)
    col = {c.name: c.index for c in layout.COLUMNS[layout.EVALUATION]}
    wb, ws, head = form_sheet({**flab, "columns": headers(flab["columns"], layout.COLUMNS[layout.EVALUATION])}, widths)
    row = head + 1
    first = row
    group = group_policy = ""
    locked_cells: dict[str, dict[str, str]] = {}
    for r in ctx["rows"]:
        if r["kind"] == "goal":
            group = fill(flab["goal_row"], r)
            continue
        if r["kind"] == "policy":
            group_policy = r["name"]
            continue
        put(ws, row, 1, r["id"], wrap=False)
        shown = {"group": f"{group}\n{group_policy}", "new": flab["new"] if r["is_new"] else flab["continuing"]}
        locked_values = {c.index: shown.get(c.name, r.get(c.name)) for c in layout.COLUMNS[layout.EVALUATION]
                         if not c.input and c.name != "key"}
        inputs = {c.index: r[c.name] for c in layout.COLUMNS[layout.EVALUATION] if c.input}
        for c, v in locked_values.items():
            put(ws, row, c, v)
        for c, v in inputs.items():
            put(ws, row, c, v, fill=INPUT_FILL, locked=False, horizontal="center" if c == col["status"] else None)
        fit_row(ws, row, {**locked_values, **inputs}, widths, minimum=3)
        locked_cells[r["id"]] = {get_column_letter(c): forms.digest(v) for c, v in locked_values.items()}
        row += 1
    last = max(row - 1, first)
    dv = DataValidation(type="list", formula1='"A,B,C,D"', allow_blank=True, showErrorMessage=True,
                        showInputMessage=True, promptTitle="状況", prompt=flab["status_prompt"],
                        errorTitle="状況", error=flab["status_error"])
    status = layout.column(layout.EVALUATION, "status").letter
    dv.add(f"{status}{first}:{status}{last}")
    return finish_form(wb, ws, ctx, head, first, dv, locked_cells, "evaluation", frozen_columns=3)


# the headers of Iruma's rating and text columns stand for any axis of 1–4 and any text without a label
_MARK_HEADER, _TEXT_HEADER = "rating", "reason"


def kpi_headers(flab: dict, ctx: dict) -> list[str]:
    """The header of each column from B: the labels file's (by column), an axis's or text's own label where declared."""
    words = by_column(flab["columns"], layout.COLUMNS[layout.KPI])
    out = []
    for c in ctx["columns"][1:]:
        if not c.role:
            out.append(words[c.name])
            continue
        rated = ctx["rated"][c.name]
        if rated["label"]:
            out.append(rated["label"])
        elif c.role == "text":
            out.append(words[_TEXT_HEADER])
        else:  # Iruma's 1–4 (評価(1～4)), else a declared axis without a label
            out.append(words[_MARK_HEADER] if rated["default"] else flab["rating_column"])
    return out


def _instructions(flab: dict, ctx: dict, headers: list[str]) -> list[str]:
    """The labels file's instructions, the rating line following the declared axes and texts (Iruma's
    1–4 line as written; none where the strategy rates nothing and has no text)."""
    pairs = [(c, h) for c, h in zip(ctx["columns"][1:], headers) if c.role]
    if not pairs or not any(r["has_rating"] for r in ctx["rows"]):  # no review covers the year: nothing to rate, no ask
        return [t for i, t in enumerate(flab["instructions"], 1) if str(i) != str(flab["rating_instruction_line"])]
    names = {role: "、".join(h for c, h in pairs if c.role == role) for role in ("mark", "text")}
    line = fill(flab["axes_instruction"], {"axes": names["mark"], "texts": names["text"]})
    if all(ctx["rated"][c.name]["default"] for c, _ in pairs):
        return flab["instructions"]
    # labels are read as text, as the data is (yamlsrc): the line number is compared as written
    return [line if str(i) == str(flab["rating_instruction_line"]) else t for i, t in enumerate(flab["instructions"], 1)]


def kpi_form(ctx: dict, *, templates: TemplateSet) -> Workbook:
    flab = labels("kpi_form", ctx, per_row=("axes_instruction", "axis_prompt", "axis_error"), templates=templates)
    columns = ctx["columns"]
    headers = kpi_headers(flab, ctx)
    widths = {c.index: c.width for c in columns}
    col = {c.name: c.index for c in columns}
    rated = [c for c in columns if c.role]
    wb, ws, head = form_sheet({**flab, "columns": headers, "instructions": _instructions(flab, ctx, headers)}, widths)
    row = first = head + 1
    rating_cells: dict[str, list[str]] = {c.name: [] for c in rated if c.role == "mark"}
    locked_cells: dict[str, dict[str, str]] = {}
    for r in ctx["rows"]:
        put(ws, row, 1, r["id"], wrap=False)
        locked_values = {c.index: r[c.name] for c in columns if not c.input and c.name != "key"}
        for c, v in locked_values.items():
            put(ws, row, c, v)
        inputs = {}
        if r["has_value"]:
            inputs[col["value"]] = r["value"]
        else:
            put(ws, row, col["value"], "")
        for c in rated:
            if r["has_rating"]:
                inputs[c.index] = r[c.name]
                if c.role == "mark":
                    rating_cells[c.name].append(f"{c.letter}{row}")
            else:
                put(ws, row, c.index, "")
        marks = {c.index for c in rated if c.role == "mark"}
        for c, v in inputs.items():
            put(ws, row, c, v, fill=INPUT_FILL, locked=False, horizontal="center" if c in marks else None)
        fit_row(ws, row, {**locked_values, **inputs}, widths, minimum=2)
        locked_cells[r["id"]] = {get_column_letter(c): forms.digest(v) for c, v in locked_values.items()}
        for c in [col["value"], *(c.index for c in rated)]:  # cells of this row that are not inputs are locked too
            if c not in inputs:
                locked_cells[r["id"]][get_column_letter(c)] = forms.digest("")
        row += 1
    dvs = []
    for name, cells in rating_cells.items():
        if not cells:
            continue
        axis = ctx["rated"][name]
        listed = ",".join(safe(t) for t in axis["symbols"])
        title = next(h for c, h in zip(columns[1:], headers) if c.name == name)
        shown = {"label": title, "symbols": "、".join(axis["symbols"])}
        prompt, error = fill(flab["axis_prompt"], shown), fill(flab["axis_error"], shown)
        if axis["default"]:  # Iruma's 1–4: the labels file's own wording
            title, prompt, error = "評価", flab["rating_prompt"], flab["rating_error"]
        dv = DataValidation(type="list", formula1='"' + listed + '"', allow_blank=True, showErrorMessage=True,
                            showInputMessage=True, promptTitle=title[:32], prompt=prompt,
                            errorTitle=title[:32], error=error)
        for ref in cells:
            dv.add(ref)
        dvs.append(dv)
    for dv in dvs:  # one dropdown per axis, in the declared order
        ws.add_data_validation(dv)
    return finish_form(wb, ws, ctx, head, first, None, locked_cells, "kpi", frozen_columns=2)
