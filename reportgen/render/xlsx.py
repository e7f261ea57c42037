"""The Excel formats' layouts: what goes where, each table's columns as data, over one writer (workbook.py)."""
from __future__ import annotations

from typing import Callable

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.drawing.text import Font as DrawingFont
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break

from reportgen.fast.openpyxl import ChartAnchor, line_chart
from reportgen.render.workbook import (FONT_NAME, GOAL_FILL, HEADER_FILL, IMPROVED_FILL, INPUT_FILL, POLICY_FILL,
    WORSENED_FILL, TableColumn, fit_row, header_row, merge, new_sheet, page_setup, put, safe, set_widths, solid_fill,
    table_row, text_width, widths_of)
from reportgen.templating.templateset import TemplateSet
from reportgen.templating.labels import fill, labels

# ---------------------------------------------------------------------------- pledge list

# one row per item of a pledge; the 進捗状況 cell is marked where it changed since the last report
PLEDGE_COLUMNS = [
    TableColumn(16, "chapter"),
    TableColumn(7, "no", "center"),
    TableColumn(10, "category"),
    TableColumn(30, "pledge"),
    TableColumn(26, "item"),
    TableColumn(40, "content"),
    TableColumn(56, "progress"),
    TableColumn(9, "status", "center", fill=lambda r: INPUT_FILL if r["changed"] else None),
    TableColumn(9, "previous", "center"),
]
SUMMARY_WIDTHS = {1: 14, 2: 10}


def _pledge_rows(ctx: dict):
    for ch in ctx["chapters"]:
        for pl in ch["pledges"]:
            for it in pl["rows"]:
                yield {"chapter": f"第{ch['no']}章 {ch['title']}", "no": pl["no"], "category": pl["category"],
                       "pledge": pl["title"], "item": it["title"], "content": it["content"], "progress": it["progress"],
                       "status": it["status"], "changed": it["changed"],
                       "previous": it["previous"] if ctx["has_previous"] else ""}


def pledge_list(ctx: dict, *, templates: TemplateSet) -> Workbook:
    lab = labels("pledge_list", ctx, templates=templates)
    widths = widths_of(PLEDGE_COLUMNS)
    wb, ws = new_sheet(lab, widths)
    put(ws, 2, 1, lab["legend"], wrap=False, border=False)
    if ctx["has_previous"]:
        put(ws, 3, 1, lab["changed_note"], wrap=False, border=False)
    head = 4
    header_row(ws, head, lab["columns"])
    row = head + 1
    for item in _pledge_rows(ctx):
        table_row(ws, row, PLEDGE_COLUMNS, item, widths)
        row += 1
    last = row - 1
    status = get_column_letter(1 + next(i for i, c in enumerate(PLEDGE_COLUMNS) if c.key == "status"))
    dv = DataValidation(type="list", formula1='"A,B,C,D"', allow_blank=True, showErrorMessage=True)
    dv.add(f"{status}{head + 1}:{status}{max(last, head + 1)}")
    ws.add_data_validation(dv)
    ws.auto_filter.ref = f"A{head}:{get_column_letter(len(lab['columns']))}{last}"
    ws.freeze_panes = f"A{head + 1}"
    page_setup(ws, f"{head}:{head}")
    summary = wb.create_sheet(safe(lab["summary_sheet"]))
    set_widths(summary, SUMMARY_WIDTHS)
    header_row(summary, 1, lab["summary_columns"])
    for i, s in enumerate(ctx["summary"], 2):
        put(summary, i, 1, f"{s['code']} {lab['status_labels'][s['code']]}")
        put(summary, i, 2, s["count"], horizontal="right")
    page_setup(summary, "1:1", landscape=False)
    return wb


# ---------------------------------------------------------------------------- evaluation table

# a project's row; goals and policies are bands merged across the table
EVALUATION_COLUMNS = [
    TableColumn(5, None),  # the goal's band starts here
    TableColumn(5, None),  # the policy's band starts here
    TableColumn(24, "status"),
    TableColumn(34, "description"),
    TableColumn(40, "done"),
    TableColumn(40, "assessment"),
    TableColumn(34, "plan"),
    TableColumn(12, "departments"),
    TableColumn(10, "memo"),
]


