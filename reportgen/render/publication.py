"""A workbook's publication copy as a Word document: the same cells as real tables, for a tagged PDF.

LibreOffice Calc's tagged PDF export writes no table structure (each sheet a flat list of /P, no
Table/TR/TH/TD, no headings, a tenth of the characters outside the structure tree) and prints a
goal on one page by shrinking it (2.8 pt at the smallest). LibreOffice Writer tags a Word table as
Table/TR/TH/TD (the rows marked w:tblHeader as TH, repeated on every page), headings as H1…, a
picture with its description as a Figure with /Alt, and its header and footer as artifacts. So the
PDF of a workbook is made from this document, built from the workbook's own bytes (every cell's
text as the sheet holds it), while the workbook stays the working file:

- the document's title (the workbook's) is its first heading, each printed sheet a heading of its
  own, the rows above a sheet's print titles paragraphs, the print-title rows the header rows of
  every table; a bold row spanning the table (a goal, a policy) becomes a heading kept with the
  table that follows, which repeats the header rows, so no such row is left alone at a page's foot;
- a table longer than a page continues on the next with its header rows, at the template's size
  (never shrunk); rows are never cut, a tall row breaks between its lines;
- each chart becomes a picture (drawn here from the chart's own series in the workbook) whose
  description is the chart's alternative text;
- the page setup, the faces and sizes, the running header (the document's title and edition) and
  the footer's page number come from templates/publication.docx.
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt
from openpyxl.utils import get_column_letter, range_boundaries

from reportgen.render import chartpicture
from reportgen.render.workbook import text_width

TEMPLATE = Path(__file__).resolve().parent / "publication.docx"
HEADER_PLACEHOLDER = "{{ running_header }}"  # the template's header paragraph holds this
CHARTS_A_ROW = 2
MIN_COLUMN = Mm(13)  # three characters of 8.5 pt and the cell's margins
HEADER_PT = 9  # the running header added to a Word document for its PDF (as in publication.docx)
_ALIGN = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}

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


def running_header(title: str, edition: str) -> str:
    """The document's title, with its edition (the file name's last part) where the title lacks it."""
    return title if not edition or edition in title else f"{title}（{edition}）"


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


# ---------------------------------------------------------------------------- the Word side


def _shade(cell, fill) -> None:
    colour = getattr(getattr(fill, "fgColor", None), "rgb", None) if fill is not None and fill.fill_type == "solid" else None
    if isinstance(colour, str) and len(colour) >= 6 and colour[-6:].upper() not in ("FFFFFF", "000000"):
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), colour[-6:].upper())
        cell._tc.get_or_add_tcPr().append(shd)


# A bracket of Latin letters and digits after a figure, its year (` (R03)`, ` (H28)`): LibreOffice
# breaks Latin text it is told is Japanese between any two letters (`(H` / `28)`); declared English,
# it breaks only at the blank before it, so the year stays whole.
_LATIN_BRACKET = re.compile(r" ?\([A-Za-z0-9.,]+\)")


def _write_text(paragraph, text: str, bold: bool = False) -> None:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        at = 0
        for m in _LATIN_BRACKET.finditer(line):
            if m.start() > at:
                paragraph.add_run(line[at:m.start()]).bold = bold or None
            run = paragraph.add_run(m.group())
            run.bold = bold or None
            _latin_english(run)
            at = m.end()
        run = paragraph.add_run(line[at:])
        run.bold = bold or None
        if i < len(lines) - 1:
            run.add_break()


def _latin_english(run) -> None:
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    run._r.get_or_add_rPr().append(lang)


def _keep_with_next(paragraph) -> None:
    paragraph.paragraph_format.keep_with_next = True


def _borders(table) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "4")
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    tblpr.append(borders)


def _without_empty_headers(merges: list[tuple[int, int, int, int]], sheet: "Sheet", rows: list[int],
                           cols: list[int], headers: int) -> list[tuple[int, int, int, int]]:
    """The merges, with each empty cell of a header row (the band right of the title where a year
    has no review) joined to the cell on its left: a header cell with nothing in it is a column a
    listener hears without a name (PDF/UA), and the band reads as one."""
    spans = {(i, j): (i, j, end_i, end_j) for i, j, end_i, end_j in merges}
    for i in range(headers):
        left = None
        for j, c in enumerate(cols):
            if (rows[i], c) in sheet.covered:
                continue
            span = spans.get((i, j), (i, j, i, j))
            if sheet.text(rows[i], c).strip() or left is None or span[2] != i or left[2] != i:
                left = span
                spans[(i, j)] = span
                continue
            spans.pop((i, j), None)
            left = spans[(left[0], left[1])] = (left[0], left[1], i, span[3])
    return list(spans.values())


class Writer:
    def __init__(self, template: Path, title: str, header: str) -> None:
        self.doc = Document(str(template))
        body = self.doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        for p in self.doc.sections[0].header.paragraphs:
            for r in p.runs:
                r.text = r.text.replace(HEADER_PLACEHOLDER, header)
        sec = self.doc.sections[0]
        self.width = sec.page_width - sec.left_margin - sec.right_margin
        self.height = sec.page_height - sec.top_margin - sec.bottom_margin
        self.sheets = 0
        self.heading(title, 1)

    def heading(self, text: str, level: int) -> None:
        p = self.doc.add_paragraph(style=f"Heading {level}")
        _write_text(p, text)
        if level == 2:  # each sheet from a page of its own; the first under the document's title
            p.paragraph_format.page_break_before = self.sheets > 0
            self.sheets += 1

    def paragraph(self, text: str, bold: bool = False, fill=None) -> None:
        p = self.doc.add_paragraph()
        _write_text(p, text, bold)
        colour = getattr(getattr(fill, "fgColor", None), "rgb", None) if fill is not None and fill.fill_type == "solid" else None
        if isinstance(colour, str) and len(colour) >= 6:
            shd = OxmlElement("w:shd")
            shd.set(qn("w:val"), "clear")
            shd.set(qn("w:color"), "auto")
            shd.set(qn("w:fill"), colour[-6:].upper())
            p._p.get_or_add_pPr().append(shd)
            p.paragraph_format.right_indent = int(self.width * 0.6)

    def table(self, sheet: Sheet, header: list[int], body: list[int], widths: dict[int, float]) -> None:
        """Rows `header` (marked as header rows) then `body` of the sheet, columns 1…last."""
        cols = list(range(1, sheet.last_col + 1))
        rows = header + body
        table = self.doc.add_table(rows=len(rows), cols=len(cols))
        table.autofit = False
        _borders(table)
        total = sum(widths[c] for c in cols)
        twips = [int(self.width * widths[c] / total) for c in cols]
        for i, w in enumerate(twips):  # at least three characters a line: no bracket alone on a line
            if w < MIN_COLUMN:
                widest = twips.index(max(twips))
                twips[widest] -= MIN_COLUMN - w
                twips[i] = MIN_COLUMN
        for i, w in enumerate(twips):
            table.columns[i].width = Emu(w)
        # every cell taken once, before any merge (python-docx works a row's cells out anew from
        # its merges each time it is asked: most of the document's time); merged last
        grid = [list(row.cells) for row in table.rows]
        merges = []
        for i, r in enumerate(rows):
            if i < len(header):
                table.rows[i]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
            for j, c in enumerate(cols):
                cell = grid[i][j]
                cell.width = Emu(twips[j])
                if (r, c) in sheet.covered:
                    continue
                rows_span, cols_span = sheet.span.get((r, c), (1, 1))
                if rows_span > 1 or cols_span > 1:
                    # a merge reaches only the rows of this table (a header's merge stays in the header)
                    ends = [x for x in rows if r <= x <= r + rows_span - 1]
                    end_i = rows.index(ends[-1])
                    if i < len(header):
                        end_i = min(end_i, len(header) - 1)
                    merges.append((i, j, end_i, min(j + cols_span - 1, len(cols) - 1)))
                xcell = sheet.ws.cell(row=r, column=c)
                _shade(cell, xcell.fill)
                p = cell.paragraphs[0]
                p.alignment = _ALIGN.get(xcell.alignment.horizontal)
                _write_text(p, sheet.text(r, c), bool(xcell.font.bold) or i < len(header))
        merges = _without_empty_headers(merges, sheet, rows, cols, len(header))
        for i, j, end_i, end_j in merges:  # the covered cells are empty: the text stays the first cell's
            if (end_i, end_j) != (i, j):
                grid[i][j].merge(grid[end_i][end_j])

    def footer_notes(self, notes: list[str]) -> None:
        """Notes to a ※ of the repeated header rows, at the foot of every page above its number (an
        artifact there: the notes are read once, where the sheet has them)."""
        footer = self.doc.sections[0].footer
        number = footer.paragraphs[0]
        for text in notes:
            p = number.insert_paragraph_before()
            p.paragraph_format.space_after = Pt(0)
            _write_text(p, text)

    def pictures(self, charts: list[tuple[bytes, str, str]]) -> None:
        """Charts two a line, each picture with its chart's alternative text."""
        w = int(self.width * 0.42)  # two a line with room between them; two lines and the headings a page
        h = int(w * chartpicture.HEIGHT / chartpicture.WIDTH)
        for k in range(0, len(charts), CHARTS_A_ROW):
            p = self.doc.add_paragraph()
            for png, name, alt in charts[k:k + CHARTS_A_ROW]:
                run = p.add_run()
                shape = run.add_picture(io.BytesIO(png), width=Emu(w), height=Emu(h))
                doc_pr = shape._inline.docPr
                doc_pr.set("name", name)
                doc_pr.set("descr", alt)
                if png is not charts[min(k + CHARTS_A_ROW, len(charts)) - 1][0]:
                    p.add_run("　")

    def bytes(self) -> bytes:
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()


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


