"""Shortcuts into openpyxl's internals: shared styles, style arrays, merges, chart XML, the parts writer.

Each is taken only while its switch is on (reportgen.fast); off, the same call goes through
openpyxl's own code, as its users write it. The bytes are the same either way
(tests/fast/test_reference_paths.py); docs/performance.md says what each one saves.
"""
from __future__ import annotations

import functools
import io
from copy import deepcopy
from typing import Callable
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.chart import LineChart
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, OneCellAnchor, SpreadsheetDrawing
from openpyxl.drawing.xdr import XDRPositiveSize2D as PositiveSize2D
from openpyxl.packaging.extended import ExtendedProperties
from openpyxl.styles import Alignment, Border, Protection
from openpyxl.styles.borders import DEFAULT_BORDER
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.fills import DEFAULT_EMPTY_FILL, DEFAULT_GRAY_FILL
from openpyxl.styles.fonts import DEFAULT_FONT
from openpyxl.styles.stylesheet import write_stylesheet
from openpyxl.utils.units import cm_to_EMU
from openpyxl.workbook._writer import WorkbookWriter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.writer.excel import ExcelWriter
from openpyxl.writer.theme import theme_xml
from openpyxl.xml.constants import ARC_APP, ARC_CORE, ARC_ROOT_RELS, ARC_STYLE, ARC_THEME, ARC_WORKBOOK, ARC_WORKBOOK_RELS
from openpyxl.xml.functions import tostring

from reportgen.fast import on
from reportgen.fast.zipfile import Package
from reportgen.ooxml.package import CoreProps, normalise

# ---------------------------------------------------------------------------- shared style objects ("styles")

# Style objects shared by every workbook of the process, by identity. openpyxl never changes a
# style object in place (a cell is given a new one), so a shared object always writes the same
# XML: a stylesheet made only of shared objects is known by their identities (_stylesheet_key).
# The dictionary keeps them alive, so an identity is never reused.
_SHARED: dict[int, object] = {}
_BY_VALUE: dict[object, object] = {}


def shared(obj):
    """`obj` itself, or the shared object equal to it (openpyxl's own test of equal styles)."""
    if not on("styles"):  # each workbook its own objects, as openpyxl's users make them
        return obj
    obj = _BY_VALUE.setdefault(obj, obj)
    _SHARED[id(obj)] = obj
    return obj


for _default in (DEFAULT_FONT, DEFAULT_BORDER, DEFAULT_EMPTY_FILL, DEFAULT_GRAY_FILL):  # every new workbook's
    shared(_default)


def made_once(make: Callable):
    """`make`, its result shared and made once per argument (each call anew on the reference path)."""
    once = functools.lru_cache(maxsize=None)(lambda *args: shared(make(*args)))
    return lambda *args: once(*args) if on("styles") else make(*args)


# ---------------------------------------------------------------------------- cells ("put")


def cell(ws, row: int, col: int):
    """ws.cell(row, col), without its argument checks (rows and columns here start at 1)."""
    if not on("put"):
        return ws.cell(row=row, column=col)
    return ws._get_cell(row, col)


def style(cell, key: tuple, apply: Callable, *args) -> None:
    """`apply(cell, *args)` sets the cell's style through openpyxl's setters; `key` names that style.

    openpyxl hashes every style object it is given: a workbook's few distinct styles are set once
    and then copied as index arrays (the profile showed a third of the build in the setters).
    """
    if not on("put"):
        apply(cell, *args)
        return
    cache = cell.parent.parent.__dict__.setdefault("_reportgen_styles", {})
    known = cache.get(key)
    if known is None:
        apply(cell, *args)
        cache[key] = StyleArray(cell._style)
    else:
        cell._style = StyleArray(known)