def _status_cell(row: dict, lab: dict) -> str:
    kind = lab["new"] if row["is_new"] else lab["continuing"]
    return f"{row['name']} {row['status']}・{kind}" if row["status"] else f"{row['name']} {kind}"


def evaluation_table(ctx: dict, *, templates: TemplateSet) -> Workbook:
    lab = labels("evaluation_table", ctx, templates=templates)
    widths = widths_of(EVALUATION_COLUMNS)
    last_col = len(EVALUATION_COLUMNS)
    wb, ws = new_sheet(lab, widths)
    put(ws, 1, last_col, lab["label"], bold=True, border=True, horizontal="center")
    for i, note in enumerate(lab["notes"], 2):
        put(ws, i, 1, note, wrap=False, border=False)
    head = 2 + len(lab["notes"])
    header_row(ws, head, lab["columns"], vertical="center")
    fit_row(ws, head, dict(enumerate(lab["columns"], 1)), widths)
    row = head + 1
    for r in ctx["rows"]:
        if r["kind"] == "goal":
            put(ws, row, 1, fill(lab["goal_row"], r), bold=True, fill=GOAL_FILL, wrap=False)
            merge(ws, row, 1, row, last_col)
        elif r["kind"] == "policy":
            put(ws, row, 1, "", fill=POLICY_FILL)
            put(ws, row, 2, r["name"], bold=True, fill=POLICY_FILL, wrap=False)
            merge(ws, row, 2, row, last_col)
        else:
            table_row(ws, row, EVALUATION_COLUMNS, {**r, "status": _status_cell(r, lab)}, widths)
        row += 1
    ws.freeze_panes = f"A{head + 1}"
    page_setup(ws, f"{head}:{head}")
    return wb


# ---------------------------------------------------------------------------- KPI trend


def _change_fill(i: int) -> Callable[[dict], object]:
    """The fill of year `i`'s value: green where it rose from the year before, red where it fell."""
    return lambda r: IMPROVED_FILL if r["changes"][i] > 0 else WORSENED_FILL if r["changes"][i] < 0 else None


KIND_WIDTH = 10  # column A: 指標 / KPI, merged over the rows of one kind


def _mark_fill(key: str) -> Callable[[dict], object]:
    """A rating cell's fill: its symbol's declared colour, if any."""
    return lambda r: solid_fill(r["mark_fills"][key]) if key in r.get("mark_fills", {}) else None


def trend_columns(n_years: int, ctx: dict | None = None) -> list[TableColumn]:
    """Columns B onwards of a goal's sheet, for `n_years` reported years, with the review's columns
    the strategy declares (Iruma: one rating, one reason)."""
    marks = ctx["marks"] if ctx else [{"key": "mark:rating"}]  # without a context: Iruma's columns
    texts = ctx["text_columns"] if ctx else [{"key": "text:reason"}]
    return [
        TableColumn(6, "id", "center", fit=False),
        TableColumn(30, "name"),
        TableColumn(16, "baseline", fit=False),
        *[TableColumn(13, f"year{i}", fill=_change_fill(i), fit=False) for i in range(n_years)],
        TableColumn(12, "target", fit=False),
        *([TableColumn(10, "rate", "right", fit=False)] if ctx and ctx["rate_label"] else []),
        *[TableColumn(6 if not m.get("label") else max(6, text_width(m["label"]) + 2), m["key"], "center",
                 fill=_mark_fill(m["key"]), fit=False) for m in marks],
        *[TableColumn(50, t["key"]) for t in texts],
        TableColumn(18, "departments", fit=False),
        TableColumn(10, "suggested", "center", fit=False),
    ]


