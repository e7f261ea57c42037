"""Fill a docxtpl Word template with a context: every text escaped, line breaks kept, bytes fixed."""
from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import docxtpl
from docx.opc.pkgwriter import PackageWriter
from docxtpl import DocxTemplate, Listing
from jinja2 import Environment

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
        super().__init__("docx", autoescape=True)

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
        if REFERENCE_PATHS:
            return super().patch_xml(src_xml)
        return _PATCHED(src_xml)


class _PartsWriter:
    """What python-docx's package writer needs of a zip file, writing into `Entries`."""

    def __init__(self, entries: Entries) -> None:
        self.entries = entries

    def write(self, pack_uri, blob: bytes) -> None:
        self.entries.writestr(pack_uri.membername, blob)


def _package(doc: DocxTemplate, core: CoreProps) -> bytes:
    """doc.save() and normalise() in one pass: python-docx's package writer writes the same parts
    in the same order, straight into the final package, whose unchanged parts (styles, theme,
    fonts: 60 kB a document) are compressed once per process."""
    if doc.pics_to_replace or doc.crc_to_new_media or doc.crc_to_new_embedded or doc.zipname_to_replace:
        raise ValueError("the template asks for replaced media, which this writer does not do")
    package = doc.docx.part.package
    for part in package.parts:
        part.before_marshal()
    entries = Entries()
    writer = _PartsWriter(entries)
    PackageWriter._write_content_types_stream(writer, package.parts)
    PackageWriter._write_pkg_rels(writer, package.rels)
    PackageWriter._write_parts(writer, package.parts)
    return zip_entries(entries, core)


def render_docx(template: Path, context: dict, core: CoreProps) -> bytes:
    """Render `template` with `context` and return reproducible .docx bytes."""
    doc = _Template(str(template))
    # autoescape also covers any value that is not a plain string (numbers, booleans)
    doc.render(_prepare(context), _ENV, autoescape=True)
    if not REFERENCE_PATHS:
        return _package(doc, core)
    buf = io.BytesIO()
    doc.save(buf)
    return normalise(buf.getvalue(), core)
