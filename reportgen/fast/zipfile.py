"""Shortcut around zipfile: a package zipped in one pass from its parts.

The reference path writes the parts through ZipFile, as openpyxl and python-docx do, and then
`package.normalise` fixes the header fields that vary; the one-pass zip writes those same bytes
directly (tests/fast/test_package.py compares them for any parts).
"""
from __future__ import annotations

import io
import zipfile
import zlib

from reportgen.fast import on
from reportgen.ooxml.package import APP, CORE, CoreProps, deflate, normalise, zip_members


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


def zip_entries(entries: Entries, core: CoreProps) -> bytes:
    """The package of `entries`, byte for byte what `normalise` makes of the same parts written
    through ZipFile (the core and app properties replaced by reportgen's own)."""
    members = []
    for name, raw in entries.items:
        if name in (CORE, APP):
            raw = core.part(name)
        members.append((name, deflate(raw), zlib.crc32(raw), len(raw), zipfile.ZIP_DEFLATED))
    return zip_members(members, core)


class Package:
    """Where a writer puts a package's parts (`parts` has ZipFile's writestr and close): collected
    and zipped in one pass, or, on the reference path, written by ZipFile and then normalised."""

    def __init__(self) -> None:
        self._buffer = io.BytesIO()
        self.parts: Entries | zipfile.ZipFile = (
            Entries() if on("zip") else zipfile.ZipFile(self._buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True))

    def finish(self, core: CoreProps) -> bytes:
        """The reproducible package, with the core properties built from the data."""
        if isinstance(self.parts, Entries):
            return zip_entries(self.parts, core)
        self.parts.close()
        return normalise(self._buffer.getvalue(), core)
