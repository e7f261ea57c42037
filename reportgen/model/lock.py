"""reportgen's lock on a folder and durable writes: data/ is never read while another run writes it."""
from __future__ import annotations

import errno
import fcntl
import os
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

from reportgen.model.datastore import recover_data
from reportgen.model.loader import display
from reportgen.rules.filenames import outside, path_problem
from reportgen.rules.problems import DataError, Msg, UsageError


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


# What a run cannot do with a path it was given or owns, each told in one line naming the path
# (a full disk and the like are left to the command line's catch-all).
REFUSED = (errno.EACCES, errno.EPERM, errno.EROFS, errno.ELOOP)

# Told which folder's lock a run waits for, before it waits: each caller passes its own (the command
# line's says so on screen, cli.common.waiting_notice; a run no one watches passes `quietly`).
Waiting = Callable[[Path], None]


def quietly(folder: Path) -> None:
    """Wait for another run's lock without a word."""


@contextmanager
def lock(folder: Path, waiting: Waiting) -> Iterator[None]:
    """reportgen's one lock: `folder/.lock`, held exclusively; a second holder waits for the first,
    after calling `waiting(folder)`.

    The name is reportgen's: opened without following a link (a `.lock` made a link would otherwise
    create or truncate whatever it points at), refused with one line naming it. A path the run
    under the lock may not write (a read-only folder or disk) is told the same way."""
    path = Path(folder) / ".lock"
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        raise refused(path, exc) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # another run holds it: say so, then wait as before
            waiting(Path(folder))
            fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            with told(folder):
                yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def told(folder: Path) -> Iterator[None]:
    """An access refused to a path (read-only, no permission, a link where reportgen owns the name)
    becomes one located line naming that path (or `folder`) instead of a traceback."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in REFUSED:
            raise
        raise refused(Path(exc.filename) if exc.filename else Path(folder), exc) from None


def refused(path: Path, exc: OSError) -> UsageError:
    """The one line for a path reportgen cannot use: a link in its place, a read-only folder or disk,
    no permission."""
    shown = display(path)
    if exc.errno == errno.ELOOP or path.is_symlink():
        return symlink_refused(path)
    if exc.errno == errno.EROFS:
        return UsageError(Msg(ja=f"{shown} に書き込めません（読み取り専用のディスクです）。書き込めるフォルダを指定してください",
                              en=f"cannot write {shown} (a read-only file system); name a folder that can be written"))
    if exc.errno in (errno.EACCES, errno.EPERM):
        return UsageError(Msg(ja=f"{shown} を使えません（書き込みか読み取りの権限がありません）。権限のあるフォルダを指定してください",
                              en=f"cannot use {shown} (no permission to write or read it); name a folder you may use"))
    return UsageError(Msg(ja=f"{shown} を使えません（{exc.strerror}）", en=f"cannot use {shown} ({exc.strerror})"))


def symlink_refused(path: Path) -> UsageError:
    shown = display(path)
    return UsageError(Msg(
        ja=f"{shown} はシンボリックリンクです。reportgen が作る名前なのでリンクはたどりません。削除してからやり直してください",
        en=f"{shown} is a symbolic link; reportgen owns this name and does not follow links: remove it and run again"))


def umask() -> int:
    """The process's umask, read without changing it (os.umask sets it, and a writer thread may be creating files)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def open_to_colleagues(folder: Path) -> None:
    """Give a folder made by mkdtemp (0700) the mode any new folder gets (0777 less the umask), so a
    published year or the sent forms open for whoever the umask lets in, as the files in them do."""
    os.chmod(folder, 0o777 & ~umask())


@contextmanager
def data_lock(data: Path, waiting: Waiting) -> Iterator[None]:
    """The lock every run takes on data/ (build, collect, open, close, the pledge list): a build never
    reads data/ while a collect writes it. Whoever takes it first finishes what a killed writer left
    (datastore.recover_data), so every writer starts from the old or the new complete state.

    A missing folder is left to the loader to report; a read-only one cannot be written by anyone
    (a writer is told so in one line), so a build reads it unlocked. `waiting` is told before it waits."""
    if not Path(data).is_dir() or not os.access(data, os.W_OK):
        with told(data):
            yield
        return
    with lock(Path(data), waiting):
        recover_data(Path(data))
        yield
