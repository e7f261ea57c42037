"""The 数値目標・重要業績評価指標の現状値 workbook: a list of targets and each measure's values under its own years."""
from __future__ import annotations

from openpyxl import Workbook

from reportgen.deliverables.value_tables import PER_ROW
from reportgen.render.workbook import GOAL_FILL, HEADER_FILL, fit_row, header_row, page_setup, put, safe, set_widths
from reportgen.templating.labels import fill, labels
from reportgen.templating.templateset import TemplateSet

NAME_WIDTH, VALUE_WIDTH = 34, 16
# columns of VALUE_WIDTH an A4 portrait page holds at full size between its margins: a wider table
# (a 施策マネジメントシート's 従前値, 単位, five years and 目標値) is printed landscape, since fitting it to a
# portrait page's width would shrink its type below 8 pt
PORTRAIT_COLUMNS = 6
LANDSCAPE_WIDTH = 110  # the width (in column units) an A4 landscape page holds at full size, measured with LibreOffice


def value_tables(ctx: dict, *, templates: TemplateSet) -> Workbook:
    lab = labels("value_tables", ctx, per_row=PER_ROW + ("goal_heading",), templates=templates)
    wb = Workbook()
    ws = wb.active
    ws.title = safe(lab["sheet"])
    n_cols = max([len(t["headers"]) + bool(t.get("target_values")) for g in ctx["goals"] for t in g["tables"]] + [1])
    table = ctx["layout"] == "table"
    # the one-table layout: 主要施策コード | 指標 | (区分, where the labels name it: 当初 or 修正) | values…
    kinds = table and bool(lab["revision_header"])
    first = (4 if kinds else 3) if table else 1
    wide = n_cols + 1 > PORTRAIT_COLUMNS  # landscape, its columns narrowed to fit the page at full size
    value_width = max(10, min(VALUE_WIDTH, LANDSCAPE_WIDTH // (n_cols + 1))) if wide and not table else VALUE_WIDTH
    widths = {c: value_width for c in range(first, first + n_cols + 1)}
    widths.update({1: 12, 2: NAME_WIDTH, **({3: 8} if kinds else {})} if table else {})
    set_widths(ws, widths)
    put(ws, 1, 1, lab["title"], bold=True, size=13, wrap=False, border=False)
    put(ws, 2, 1, lab["subtitle"], wrap=False, border=False)
    row = 4
    for goal in ctx["goals"]:
        heading = fill(lab["goal_heading"], {**ctx, **goal})
        put(ws, row, 1, heading, bold=True, fill=GOAL_FILL, wrap=False, border=False)
        row += 1
        if table:
            headers: list[str] = []
            for t in goal["tables"]:
                headers += [h for h in t["headers"] if h not in headers]
            header_row(ws, row, [lab["code_header"], lab["name_header"], *([lab["revision_header"]] if kinds else []),
                                 *headers], vertical="center")
            fit_row(ws, row, {c: h for c, h in enumerate(headers, first)}, widths)
            row += 1
            for t in goal["tables"]:
                put(ws, row, 1, t["code"])
                put(ws, row, 2, t["name"])
                if kinds:
                    put(ws, row, 3, lab["revision_changed"] if t["revised"] else lab["revision_original"], horizontal="center")
                by_header = dict(zip(t["headers"], t["values"]))
                for c, h in enumerate(headers, first):
                    put(ws, row, c, by_header.get(h, ""), horizontal="right")
                fit_row(ws, row, {2: t["name"]}, widths)
                row += 1
            notes = [n for t in goal["tables"] for n in t["notes"]]
            for i, note in enumerate(notes):
                put(ws, row, 1, (lab["reference_prefix"] if i == 0 else "") + note, wrap=False, border=False, size=9)
                row += 1
            row += 1
            continue
        for line in goal["lines"]:
            put(ws, row, 1, line, wrap=False, border=False)
            row += 1
        row += 1
        for t in goal["tables"]:
            put(ws, row, 1, t["title"], bold=True, wrap=False, border=False)
            row += 1
            if t.get("departments_line"):  # 指標担当部課等 経済部産業振興課,経済部農業課 (つくば市)
                put(ws, row, 1, t["departments_line"], wrap=False, border=False)
                row += 1
            # with yearly targets, a first column names the rows (実績値, 目標値: a 施策マネジメントシート)
            rows = ([[lab["actual_row"], *t["values"]], [lab["target_row"], *t["target_values"]]]
                    if t.get("target_values") else [t["values"]])
            headers = [lab["row_header"], *t["headers"]] if t.get("target_values") else t["headers"]
            header_row(ws, row, headers, vertical="center")
            for c, h in enumerate(headers, 1):
                ws.cell(row, c).fill = HEADER_FILL
            fit_row(ws, row, {c: h for c, h in enumerate(headers, 1)}, widths)
            row += 1
            for values in rows:
                for c, v in enumerate(values, 1):
                    put(ws, row, c, v, horizontal="left" if c == 1 and len(rows) > 1 else "right")
                row += 1
            for i, note in enumerate(t["notes"]):
                put(ws, row, 1, (lab["reference_prefix"] if i == 0 else "") + note, wrap=False, border=False, size=9)
                row += 1
            row += 1
    page_setup(ws, "1:2", landscape=table or wide)
    return wb

