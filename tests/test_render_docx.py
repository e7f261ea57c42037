"""Word rendering: docxtpl renders body, table rows, headers, footers and footnotes, every text escaped,
line breaks kept, and the package gets the data's own core properties. Each template is prepared once a
process (render.docx.PreparedTemplate); what it writes is byte for byte docxtpl's own render and save,
for every shipped Word template with every context the shipped data and the examples give it."""
import base64
import io
import re
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import docx
import pytest
from support import DATA, ROOT, year
from docx.shared import Inches
from docxtpl import DocxTemplate

from reportgen.deliverables import outputs_for, present_years
from reportgen.model.loader import load
from reportgen.ooxml.package import CoreProps, normalise
from reportgen.render import docx as render
from reportgen.templating import templateset

CORE = CoreProps("題名", "入間市", datetime(2025, 3, 31, 15, 0, tzinfo=timezone.utc))
# a 1×1 PNG: a picture gives the body a wp:docPr, whose ids docxtpl renumbers on every render
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


class OwnTemplate(DocxTemplate):
    """docxtpl's own DocxTemplate with the one change reportgen makes to a template's XML: a label
    that replaced a fixed word is written as that word was (render.docx.with_plain_words)."""

    plain: frozenset[str] = frozenset()

    def patch_xml(self, src_xml: str) -> str:
        return render.with_plain_words(super().patch_xml(src_xml), self.plain)


def docxtpl_own(path, context, core=CORE) -> bytes:
    """What docxtpl and python-docx write for `context`: a new DocxTemplate, its render and its save."""
    doc = OwnTemplate(str(path))
    doc.plain = render.plain_words(context)
    doc.render(render._prepare(context), render.ENV, autoescape=True)
    buf = io.BytesIO()
    doc.save(buf)
    return normalise(buf.getvalue(), core)


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


def template(path, title="{{ title }}", sections=1):
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
    for _ in range(sections - 1):
        d.add_section()
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


@pytest.mark.parametrize("sections", [1, 2])  # docxtpl renders the footnotes once a section
def test_a_templates_footnotes_are_rendered_with_its_headers_and_footers(tmp_path, sections):
    path = tmp_path / "t.docx"
    path.write_bytes(with_footnotes(template(tmp_path / "full.docx", sections=sections).read_bytes()))
    # docxtpl patches and renders the footnotes it rendered for the first section again for each
    # further one: a text holding Jinja's braces is filled in again there, and so it is here
    braces = {**CONTEXTS[1], "city": "{{ title }}の市"}
    for context in CONTEXTS + [braces]:
        made = render.render_docx(path, context, CORE)
        assert made == docxtpl_own(path, context)
        assert f"注 {context['city'] if sections == 1 else context['city'].replace('{{ title }}', '平成29年度')}" in zipfile.ZipFile(io.BytesIO(made)).read("word/footnotes.xml").decode("utf-8")


def test_a_template_changed_in_place_is_prepared_again(tmp_path):
    """Templates are prepared once a process, keyed by their bytes, not their path."""
    path = template(tmp_path / "t.docx")
    render.render_docx(path, CONTEXTS[0], CORE)
    template(path, title="改訂 {{ title }}")
    made = render.render_docx(path, CONTEXTS[1], CORE)
    assert "改訂 平成29年度" in text_of(made)
    assert made == docxtpl_own(path, CONTEXTS[1])


def word_jobs(data: Path):
    """Every Word document the data folder's archive holds: (template, job), year by year."""
    ds = load(data)
    tset = templateset.for_data(data)
    return [(tset.path(job.layout), job) for fy in present_years(ds)
            for job in outputs_for(ds, year(fy, ds, tset)) if job.kind == "docx"]


SOURCES = [DATA] + sorted(p for p in (ROOT / "examples").glob("*/data") if p.is_dir())


@pytest.mark.parametrize("data", SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_word_document_of_the_data_and_the_examples_is_docxtpls_own(data):
    jobs = word_jobs(data)
    if data == DATA:  # Iruma's archive holds each shipped Word template
        assert {t.name for t, _ in jobs} == {p.name for p in templateset.shipped().glob("*.docx")}
    for path, job in jobs:
        core = CoreProps(job.title, "市", CORE.stamp)
        assert render.render_docx(path, job.context, core) == docxtpl_own(path, job.context, core), job.filename
