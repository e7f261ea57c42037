"""Make OOXML packages (.docx, .xlsx) byte-reproducible: fixed zip entry times and core properties."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from xml.sax.saxutils import escape

CORE = "docProps/core.xml"


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
            f"<dc:title>{escape(self.title)}</dc:title><dc:creator>{escape(self.creator)}</dc:creator>"
            f"<cp:lastModifiedBy>{escape(self.creator)}</cp:lastModifiedBy>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
            "</cp:coreProperties>"
        ).encode("utf-8")


def normalise(package: bytes, core: CoreProps) -> bytes:
    """Rewrite a zip package so that the same content always gives the same bytes.

    Entry order is kept ([Content_Types].xml must stay first); entry times, permissions and the
    creating system are fixed; the core properties are replaced by ones built from the data.
    """
    stamp = core.stamp.astimezone(timezone.utc)
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = core.xml() if info.filename == CORE else src.read(info)
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            dst.writestr(entry, data, compresslevel=6)
    return out.getvalue()