# ---------------------------------------------------------------------------- the document


def _widths(sheet: Sheet, header: list[int], rows: list[int]) -> dict[int, float]:
    """Each column's share of the page: the sheet's width, widened where its texts run long (the
    reasons) and narrowed where they are short (a number), so rows stay low on the page."""
    out = {}
    for c in range(1, sheet.last_col + 1):
        width = sheet.ws.column_dimensions[get_column_letter(c)].width or 8.43
        longest = max([text_width(line) for r in rows if (r, c) not in sheet.covered and sheet.span.get((r, c), (1, 1))[1] == 1
                       for line in sheet.text(r, c).split("\n")] or [0])
        head = max([text_width(line) for r in header if sheet.span.get((r, c), (1, 1))[1] == 1
                    for line in sheet.text(r, c).split("\n")] or [0])
        # a short text (a value) on one line; a long one (a reason) wider than the sheet's column
        floor = head + 1 if head <= 6 else max(7.0, head / 2.5)  # a header in few lines
        out[c] = max(3.0, floor, longest + 1 if longest <= width * 1.5 else width * 1.4)
    return out


def _blocks(sheet: Sheet, first: int, last: int) -> list[list[int]]:
    """Runs of non-empty rows between empty ones."""
    blocks, run = [], []
    for r in range(first, last + 1):
        if sheet.filled(r) or any((r, c) in sheet.covered for c in range(1, sheet.last_col + 1)):
            run.append(r)
        elif run:
            blocks.append(run)
            run = []
    if run:
        blocks.append(run)
    return blocks


