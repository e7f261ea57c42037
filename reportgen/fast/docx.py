"""Shortcuts into python-docx's package writer: a package's parts written, in its order, into a `Package`.

python-docx serialises every part again on each save; a prepared template (fast/docxtpl.py) keeps
the bytes of the parts that never change and writes only the rendered ones, in the same order and
with the same head ([Content_Types].xml and the package's relationships) as PackageWriter.
"""
from __future__ import annotations

from docx.opc.oxml import serialize_part_xml
from docx.opc.pkgwriter import PackageWriter
from docx.oxml.parser import parse_xml

__all__ = ["head", "parts", "parse_xml", "serialize_part_xml"]


class _Collect:
    """What python-docx's package writer needs of a zip file: the parts it writes, kept in order."""

    def __init__(self) -> None:
        self.items: list[tuple[str, bytes]] = []

    def write(self, pack_uri, blob: bytes) -> None:
        self.items.append((pack_uri.membername, blob))


def head(package) -> list[tuple[str, bytes]]:
    """What PackageWriter writes before the parts: [Content_Types].xml and the package's relationships."""
    for part in package.parts:
        part.before_marshal()
    writer = _Collect()
    PackageWriter._write_content_types_stream(writer, package.parts)
    PackageWriter._write_pkg_rels(writer, package.rels)
    return writer.items


def parts(package, rendered: set[int]) -> list[tuple[object, str, bytes | None, tuple[str, bytes] | None]]:
    """Every part in PackageWriter's order: the part, its name, its bytes (None for a part whose id is
    in `rendered`: written anew each time) and its relationships (name and bytes, None without)."""
    out = []
    for part in package.parts:
        rels = (part.partname.rels_uri.membername, part.rels.xml) if len(part.rels) else None
        out.append((part, part.partname.membername, None if id(part) in rendered else part.blob, rels))
    return out
