"""Fill a docxtpl Word template with a context: every text escaped, line breaks kept, bytes fixed."""
from __future__ import annotations

import copy
import hashlib
import io
import re
from pathlib import Path
from typing import Any

import docxtpl
from docx.opc.oxml import serialize_part_xml
from docx.opc.pkgwriter import PackageWriter
from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate, Listing
from jinja2 import Environment, StrictUndefined

from ..jinjacache import CompileOnce, TextMemo
from ..package import CoreProps, Entries, normalise, zip_entries
from . import REFERENCE_PATHS

# Characters XML 1.0 cannot hold; the model refuses them, this is the renderer's own guard.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


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


class _CompileOnce(CompileOnce):
    """docxtpl compiles every part of a template again on each render (a third of a target list's
    time in the profile): here each part's source is compiled once per process, its bytecode kept
    between processes."""

    def __init__(self) -> None:
        # strict: a name the context lacks (a misspelt tag) fails the render instead of printing nothing
        super().__init__("docx", autoescape=True, undefined=StrictUndefined)

    def from_string(self, source, globals=None, template_class=None):
        if REFERENCE_PATHS:
            return Environment.from_string(self, source, globals, template_class)
        return super().from_string(source, globals, template_class)


_ENV = _CompileOnce()


# docxtpl's clean-up of a template's own XML (a dozen regular expressions over each part, a quarter
# of a target list's time) depends on the XML alone: done once per source and docxtpl version, and
# kept between processes (compiling its expressions and running them once was 15 ms of a build of
# the shipped data, in every new process).
_PATCHED = TextMemo(f"reportgen-docxtpl-{docxtpl.__version__}-patch", lambda xml: DocxTemplate.patch_xml(None, xml))


class _Template(DocxTemplate):
    """docxtpl's template, with the clean-up of the template's XML remembered (_PATCHED)."""

    def patch_xml(self, src_xml):
        return _PATCHED(src_xml)


class _PartsWriter:
    """What python-docx's package writer needs of a zip file, writing into `Entries`."""

    def __init__(self, entries: Entries) -> None:
        self.entries = entries

    def write(self, pack_uri, blob: bytes) -> None:
        self.entries.writestr(pack_uri.membername, blob)


def _head(package, entries: Entries) -> _PartsWriter:
    """What python-docx's package writer writes before the parts ([Content_Types].xml and the
    package's relationships), into `entries`; the writer, for the parts that follow."""
    for part in package.parts:
        part.before_marshal()
    writer = _PartsWriter(entries)
    PackageWriter._write_content_types_stream(writer, package.parts)
    PackageWriter._write_pkg_rels(writer, package.rels)
    return writer


def _package(doc: DocxTemplate, core: CoreProps) -> bytes:
    """doc.save() and normalise() in one pass: python-docx's package writer writes the same parts
    in the same order, straight into the final package, whose unchanged parts (styles, theme,
    fonts: 60 kB a document) are compressed once per process."""
    if doc.pics_to_replace or doc.crc_to_new_media or doc.crc_to_new_embedded or doc.zipname_to_replace:
        raise ValueError("the template asks for replaced media, which this writer does not do")
    package = doc.docx.part.package
    entries = Entries()
    PackageWriter._write_parts(_head(package, entries), package.parts)
    return zip_entries(entries, core)


_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


