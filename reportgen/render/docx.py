"""Fill a docxtpl Word template with a context: every text escaped, line breaks kept, bytes fixed; each template prepared once per process."""
from __future__ import annotations

import io
import re
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from docx.opc.part import XmlPart
from docxtpl import DocxTemplate, Listing
from jinja2 import Template

from reportgen.fast.zipfile import Package
from reportgen.ooxml.package import CoreProps
from reportgen.rules.problems import DataError
from reportgen.templating.sandbox import SecurityError, compiled, environment, refused

# Characters XML 1.0 cannot hold; the model refuses them, this is the renderer's own guard.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def _prepare(value: Any) -> Any:
    """Multi-line strings become Listings (escaped, `\\n` → line break); the rest stay str, which
    autoescape escapes, so templates can still compare them (`labels[it.status]`)."""
    if isinstance(value, str):
        value = _XML_INVALID.sub("", value)
        return Listing(value) if "\n" in value else value
    if isinstance(value, dict):
        return {k: _prepare(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_prepare(v) for v in value]
    return value


# The Jinja environment of every Word template, the one place it is chosen.
# sandboxed: a template (a city's own copy, an archive's) is untrusted: it reaches no attribute that
# runs code, and changes nothing it is given; autoescape: every text, number and boolean is escaped
# for XML; strict: a name the context lacks (a misspelt tag) fails the render instead of printing nothing
ENV = environment(autoescape=True)


class CompiledOnce:
    """What docxtpl's `render_xml_part` is given as its Jinja environment, whose one use there is
    `from_string(source)`: each source is compiled by ENV the first time it is asked for (or read
    from Jinja's bytecode cache, `sandbox.compiled`) and the compiled template is reused after.
    Only a prepared template's fixed sources come here (its body, headers, footers and footnotes
    as read from the template), so it holds one entry a part."""

    def __init__(self) -> None:
        self.templates: dict[str, Template] = {}

    def from_string(self, source: str) -> Template:
        found = self.templates.get(source)
        if found is None:
            found = self.templates[source] = compiled(ENV, "word", source)
        return found


class PreparedTemplate:
    """One Word template opened, patched and compiled once; `render` fills it for one context.

    Each render runs docxtpl's own public steps of `DocxTemplate.render` on what changes from one
    document to the next (the body, headers, footers and footnotes), and python-docx's own
    serialisation of those parts; every other part is what python-docx's `save` wrote for the
    template once. tests/render/test_render_docx.py compares the bytes with docxtpl's own render and
    save. Not for threads: a render replaces the body of the one opened template."""

    def __init__(self, blob: bytes, plain: frozenset[str] = frozenset()) -> None:
        tpl = DocxTemplate(io.BytesIO(blob))
        tpl.init_docx()
        doc = tpl.docx
        # python-docx adds default core properties to a template that has none on first use (as
        # docxtpl's render does); package.normalise then writes the data's own over them
        _ = doc.core_properties
        self.tpl = tpl
        self.compiled = CompiledOnce()
        self.body = with_plain_words(tpl.patch_xml(tpl.get_xml()), plain)
        # (part, patched source, encoding), headers first, then footers, as docxtpl renders them
        self.headers_footers = []
        for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
            for _rel, part in tpl.get_headers_footers(uri):
                xml = tpl.get_part_xml(part)
                self.headers_footers.append((part, with_plain_words(tpl.patch_xml(xml), plain), tpl.get_headers_footers_encoding(xml)))
        self.footnotes = [(part, tpl.patch_xml(part.blob.decode("utf-8")))
                          for part in doc.part.package.parts if part.content_type == FOOTNOTES]
        saved = io.BytesIO()
        doc.save(saved)
        with zipfile.ZipFile(saved) as z:
            self.parts = [(info.filename, z.read(info)) for info in z.infolist()]

    def render(self, context: dict, core: CoreProps) -> bytes:
        tpl = self.tpl
        tpl.render_init()
        changed: dict[str, bytes] = {}
        tree = tpl.fix_tables(tpl.render_xml_part(self.body, tpl.docx.part, context, self.compiled))
        tpl.fix_docpr_ids(tree)
        tpl.map_tree(tree)
        sections = len(tpl.docx.sections)  # of the rendered body: docxtpl renders the footnotes once each
        changed[tpl.docx.part.partname.membername] = tpl.docx.part.blob
        # the next render's map_tree takes this body out of the document, and lxml then declares
        # its namespaces again node by node (most of a render's time); emptied first, it has none
        tpl.docx.element.body.clear()
        for part, source, encoding in self.headers_footers:
            xml = tpl.render_xml_part(source, part, context, self.compiled).encode(encoding)
            # what python-docx writes for the part docxtpl puts in the template's place
            changed[part.partname.membername] = XmlPart.load(part.partname, part.content_type, xml, part.package).blob
        # docxtpl also renders the core properties' texts; package.normalise replaces them whole
        for part, source in self.footnotes:
            xml = tpl.render_xml_part(source, part, context, self.compiled)
            for _again in range(sections - 1):  # a text holding Jinja's braces is filled in again
                xml = tpl.render_xml_part(tpl.patch_xml(xml), part, context, ENV)
            changed[part.partname.membername] = xml.encode("utf-8")
        package = Package()
        for name, data in self.parts:
            package.parts.writestr(name, changed.get(name, data))
        return package.finish(core)


@lru_cache(maxsize=8)
def prepared(blob: bytes, plain: frozenset[str] = frozenset()) -> PreparedTemplate:
    """The template whose file holds `blob` (with the labels written as plain words), prepared once
    per process (a build uses two or three)."""
    return PreparedTemplate(blob, plain)


# A text run that is one label and nothing else (`指標`, `○継続事業` of the labels file)
_LABEL_RUN = re.compile(r'<w:t xml:space="preserve">(\{\{ labels\.([a-z_]+) \}\})</w:t>')


def with_plain_words(xml: str, plain: frozenset[str]) -> str:
    """docxtpl marks every text holding a tag `xml:space="preserve"`; a label that stands alone in
    its run and has no blank at either end is written as the fixed word it replaced was (`<w:t>指標`),
    so moving a word from the template into a labels file changes no byte of the document (the
    context's `plain_labels` names those words: a label whose run held a tag before keeps the mark)."""
    return _LABEL_RUN.sub(lambda m: f"<w:t>{m[1]}</w:t>" if m[2] in plain else m[0], xml) if plain else xml


def render_docx(template: Path, context: dict, core: CoreProps) -> bytes:
    """Render `template` with `context` and return reproducible .docx bytes.

    What the sandbox refuses (`check` refuses it before; this is for what only shows when it runs,
    an attribute name the template computes) is a located problem naming the template."""
    try:
        return prepared(Path(template).read_bytes(), plain_words(context)).render(_prepare(context), core)
    except SecurityError as exc:
        raise DataError([refused(str(template), exc)]) from None


def plain_words(context: dict) -> frozenset[str]:
    """The labels that replaced a fixed word of the template and are written as that word was
    (the deliverable names them in `plain_labels`): one line, no blank at either end."""
    labels, plain = context.get("labels"), context.get("plain_labels", ())
    if not isinstance(labels, dict):
        return frozenset()
    return frozenset(k for k in plain if isinstance(labels.get(k), str) and labels[k]
                     and labels[k] == labels[k].strip() and "\n" not in labels[k])
