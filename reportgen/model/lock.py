"""reportgen's lock on a folder and durable writes: data/ is never read while another run writes it."""
from __future__ import annotations

import errno
import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from reportgen.model.datastore import recover_data
from reportgen.model.loader import display
from reportgen.rules.problems import Msg, UsageError


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


@contextmanager
def lock(folder: Path) -> Iterator[None]:
    """reportgen's one lock: `folder/.lock`, held exclusively; a second holder waits for the first.

    The name is reportgen's: opened without following a link (a `.lock` made a link would otherwise
    create or truncate whatever it points at), refused with one line naming it."""
    path = Path(folder) / ".lock"
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        raise unwritable(path, exc) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def unwritable(path: Path, exc: OSError) -> UsageError:
    """The one line for a path reportgen owns that it cannot write: a link in its place, a read-only
    folder or disk, no permission."""
    shown = display(path)
    if exc.errno == errno.ELOOP or path.is_symlink():
        return UsageError(Msg(
            ja=f"{shown} はシンボリックリンクです。reportgen が作る名前なのでリンクはたどりません。削除してからやり直してください",
            en=f"{shown} is a symbolic link; reportgen owns this name and does not follow links: remove it and run again"))
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return UsageError(Msg(
            ja=f"{shown} に書き込めません（{'読み取り専用のディスク' if exc.errno == errno.EROFS else '書き込みの権限がありません'}）。"
               "書き込めるフォルダを指定してください",
            en=f"cannot write {shown} ({'a read-only file system' if exc.errno == errno.EROFS else 'no permission to write'}); "
               "name a folder that can be written"))
    return UsageError(Msg(ja=f"{shown} に書き込めません（{exc.strerror}）", en=f"cannot write {shown} ({exc.strerror})"))


@contextmanager
def data_lock(data: Path) -> Iterator[None]:
    """The lock every run takes on data/ (build, collect, open, close, the pledge list): a build never
    reads data/ while a collect writes it. Whoever takes it first finishes what a killed writer left
    (datastore.recover_data), so every writer starts from the old or the new complete state.

    A missing folder is left to the loader to report; a read-only one cannot be written by anyone
    (collect fails on it), so a build reads it unlocked."""
    if not Path(data).is_dir() or not os.access(data, os.W_OK):
        yield
        return
    with lock(Path(data)):
        recover_data(Path(data))
        yield