def kpi_trend(ctx: dict, *, templates: TemplateSet) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    years = ctx["years"]
    columns = trend_columns(len(years), ctx)
    widths = {1: KIND_WIDTH, **widths_of(columns, 2)}
    col = {c.key: n for n, c in enumerate(columns, 2)}
    mark_keys = [m["key"] for m in ctx["marks"]]
    text_keys = [t["key"] for t in ctx["text_columns"]]
    sub_item_keys = set(mark_keys) | set(text_keys)  # a composite KPI's sub-items have their own; its other cells span them
    # the review's band spans its ratings and texts (none where the strategy declares neither)
    review_keys = mark_keys + text_keys
    target_col, last_col = col.get("rate", col["target"]), len(columns) + 1
    rate_col = col[review_keys[0]] if review_keys else None
    legend_col = col[text_keys[0]] if text_keys else rate_col or col["departments"]
    chart_rows: list[tuple[str, dict, dict]] = []  # (title, row, goal)
    for goal, goal_counts in zip(ctx["goals"], ctx["counts"]):
        lab = labels("kpi_trend", {**ctx, **goal, "baseline": ctx["baseline_header"]}, templates=templates)
        ws = wb.create_sheet(safe(lab["sheet"]))
        set_widths(ws, widths)
        put(ws, 1, 1, lab["title"], bold=True, size=13, wrap=False, border=False)
        put(ws, 2, 1, lab["subtitle"], bold=True, size=12, wrap=False, border=False)
        put(ws, 3, 3, lab["legend_improved"], fill=IMPROVED_FILL)
        put(ws, 4, 3, lab["legend_worsened"], fill=WORSENED_FILL)
        if ctx["rating_default"]:  # Iruma's scale: the labels file's legend
            put(ws, 3, legend_col, lab["rating_legend_title"], bold=True, wrap=False, border=False)
            for i, line in enumerate(lab["rating_legend"]):
                put(ws, 4 + i, legend_col, line, wrap=False, border=False, size=9)
            band = 9
        else:  # the declared axes' legends, one line each (a long scale pushes the table down)
            for i, line in enumerate(ctx["legends"]):
                put(ws, 3 + i, legend_col, line, wrap=False, border=False, size=9)
            band = max(9, 4 + len(ctx["legends"]))
        head = band + 1
        put(ws, band, 1, lab["band"], bold=True, fill=HEADER_FILL, horizontal="center")
        merge(ws, band, 1, band, target_col)
        if rate_col is not None:
            put(ws, band, rate_col, ctx["review"], bold=True, fill=HEADER_FILL, horizontal="center")
            merge(ws, band, rate_col, band, last_col)  # over the suggested rating too (算定評価（参考）)
        def table_header(at: int, h: dict) -> None:
            titles = [lab["measure_header"], "", "", h["baseline"], *h["years"], h["target"],
                      *([ctx["rate_label"]] if "rate" in col else []),
                      *[m["label"] or lab["rating"] for m in ctx["marks"]],
                      *[t["label"] or lab["reason"] for t in ctx["text_columns"]],
                      lab["departments"], lab["suggested"]]
            header_row(ws, at, titles, vertical="center")
            merge(ws, at, 1, at, 3)
            # a header written on two lines (H27 / 実績) gets its height; the rest as the shipped sheet
            fit_row(ws, at, {col["suggested"]: lab["suggested"],
                             **{c: t for c, t in enumerate(titles, 1) if c > 3 and "\n" in t}}, widths)

        table_header(head, ctx["header"])
        row = head + 1
        kind_start: tuple[str, int] | None = None

        def close_kind(end_row: int) -> None:
            if kind_start and end_row > kind_start[1]:
                merge(ws, kind_start[1], 1, end_row, 1)

        for r in goal["rows"]:
            if r["kind"] == "group":
                close_kind(row - 1)
                kind_start = None
                put(ws, row, 1, r["name"], bold=True, fill=POLICY_FILL, wrap=False)
                merge(ws, row, 1, row, last_col)  # the row's other cells: made by the merge, empty
                row += 1
                if ctx["kpi_header"]:  # the policy's KPI table has a header of its own
                    table_header(row, ctx["kpi_header"])
                    row += 1
                continue
            label = lab["indicator"] if r["kind"] == "indicator" else lab["kpi"]
            if kind_start is None or kind_start[0] != label:
                close_kind(row - 1)
                kind_start = (label, row)
                put(ws, row, 1, label, vertical="center")
            else:
                put(ws, row, 1, "")
            table_row(ws, row, columns, {**r, **{f"year{i}": v for i, v in enumerate(r["values"])}}, widths, first=2)
            span = 1 + len(r["sub_items"])
            for j, sub in enumerate(r["sub_items"], 1):
                put(ws, row + j, 1, "")
                for c in range(2, last_col + 1):
                    put(ws, row + j, c, "")
                for k in mark_keys:
                    put(ws, row + j, col[k], sub[k], horizontal="center")
                for k in text_keys:
                    put(ws, row + j, col[k], sub[k])
                fit_row(ws, row + j, {col[k]: sub[k] for k in text_keys}, widths)
            if span > 1:  # the composite KPI's own cells span its sub-item rows
                for c, column in enumerate(columns, 2):
                    if column.key not in sub_item_keys:
                        merge(ws, row, c, row + span - 1, c)
            if r["series"]["actual"] and any(v is not None for v in r["series"]["actual"]):
                chart_rows.append((r["chart_title"], r, goal))
            row += span
            for full in r.get("full_texts", []):  # ≪成果と見直し≫: a full-width row under the measure
                text = f"{full['label']}\n{full['text']}" if full["label"] else full["text"]
                put(ws, row, 1, "")
                put(ws, row, 2, text, vertical="top")
                for c in range(3, last_col + 1):
                    put(ws, row, c, "")
                merge(ws, row, 2, row, last_col)
                fit_row(ws, row, {2: text}, {2: sum(widths[c] for c in range(2, last_col + 1))})
                row += 1
        close_kind(row - 1)
        if goal_counts:
            row = _counts(ws, row + 1, goal_counts)
        put(ws, row + 1, 1, lab["suggested_note"], wrap=False, border=False, size=9)
        # by coordinate: a goal without indicators starts with a policy row, merged over this cell
        ws.freeze_panes = f"D{head + 1}"
        page_setup(ws, f"{band}:{head}")
        ws.page_setup.fitToHeight = 1  # one goal per page, as the published sheet prints it
    if chart_rows:
        _charts(wb, ctx, chart_rows, labels("kpi_trend", {**ctx, "no": "", "baseline": ctx["baseline_header"]}, templates=templates))
    return wb


