"""reportgen's lock on a folder and durable writes: data/ is never read while another run writes it."""
from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator


def fsync_path(path: str | Path) -> None:
    """Make a file's or a folder's entries durable (a folder after a rename in it)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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


# Told which folder's lock a run waits for before it waits (the command line says so on screen).
WAITING: list[Callable[[Path], None]] = []


@contextmanager
def lock(folder: Path) -> Iterator[None]:
    """reportgen's one lock: `folder/.lock`, held exclusively; a second holder waits for the first."""
    with open(folder / ".lock", "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # another run holds it: say so, then wait as before
            for notice in WAITING:
                notice(Path(folder))
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
