"""Make OOXML packages (.docx, .xlsx) byte-reproducible: fixed zip entry times, core and app properties."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timezone
from xml.sax.saxutils import escape

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


class Entries:
    """A package's parts collected in memory, in the order written: the part of a ZipFile that
    openpyxl's writer uses, so that `zip_entries` can build the package in one pass."""

    def __init__(self) -> None:
        self.items: list[tuple[str, bytes]] = []

    def writestr(self, name: str, data: bytes | str) -> None:
        self.items.append((name, data.encode("utf-8") if isinstance(data, str) else data))

    def namelist(self) -> list[str]:
        return [name for name, _ in self.items]

    def close(self) -> None:
        pass


# Parts that many packages share byte for byte (a theme, a stylesheet, relationships) are
# compressed once: deflate at a fixed level always gives the same output for the same input.
# Only small parts are kept: the shared ones are a few kB, a large part is a sheet of its own.
_DEFLATED: OrderedDict[bytes, tuple[bytes, int]] = OrderedDict()
_DEFLATED_MAX, _DEFLATED_PART_MAX = 256, 64 * 1024


def _deflate(raw: bytes) -> tuple[bytes, int]:
    """Raw deflate at zlib's default level (what ZipFile writes) and the CRC of `raw`."""
    hit = _DEFLATED.get(raw)
    if hit is not None:
        _DEFLATED.move_to_end(raw)
        return hit
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    hit = compressor.compress(raw) + compressor.flush(), zlib.crc32(raw)
    if len(raw) <= _DEFLATED_PART_MAX:
        _DEFLATED[raw] = hit
        if len(_DEFLATED) > _DEFLATED_MAX:
            _DEFLATED.popitem(last=False)
    return hit


def _zip(members: list[tuple[str, bytes, int, int, int]], core: CoreProps) -> bytes:
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


def zip_entries(entries: Entries, core: CoreProps) -> bytes:
    """The package of `entries`, byte for byte what `normalise` makes of the same parts written
    through ZipFile (the core and app properties replaced by reportgen's own)."""
    members = []
    for name, raw in entries.items:
        if name in (CORE, APP):
            raw = core.part(name)
        data, crc = _deflate(raw)
        members.append((name, data, crc, len(raw), zipfile.ZIP_DEFLATED))
    return _zip(members, core)


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
            data, crc = _deflate(raw)
            members.append((info.filename, data, crc, len(raw), zipfile.ZIP_DEFLATED))
            continue
        start = info.header_offset
        n_len, e_len = struct.unpack("<HH", package[start + 26:start + 30])
        begin = start + 30 + n_len + e_len
        members.append((info.filename, package[begin:begin + info.compress_size], info.CRC, info.file_size,
                        info.compress_type))
    return _zip(members, core)
