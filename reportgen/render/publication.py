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
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from openpyxl.utils import get_column_letter

from reportgen.render import chartpicture
from reportgen.render.publication_sheet import _NS, Sheet, _narrow, _rels, _title_rows, sheet_charts
from reportgen.render.publication_writer import Writer
from reportgen.render.workbook import text_width

TEMPLATE = Path(__file__).resolve().parent / "publication.docx"
HEADER_PT = 9  # the running header added to a Word document for its PDF (as in publication.docx)


def running_header(title: str, edition: str) -> str:
    """The document's title, with its edition (the file name's last part) where the title lacks it."""
    return title if not edition or edition in title else f"{title}（{edition}）"


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

