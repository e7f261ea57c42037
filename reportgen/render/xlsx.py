"""Excel workbooks with openpyxl, one layout per format; no data string ever becomes a formula."""
from __future__ import annotations

import functools
import io
import math
import re
from copy import copy, deepcopy
from typing import Callable
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Font as DrawingFont, Paragraph, ParagraphProperties
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.styles.borders import DEFAULT_BORDER
from openpyxl.styles.fills import DEFAULT_EMPTY_FILL, DEFAULT_GRAY_FILL
from openpyxl.styles.fonts import DEFAULT_FONT
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, OneCellAnchor, SpreadsheetDrawing
from openpyxl.drawing.xdr import XDRPositiveSize2D as PositiveSize2D
from openpyxl.utils.units import cm_to_EMU
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.styles.stylesheet import write_stylesheet
from openpyxl.workbook._writer import WorkbookWriter
from openpyxl.writer.excel import ExcelWriter
from openpyxl.writer.theme import theme_xml
from openpyxl.xml.constants import ARC_APP, ARC_CORE, ARC_ROOT_RELS, ARC_STYLE, ARC_THEME, ARC_WORKBOOK, ARC_WORKBOOK_RELS
from openpyxl.xml.functions import tostring

from .. import forms
from ..labels import fill, labels
from ..package import CoreProps, Entries, normalise, zip_entries
from . import REFERENCE_PATHS

FONT_NAME = "ＭＳ ゴシック"
# Style objects shared by every workbook of the process, by identity. openpyxl never changes a
# style object in place (a cell is given a new one), so a shared object always writes the same
# XML: a stylesheet made only of shared objects is known by their identities (_stylesheet_key).
# The dictionary keeps them alive, so an identity is never reused.
_SHARED: dict[int, object] = {}
_BY_VALUE: dict[object, object] = {}


def shared(obj):
    """`obj` itself, or the shared object equal to it (openpyxl's own test of equal styles)."""
    if REFERENCE_PATHS:  # each workbook its own objects, as openpyxl's users make them
        return obj
    obj = _BY_VALUE.setdefault(obj, obj)
    _SHARED[id(obj)] = obj
    return obj


for _default in (DEFAULT_FONT, DEFAULT_BORDER, DEFAULT_EMPTY_FILL, DEFAULT_GRAY_FILL):  # every new workbook's
    shared(_default)

THIN = Side(style="thin", color="000000")
BORDER = shared(Border(left=THIN, right=THIN, top=THIN, bottom=THIN))
HEADER_FILL = shared(PatternFill("solid", fgColor="D9D9D9"))
GOAL_FILL = shared(PatternFill("solid", fgColor="DDEBF7"))
POLICY_FILL = shared(PatternFill("solid", fgColor="F2F2F2"))
INPUT_FILL = shared(PatternFill("solid", fgColor="FFF2CC"))  # the department's cells
IMPROVED_FILL = shared(PatternFill("solid", fgColor="C6EFCE"))  # 現状値より上昇(改善)
WORSENED_FILL = shared(PatternFill("solid", fgColor="FFC7CE"))  # 現状値より減少(悪化)


def _made_once(make: Callable):
    """`make`, its result shared and made once per argument (each call anew on the reference path)."""
    if REFERENCE_PATHS:
        return make
    return functools.lru_cache(maxsize=None)(lambda *args: shared(make(*args)))


_font = _made_once(lambda size, bold: Font(name=FONT_NAME, size=size, bold=bold))
_alignment = _made_once(lambda wrap, vertical, horizontal: Alignment(wrap_text=wrap, vertical=vertical,
                                                                    horizontal=horizontal))
_unlocked = _made_once(lambda: Protection(locked=False))

LINE_PT = 13.0  # height of one line of 10pt text