def _sheet(w: Writer, sheet: Sheet, charts: list[dict]) -> None:
    ws = sheet.ws
    w.heading(ws.title, 2)
    titles = _title_rows(ws)
    last = ws.max_row
    top = titles[0] if titles else 1
    for r in range(1, top):  # above the table: the sheet's titles, notes and legends
        for c in sheet.filled(r):
            cell = ws.cell(row=r, column=c)
            w.paragraph(sheet.text(r, c), bool(cell.font.bold), cell.fill)
    if titles:
        header = list(range(titles[0], titles[1] + 1))
        if any("※" in sheet.text(r, c) for r in header for c in sheet.filled(r)):
            preamble = [sheet.text(r, c) for r in range(1, top) for c in sheet.filled(r)]
            first = next((i for i, t in enumerate(preamble) if t.startswith("※")), None)
            if first is not None:
                w.footer_notes(preamble[first:])
        blocks = _blocks(sheet, titles[1] + 1, last)
        main, rest = (blocks[0], blocks[1:]) if blocks else ([], [])
        widths = _widths(sheet, header, main)
        part: list[int] = []
        for r in main:
            level = sheet.heading_level(r)
            if level is not None:
                if part:
                    w.table(sheet, header, part, widths)
                    part = []
                w.heading(sheet.text(r, sheet.filled(r)[0]), 2 + level)
            else:
                part.append(r)
        if part:
            w.table(sheet, header, part, widths)
        for block in rest:  # below the table: small tables (a count by symbol) or notes
            if all(len(sheet.filled(r)) <= 1 for r in block):
                for r in block:
                    for c in sheet.filled(r):
                        w.paragraph(sheet.text(r, c), bool(ws.cell(row=r, column=c).font.bold))
            else:
                used = sorted({c for r in block for c in sheet.filled(r)})
                w.table(_narrow(sheet, used), [block[0]], block[1:], {c: widths.get(c, 8.43) for c in range(1, len(used) + 1)})
    elif charts:
        heading_rows = [r for r in range(1, last + 1) if sheet.filled(r)]
        done_heading = None
        pending: list[tuple[bytes, str, str]] = []
        for chart in charts:
            above = [r for r in heading_rows if r <= chart["row"]]
            if above and above[-1] != done_heading:
                if pending:
                    w.pictures(pending)
                    pending = []
                done_heading = above[-1]
                w.heading(sheet.text(above[-1], sheet.filled(above[-1])[0]), 3)
            pending.append((chartpicture.draw(chart), chart["title"], chart["alt"]))
        if pending:
            w.pictures(pending)
    else:
        for r in range(top, last + 1):
            for c in sheet.filled(r):
                w.paragraph(sheet.text(r, c))


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


