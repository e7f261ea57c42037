"""Write the docxtpl Word templates in templates/ (run once; clerks then restyle them in Word).

The committed .docx files are the source of truth: a clerk may restyle them in Word or
LibreOffice and reportgen follows. This script only records how the first versions were made:
    python scripts/make_templates.py
    python scripts/make_templates.py --slim    # only drop unused styles and parts from the committed files
    python scripts/make_templates.py --fonts   # only apply `fonts_and_language` to the committed files

Fonts (issue 19): every style names its faces outright (ＭＳ 明朝 for the body, ＭＳ ゴシック for
titles and headings) for Latin letters and digits as well as Japanese, and no style refers to the
theme's fonts: a theme reference (w:asciiTheme …) overrides the named face, so Latin text in a
heading came out in the theme's Calibri (DejaVu Sans in LibreOffice) instead of ＭＳ ゴシック. The
document's language is Japanese (w:lang ja-JP), which is also the language of its PDF.
Accessibility: each table's header row is marked w:tblHeader (repeated on every page; LibreOffice
tags its cells TH in the PDF); the footer holds the page number as `- 1 -`.
"""
from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
MINCHO, GOTHIC = "ＭＳ 明朝", "ＭＳ ゴシック"
THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
LANGUAGE = "ja-JP"


