"""Writing data/: several files replaced as one step, with a backup and a journal that survives a crash."""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import stat
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from reportgen.model.loader import display
from reportgen.rules.problems import DataError, Msg, Problem

JOURNAL = ".collect-journal.json"
JOURNAL_FORMAT = "reportgen-journal/2"
BACKUPS = ".backups"

# A data file's temporary name while it is being replaced: `.<name>.<8 hex>.new` beside it, unique
# to each write (open and collect both write cycle.yaml: with one shared name, one consumed the
# other's pending file). Older versions wrote `.<name>.new`.
_TEMP = re.compile(r"^\..+\.yaml(\.[0-9a-f]{8})?\.new$")


def temp_path(target: Path) -> Path:
    """A fresh temporary name beside `target` (left over after a crash, the next recovery drops it)."""
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}.new")


def write_atomically(data: Path, texts: dict[str, str]) -> Path | None:
    """Replace several data files (by path relative to `data`) as one step: back up, journal, replace,
    drop the journal.

    A crash before the journal is complete changes nothing; after it, `recover_data` finishes
    the replacement, so data/ is always the old or the new complete state. The journal names the
    files relative to data/, so the recovery finds them whatever folder the next run starts in.
    """
    if not texts:
        return None
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    backup = data / BACKUPS / stamp
    pairs = []
    for rel, text in texts.items():
        target = data / rel
        (backup / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(target, backup / rel)
        temp = temp_path(target)
        with open(temp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        pairs.append([temp.relative_to(data).as_posix(), PurePosixPath(rel).as_posix()])
    journal = data / JOURNAL
    tmp_journal = data / (JOURNAL + ".tmp")
    with open(tmp_journal, "w", encoding="utf-8") as f:
        json.dump({"format": JOURNAL_FORMAT, "replace": pairs}, f, ensure_ascii=False)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp_journal, journal)  # the commit point
    recover_data(data)
    return backup


def recover_data(data: Path) -> None:
    """Finish a replacement a crash interrupted (roll forward), or drop an incomplete one.

    Only a journal of this format whose every entry names a data file inside data/ (and its
    temporary file beside it) is replayed; anything else is reported and left as it is: a journal
    planted in data/ never moves a file."""
    data = Path(data)
    journal = data / JOURNAL
    (data / (JOURNAL + ".tmp")).unlink(missing_ok=True)
    try:
        mode = os.lstat(journal).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None:
        pairs = _entries(data, journal, mode)
        for temp, target in pairs:
            if temp.exists():
                os.replace(temp, target)
        journal.unlink()
    for stale in list(data.rglob(".*.new")):
        if _TEMP.match(stale.name) and not stale.is_dir():
            stale.unlink()


def _entries(data: Path, journal: Path, mode: int) -> list[tuple[Path, Path]]:
    """The journal's (temporary file, data file) pairs, each checked; a DataError naming the journal otherwise."""

    def refuse(ja: str, en: str) -> DataError:
        return DataError([Problem(display(journal), 1, 1, "", Msg(
            ja=f"中断された書き込みの記録として使えません（{ja}）。何もせずに残しました。内容を確かめてから削除してください",
            en=f"not usable as the record of an interrupted write ({en}); left as it is: check it, then delete it"))])

    if not stat.S_ISREG(mode):
        raise refuse("通常のファイルではありません", "not a regular file")
    try:
        doc = json.loads(journal.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        raise refuse("JSON として読めません", "not readable as JSON") from None
    if not isinstance(doc, dict) or doc.get("format") != JOURNAL_FORMAT or not isinstance(doc.get("replace"), list):
        raise refuse(f"format: {JOURNAL_FORMAT} と replace の並びが必要です",
                     f"expected format: {JOURNAL_FORMAT} and a replace list")
    root = data.resolve()
    out = []
    for entry in doc["replace"]:
        if not (isinstance(entry, list) and len(entry) == 2 and all(isinstance(p, str) for p in entry)):
            raise refuse(f"項目が「一時ファイル, データファイル」の組ではありません: {entry!r}"[:300],
                         f"an entry is not a pair of a temporary file and a data file: {entry!r}"[:300])
        temp, target = entry
        if not (_inside(root, target) and _inside(root, temp) and target.endswith(".yaml")
                and PurePosixPath(temp).parent == PurePosixPath(target).parent
                and _TEMP.match(PurePosixPath(temp).name) and PurePosixPath(temp).name.startswith(f".{PurePosixPath(target).name}.")):
            raise refuse(f"data/ の中のデータファイルを指していない項目があります: {target!r}"[:300],
                         f"an entry does not name a data file inside data/: {target!r}"[:300])
        out.append((data / temp, data / target))
    return out


def _inside(root: Path, rel: str) -> bool:
    """`rel` is a plain relative path that stays inside `root`, links followed."""
    p = PurePosixPath(rel)
    if not rel or "\\" in rel or "\0" in rel or p.is_absolute() or any(part in ("", ".", "..") for part in rel.split("/")):
        return False
    return (root / p).resolve().is_relative_to(root)
