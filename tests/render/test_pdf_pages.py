"""Printed pages of the KPI trend workbooks, computed from the workbook itself as a spreadsheet
prints it (paper, margins, scaling, row heights, column widths, row breaks): no chart crosses a page
boundary or leaves the print area; each goal's table is one page, each goal's charts start a page."""
from __future__ import annotations

import math

import openpyxl

MM_PER_INCH, PT_PER_INCH, EMU_PER_PT = 25.4, 72, 12700
PAPER_MM = {9: (210, 297)}  # A4 (portrait width, height)


def column_px(width: float | None) -> int:
    """A column's width in pixels as Excel draws it (7-pixel digit of the default font, 5 of padding)."""
    w = 8.43 if width is None else width
    return math.trunc(((256 * w + math.trunc(128 / 7)) / 256) * 7)


def printable_pt(ws) -> tuple[float, float]:
    short, long_ = PAPER_MM[ws.page_setup.paperSize or 9]
    width, height = (long_, short) if ws.page_setup.orientation == "landscape" else (short, long_)
    m = ws.page_margins
    to_pt = PT_PER_INCH / MM_PER_INCH
    return (width * to_pt - (m.left + m.right) * PT_PER_INCH, height * to_pt - (m.top + m.bottom) * PT_PER_INCH)


def print_area(ws) -> tuple[int, int, int, int]:
    """(first column, first row, last column, last row) of the print area, else of the used range."""
    if ws.print_area:
        ref = ws.print_area[0] if isinstance(ws.print_area, list) else ws.print_area
        ref = ref.split("!")[-1].replace("$", "")
        return openpyxl.utils.cell.range_boundaries(ref)
    return 1, 1, ws.max_column, ws.max_row


def layout(ws):
    """Each row's page and top within it, and the scale, as the sheet prints."""
    page_w, page_h = printable_pt(ws)
    c0, r0, c1, r1 = print_area(ws)
    width_pt = sum(column_px(ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width)
                   for c in range(c0, c1 + 1)) * 0.75
    if ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage:
        scale = min(1.0, page_w / width_pt) if ws.page_setup.fitToWidth else 1.0
    else:
        scale = (ws.page_setup.scale or 100) / 100
        assert width_pt * scale <= page_w, ws.title  # no column cut off to a page of its own
    breaks = {b.id for b in ws.row_breaks.brk}
    default = ws.sheet_format.defaultRowHeight or 15
    rows, page, used = {}, 0, 0.0
    for r in range(r0, r1 + 1):
        h = (ws.row_dimensions[r].height or default) * scale
        if r > r0 and ((r - 1) in breaks or used + h > page_h):
            page, used = page + 1, 0.0
        rows[r] = (page, used, h)
        used += h
    return rows, scale, (c0, r0, c1, r1)


def trend_books(built):
    books = sorted(built.glob("*/03_KPI目標値達成状況推移_*.xlsx"))
    assert len(books) == 6  # H28, H29, R4–R7 (R7: the year after the last actuals)
    return books


def test_no_chart_crosses_a_page_boundary_or_leaves_the_print_area(built):
    for book in trend_books(built):
        wb = openpyxl.load_workbook(book)
        sheets = [ws for ws in wb.worksheets if ws._charts]
        assert sheets and all(ws.sheet_state == "visible" for ws in sheets)
        for ws in sheets:
            rows, scale, (c0, r0, c1, r1) = layout(ws)
            pages = set()
            for chart in ws._charts:
                a = chart.anchor._from
                row, col = a.row + 1, a.col + 1
                assert r0 <= row <= r1 and c0 <= col <= c1, (book.name, row, col)
                page, top, _ = rows[row]
                remaining = (a.rowOff / EMU_PER_PT + chart.anchor.ext.height / EMU_PER_PT) * scale
                r = row
                while remaining > 0:  # down the rows the chart covers: all on its first row's page
                    assert r in rows and rows[r][0] == page, (book.name, ws.title, row, r)
                    remaining -= rows[r][2]
                    r += 1
                left = sum(column_px(ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width)
                           for c in range(c0, col)) * 0.75 + a.colOff / EMU_PER_PT
                right_edge = sum(column_px(ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width)
                                 for c in range(c0, c1 + 1)) * 0.75
                assert left + chart.anchor.ext.width / EMU_PER_PT <= right_edge, (book.name, row, col)
                pages.add(page)
            assert len(pages) >= 4  # every goal's charts start a page of their own


def test_each_goals_table_prints_on_one_page_with_its_titles(built):
    for book in trend_books(built):
        wb = openpyxl.load_workbook(book)
        goals = [ws for ws in wb.worksheets if ws.title.startswith("基本目標")]
        assert len(goals) == 4
        for ws in goals:
            s = ws.page_setup
            assert ws.sheet_properties.pageSetUpPr.fitToPage and (s.fitToWidth, s.fitToHeight) == (1, 1), ws.title
            assert ws.print_title_rows and ws.oddFooter.center.text == "- &P -"


def test_a_chart_anchored_across_a_page_end_is_found(tmp_path):
    """The check itself can fail: a chart placed over the end of a page is reported."""
    from openpyxl.chart import LineChart
    from openpyxl.worksheet.pagebreak import Break

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.page_setup.paperSize, ws.page_setup.orientation = 9, "landscape"
    for r in range(1, 41):
        ws.row_dimensions[r].height = 20
    ws.row_breaks.append(Break(id=20))
    chart = LineChart()
    chart.height, chart.width = 7.5, 12
    ws.add_chart(chart, "A15")  # rows 15..25: over the break after row 20
    ws.print_area = "A1:B40"
    path = tmp_path / "b.xlsx"
    wb.save(path)
    ws = openpyxl.load_workbook(path).active
    rows, scale, _ = layout(ws)
    a = ws._charts[0].anchor._from
    covered = [r for r in rows if a.row + 1 <= r <= a.row + 11]
    assert {rows[r][0] for r in covered} == {0, 1}
