"""Word rendering: docxtpl renders body, table rows, headers, footers and footnotes, every text escaped,
line breaks kept, and the package gets the data's own core properties."""
import base64
import io
import re
import zipfile
from datetime import datetime, timezone

import docx
from docx.shared import Inches
from docxtpl import DocxTemplate
from jinja2 import Environment

from reportgen.ooxml.package import CoreProps, normalise
from reportgen.render import docx as render

CORE = CoreProps("題名", "入間市", datetime(2025, 3, 31, 15, 0, tzinfo=timezone.utc))
# a 1×1 PNG: a picture gives the body a wp:docPr, whose ids docxtpl renumbers on every render
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def docxtpl_own(path, context) -> bytes:
    """What docxtpl and python-docx write for `context`, through none of the renderer's shortcuts."""
    doc = DocxTemplate(str(path))
    doc.render(render._prepare(context), Environment(autoescape=True), autoescape=True)
    buf = io.BytesIO()
    doc.save(buf)
    return normalise(buf.getvalue(), CORE)


def without_core_properties(blob: bytes) -> bytes:
    """The package without docProps/core.xml (python-docx then makes one as it renders)."""
    src, out = zipfile.ZipFile(io.BytesIO(blob)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "docProps/core.xml":
                continue
            if info.filename == "_rels/.rels":
                data = re.sub(rb'<Relationship [^>]*core-properties[^>]*/>', b"", data)
            if info.filename == "[Content_Types].xml":
                data = re.sub(rb'<Override PartName="/docProps/core.xml"[^>]*/>', b"", data)
            z.writestr(info, data)
    return out.getvalue()


def with_footnotes(blob: bytes) -> bytes:
    """The package with a footnotes part holding a tag (docxtpl renders footnotes in place)."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    footnotes = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{w}">'
                 '<w:footnote w:id="1"><w:p><w:r><w:t>注 {{ city }}</w:t></w:r></w:p></w:footnote></w:footnotes>')
    src, out = zipfile.ZipFile(io.BytesIO(blob)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdFn" Type="http://schemas.openxmlformats.org/'
                                    b'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>')
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>')
            z.writestr(info, data)
        z.writestr("word/footnotes.xml", footnotes)
    return out.getvalue()


def template(path, title="{{ title }}"):
    """A template with a templated header and footer, a table row loop, a picture and a listing."""
    d = docx.Document()
    d.add_paragraph(title)
    d.add_paragraph("{{ note }}")
    d.add_picture(io.BytesIO(PNG), width=Inches(0.2))
    t = d.add_table(rows=3, cols=2)
    t.rows[0].cells[0].text = "{%tr for r in rows %}"
    t.rows[1].cells[0].text = "{{ r.name }}"
    t.rows[1].cells[1].text = "{{ r.value }}"
    t.rows[2].cells[0].text = "{%tr endfor %}"
    d.add_picture(io.BytesIO(PNG), width=Inches(0.2))
    section = d.sections[0]
    section.header.paragraphs[0].text = "{{ city }} <見出し>"
    section.footer.paragraphs[0].text = "{{ city }}　{{ title }}"
    buf = io.BytesIO()
    d.save(buf)
    path.write_bytes(buf.getvalue())
    return path


CONTEXTS = [
    {"title": "令和6年度 <小学生> & 保護者", "note": "一行目\n二行目", "city": "入間市",
     "rows": [{"name": "事業A", "value": "12,345"}, {"name": "事業B", "value": "△3"}]},
    {"title": "平成29年度", "note": "", "city": "狭山市", "rows": []},
    {"title": "令和元年度", "note": "a\nb\nc", "city": "入間市", "rows": [{"name": "x", "value": 1}] * 30},
]


def text_of(blob: bytes) -> str:
    d = docx.Document(io.BytesIO(blob))
    section = d.sections[0]
    cells = [c.text for t in d.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in d.paragraphs] + cells + [section.header.paragraphs[0].text,
                                                                section.footer.paragraphs[0].text])


def test_body_rows_header_and_footer_are_rendered_escaped_with_their_line_breaks(tmp_path):
    path = template(tmp_path / "t.docx")
    for context in CONTEXTS:  # in turn: no render leaves anything behind for the next
        assert render.render_docx(path, context, CORE) == docxtpl_own(path, context)
    shown = text_of(render.render_docx(path, CONTEXTS[0], CORE))
    assert "令和6年度 <小学生> & 保護者" in shown and "一行目\n二行目" in shown and "事業B" in shown and "△3" in shown
    assert "入間市 <見出し>" in shown and "入間市　令和6年度 <小学生> & 保護者" in shown


def test_a_template_without_core_properties_gets_the_datas_own(tmp_path):
    path = tmp_path / "t.docx"
    path.write_bytes(without_core_properties(template(tmp_path / "full.docx").read_bytes()))
    made = render.render_docx(path, CONTEXTS[0], CORE)
    assert zipfile.ZipFile(io.BytesIO(made)).read("docProps/core.xml") == CORE.xml()


def test_a_templates_footnotes_are_rendered(tmp_path):
    path = tmp_path / "t.docx"
    path.write_bytes(with_footnotes(template(tmp_path / "full.docx").read_bytes()))
    made = render.render_docx(path, CONTEXTS[0], CORE)
    assert "注 入間市" in zipfile.ZipFile(io.BytesIO(made)).read("word/footnotes.xml").decode("utf-8")