# ---------------------------------------------------------------------------- merges ("merge")

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
    and looked up in each workbook by identity.
    """
    if not on("merge"):
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
        merged = ws._cells[row, col] = MergedCell(ws, row, col)
        merged._style = StyleArray()
        merged._style.protectionId = start._style.protectionId
    # each edge cell takes the first cell's side on that edge (a side with no style adds nothing:
    # Border + Border keeps the edge cell's own side, so no branch skips it)
    for name in ("top", "left", "right", "bottom"):
        start_border = borders[start._style.borderId]
        for row, col in getattr(mcr, name):
            edge = ws._cells[row, col]._style
            edge.borderId = _border_id(wb, _combined(borders[edge.borderId], start_border, (name,)))


# ---------------------------------------------------------------------------- charts ("charts")

A_NS = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


class _ChartCopy(LineChart):
    """A line chart that exists only as XML: the drawing needs its anchor, size and part name."""

    def __init__(self, write: Callable[[], object]) -> None:  # LineChart.__init__ builds what the XML replaces
        self._write = write


# The XML and size of the first chart of each shape this process built; the others are written
# from it. It holds no data: only the texts and ranges that _chart_xml replaces.
_CHART_XML: dict[object, tuple[object, float, float]] = {}


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


def line_chart(build: Callable[[], LineChart], title: str, unit: str | None,
               refs: Callable[[], list[tuple[str, str, str]]]) -> LineChart:
    """The chart `build()` makes, whose title, y-axis unit and series ranges (title, categories,
    values of each) are the arguments.

    The charts of a trend workbook differ only in these; building each one's object model and
    serialising it was a quarter of a trend workbook's time (profile). The first chart of each
    shape (with or without a unit) is built by openpyxl; the others copy its XML with their own
    texts and ranges, exactly what openpyxl writes for them.
    """
    if not on("charts"):
        return build()
    shape = unit is not None
    template = _CHART_XML.get(shape)
    if template is None:
        chart = build()
        tree = chart._write()
        _CHART_XML[shape] = (tree, chart.height, chart.width)
        chart._write = lambda: tree
        return chart
    tree, height, width = template
    ranges = refs()
    chart = _ChartCopy(lambda: _chart_xml(tree, title, unit, ranges))
    chart.height, chart.width = height, width
    return chart


# ---------------------------------------------------------------------------- the parts writer ("writer", "stylesheet")


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
    key = _stylesheet_key(wb) if on("stylesheet") else None
    xml = _STYLESHEETS.get(key) if key is not None else None
    if xml is None:
        xml = tostring(write_stylesheet(wb))
        if key is not None:
            if len(_STYLESHEETS) >= 64:
                _STYLESHEETS.clear()
            _STYLESHEETS[key] = xml
    return xml


@functools.lru_cache(maxsize=1)
def _app_xml() -> bytes:
    """docProps/app.xml: openpyxl writes the same default properties into every workbook."""
    return tostring(ExtendedProperties().to_tree())


class _PartsWriter(ExcelWriter):
    """openpyxl's writer, writing each part into a `Package`: sheets go to memory instead of a
    temporary file each (created, reread and removed: 10% of a small form's time in the profile),
    and the parts many workbooks share are made once."""

    def write_data(self):
        """ExcelWriter.write_data for the parts these layouts have (no macros, images, pivot
        tables, external links or custom properties): the same parts, in the same order."""
        wb, archive = self.workbook, self._archive
        if wb.vba_archive or len(wb.custom_doc_props) or wb.loaded_theme or wb._pivots or wb._external_links:
            raise ValueError("the workbook has a part this writer does not write")
        archive.writestr(ARC_APP, _app_xml())
        archive.writestr(ARC_CORE, b"")  # the package's own core properties replace it
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


def workbook_bytes(wb: Workbook, core: CoreProps) -> bytes:
    """The reproducible .xlsx of `wb`, with the core properties built from the data."""
    if not on("writer"):  # openpyxl's own writer, as Workbook.save uses it
        buf = io.BytesIO()
        ExcelWriter(wb, ZipFile(buf, "w", ZIP_DEFLATED, allowZip64=True)).save()
        return normalise(buf.getvalue(), core)
    package = Package()
    _PartsWriter(wb, package.parts).save()
    return package.finish(core)


class ChartAnchor(OneCellAnchor):
    """A chart's place (cell, size in cm) that gives the frame openpyxl makes for the chart its
    alternative text (`descr`), which LibreOffice and Excel read out and reportgen.archive.pdf puts
    in the PDF. Not a speed shortcut (always taken): openpyxl has no public way to set a chart's
    alternative text, so the one reach into its serialiser lives here with the others."""

    # openpyxl's serialiser lists a class's own fields: a subclass names its parent's
    __elements__, __attrs__, __nested__ = OneCellAnchor.__elements__, OneCellAnchor.__attrs__, OneCellAnchor.__nested__
    __namespaced__ = OneCellAnchor.__namespaced__

    def __init__(self, row: int, col: int, size_cm: tuple[float, float], descr: str) -> None:
        height, width = size_cm
        super().__init__(_from=AnchorMarker(col=col - 1, row=row - 1),
                         ext=PositiveSize2D(cm_to_EMU(width), cm_to_EMU(height)))
        self.__dict__["descr"] = descr

    def __setattr__(self, name, value):
        if name == "graphicFrame" and value is not None:
            value.nvGraphicFramePr.cNvPr.descr = self.__dict__["descr"]
        super().__setattr__(name, value)
