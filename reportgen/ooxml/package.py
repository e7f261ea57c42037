"""Make OOXML packages (.docx, .xlsx) byte-reproducible: fixed zip entry times, core and app properties."""
from __future__ import annotations

import html
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone


def escape(text: str) -> str:
    """&, < and > as XML text writes them: what xml.sax.saxutils.escape does, without the urllib and
    http modules its import brings into every process (a few ms of a one-document start)."""
    return html.escape(text, quote=False)


CORE = "docProps/core.xml"
APP = "docProps/app.xml"


@dataclass(frozen=True)
class CoreProps:
    """Document properties taken from the data, never from the clock."""

    title: str
    creator: str
    stamp: datetime  # UTC

    def xml(self) -> bytes:
        when = self.stamp.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{escape(_xml_safe(self.title))}</dc:title><dc:creator>{escape(_xml_safe(self.creator))}</dc:creator>"
            f"<cp:lastModifiedBy>{escape(_xml_safe(self.creator))}</cp:lastModifiedBy>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
            "</cp:coreProperties>"
        ).encode("utf-8")

    def app_xml(self) -> bytes:
        """docProps/app.xml, written by reportgen for every package: the libraries write their own
        (openpyxl its name and version, python-docx's default template an old Word's), which
        would change the bytes with the library's version."""
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f"<Application>reportgen</Application><DocSecurity>0</DocSecurity>"
            f"<Company>{escape(_xml_safe(self.creator))}</Company>"
            "</Properties>"
        ).encode("utf-8")

    def part(self, name: str) -> bytes | None:
        """The bytes reportgen writes for the package part `name`; None for a part the writer keeps."""
        if name == CORE:
            return self.xml()
        if name == APP:
            return self.app_xml()
        return None


def _xml_safe(text: str) -> str:
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)


def _dos_time(stamp: datetime) -> tuple[int, int]:
    s = stamp.astimezone(timezone.utc)
    year = max(s.year, 1980)
    return (s.hour << 11) | (s.minute << 5) | (s.second // 2), ((year - 1980) << 9) | (s.month << 5) | s.day


def deflate(raw: bytes) -> bytes:
    """Raw deflate at zlib's default level: what ZipFile writes for `raw`."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return compressor.compress(raw) + compressor.flush()


def zip_members(members: list[tuple[str, bytes, int, int, int]], core: CoreProps) -> bytes:
    """A zip of (name, compressed data, CRC, size, method) members with every varying header field fixed."""
    dos_time, dos_date = _dos_time(core.stamp)
    local, central = bytearray(), bytearray()
    for name_str, data, crc, size, method in members:
        name = name_str.encode("utf-8")
        flags = 0x800 if any(b > 0x7F for b in name) else 0  # UTF-8 names
        offset = len(local)
        local += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, method, dos_time, dos_date,
                             crc, len(data), size, len(name), 0) + name + data
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, flags, method, dos_time, dos_date,
                               crc, len(data), size, len(name), 0, 0, 0, 0, 0, offset) + name
    n = len(members)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, n, n, len(central), len(local), 0)
    return bytes(local + central + end)


def normalise(package: bytes, core: CoreProps) -> bytes:
    """Rewrite a zip package so that the same content always gives the same bytes.

    Entries keep their order ([Content_Types].xml must stay first) and their compressed data,
    copied as is (the writers' zlib output is already deterministic); only the header fields that
    vary (times, creating system, permissions) are fixed, and the core and app properties are
    replaced by reportgen's own.
    """
    members = []
    for info in zipfile.ZipFile(io.BytesIO(package)).infolist():
        if info.filename in (CORE, APP):
            raw = core.part(info.filename)
            members.append((info.filename, deflate(raw), zlib.crc32(raw), len(raw), zipfile.ZIP_DEFLATED))
            continue
        start = info.header_offset
        n_len, e_len = struct.unpack("<HH", package[start + 26:start + 30])
        begin = start + 30 + n_len + e_len
        members.append((info.filename, package[begin:begin + info.compress_size], info.CRC, info.file_size,
                        info.compress_type))
    return zip_members(members, core)