def _fonts(rpr_owner, east_asia: str, size: float | None = None, bold: bool | None = None) -> None:
    """Set Latin and East Asian fonts (w:eastAsia), so Japanese text never falls back to a Latin font."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), east_asia)
    for attr in THEME_ATTRS:  # a theme font would override the face named here
        fonts.attrib.pop(qn(attr), None)
    if size:
        for tag in ("w:sz", "w:szCs"):
            el = rpr.find(qn(tag))
            el = OxmlElement(tag) if el is None else el
            el.set(qn("w:val"), str(int(size * 2)))
            rpr.append(el)
    if bold is not None:
        b = OxmlElement("w:b")
        if not bold:
            b.set(qn("w:val"), "0")
        rpr.append(b)


def new_document(landscape: bool = False):
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    if landscape:
        sec.orientation = WD_ORIENT.LANDSCAPE
    for side in ("left_margin", "right_margin"):
        setattr(sec, side, Mm(18))
    sec.top_margin, sec.bottom_margin = Mm(18), Mm(18)
    styles = doc.styles
    # document defaults and Normal: Mincho for East Asian text
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr_default.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), MINCHO)
    for attr in THEME_ATTRS:
        if fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]
    normal = styles["Normal"]
    normal.font.size = Pt(9.5)
    _fonts(normal.element, MINCHO)
    normal.paragraph_format.space_after = Pt(2)
    for name, size in (("Title", 14), ("Heading 1", 12), ("Heading 2", 10.5)):
        st = styles[name]
        _fonts(st.element, GOTHIC, size, bold=True)
        st.font.color.rgb = RGBColor(0, 0, 0)
        st.font.italic = False
        st.paragraph_format.space_before = Pt(10 if name != "Heading 2" else 6)
        st.paragraph_format.space_after = Pt(4)
        st.paragraph_format.keep_with_next = True
        # the default Title has a bottom border; an official document does not
        ppr = st.element.get_or_add_pPr()
        for b in ppr.findall(qn("w:pBdr")):
            ppr.remove(b)
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number_footer(sec)
    return doc


def _page_number_footer(section) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("- ")
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), "PAGE")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    r.append(t)
    fld.append(r)
    p._p.append(fld)
    p.add_run(" -")


def tag(doc, text: str):
    """A paragraph holding only a docxtpl block tag ({%p … %}); docxtpl removes it when rendering."""
    return doc.add_paragraph(text)


def table(doc, headers: list[str], cells: list[str], widths_mm: list[float], loop: str, endloop: str = "{%tr endfor %}"):
    """A table: one repeated header row, a `{%tr for %}` row, the data row, the `{%tr endfor %}` row."""
    t = doc.add_table(rows=4, cols=len(headers))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    for row_index, texts in ((0, headers), (2, cells)):
        row = t.rows[row_index]
        for cell, text in zip(row.cells, texts):
            cell.paragraphs[0].text = text
    t.rows[1].cells[0].paragraphs[0].text = loop
    t.rows[3].cells[0].paragraphs[0].text = endloop
    for i, w in enumerate(widths_mm):
        t.columns[i].width = Mm(w)  # w:gridCol, which LibreOffice follows
        for row in t.rows:
            row.cells[i].width = Mm(w)  # w:tcW, which Word follows
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    t._tbl.tblPr.append(layout)
    header = t.rows[0]
    trpr = header._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:tblHeader"))  # repeat on each page
    for cell in header.cells:
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), "D9D9D9")
        cell._tc.get_or_add_tcPr().append(shd)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in t.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row never breaks across pages
    return t


def note(doc, text: str):
    p = doc.add_paragraph(text)
    p.paragraph_format.left_indent = Mm(4)
    p.paragraph_format.first_line_indent = Mm(-4)
    return p


def target_list(path: Path) -> None:
    """Every fixed word of the list is a label of templates/target_list.labels.yaml (issue 27): the
    template holds only its layout, so a city rewords it in its labels file without touching the .docx."""
    doc = new_document()
    doc.add_paragraph("{{ labels.title }}", style="Title")
    doc.add_paragraph("{{ labels.lead }}")
    tag(doc, "{%p for g in goals %}")
    doc.add_paragraph("{{ g.heading }}", style="Heading 1")
    measure_tables(doc, "g.indicators", "{{ labels.indicator_table }}", "g.indicators.baseline_header", "headers.indicator_target")
    tag(doc, "{%p for grp in g.groups %}")
    doc.add_paragraph("{{ grp.heading }}", style="Heading 2")
    measure_tables(doc, "grp.kpis", "{{ labels.kpi_table }}", "grp.kpis.baseline_header", "headers.kpi_target")
    tag(doc, "{%p if has_projects %}")
    tag(doc, "{%p if grp.has_projects %}")
    for flag, label, rows in (("grp.has_continuing", "{{ labels.continuing }}", "grp.continuing"),
                              ("grp.has_new", "{{ labels.new }}", "grp.new")):
        tag(doc, f"{{%p if {flag} %}}")
        doc.add_paragraph(label).runs[0].bold = True
        table(doc, ["{{ labels.project_name_header }}", "{{ labels.project_work_header }}", "{{ labels.project_departments_header }}"],
              ["{{ p.name }}", "{{ p.work }}", "{{ p.departments }}"], [45, 103, 26], f"{{%tr for p in {rows} %}}")
        tag(doc, "{%p endif %}")
    tag(doc, "{%p else %}")
    doc.add_paragraph("{{ labels.no_projects }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    doc.save(path)
    year_note_runs(path)


def year_note_runs(path: Path) -> None:
    """A figure's year note in a run of its own declared English (issue 26): LibreOffice breaks Latin
    text marked Japanese between any two letters (`(H` / `28)`); as English it stays whole."""
    parts = {i.filename: zipfile.ZipFile(path).read(i) for i in zipfile.ZipFile(path).infolist()}
    xml = parts["word/document.xml"].decode("utf-8")
    for key in ("baseline", "current"):
        xml = xml.replace(f"<w:r><w:t>{{{{ r.{key} }}}}</w:t></w:r>",
                          f"<w:r><w:t>{{{{ r.{key}_figure }}}}</w:t></w:r>{{% if r.{key}_note %}}<w:r><w:rPr>"
                          f'<w:lang w:val="en-US"/></w:rPr><w:t xml:space="preserve">{{{{ r.{key}_note }}}}</w:t></w:r>{{% endif %}}')
    parts["word/document.xml"] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def measure_tables(doc, var: str, first_header: str, baseline_header: str, target_header: str) -> None:
    """An indicator or KPI table in the columns the context names (`columns`: u 単位, b 基準値, c …末現在,
    d 増減, t 目標値; a column with nothing to show is left out), then its ※ notes."""
    b, c, t = f"{{{{ {baseline_header} }}}}", "{{ headers.current }}", f"{{{{ {target_header} }}}}"
    layouts = (("bcdt", [first_header, b, c, "{{ labels.diff_header }}", t],
                ["{{ r.name }}", "{{ r.baseline }}", "{{ r.current }}", "{{ r.diff }}", "{{ r.target }}"], [62, 28, 30, 26, 28]),
               ("bct", [first_header, b, c, t], ["{{ r.name }}", "{{ r.baseline }}", "{{ r.current }}", "{{ r.target }}"], [74, 33, 35, 32]),
               ("ct", [first_header, c, t], ["{{ r.name }}", "{{ r.current }}", "{{ r.target }}"], [107, 35, 32]),
               ("bt", [first_header, b, t], ["{{ r.name }}", "{{ r.baseline }}", "{{ r.target }}"], [109, 33, 32]),
               ("t", [first_header, t], ["{{ r.name }}", "{{ r.target }}"], [142, 32]))
    # each layout again with a 単位 column after the name (labels unit_header; 15 mm taken from the name;
    # the committed file centres the unit cells)
    layouts += tuple(("u" + columns, [headers[0], "{{ labels.unit_header }}", *headers[1:]],
                      [cells[0], "{{ r.unit }}", *cells[1:]], [widths[0] - 15, 15, *widths[1:]])
                     for columns, headers, cells, widths in layouts)
    tag(doc, f"{{%p if {var}.has_rows %}}")
    for n, (columns, headers, cells, widths) in enumerate(layouts):
        tag(doc, f'{{%p {"if" if n == 0 else "elif"} {var}.columns == "{columns}" %}}')
        table(doc, headers, cells, widths, f"{{%tr for r in {var}.rows %}}")
    tag(doc, "{%p endif %}")
    tag(doc, f"{{%p for n in {var}.notes %}}")
    note(doc, "{{ labels.note_mark }}{{ n }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")


def pledge_list(path: Path) -> None:
    doc = new_document()
    # the status labels of the format (used by the items and the summary) are set in the title
    doc.add_paragraph("{% set labels = {'A': '完了', 'B': '実施中', 'C': '着手', 'D': '未着手'} %}"
                      "{{ document }}【{{ as_of }}現在】", style="Title")
    legend = doc.add_paragraph("A 完了　　B 実施中　　C 着手　　D 未着手")
    legend.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    tag(doc, "{%p if has_previous %}")
    doc.add_paragraph("★ 印は前回（{{ previous_as_of }}現在）から評価が変わった項目です（前回の評価を括弧内に示します）。")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for ch in chapters %}")
    doc.add_paragraph("第{{ ch.no }}章 {{ ch.title }}", style="Heading 1")
    tag(doc, "{%p for pl in ch.pledges %}")
    doc.add_paragraph("{{ pl.no }}:【{{ pl.category }}】{{ pl.title }}", style="Heading 2")
    table(doc, ["", "内容", "取組状況", "評価"],
          ["{{ it.title }}", "{{ it.content }}", "{{ it.progress }}", "{{ it.status }} {{ labels.get(it.status, '') }}{{ it.change }}"],
          [36, 52, 66, 20], "{%tr for it in pl.rows %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    doc.add_paragraph("")
    table(doc, ["評価", "公約数"], ["{{ s.code }} {{ labels[s.code] }}", "{{ s.count }}"], [40, 30], "{%tr for s in summary %}")
    doc.save(path)


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def fonts_and_language(path: Path) -> None:
    """Name the faces outright in every style and make the document Japanese (see the docstring above).

    A style whose fonts came only from the theme (the character styles linked to the headings and
    the title) gets the face of its linked paragraph style, else ＭＳ 明朝. Nothing else changes.
    """
    src = zipfile.ZipFile(path)
    parts = {i.filename: src.read(i) for i in src.infolist()}
    styles = etree.fromstring(parts["word/styles.xml"])
    by_id = {st.get(W + "styleId"): st for st in styles.iter(W + "style")}

    def named(st) -> str | None:
        fonts = st.find(f"{W}rPr/{W}rFonts")
        return fonts.get(W + "eastAsia") if fonts is not None else None

    for st in by_id.values():
        fonts = st.find(f"{W}rPr/{W}rFonts")
        if fonts is None or not any(fonts.get(W + a[2:]) for a in THEME_ATTRS):
            continue
        link = st.find(W + "link")
        face = named(st) or (named(by_id[link.get(W + "val")]) if link is not None and link.get(W + "val") in by_id else None)
        for attr in THEME_ATTRS:
            fonts.attrib.pop(W + attr[2:], None)
        for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
            fonts.set(W + attr, fonts.get(W + attr) or face or MINCHO)
    defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    lang = defaults.find(W + "lang")
    if lang is None:
        lang = etree.SubElement(defaults, W + "lang")
    lang.set(W + "val", LANGUAGE)
    lang.set(W + "eastAsia", LANGUAGE)
    parts["word/styles.xml"] = etree.tostring(styles, xml_declaration=True, encoding="UTF-8", standalone=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info, parts[info.filename], compress_type=zipfile.ZIP_DEFLATED)
    path.write_bytes(buf.getvalue())
# Parts a template never needs: Word 2010's duplicate of styles.xml (440 KB in python-docx's blank
# document) and a thumbnail picture of the first page.
DROP = re.compile(r"word/stylesWithEffects\.xml|docProps/thumbnail\.\w+")
DROP_REL = re.compile(r'<Relationship [^>]*Target="(?:stylesWithEffects\.xml|docProps/thumbnail\.\w+)"/>')
DROP_TYPE = re.compile(r'<Override PartName="/word/stylesWithEffects\.xml"[^>]*/>')


def slim(path: Path) -> None:
    """Keep only the styles the template uses (and those they are based on), drop unused parts.

    python-docx's blank document defines 164 styles (340 KB, mostly table styles nobody uses) and
    a 440 KB copy of them; every render parsed, re-serialised and recompressed both: 60% of a
    target list's render time (benchmark profile, 32 → 13 ms per document). Word and LibreOffice
    still offer every built-in style: they add one to the file when it is applied.
    """
    src = zipfile.ZipFile(path)
    parts = {i.filename: src.read(i) for i in src.infolist()}
    styles = etree.fromstring(parts["word/styles.xml"])
    used = set()
    for name, blob in parts.items():
        if name.startswith("word/") and name.endswith(".xml") and name != "word/styles.xml":
            used.update(re.findall(rb'w:(?:pStyle|rStyle|tblStyle|numStyleLink|styleLink) w:val="([^"]+)"', blob))
    used = {u.decode() for u in used}
    by_id = {st.get(W + "styleId"): st for st in styles.iter(W + "style")}
    keep = {sid for sid, st in by_id.items() if st.get(W + "default") == "1"} | (used & by_id.keys())
    todo = list(keep)
    while todo:  # a kept style keeps what it is based on, links to and is followed by
        st = by_id[todo.pop()]
        for tag in ("basedOn", "link", "next"):
            ref = st.find(W + tag)
            if ref is not None and ref.get(W + "val") in by_id and ref.get(W + "val") not in keep:
                keep.add(ref.get(W + "val"))
                todo.append(ref.get(W + "val"))
    for sid, st in by_id.items():
        if sid not in keep:
            styles.remove(st)
    parts["word/styles.xml"] = etree.tostring(styles, xml_declaration=True, encoding="UTF-8", standalone=True)
    for name in ("word/_rels/document.xml.rels", "_rels/.rels"):
        parts[name] = DROP_REL.sub("", parts[name].decode("utf-8")).encode("utf-8")
    parts["[Content_Types].xml"] = DROP_TYPE.sub("", parts["[Content_Types].xml"].decode("utf-8")).encode("utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if not DROP.fullmatch(info.filename):
                out.writestr(info, parts[info.filename], compress_type=zipfile.ZIP_DEFLATED)
    path.write_bytes(buf.getvalue())


def publication(path: Path) -> None:
    """The publication copy of a workbook (reportgen/render/publication.py fills it in code): A4
    landscape, type of 8.5 pt and more (nothing is shrunk to fit), headings 1–4, the document's
    title and edition as the running header (`{{ running_header }}`), `- 1 -` in the footer. The
    body holds one paragraph of each style it uses (so `--slim` keeps them); the renderer empties it."""
    doc = new_document(landscape=True)
    sec = doc.sections[0]
    sec.left_margin = sec.right_margin = Mm(12)
    sec.top_margin, sec.bottom_margin = Mm(16), Mm(16)
    sec.header_distance, sec.footer_distance = Mm(7), Mm(7)
    styles = doc.styles
    normal = styles["Normal"]
    _fonts(normal.element, GOTHIC)  # the workbooks' face
    normal.font.size = Pt(8.5)
    normal.paragraph_format.space_after = Pt(1)
    for name, size in (("Heading 1", 14), ("Heading 2", 12), ("Heading 3", 10.5), ("Heading 4", 9.5)):
        st = styles[name]
        _fonts(st.element, GOTHIC, size, bold=True)
        st.font.color.rgb = RGBColor(0, 0, 0)
        st.font.italic = False
        st.paragraph_format.space_before = Pt(8 if name in ("Heading 1", "Heading 2") else 4)
        st.paragraph_format.space_after = Pt(3)
        st.paragraph_format.keep_with_next = True  # a goal or a policy never alone at a page's foot
    header = sec.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = header.add_run("{{ running_header }}")
    run.font.size = Pt(9)
    for name in ("Heading 1", "Heading 2", "Heading 3", "Heading 4"):
        doc.add_paragraph(name, style=name)
    doc.add_paragraph("Normal")
    doc.save(path)


def main() -> int:
    out = ROOT / "templates"
    out.mkdir(exist_ok=True)
    if sys.argv[1:] == ["--slim"]:  # only slim the committed templates (they may have been restyled)
        for path in sorted(out.glob("*.docx")):
            slim(path)
        return 0
    if sys.argv[1:] == ["--fonts"]:  # only fix fonts and language in the committed templates
        for path in sorted(out.glob("*.docx")):
            fonts_and_language(path)
        return 0
    target_list(out / "target_list.docx")
    pledge_list(out / "pledge_list.docx")
    publication(ROOT / "reportgen" / "render" / "publication.docx")
    for path in sorted(out.glob("*.docx")):
        slim(path)
        fonts_and_language(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