class _Prepared:
    """A template opened, cleaned up and laid out once per process; each render then does only
    what depends on the context.

    docxtpl opens the template again for every document (python-docx parses every part of it) and
    python-docx serialises every part again on save, though only the body, the headers and the
    footers change: a third of a target list's time at the shipped data's size (profile). Here
    the parts that do not change are serialised once, exactly as python-docx writes them, and
    each render runs docxtpl's own steps (render_xml_part, fix_tables, fix_docpr_ids) on the
    body, the headers and the footers, then writes the parts in python-docx's order. The core
    properties are not rendered: zip_entries replaces them with the data's own. Rendering never
    changes the package: _prepare leaves only text, Listings and numbers in a context, so no
    image, link or sub-document can be added to it.
    """

    def __init__(self, template: _Template) -> None:
        self.template = tpl = template
        doc = tpl.docx
        doc.core_properties  # noqa: B018  python-docx adds the part when the template has none, as render does
        self.body = tpl.patch_xml(tpl.get_xml())
        # the document's root without its body: each render's body goes into a copy of it
        self.root = copy.deepcopy(doc.element)
        for child in list(self.root.body):
            self.root.body.remove(child)
        # headers, then footers, as docxtpl renders them: part -> (cleaned XML, encoding)
        self.texts: dict[int, tuple[str, str]] = {}
        for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
            for _, part in tpl.get_headers_footers(uri):
                xml = tpl.get_part_xml(part)
                self.texts[id(part)] = (tpl.patch_xml(xml), tpl.get_headers_footers_encoding(xml))
        package = doc.part.package
        head = Entries()
        _head(package, head)
        self.head = head.items
        # every part in python-docx's order: the part, its name, its bytes (None: rendered each
        # time) and its relationships
        self.parts = []
        for part in package.parts:
            fixed = part is not doc.part and id(part) not in self.texts
            rels = (part.partname.rels_uri.membername, part.rels.xml) if len(part.rels) else None
            self.parts.append((part, part.partname.membername, part.blob if fixed else None, rels))

    def render(self, context: dict, core: CoreProps) -> bytes:
        tpl = self.template
        tpl.render_init()  # docxtpl's state for one render (the template stays open: it is never marked rendered)
        tree = tpl.fix_tables(tpl.render_xml_part(self.body, tpl.docx.part, context, _ENV))
        tpl.fix_docpr_ids(tree)
        root = copy.deepcopy(self.root)
        root.replace(root.body, tree)
        rendered = {id(tpl.docx.part): serialize_part_xml(root)}
        for part, _, _, _ in self.parts:
            if id(part) in self.texts:  # docxtpl loads a rendered header or footer as a new part
                source, encoding = self.texts[id(part)]
                xml = tpl.render_xml_part(source, part, context, _ENV).encode(encoding)
                rendered[id(part)] = serialize_part_xml(parse_xml(xml))
        entries = Entries()
        entries.items.extend(self.head)
        for part, name, blob, rels in self.parts:
            entries.items.append((name, rendered[id(part)] if blob is None else blob))
            if rels:
                entries.items.append(rels)
        return zip_entries(entries, core)


_PREPARED: dict[bytes, _Prepared | None] = {}


def _prepared(blob: bytes) -> _Prepared | None:
    """The template of these bytes, prepared once per process; None for one with footnotes, which
    docxtpl renders into their part in place (those go docxtpl's whole way)."""
    key = hashlib.sha256(blob).digest()
    if key not in _PREPARED:
        if len(_PREPARED) >= 16:  # a long-lived process: stay bounded
            _PREPARED.clear()
        tpl = _Template(io.BytesIO(blob))
        tpl.render_init()
        footnotes = any(part.content_type == _FOOTNOTES for part in tpl.docx.part.package.parts)
        _PREPARED[key] = None if footnotes else _Prepared(tpl)
    return _PREPARED[key]


def render_docx(template: Path, context: dict, core: CoreProps) -> bytes:
    """Render `template` with `context` and return reproducible .docx bytes."""
    context = _prepare(context)
    if REFERENCE_PATHS:  # docxtpl's and python-docx's own way
        doc = DocxTemplate(str(template))
        doc.render(context, _ENV, autoescape=True)  # autoescape also covers numbers and booleans
        buf = io.BytesIO()
        doc.save(buf)
        return normalise(buf.getvalue(), core)
    blob = Path(template).read_bytes()
    prepared = _prepared(blob)
    if prepared is not None:
        return prepared.render(context, core)
    doc = _Template(io.BytesIO(blob))
    doc.render(context, _ENV, autoescape=True)
    return _package(doc, core)