def _counts(ws, row: int, counts: list[dict]) -> int:
    """Measures per symbol of each declared axis (computed), with their shares where declared."""
    for axis in counts:  # under the name column: the axis, then its symbols and their counts
        put(ws, row, 3, axis["label"], bold=True, fill=HEADER_FILL)
        put(ws, row + 1, 3, "")
        for i, s in enumerate(axis["symbols"]):
            put(ws, row, 4 + i, s["symbol"], bold=True, fill=HEADER_FILL, horizontal="center")
            put(ws, row + 1, 4 + i, f"{s['count']} ({s['share']})" if s["share"] else s["count"], horizontal="center")
        row += 3
    return row - 1


# The charts sheet prints each goal's charts on pages of their own, CHART_GRID charts a page, none
# cut by a page boundary (A4 landscape at 100%: 184 mm high between the margins; a page's rows are
# 23 x 20 pt = 162 mm, a chart 75 mm in 11 rows of 20 pt = 78 mm; two columns of 12.4 cm + 12 cm).
CHART_CM = (7.5, 12)  # height, width
CHART_GRID = (2, 2)  # rows, columns
CHART_ROW_PT, CHART_SLOT_ROWS, CHART_COLUMN_WIDTH = 20, 11, 66


def _chart_slots(ws, chart_rows: list[tuple[str, dict, dict]], lab: dict) -> list[tuple[int, int]]:
    """Lay out the charts sheet: each goal from a new page, under a heading repeated on each of its
    pages, CHART_GRID charts a page; a manual break ends every page. The (row, column) of each chart."""
    per_page = CHART_GRID[0] * CHART_GRID[1]
    page_rows = 1 + CHART_GRID[0] * CHART_SLOT_ROWS
    for c in range(1, CHART_GRID[1] + 1):
        ws.column_dimensions[get_column_letter(c)].width = CHART_COLUMN_WIDTH
    slots, row, goal, k = [], 0, None, 0
    for _title, _r, g in chart_rows:
        if g is not goal or k == per_page:  # a new page
            if row:
                ws.row_breaks.append(Break(id=row))
            top = row + 1
            put(ws, top, 1, fill(lab["charts_heading"], g), bold=True, size=12, wrap=False, border=False)
            for r in range(top, top + page_rows):
                ws.row_dimensions[r].height = CHART_ROW_PT
            row, goal, k = top + page_rows - 1, g, 0
        slots.append((top + 1 + (k // CHART_GRID[1]) * CHART_SLOT_ROWS, 1 + k % CHART_GRID[1]))
        k += 1
    page_setup(ws, None)
    ws.print_area = f"A1:{get_column_letter(CHART_GRID[1])}{row}"
    return slots


def _full_chart(data, row: int, years: list, title: str, unit: str | None) -> LineChart:
    """One measure's chart through openpyxl's object model: actuals, baseline and target of `row`."""
    chart = LineChart()
    chart.title = title
    chart.height, chart.width = CHART_CM
    chart.y_axis.title = unit
    chart.add_data(Reference(data, min_col=1, max_col=1 + len(years), min_row=row, max_row=row + 2),
                   from_rows=True, titles_from_data=True)
    chart.set_categories(Reference(data, min_col=2, max_col=1 + len(years), min_row=1, max_row=1))
    for series in chart.series:
        series.smooth = False  # a trend is read point to point, not as a curve
    chart.series[0].marker.symbol = "circle"  # a single reported year must still show
    chart.series[0].marker.size = 6
    chart.series[1].graphicalProperties.line.dashStyle = "dash"
    chart.series[2].graphicalProperties.line.dashStyle = "sysDot"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    # every text of the chart in the workbook's face, else the office's default face (a fallback in
    # the PDF); openpyxl writes no text properties for the chart as a whole, so each text has its own
    face = CharacterProperties(latin=DrawingFont(typeface=FONT_NAME), ea=DrawingFont(typeface=FONT_NAME))
    for titled in (chart, chart.y_axis):
        for para in titled.title.tx.rich.p if titled.title is not None else []:
            para.pPr = ParagraphProperties(defRPr=face)
            for run in para.r:
                run.rPr = face
    for part in (chart.x_axis, chart.y_axis, chart.legend):
        part.txPr = RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=face), endParaRPr=face, r=[])])
    return chart


