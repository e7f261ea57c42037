"""Shortcut around zipfile: a package zipped in one pass from its parts, shared parts compressed once.

The reference path writes the parts through ZipFile, as openpyxl and python-docx do, and then
`package.normalise` fixes the header fields that vary; the one-pass zip writes those same bytes
directly (tests/test_package.py compares them for any parts).
"""
from __future__ import annotations

import io
import zipfile
import zlib
from collections import OrderedDict

from . import on
from ..package import CORE, CoreProps, deflate, normalise, zip_members


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
    if not on("deflate"):
        return deflate(raw), zlib.crc32(raw)
    hit = _DEFLATED.get(raw)
    if hit is not None:
        _DEFLATED.move_to_end(raw)
        return hit
    hit = deflate(raw), zlib.crc32(raw)
    if len(raw) <= _DEFLATED_PART_MAX:
        _DEFLATED[raw] = hit
        if len(_DEFLATED) > _DEFLATED_MAX:
            _DEFLATED.popitem(last=False)
    return hit


def zip_entries(entries: Entries, core: CoreProps) -> bytes:
    """The package of `entries`, byte for byte what `normalise` makes of the same parts written
    through ZipFile (the core properties replaced by ones built from the data)."""
    members = []
    for name, raw in entries.items:
        if name == CORE:
            raw = core.xml()
        data, crc = _deflate(raw)
        members.append((name, data, crc, len(raw), zipfile.ZIP_DEFLATED))
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