def safe(text: str) -> str:
    """Drop characters a worksheet cannot hold (the model refuses them; this guards the renderer)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def put(ws, row: int, col: int, value, *, bold: bool = False, fill=None, wrap: bool = True, border: bool = True,
        size: float = 10, horizontal: str | None = None, vertical: str = "top", locked: bool = True):
    """Write one cell; a string is always stored as text (openpyxl would take `=…` for a formula)."""
    cell = ws._get_cell(row, col)  # ws.cell() without its argument checks: rows and columns here start at 1
    if isinstance(value, str):
        value = safe(value)
    cell.value = value if value != "" else None
    if isinstance(value, str) and value:
        cell.data_type = "s"
    # openpyxl hashes every style object it is given; a workbook's few distinct styles are
    # built once and then copied as index arrays (the profile showed a third of the build here)
    key = (bold, size, wrap, border, horizontal, vertical, locked, id(fill) if fill is not None else None)
    cache = ws.parent.__dict__.setdefault("_reportgen_styles", {})
    style = cache.get(key)
    if style is None:
        cell.font = _font(size, bold)
        cell.alignment = _alignment(wrap, vertical, horizontal)
        if border:
            cell.border = BORDER
        if fill is not None:
            cell.fill = fill
        if not locked:
            cell.protection = _unlocked()
        cache[key] = StyleArray(cell._style)
    else:
        cell._style = StyleArray(style)
    return cell


_WIDE = re.compile(r"[^\x00-\x7f\uff61-\uff9f]")  # beyond ASCII, except half-width katakana


# Borders a merge computes, by the identities of the shared borders it combines: the same two
# borders always combine into the same one, in every workbook.
_COMBINED: dict[tuple, object] = {}


def _combined(border, source, names: tuple[str, ...]):
    """shared(`border` + the sides `names` of `source`), computed once per process."""
    key = (id(border), id(source), names)
    hit = _COMBINED.get(key)
    if hit is None:
        hit = shared(border + Border(**{name: getattr(source, name) for name in names}))
        if _SHARED.get(id(border)) is border and _SHARED.get(id(source)) is source:  # ids that are never reused
            _COMBINED[key] = hit
    return hit


def _border_id(wb: Workbook, border) -> int:
    """What `cell.border = border` stores, without hashing a shared border again in each workbook
    (IndexedList.add returns the index of the equal border already listed, which never moves)."""
    ids = wb.__dict__.setdefault("_reportgen_border_ids", {})
    i = ids.get(id(border))
    if i is None:
        i = wb._borders.add(border)
        if _SHARED.get(id(border)) is border:
            ids[id(border)] = i
    return i


def merge(ws, start_row: int, start_column: int, end_row: int, end_column: int) -> None:
    """Merge a range exactly as openpyxl's merge_cells does, with the borders it computes.

    openpyxl rebuilds and re-hashes a border for the range's first cell and for every edge cell,
    and a protection for every cell (half of a trend workbook's time in the profile). The same
    borders always combine into the same border, so each combination is computed once per process
    and looked up in each workbook by identity; the bytes do not change (a test compares them
    with openpyxl's own merge_cells).
    """
    if REFERENCE_PATHS:
        ws.merge_cells(start_row=start_row, start_column=start_column, end_row=end_row, end_column=end_column)
        return
    wb = ws.parent
    borders = wb._borders
    # MergedCellRange(ws, coord) without parsing the coordinate it was just given
    mcr = MergedCellRange.__new__(MergedCellRange)
    CellRange.__init__(mcr, min_col=start_column, min_row=start_row, max_col=end_column, max_row=end_row)
    mcr.ws = ws
    start = mcr.start_cell = ws._cells.get((start_row, start_column)) or ws.cell(row=start_row, column=start_column)
    if start._style is None:  # what openpyxl's style setters do first
        start._style = StyleArray()
    end = ws._cells.get((end_row, end_column))
    if end is not None and end is not start:  # the first cell takes the last cell's right and bottom edges
        end_border = borders[end._style.borderId if end._style is not None else 0]
        start._style.borderId = _border_id(wb, _combined(borders[start._style.borderId], end_border, ("right", "bottom")))
    # MultiCellRange.add first scans every range already merged (quadratic over a sheet);
    # the ranges merged here never overlap, so the set gets exactly what add() would give it
    ws.merged_cells.ranges.add(mcr)
    # every other cell becomes an empty merged cell; openpyxl sets a copy of the first cell's
    # protection on each, an equal value, so the first cell's own id
    cells = mcr.cells
    next(cells)
    for row, col in cells:
        cell = ws._cells[row, col] = MergedCell(ws, row, col)
        cell._style = StyleArray()
        cell._style.protectionId = start._style.protectionId
    for name in ("top", "left", "right", "bottom"):
        start_border = borders[start._style.borderId]
        side = getattr(start_border, name)
        if side and side.style is None:
            continue
        for row, col in getattr(mcr, name):
            style = ws._cells[row, col]._style
            style.borderId = _border_id(wb, _combined(borders[style.borderId], start_border, (name,)))


def text_width(text: str) -> int:
    """Display width in Excel column units: wide (Japanese) characters count double."""
    return len(text) + len(_WIDE.findall(text))


def lines_needed(text: str, width: float) -> int:
    usable = max(1.0, width - 1)
    return sum(max(1, math.ceil(text_width(line) / usable)) for line in str(text).split("\n"))


def fit_row(ws, row: int, texts: dict[int, str], widths: dict[int, float], minimum: int = 1) -> None:
    """Set the row height so every wrapped text shows whole (Excel does not re-measure on open)."""
    n = max([minimum] + [lines_needed(t, widths[c]) for c, t in texts.items() if t])
    ws.row_dimensions[row].height = round(n * LINE_PT + 4, 1)


def page_setup(ws, title_rows: str, landscape: bool = True) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.center.text = "- &P -"
    ws.oddFooter.center.font = f"{FONT_NAME},標準"  # else the office's default face (a fallback in the PDF)


def set_widths(ws, widths: dict[int, float]) -> None:
    for col, w in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = w


def protect(ws, password: str | None = None) -> None:
    """Lock every cell not marked unlocked; rows and columns may still be resized."""
    ws.protection.sheet = True
    ws.protection.formatRows = False
    ws.protection.formatColumns = False
    if password:
        ws.protection.password = password


# ---------------------------------------------------------------------------- pledge list


def new_sheet(lab: dict, widths: dict[int, float], title_column: int = 1, title_size: float = 14):
    """A workbook whose first sheet is named and sized from the labels, with the title in row 1."""
    wb = Workbook()
    ws = wb.active
    ws.title = safe(lab["sheet"])
    set_widths(ws, widths)
    put(ws, 1, title_column, lab["title"], bold=True, size=title_size, wrap=False, border=False)
    return wb, ws


def pledge_list(ctx: dict) -> Workbook:
    lab = labels("pledge_list", ctx)
    widths = {1: 16, 2: 7, 3: 10, 4: 30, 5: 26, 6: 40, 7: 56, 8: 9, 9: 9}
    wb, ws = new_sheet(lab, widths)
    put(ws, 2, 1, lab["legend"], wrap=False, border=False)
    if ctx["has_previous"]:
        put(ws, 3, 1, lab["changed_note"], wrap=False, border=False)
    head = 4
    for c, text in enumerate(lab["columns"], 1):
        put(ws, head, c, text, bold=True, fill=HEADER_FILL, horizontal="center")
    row = head + 1
    for ch in ctx["chapters"]:
        for pl in ch["pledges"]:
            for it in pl["rows"]:
                status = it["status"]
                values = [f"第{ch['no']}章 {ch['title']}", pl["no"], pl["category"], pl["title"], it["title"],
                          it["content"], it["progress"], status, it["previous"] if ctx["has_previous"] else ""]
                for c, v in enumerate(values, 1):
                    put(ws, row, c, v, horizontal="center" if c in (2, 8, 9) else None,
                        fill=INPUT_FILL if c == 8 and it["changed"] else None)
                fit_row(ws, row, {c: v for c, v in enumerate(values, 1)}, widths)
                row += 1
    last = row - 1
    dv = DataValidation(type="list", formula1='"A,B,C,D"', allow_blank=True, showErrorMessage=True)
    dv.add(f"H{head + 1}:H{max(last, head + 1)}")
    ws.add_data_validation(dv)
    ws.auto_filter.ref = f"A{head}:{get_column_letter(len(lab['columns']))}{last}"
    ws.freeze_panes = f"A{head + 1}"
    page_setup(ws, f"{head}:{head}")
    summary = wb.create_sheet(safe(lab["summary_sheet"]))
    set_widths(summary, {1: 14, 2: 10})
    for c, text in enumerate(lab["summary_columns"], 1):
        put(summary, 1, c, text, bold=True, fill=HEADER_FILL, horizontal="center")
    for i, s in enumerate(ctx["summary"], 2):
        put(summary, i, 1, f"{s['code']} {lab['status_labels'][s['code']]}")
        put(summary, i, 2, s["count"], horizontal="right")
    page_setup(summary, "1:1", landscape=False)
    return wb


# ---------------------------------------------------------------------------- evaluation table


def _status_cell(row: dict, lab: dict) -> str:
    kind = lab["new"] if row["is_new"] else lab["continuing"]
    return f"{row['name']} {row['status']}・{kind}" if row["status"] else f"{row['name']} {kind}"


def evaluation_table(ctx: dict) -> Workbook:
    lab = labels("evaluation_table", ctx)
    widths = {1: 5, 2: 5, 3: 24, 4: 34, 5: 40, 6: 40, 7: 34, 8: 12, 9: 10}
    wb, ws = new_sheet(lab, widths)
    put(ws, 1, 9, lab["label"], bold=True, border=True, horizontal="center")
    for i, note in enumerate(lab["notes"], 2):
        put(ws, i, 1, note, wrap=False, border=False)
    head = 2 + len(lab["notes"])
    for c, text in enumerate(lab["columns"], 1):
        put(ws, head, c, text, bold=True, fill=HEADER_FILL, horizontal="center", vertical="center")
    fit_row(ws, head, dict(enumerate(lab["columns"], 1)), widths)
    row = head + 1
    for r in ctx["rows"]:
        if r["kind"] == "goal":
            put(ws, row, 1, fill(lab["goal_row"], r), bold=True, fill=GOAL_FILL, wrap=False)
            merge(ws, row, 1, row, 9)
        elif r["kind"] == "policy":
            put(ws, row, 1, "", fill=POLICY_FILL)
            put(ws, row, 2, r["name"], bold=True, fill=POLICY_FILL, wrap=False)
            merge(ws, row, 2, row, 9)
        else:
            values = {3: _status_cell(r, lab), 4: r["description"], 5: r["done"], 6: r["assessment"],
                      7: r["plan"], 8: r["departments"], 9: r["memo"]}
            put(ws, row, 1, "")
            put(ws, row, 2, "")
            for c, v in values.items():
                put(ws, row, c, v)
            fit_row(ws, row, values, widths)
        row += 1
    ws.freeze_panes = f"A{head + 1}"
    page_setup(ws, f"{head}:{head}")
    return wb


# ---------------------------------------------------------------------------- KPI trend


def kpi_trend(ctx: dict) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    years = ctx["years"]
    ncol = 3 + 1 + len(years) + 1  # kind, id, name | baseline | years | target
    rate_col = ncol + 1
    widths = {1: 10, 2: 6, 3: 30, 4: 16, **{5 + i: 13 for i in range(len(years))}}
    widths.update({ncol: 12, rate_col: 6, rate_col + 1: 50, rate_col + 2: 18, rate_col + 3: 10})
    chart_rows: list[tuple[str, dict, dict]] = []  # (title, row, goal)
    for goal in ctx["goals"]:
        lab = labels("kpi_trend", {**ctx, **goal, "baseline": ctx["baseline_header"]})
        ws = wb.create_sheet(safe(lab["sheet"]))
        set_widths(ws, widths)
        put(ws, 1, 1, lab["title"], bold=True, size=13, wrap=False, border=False)
        put(ws, 2, 1, lab["subtitle"], bold=True, size=12, wrap=False, border=False)
        put(ws, 3, 3, lab["legend_improved"], fill=IMPROVED_FILL)
        put(ws, 4, 3, lab["legend_worsened"], fill=WORSENED_FILL)
        put(ws, 3, rate_col + 1, lab["rating_legend_title"], bold=True, wrap=False, border=False)
        for i, line in enumerate(lab["rating_legend"]):
            put(ws, 4 + i, rate_col + 1, line, wrap=False, border=False, size=9)
        band, head = 9, 10
        put(ws, band, 1, lab["band"], bold=True, fill=HEADER_FILL, horizontal="center")
        merge(ws, band, 1, band, ncol)
        put(ws, band, rate_col, ctx["review"], bold=True, fill=HEADER_FILL, horizontal="center")
        merge(ws, band, rate_col, band, rate_col + 2)
        headers = [lab["measure_header"], "", "", ctx["baseline_header"], *years, ctx["target_header"],
                   lab["rating"], lab["reason"], lab["departments"], lab["suggested"]]
        for c, text in enumerate(headers, 1):
            put(ws, head, c, text, bold=True, fill=HEADER_FILL, horizontal="center", vertical="center")
        merge(ws, head, 1, head, 3)
        fit_row(ws, head, {rate_col + 3: lab["suggested"]}, widths)
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
                merge(ws, row, 1, row, rate_col + 3)  # the row's other cells: made by the merge, empty
                row += 1
                continue
            label = lab["indicator"] if r["kind"] == "indicator" else lab["kpi"]
            if kind_start is None or kind_start[0] != label:
                close_kind(row - 1)
                kind_start = (label, row)
                put(ws, row, 1, label, vertical="center")
            else:
                put(ws, row, 1, "")
            values = {2: r["id"], 3: r["name"], 4: r["baseline"]}
            for i, v in enumerate(r["values"]):
                values[5 + i] = v
            values.update({ncol: r["target"], rate_col: r["rating"], rate_col + 1: r["reason"],
                           rate_col + 2: r["departments"], rate_col + 3: r["suggested"]})
            for c, v in values.items():
                fill = None
                if 5 <= c < 5 + len(years):
                    change = r["changes"][c - 5]
                    fill = IMPROVED_FILL if change > 0 else WORSENED_FILL if change < 0 else None
                put(ws, row, c, v, fill=fill, horizontal="center" if c in (2, rate_col, rate_col + 3) else None)
            span = 1 + len(r["sub_items"])
            fit_row(ws, row, {c: values[c] for c in (3, rate_col + 1)}, widths)
            for j, sub in enumerate(r["sub_items"], 1):
                put(ws, row + j, 1, "")
                for c in range(2, rate_col + 4):
                    put(ws, row + j, c, "")
                put(ws, row + j, rate_col, sub["rating"], horizontal="center")
                put(ws, row + j, rate_col + 1, sub["reason"])
                fit_row(ws, row + j, {rate_col + 1: sub["reason"]}, widths)
            if span > 1:  # the composite KPI's own cells span its sub-item rows
                for c in list(range(2, ncol + 1)) + [rate_col + 2, rate_col + 3]:
                    merge(ws, row, c, row + span - 1, c)
            if r["kind"] != "group" and r["series"]["actual"] and any(v is not None for v in r["series"]["actual"]):
                chart_rows.append((r["chart_title"], r, goal))
            row += span
        close_kind(row - 1)
        put(ws, row + 1, 1, lab["suggested_note"], wrap=False, border=False, size=9)
        # by coordinate: a goal without indicators starts with a policy row, merged over this cell
        ws.freeze_panes = f"D{head + 1}"
        page_setup(ws, f"{band}:{head}")
        ws.page_setup.fitToHeight = 1  # one goal per page, as the published sheet prints it
    if chart_rows:
        _charts(wb, ctx, chart_rows, labels("kpi_trend", {**ctx, "no": "", "baseline": ctx["baseline_header"]}))
    return wb


A_NS = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


class _ChartCopy(LineChart):
    """A line chart that exists only as XML: the drawing needs its anchor, size and part name.

    The charts of a trend workbook differ only in their title, unit and ranges; building each
    one's object model (series, titles, axes) and serialising it was a quarter of a trend
    workbook's time (profile). The first chart of each shape a process makes is built by openpyxl;
    the others copy its XML with their own texts, exactly what openpyxl writes for them (a test
    builds both ways and compares the bytes).
    """

    def __init__(self, write: Callable[[], object]) -> None:  # LineChart.__init__ builds what the XML replaces
        self._write = write


# The XML of the first chart of each shape (with or without a unit) this process built; the
# others are written from it. It holds no data: only the texts and ranges that _chart_xml replaces.
_CHART_XML: dict[bool, object] = {}


def _chart_xml(tree, title: str, unit: str | None, refs: list[tuple[str, str, str]]):
    tree = deepcopy(tree)
    texts = list(tree.iter(A_NS + "t"))
    texts[0].text = title
    if unit is not None:
        texts[-1].text = unit
    for (tx, cat, val), el in zip(refs, tree.iter("ser")):
        el.find("tx/strRef/f").text = tx
        el.find("cat/numRef/f").text = cat
        el.find("val/numRef/f").text = val
    return tree


def _full_chart(data, row: int, years: list, title: str, unit: str | None) -> LineChart:
    """A chart built through openpyxl's object model."""
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


# The charts sheet prints each goal's charts on pages of their own, CHART_GRID charts a page, none
# cut by a page boundary (A4 landscape at 100%: 184 mm high between the margins; a page's rows are
# 23 x 20 pt = 162 mm, a chart 75 mm in 11 rows of 20 pt = 78 mm; two columns of 12.4 cm + 12 cm).
CHART_CM = (7.5, 12)  # height, width
CHART_GRID = (2, 2)  # rows, columns
CHART_ROW_PT, CHART_SLOT_ROWS, CHART_COLUMN_WIDTH = 20, 11, 66


class _ChartAnchor(OneCellAnchor):
    """A chart's place (cell, size) that gives the frame openpyxl makes for the chart its
    alternative text (`descr`), which LibreOffice and Excel read out and reportgen.pdf puts in the PDF."""

    # openpyxl's serialiser lists a class's own fields: a subclass names its parent's
    __elements__, __attrs__, __nested__ = OneCellAnchor.__elements__, OneCellAnchor.__attrs__, OneCellAnchor.__nested__
    __namespaced__ = OneCellAnchor.__namespaced__

    def __init__(self, row: int, col: int, descr: str) -> None:
        super().__init__(_from=AnchorMarker(col=col - 1, row=row - 1),
                         ext=PositiveSize2D(cm_to_EMU(CHART_CM[1]), cm_to_EMU(CHART_CM[0])))
        self.__dict__["descr"] = descr

    def __setattr__(self, name, value):
        if name == "graphicFrame" and value is not None:
            value.nvGraphicFramePr.cNvPr.descr = self.__dict__["descr"]
        super().__setattr__(name, value)


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
        template = _CHART_XML.get(unit is not None)
        if REFERENCE_PATHS:
            chart = _full_chart(data, row, years, title, unit)
        elif template is None:
            chart = _full_chart(data, row, years, title, unit)
            tree = _CHART_XML[unit is not None] = chart._write()
            chart._write = lambda tree=tree: tree
        else:
            refs = [(f"{sheet}!A{row + i}", categories,
                     str(Reference(data, min_col=2, max_col=1 + len(years), min_row=row + i, max_row=row + i)))
                    for i in range(3)]
            chart = _ChartCopy(lambda template=template, title=title, unit=unit, refs=refs:
                               _chart_xml(template, title, unit, refs))
            chart.height, chart.width = CHART_CM
        charts.add_chart(chart, _ChartAnchor(*slots[n], safe(r["chart_alt"])))
        row += 3


from .xlsx_forms import evaluation_form, kpi_form  # noqa: E402 (they build on the helpers above)

LAYOUTS: dict[str, Callable[[dict], Workbook]] = {
    "pledge_list": pledge_list,
    "evaluation_table": evaluation_table,
    "evaluation_form": evaluation_form,
    "kpi_trend": kpi_trend,
    "kpi_form": kpi_form,
}


def _shared_ids(items) -> tuple | None:
    ids = []
    for x in items:
        if _SHARED.get(id(x)) is not x:
            return None
        ids.append(id(x))
    return tuple(ids)


def _stylesheet_key(wb: Workbook) -> tuple | None:
    """Everything openpyxl's write_stylesheet reads from `wb`, as a key that is cheap to build;
    None when the stylesheet holds an object that is not shared or a part this module never sets
    (then the stylesheet is written the long way)."""
    named = wb._named_styles
    if len(named) != 1 or wb._differential_styles.styles or wb._table_styles.tableStyle:
        return None
    ns = named[0]
    if ns.alignment != Alignment() or ns.protection != Protection():  # a default Normal style
        return None
    parts = (_shared_ids(wb._fonts), _shared_ids(wb._fills), _shared_ids(wb._borders),
             # element 0 of these two is never written (an id of 0 means none)
             _shared_ids(wb._alignments[1:]), _shared_ids(wb._protections[1:]))
    if None in parts:
        return None
    tables = wb._table_styles
    return parts + (tuple(wb._number_formats), tuple(a.tobytes() for a in wb._cell_styles), tuple(wb._colors),
                    (ns.name, ns.builtinId, ns.hidden, ns._style.tobytes()),
                    (tables.count, tables.defaultTableStyle, tables.defaultPivotStyle))


_STYLESHEETS: dict[tuple, bytes] = {}


def _stylesheet_xml(wb: Workbook) -> bytes:
    """xl/styles.xml: workbooks of one layout mostly share it (every form of a kind, measured), and
    writing it was a tenth of a form's time."""
    key = _stylesheet_key(wb)
    xml = _STYLESHEETS.get(key) if key is not None else None
    if xml is None:
        xml = tostring(write_stylesheet(wb))
        if key is not None:
            if len(_STYLESHEETS) >= 64:
                _STYLESHEETS.clear()
            _STYLESHEETS[key] = xml
    return xml


class _PartsWriter(ExcelWriter):
    """openpyxl's writer, writing each part into `Entries` (package.zip_entries makes the package):
    sheets go to memory instead of a temporary file each (created, reread and removed: 10% of a
    small form's time in the profile), and the parts many workbooks share are made once."""

    def write_data(self):
        """ExcelWriter.write_data for the parts these layouts have (no macros, images, pivot
        tables, external links or custom properties): the same parts, in the same order."""
        wb, archive = self.workbook, self._archive
        if wb.vba_archive or len(wb.custom_doc_props) or wb.loaded_theme or wb._pivots or wb._external_links:
            raise ValueError("the workbook has a part this writer does not write")
        archive.writestr(ARC_APP, b"")  # zip_entries puts reportgen's own app properties here (package.py)
        archive.writestr(ARC_CORE, b"")  # zip_entries puts the package's own core properties here
        archive.writestr(ARC_THEME, theme_xml)
        self._write_worksheets()
        self._write_chartsheets()
        self._write_images()
        self._write_charts()
        archive.writestr(ARC_STYLE, _stylesheet_xml(wb))
        writer = WorkbookWriter(wb)
        archive.writestr(ARC_ROOT_RELS, writer.write_root_rels())
        archive.writestr(ARC_WORKBOOK, writer.write())
        archive.writestr(ARC_WORKBOOK_RELS, writer.write_rels())
        self.manifest._write(archive, wb)

    def write_worksheet(self, ws):
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = WorksheetWriter(ws, out=io.BytesIO())
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.out.getvalue())
        self.manifest.append(ws)


def render_xlsx(layout: str, ctx: dict, core: CoreProps) -> bytes:
    wb = LAYOUTS[layout](ctx)
    if REFERENCE_PATHS:  # openpyxl's own writer, as Workbook.save uses it
        buf = io.BytesIO()
        ExcelWriter(wb, ZipFile(buf, "w", ZIP_DEFLATED, allowZip64=True)).save()
        return normalise(buf.getvalue(), core)
    parts = Entries()
    _PartsWriter(wb, parts).save()
    return zip_entries(parts, core)
