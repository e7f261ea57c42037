"""Starting the next pledge list: data/pledges/<month>.yaml carried over from the last list, written atomically under data/.lock."""
from __future__ import annotations

import os
import re
from pathlib import Path

from reportgen.collect.writeback import validate
from reportgen.model.datastore import temp_path
from reportgen.model.loader import load
from reportgen.model.lock import Waiting, data_lock, fsync_path, quietly, write_synced
from reportgen.rules import era
from reportgen.rules.era import YearMonth
from reportgen.rules.problems import Invalid, Msg, UsageError

PLEDGES = "pledges"


def _month(text: str) -> YearMonth:
    try:
        return era.parse_year_month(text)
    except Invalid:
        raise UsageError(Msg(
            ja=f"公約一覧の年月は 2025-03 のように書いてください（例: 2025-03、令和7年3月）。書かれていた値: {text!r}",
            en=f"write the pledge list's month like 2025-03 (or 令和7年3月), got {text!r}")) from None


def carried_over(text: str, last: YearMonth, month: YearMonth) -> str:
    """The last list's text as of `month`: its `as_of` line changed, and the month in the comments
    above the first key (the title line, 【令和5年9月末現在】) moved along; everything else as it was
    (chapters, pledges, items, progress lines, statuses, departments, comments and layout)."""
    lines = text.splitlines(keepends=True)
    out, head, done = [], True, False
    for line in lines:
        if head and line.lstrip().startswith("#"):
            line = line.replace(era.month_end(last), era.month_end(month))
        elif not done and re.match(r"as_of\s*:", line):
            # the value, whatever its spelling (2023-09, 令和5年9月), becomes the file name's form
            m = re.match(r"(as_of\s*:\s*)([^#\r\n]*?)(\s*(#.*)?)(\r?\n)?$", line)
            line = f"{m.group(1)}{month}{m.group(3)}{m.group(5) or ''}"
            done = True
        if line.strip() and not line.lstrip().startswith("#"):
            head = False
        out.append(line)
    if not done:
        raise ValueError("as_of not found at the top level")
    return "".join(out)


def open_pledge_list(data: Path, month: str, *, dry_run: bool = False, waiting: Waiting = quietly) -> Path:
    """Create data/pledges/<month>.yaml as of `month`, carried over from the last list (with
    `dry_run`, every check made and the path returned, nothing written).

    Refused, with nothing written: a malformed month, a month not after the last list, an existing
    file, no list to carry over (UsageError), data that does not load (DataError).
    """

    data = Path(data)
    wanted = _month(month)
    with data_lock(data, waiting):  # which finishes what a killed writer left (datastore.recover_data)
        target = data / PLEDGES / f"{wanted}.yaml"
        rel = f"{PLEDGES}/{wanted}.yaml"
        if target.exists():
            raise UsageError(Msg(ja=f"{rel} はすでにあります（{era.month_end(wanted)}現在の公約一覧は作成済みです）",
                                 en=f"{rel} already exists (the pledge list as of {wanted} was already started)"))
        ds = load(data)
        if not ds.pledge_lists:
            raise UsageError(Msg(ja=f"繰り越す元の公約一覧がありません（{PLEDGES}/ に一覧がありません）",
                                 en=f"there is no pledge list to carry over ({PLEDGES}/ holds none)"))
        last = ds.pledge_lists[-1].as_of
        if wanted <= last:
            raise UsageError(Msg(
                ja=f"{era.month_end(wanted)}（{wanted}）は最新の公約一覧 {PLEDGES}/{last}.yaml（{era.month_end(last)}現在）"
                   f"より後の年月ではありません。{last} より後の年月を指定してください",
                en=f"{wanted} is not after the latest pledge list {PLEDGES}/{last}.yaml; name a month after {last}"))
        source = data / PLEDGES / f"{last}.yaml"
        text = carried_over(source.read_bytes().decode("utf-8-sig"), last, wanted)
        validate(data, {rel: text})  # DataError: the new list must load with the data's own rules before it is written
        if not dry_run:
            _write_new(target, text)
    return target


def _write_new(target: Path, text: str) -> None:
    """A new file appears whole or not at all: written beside it, synced, then linked in place
    (a stale temporary file a crash leaves is dropped by datastore.recover_data)."""

    temp = temp_path(target)
    write_synced(temp, text.encode("utf-8"))
    try:
        os.link(temp, target)  # fails if the file appeared meanwhile: never replaces a list
    except FileExistsError:
        temp.unlink()
        raise
    except OSError:  # a file system without hard links: the lock keeps others out
        os.replace(temp, target)
    else:
        temp.unlink()
    fsync_path(target.parent)
