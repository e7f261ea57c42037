"""What departments send, kept by the inbox: out/received/<year>/<sha256>/<sent form's name>; every name chosen by the server."""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from reportgen.archive.manifest import folder_name
from reportgen.collect.package import MAX_COMPRESSED
from reportgen.rules.problems import ReportgenError
from reportgen.model.lock import fsync_path
from reportgen.rules.era import NATIONAL, FiscalYear

RECEIVED = "received"
UPLOADS = ".uploads"
CHUNK = 64 * 1024
_SHA = re.compile(r"[0-9a-f]{64}")


class TooLarge(ReportgenError):
    """An upload over collect's size cap (reportgen.collect.package.MAX_COMPRESSED)."""


def year_folder(out: Path, fy: FiscalYear) -> Path:
    return Path(out) / RECEIVED / folder_name(fy, fy2019=NATIONAL)


def valid(sha: str) -> bool:
    return bool(_SHA.fullmatch(sha or ""))


async def save_upload(upload, out: Path, fy: FiscalYear) -> str:
    """Stream an upload to out/received/<year>/.uploads/<sha256>.xlsx, stopping at the cap; its digest."""
    folder = year_folder(out, fy) / UPLOADS
    folder.mkdir(parents=True, exist_ok=True)
    h, size = hashlib.sha256(), 0
    fd, temp = tempfile.mkstemp(dir=folder, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as fh:
            while chunk := await upload.read(CHUNK):
                size += len(chunk)
                if size > MAX_COMPRESSED:
                    raise TooLarge(size)
                h.update(chunk)
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        sha = h.hexdigest()
        os.replace(temp, folder / f"{sha}.xlsx")
        fsync_path(folder)
        return sha
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def upload_path(out: Path, fy: FiscalYear, sha: str) -> Path | None:
    """An upload by its digest (None for anything but 64 hex digits, or one never uploaded)."""
    if not valid(sha):
        return None
    p = year_folder(out, fy) / UPLOADS / f"{sha}.xlsx"
    return p if p.is_file() else None


def keep_folder(out: Path, fy: FiscalYear, sha: str) -> Path:
    assert valid(sha)
    return year_folder(out, fy) / sha


def received(out: Path, fy: FiscalYear, sha: str, name: str) -> Path | None:
    """A handed-in file as recorded (its digest and name in data/cycle.yaml), if the inbox kept it."""
    if not valid(sha) or "/" in name or name.startswith("."):
        return None
    p = keep_folder(out, fy, sha) / name
    return p if p.is_file() else None
