"""The Word side of a workbook's publication copy: headings, paragraphs, tables with header rows, pictures, on publication.docx."""
from __future__ import annotations

import io
import re
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt

from reportgen.render import chartpicture
from reportgen.render.publication_sheet import Sheet

HEADER_PLACEHOLDER = "{{ running_header }}"  # the template's header paragraph holds this
CHARTS_A_ROW = 2
MIN_COLUMN = Mm(13)  # three characters of 8.5 pt and the cell's margins
_ALIGN = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}


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


def _without_empty_headers(merges: list[tuple[int, int, int, int]], sheet: Sheet, rows: list[int],
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
