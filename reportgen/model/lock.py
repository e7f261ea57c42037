"""reportgen's lock on a folder and durable writes: data/ is never read while another run writes it."""
from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from reportgen.rules.filenames import outside, path_problem
from reportgen.rules.problems import DataError, Msg


def fsync_path(path: str | Path) -> None:
    """Make a file's or a folder's entries durable (a folder after a rename in it)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@lru_cache(maxsize=512)
def _real(path: str) -> str:
    # a build writes thousands of files into a few folders: each folder resolved once (realpath
    # lstat()s every component); strings, not Paths: pathlib's parsing cost more than the check
    return os.path.realpath(path)


def inside(root: Path, rel: str) -> Path:
    """`root / rel`, refused (DataError, before anything is written) unless `rel` is a relative path
    of names Windows accepts and the resolved path stays inside the resolved `root` (a folder that
    is a link to elsewhere included)."""
    why = path_problem(rel)
    if why is None:
        # `rel` holds no `..`: only a folder on the way that is a link can lead out. The file itself is
        # created anew (staging folders are new), so its folder's real path is what is compared.
        base = _real(os.fspath(root))
        folder = _real(os.path.dirname(os.path.join(os.fspath(root), rel)))
        if folder != base and not folder.startswith(base.rstrip(os.sep) + os.sep):
            why = Msg("フォルダの外を指さないパス（途中のフォルダがフォルダの外へのリンクです）",
                      "a path that stays inside the folder (a folder on the way links outside it)")
    if why is not None:
        raise DataError([outside(rel, str(root), why)])
    return Path(root) / rel


def confined(root: Path, rels) -> None:
    """Every relative path of `rels` refused by `inside` at once, before anything is written."""
    problems = []
    for rel in rels:
        try:
            inside(root, rel)
        except DataError as exc:
            problems += exc.problems
    if problems:
        raise DataError(problems)


def write_synced(path: Path, data: bytes) -> None:
    """Write a file and wait until it is on the disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def lock(folder: Path) -> Iterator[None]:
    """reportgen's one lock: `folder/.lock`, held exclusively; a second holder waits for the first."""
    with open(folder / ".lock", "a+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


@contextmanager
def data_lock(data: Path) -> Iterator[None]:
    """The lock build and collect both take on data/: a build never reads data/ while a collect writes it.

    A missing folder is left to the loader to report; a read-only one cannot be written by anyone
    (collect fails on it), so a build reads it unlocked."""
    if not Path(data).is_dir() or not os.access(data, os.W_OK):
        yield
        return
    with lock(Path(data)):
        yield
