"""Shortcut into docxtpl's internals: a Word template opened, cleaned up and serialised once per process.

docxtpl opens the template again for every document (python-docx parses every part of it) and
python-docx serialises every part again on save, though only the body, the headers and the
footers change: a third of a target list's time at the shipped data's size (profile). A prepared
template keeps the parts that do not change as python-docx writes them, and each render runs
docxtpl's own steps (render_xml_part, fix_tables, fix_docpr_ids) on the body, the headers and the
footers, then writes the parts in python-docx's order. The core properties are not rendered: the
package's own replace them. Rendering never changes the package: render/docx.py leaves only
text, Listings and numbers in a context, so no image, link or sub-document can be added to it.
"""
from __future__ import annotations

import copy
import hashlib
import io
from pathlib import Path

import docxtpl
from docxtpl import DocxTemplate

from ..package import CoreProps
from . import docx as fast_docx
from . import on
from .jinja import TextMemo
from .zipfile import Package

# docxtpl's clean-up of a template's own XML (a dozen regular expressions over each part) depends
# on the XML alone: kept between processes, keyed by the XML and docxtpl's version.
_PATCHED = TextMemo(f"reportgen-docxtpl-{docxtpl.__version__}-patch", lambda xml: DocxTemplate.patch_xml(None, xml))

_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


class Prepared:
    """A template prepared once; `render` does only what depends on the context."""

    def __init__(self, template: DocxTemplate) -> None:
        self.template = tpl = template
        doc = tpl.docx
        doc.core_properties  # noqa: B018  python-docx adds the part when the template has none, as render does
        self.body = _PATCHED(tpl.get_xml())
        # the document's root without its body: each render's body goes into a copy of it
        self.root = copy.deepcopy(doc.element)
        for child in list(self.root.body):
            self.root.body.remove(child)
        # headers, then footers, as docxtpl renders them: part -> (cleaned XML, encoding)
        self.texts: dict[int, tuple[str, str]] = {}
        for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
            for _, part in tpl.get_headers_footers(uri):
                xml = tpl.get_part_xml(part)
                self.texts[id(part)] = (_PATCHED(xml), tpl.get_headers_footers_encoding(xml))
        package = doc.part.package
        self.head = fast_docx.head(package)
        self.parts = fast_docx.parts(package, {id(doc.part), *self.texts})

    def render(self, context: dict, env, core: CoreProps) -> bytes:
        tpl = self.template
        tpl.render_init()  # docxtpl's state for one render (the template stays open: it is never marked rendered)
        tree = tpl.fix_tables(tpl.render_xml_part(self.body, tpl.docx.part, context, env))
        tpl.fix_docpr_ids(tree)
        root = copy.deepcopy(self.root)
        root.replace(root.body, tree)
        rendered = {id(tpl.docx.part): fast_docx.serialize_part_xml(root)}
        for part, _, _, _ in self.parts:
            if id(part) in self.texts:  # docxtpl loads a rendered header or footer as a new part
                source, encoding = self.texts[id(part)]
                xml = tpl.render_xml_part(source, part, context, env).encode(encoding)
                rendered[id(part)] = fast_docx.serialize_part_xml(fast_docx.parse_xml(xml))
        package = Package()
        for name, blob in self.head:
            package.parts.writestr(name, blob)
        for part, name, blob, rels in self.parts:
            package.parts.writestr(name, rendered[id(part)] if blob is None else blob)
            if rels:
                package.parts.writestr(*rels)
        return package.finish(core)


_PREPARED: dict[bytes, Prepared | None] = {}


def prepared(template: Path) -> Prepared | None:
    """The template at `template`, prepared once per process for its bytes (a template changed in
    place is prepared again); None on the reference path and for a template with footnotes, which
    docxtpl renders into their part in place (those go docxtpl's whole way)."""
    if not on("docx"):
        return None
    blob = Path(template).read_bytes()
    key = hashlib.sha256(blob).digest()
    if key not in _PREPARED:
        if len(_PREPARED) >= 16:  # a long-lived process: stay bounded
            _PREPARED.clear()
        tpl = DocxTemplate(io.BytesIO(blob))
        tpl.render_init()
        footnotes = any(part.content_type == _FOOTNOTES for part in tpl.docx.part.package.parts)
        _PREPARED[key] = None if footnotes else Prepared(tpl)
    return _PREPARED[key]
