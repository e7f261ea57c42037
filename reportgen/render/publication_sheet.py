"""A workbook read for its publication copy: each printed sheet as a grid of texts and merges, and the charts it draws."""
from __future__ import annotations

import posixpath
import zipfile
from xml.etree import ElementTree

from openpyxl.utils import range_boundaries

_NS = {"r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
       "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
       "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}


def text_of(value) -> str:
    """A cell's text as the sheet shows it (reportgen stores text; counts are integers)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------------------- the workbook read


class Sheet:
    """One printed sheet read as a grid: text, bold, fill, alignment of each cell; merges."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.span: dict[tuple[int, int], tuple[int, int]] = {}  # top-left → (rows, columns)
        self.covered: set[tuple[int, int]] = set()
        for rng in ws.merged_cells.ranges:
            c0, r0, c1, r1 = rng.bounds
            self.span[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
            self.covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {(r0, c0)}
        self.last_col = max((c.column for row in ws.iter_rows() for c in row if text_of(c.value)), default=1)
        self.last_col = max([self.last_col] + [c0 + w - 1 for (r0, c0), (h, w) in self.span.items()])

    def text(self, r: int, c: int) -> str:
        return text_of(self.ws.cell(row=r, column=c).value)

    def filled(self, r: int) -> list[int]:
        return [c for c in range(1, self.last_col + 1) if self.text(r, c)]

    def heading_level(self, r: int) -> int | None:
        """A bold row of one text spanning to the table's last column: a heading (by its indent)."""
        cols = self.filled(r)
        if len(cols) != 1:
            return None
        c = cols[0]
        rows, width = self.span.get((r, c), (1, 1))
        if rows == 1 and c + width - 1 >= self.last_col and c <= 2 and self.ws.cell(row=r, column=c).font.bold:
            return c
        return None


def _title_rows(ws) -> tuple[int, int] | None:
    spec = ws.print_title_rows
    if not spec:
        return None
    a, b = spec.replace("$", "").split(":")
    return int(a), int(b)


class _Narrow:
    """A few columns of a sheet seen as columns 1…n (a small table below the main one)."""

    def __init__(self, sheet: Sheet, used: list[int]) -> None:
        self.base, self.used = sheet, used
        self.span, self.covered, self.last_col = {}, set(), len(used)
        self.ws = _NarrowWs(sheet.ws, used)

    def text(self, r: int, c: int) -> str:
        return self.base.text(r, self.used[c - 1])


class _NarrowWs:
    def __init__(self, ws, used: list[int]) -> None:
        self.ws, self.used = ws, used

    def cell(self, row: int, column: int):
        return self.ws.cell(row=row, column=self.used[column - 1])


def _narrow(sheet: Sheet, used: list[int]):
    return _Narrow(sheet, used)


# ---------------------------------------------------------------------------- charts


def _rels(z: zipfile.ZipFile, part: str) -> dict[str, str]:
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in z.namelist():
        return {}
    root = ElementTree.fromstring(z.read(rels))
    return {r.get("Id"): posixpath.normpath(posixpath.join(folder, r.get("Target"))).lstrip("/")
            for r in root.iter(f"{{{_NS['rel']}}}Relationship") if r.get("TargetMode") != "External"}


def _values(wb, ref: str) -> list:
    sheet, cells = ref.rsplit("!", 1)
    ws = wb[sheet.strip("'").replace("''", "'")]
    c0, r0, c1, r1 = range_boundaries(cells.replace("$", ""))
    return [ws.cell(row=r, column=c).value for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]


def sheet_charts(z: zipfile.ZipFile, wb, sheet_part: str) -> list[dict]:
    """Each chart a sheet draws, in drawing order: its row, title, unit, series and alt text."""
    out = []
    rels = _rels(z, sheet_part)
    root = ElementTree.fromstring(z.read(sheet_part))
    for drawing in root.iter(f"{{{_NS['main']}}}drawing"):
        part = rels[drawing.get(f"{{{_NS['r']}}}id")]
        drels = _rels(z, part)
        for anchor in ElementTree.fromstring(z.read(part)):
            frame = anchor.find("xdr:graphicFrame", _NS)
            if frame is None:
                continue
            row = int(anchor.find("xdr:from/xdr:row", _NS).text) + 1
            descr = frame.find("xdr:nvGraphicFramePr/xdr:cNvPr", _NS).get("descr") or ""
            chart_id = frame.find(".//c:chart", _NS).get(f"{{{_NS['r']}}}id")
            chart = ElementTree.fromstring(z.read(drels[chart_id]))
            title = "".join(t.text or "" for t in chart.findall("c:chart/c:title//a:t", _NS))
            unit = "".join(t.text or "" for t in chart.findall(".//c:valAx/c:title//a:t", _NS))
            series = []
            categories: list = []
            for ser in chart.iter(f"{{{_NS['c']}}}ser"):
                name = ser.find("c:tx/c:strRef/c:f", _NS)
                val = ser.find("c:val/c:numRef/c:f", _NS)
                cat = ser.find("c:cat//c:f", _NS)
                if cat is not None and not categories:
                    categories = [text_of(v) for v in _values(wb, cat.text)]
                series.append((text_of(_values(wb, name.text)[0]) if name is not None else "",
                               _values(wb, val.text) if val is not None else []))
            out.append({"row": row, "title": title, "unit": unit, "series": series, "categories": categories,
                        "alt": descr})
    return out
