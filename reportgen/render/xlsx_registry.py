"""The registry workbook (事業・KPI登録簿): a sheet of projects and one of KPIs, input cells unlocked, dropdowns, identity."""
from __future__ import annotations

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from reportgen import forms
from reportgen.forms import layout
from reportgen.forms import registry_layout as rl
from reportgen.render.workbook import HEADER_FILL, INPUT_FILL, fit_row, page_setup, protect, put, safe, set_widths
from reportgen.render.xlsx_forms import by_column, fixed_rows, headers, identity_sheet
from reportgen.templating.labels import labels
from reportgen.templating.templateset import TemplateSet


def _lists(wb: Workbook, lab: dict, ctx: dict) -> dict[str, str]:
    """A hidden sheet with the closed sets (policies, departments, years, directions); the range of each."""
    ws = wb.create_sheet(safe(lab["lists_sheet"]))
    ws.sheet_state = "hidden"
    columns = {"policy": (lab["policies_heading"], [p["id"] for p in ctx["policies"]]),
               "department": (lab["departments_heading"], ctx["departments"]),
               "year": (lab["years_heading"], ctx["years"]),
               "direction": (lab["directions_heading"], list(rl.DIRECTIONS.values()))}
    ranges = {}
    for c, (name, (heading, values)) in enumerate(columns.items(), 1):
        put(ws, 1, c, heading, bold=True, border=False)
        for r, v in enumerate(values, 2):
            put(ws, r, c, v, wrap=False, border=False)
        letter = get_column_letter(c)
        ranges[name] = f"'{ws.title}'!${letter}$2:${letter}${max(2, len(values) + 1)}"
    # the policies' names beside their ids, for the person choosing one
    for r, p in enumerate(ctx["policies"], 2):
        put(ws, r, len(columns) + 1, f"{p['id']} {p['name']}", wrap=False, border=False)
    ws.protection.sheet = True
    return ranges


def _validation(formula: str, prompt: str, error: str | None, title: str) -> DataValidation:
    # error None: the list only suggests (several departments may be typed into one cell)
    return DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=error is not None,
                          showInputMessage=True, promptTitle=title, prompt=prompt, errorTitle=title, error=error or "")


def _sheet(wb: Workbook, kind: str, lab: dict, ctx: dict, ranges: dict, first_sheet: bool) -> dict:
    """One table: title, instructions, header, a row per item and the spare rows; its part of the identity."""
    part = "projects" if kind == rl.PROJECTS else "kpis"
    ws = wb.active if first_sheet else wb.create_sheet()
    ws.title = safe(lab[f"{part}_sheet"])
    cols = layout.COLUMNS[kind]
    widths = {c.index: c.width for c in cols}
    set_widths(ws, widths)
    ws.column_dimensions["A"].hidden = True
    put(ws, 1, 2, lab["title"], bold=True, size=13, wrap=False, border=False)
    for i, line in enumerate(lab[f"{part}_instructions"], 2):
        put(ws, i, 2, line, wrap=False, border=False)
    head = 2 + len(lab[f"{part}_instructions"]) + 1
    shown = headers(lab[f"{part}_columns"], cols)
    for c, text in enumerate(shown, 2):
        put(ws, head, c, text, bold=True, fill=HEADER_FILL, horizontal="center", vertical="center")
    fit_row(ws, head, dict(enumerate(shown, 2)), widths)
    first = row = head + 1
    locked: dict[str, dict[str, str]] = {}
    for r in ctx["parts"][kind]:
        put(ws, row, 1, r["key"], wrap=False)
        put(ws, row, 2, r["id"], horizontal="center")
        for c in cols:
            if c.input:
                # typed as text: Excel would turn a policy 1-1 into a date and R7-like entries stay as typed
                put(ws, row, c.index, r[c.name], fill=INPUT_FILL, locked=False).number_format = "@"
        fit_row(ws, row, {c.index: r[c.name] for c in cols if c.input or c.name == "id"}, widths, minimum=2)
        locked[r["key"]] = {"B": forms.digest(r["id"])}
        row += 1
    last = row - 1

    def cells(name: str) -> str:
        letter = layout.column(kind, name).letter
        return f"{letter}{first}:{letter}{last}"

    dvs = [(_validation(ranges["year"], lab["ended_prompt"], lab["year_error"], by_column(lab[f"{part}_columns"], cols)["ended"]), "ended"),
           (_validation(ranges["department"], lab["department_prompt"], None, lab["departments_heading"]), "departments")]
    if kind == rl.PROJECTS:
        dvs += [(_validation(ranges["policy"], lab["policy_prompt"], None, lab["policies_heading"]), "policy"),
                (_validation(ranges["year"], lab["year_prompt"], None, lab["years_heading"]), "first_year")]
    else:
        dvs += [(_validation(ranges["policy"], lab["policy_prompt"], None, lab["policies_heading"]), "policies"),
                (_validation(ranges["direction"], lab["direction_prompt"], lab["direction_error"], lab["directions_heading"]),
                 "direction")]
    for dv, name in dvs:
        dv.add(cells(name))
        ws.add_data_validation(dv)
    ws.freeze_panes = f"D{first}"
    page_setup(ws, f"{head}:{head}")
    protect(ws, ctx.get("password"))
    return {"sheet": ws.title, "header_row": head, "fixed": fixed_rows(ws, head),
            "rows": [{**r, "locked": locked[r["key"]]} for r in ctx["identity"]["parts"][kind]]}


def registry(ctx: dict, *, templates: TemplateSet) -> Workbook:
    lab = labels("registry", ctx, templates=templates)
    wb = Workbook()
    sheets: dict[str, dict] = {}
    ranges = _lists(wb, lab, ctx)
    for i, kind in enumerate(rl.PARTS):
        sheets[kind] = _sheet(wb, kind, lab, ctx, ranges, i == 0)
    wb.move_sheet(safe(lab["lists_sheet"]), offset=1)  # the lists after the two tables
    wb.active = 0
    identity_sheet(wb, {**ctx["identity"], "parts": sheets})
    return wb
