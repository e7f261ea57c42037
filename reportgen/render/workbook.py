"""The one writer of every workbook: cells always stored as text, styles, merges, row heights, print setup.

Layouts (render/xlsx.py, render/xlsx_forms.py) say what goes where; this module writes it through
openpyxl's public API, and reportgen.fast.openpyxl takes the shortcuts (behind their switch).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter

from reportgen.fast import openpyxl as fast
from reportgen.fast.openpyxl import merge, shared, workbook_bytes  # noqa: F401 (the layouts' merge and bytes)

FONT_NAME = "ＭＳ ゴシック"
THIN = Side(style="thin", color="000000")
BORDER = shared(Border(left=THIN, right=THIN, top=THIN, bottom=THIN))
HEADER_FILL = shared(PatternFill("solid", fgColor="D9D9D9"))
GOAL_FILL = shared(PatternFill("solid", fgColor="DDEBF7"))
POLICY_FILL = shared(PatternFill("solid", fgColor="F2F2F2"))
INPUT_FILL = shared(PatternFill("solid", fgColor="FFF2CC"))  # the department's cells
IMPROVED_FILL = shared(PatternFill("solid", fgColor="C6EFCE"))  # 現状値より上昇(改善)
WORSENED_FILL = shared(PatternFill("solid", fgColor="FFC7CE"))  # 現状値より減少(悪化)


def solid_fill(colour: str) -> PatternFill:
    """A fill of a colour the data declares (a rating symbol's), made once per colour."""
    return _solid(colour)

_font = fast.made_once(lambda size, bold: Font(name=FONT_NAME, size=size, bold=bold))
_alignment = fast.made_once(lambda wrap, vertical, horizontal: Alignment(wrap_text=wrap, vertical=vertical,
                                                                        horizontal=horizontal))
_unlocked = fast.made_once(lambda: Protection(locked=False))
_solid = fast.made_once(lambda colour: PatternFill("solid", fgColor=colour))

LINE_PT = 13.0  # height of one line of 10pt text


def safe(text: str) -> str:
    """Drop characters a worksheet cannot hold (the model refuses them; this guards the renderer)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _apply(cell, bold: bool, size: float, wrap: bool, border: bool, horizontal: str | None, vertical: str,
           locked: bool, fill) -> None:
    cell.font = _font(size, bold)
    cell.alignment = _alignment(wrap, vertical, horizontal)
    if border:
        cell.border = BORDER
    if fill is not None:
        cell.fill = fill
    if not locked:
        cell.protection = _unlocked()


def put(ws, row: int, col: int, value, *, bold: bool = False, fill=None, wrap: bool = True, border: bool = True,
        size: float = 10, horizontal: str | None = None, vertical: str = "top", locked: bool = True):
    """Write one cell; a string is always stored as text (openpyxl would take `=…` for a formula)."""
    cell = fast.cell(ws, row, col)
    if isinstance(value, str):
        value = safe(value)
    cell.value = value if value != "" else None
    if isinstance(value, str) and value:
        cell.data_type = "s"
    key = (bold, size, wrap, border, horizontal, vertical, locked, id(fill) if fill is not None else None)
    fast.style(cell, key, _apply, bold, size, wrap, border, horizontal, vertical, locked, fill)
    return cell


_WIDE = re.compile(r"[^\x00-\x7f\uff61-\uff9f]")  # beyond ASCII, except half-width katakana


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


def new_sheet(lab: dict, widths: dict[int, float], title_column: int = 1, title_size: float = 14):
    """A workbook whose first sheet is named and sized from the labels, with the title in row 1."""
    wb = Workbook()
    ws = wb.active
    ws.title = safe(lab["sheet"])
    set_widths(ws, widths)
    put(ws, 1, title_column, lab["title"], bold=True, size=title_size, wrap=False, border=False)
    return wb, ws


@dataclass(frozen=True)
class TableColumn:
    """One column of a table layout: its width, the row's field it shows, how it sits."""

    width: float
    key: str | None  # the field of the row shown in this column (None: an empty cell)
    horizontal: str | None = None
    fill: Callable[[dict], object] | None = None  # the row's fill in this column (None: none)
    fit: bool = True  # the row grows to show this column's text whole


def widths_of(columns: list[TableColumn], first: int = 1) -> dict[int, float]:
    return {c: col.width for c, col in enumerate(columns, first)}


def header_row(ws, row: int, titles: list[str], first: int = 1, vertical: str = "top") -> None:
    """The header cells of a table: bold, grey, centred."""
    for c, text in enumerate(titles, first):
        put(ws, row, c, text, bold=True, fill=HEADER_FILL, horizontal="center", vertical=vertical)


def table_row(ws, row: int, columns: list[TableColumn], item: dict, widths: dict[int, float], first: int = 1) -> dict:
    """One row of a table, written from its columns and fitted to its texts; the values by column number."""
    values = {}
    for c, col in enumerate(columns, first):
        v = values[c] = item[col.key] if col.key is not None else ""
        put(ws, row, c, v, horizontal=col.horizontal, fill=col.fill(item) if col.fill else None)
    fit_row(ws, row, {c: v for (c, v), col in zip(values.items(), columns) if col.fit}, widths)
    return values