def _charts(wb: Workbook, ctx: dict, chart_rows: list[tuple[str, dict, dict]], lab: dict) -> None:
    """One native line chart per measure: actuals by year, the baseline and the target as flat lines."""
    data = wb.create_sheet(safe(lab["chart_data_sheet"]))
    data.sheet_state = "hidden"
    charts = wb.create_sheet(safe(lab["charts_sheet"]))
    years = ctx["years"]
    for c, y in enumerate(years, 2):
        data.cell(row=1, column=c).value = safe(y)
    sheet = Reference(data, min_col=1, min_row=1).sheetname
    categories = str(Reference(data, min_col=2, max_col=1 + len(years), min_row=1, max_row=1))
    row = 2
    slots = _chart_slots(charts, chart_rows, lab)
    for n, (title, r, _goal) in enumerate(chart_rows):
        s = r["series"]
        data.cell(row=row, column=1).value = safe(lab["series_actual"])
        data.cell(row=row + 1, column=1).value = safe(lab["series_baseline"])
        data.cell(row=row + 2, column=1).value = safe(lab["series_target"])
        for c in range(len(years)):
            data.cell(row=row, column=2 + c).value = s["actual"][c]
            data.cell(row=row + 1, column=2 + c).value = s["baseline"]
            data.cell(row=row + 2, column=2 + c).value = s["target"]
        title, unit = safe(title), safe(r["unit"]) or None

        def refs(row=row):  # each series' title, categories and values, as the chart's XML names them
            return [(f"{sheet}!A{row + i}", categories,
                     str(Reference(data, min_col=2, max_col=1 + len(years), min_row=row + i, max_row=row + i)))
                    for i in range(3)]

        chart = line_chart(lambda row=row, title=title, unit=unit: _full_chart(data, row, years, title, unit),
                           title, unit, refs)
        charts.add_chart(chart, ChartAnchor(*slots[n], CHART_CM, safe(r["chart_alt"])))
        row += 3