def with_running_header(docx: bytes, edition: str = "") -> bytes:
    """A Word document whose pages carry its title and edition at the top (each section without a
    header of its own gets one), so that every printed page says what it is."""
    doc = Document(io.BytesIO(docx))
    text = running_header(doc.core_properties.title or "", edition)
    if not text:
        return docx
    for section in doc.sections:
        if section.header.is_linked_to_previous or not "".join(p.text for p in section.header.paragraphs).strip():
            section.header.is_linked_to_previous = False
            p = section.header.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p.add_run(text).font.size = Pt(HEADER_PT)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def publication_docx(xlsx: bytes, template: Path = TEMPLATE, edition: str = "") -> bytes:
    """The Word document the PDF of workbook `xlsx` is made from."""
    z = zipfile.ZipFile(io.BytesIO(xlsx))
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    title = wb.properties.title or ""
    w = Writer(template, title, running_header(title, edition))
    w.doc.core_properties.title = title  # the PDF's title
    book_rels = _rels(z, "xl/workbook.xml")
    root = ElementTree.fromstring(z.read("xl/workbook.xml"))
    for el in root.iter(f"{{{_NS['main']}}}sheet"):
        if el.get("state") in ("hidden", "veryHidden"):
            continue
        part = book_rels[el.get(f"{{{_NS['r']}}}id")]
        _sheet(w, Sheet(wb[el.get("name")]), sheet_charts(z, wb, part))
    return w.bytes()

