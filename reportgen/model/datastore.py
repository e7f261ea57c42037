"""Writing data/: several files replaced as one step, with a backup and a journal that survives a crash."""
from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

JOURNAL = ".collect-journal.json"
BACKUPS = ".backups"


def write_atomically(data: Path, texts: dict[str, str]) -> Path | None:
    """Replace several data files as one step: back up, journal, replace, drop the journal.

    A crash before the journal is complete changes nothing; after it, `recover_data` finishes
    the replacement, so data/ is always the old or the new complete state.
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
        temp = target.with_name(f".{target.name}.new")
        with open(temp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        pairs.append([str(temp), str(target)])
    journal = data / JOURNAL
    tmp_journal = data / (JOURNAL + ".tmp")
    with open(tmp_journal, "w", encoding="utf-8") as f:
        json.dump(pairs, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp_journal, journal)  # the commit point
    recover_data(data)
    return backup


def recover_data(data: Path) -> None:
    """Finish a replacement a crash interrupted (roll forward), or drop an incomplete one."""
    journal = data / JOURNAL
    (data / (JOURNAL + ".tmp")).unlink(missing_ok=True)
    if journal.is_file():
        for temp, target in json.loads(journal.read_text(encoding="utf-8")):
            if Path(temp).exists():
                os.replace(temp, target)
        journal.unlink()
    for stale in list(data.rglob(".*.yaml.new")):
        stale.unlink()
