"""What the tests share: the checkout's paths, the seeds, and a folder's files with their SHA-256 (to show nothing changed)."""
from __future__ import annotations

import hashlib
import io
import os
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


def _seed_folders() -> list[Path]:
    """Where the seeds may be: $REPORTGEN_SEEDS, else ../shared/seeds beside the checkout; in a git
    worktree, also beside the main checkout (the worktree's .git file names it)."""
    if os.environ.get("REPORTGEN_SEEDS"):
        return [Path(os.environ["REPORTGEN_SEEDS"])]
    folders = [ROOT.parent / "shared" / "seeds"]
    dotgit = ROOT / ".git"
    if dotgit.is_file():  # "gitdir: <main>/.git/worktrees/<name>"
        text = dotgit.read_text(encoding="utf-8").strip()
        if text.startswith("gitdir:"):
            main = Path(text[len("gitdir:"):].strip()).parent.parent.parent
            folders.append(main.parent / "shared" / "seeds")
    return folders


SEEDS = next((f for f in _seed_folders() if f.is_dir()), _seed_folders()[0])


def seed(name_prefix: str) -> Path:
    """A seed file by its number; tests that compare with the seeds skip when the seeds are absent,
    but fail under CI (CI=true), where a missing seed would otherwise pass a whole suite unseen."""
    found = sorted(SEEDS.glob(f"{name_prefix}_*.txt")) if SEEDS.is_dir() else []
    if not found:
        message = f"seed {name_prefix} not found in {SEEDS} (../shared/seeds, or set REPORTGEN_SEEDS)"
        if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
            pytest.fail(message + " — required under CI")
        pytest.skip(message)
    return found[0]


def tree(folder: Path, pattern: str = "*", *, backups: bool = True) -> dict[str, str]:
    """Every file under `folder` matching `pattern` (hidden ones included; reportgen's lock file
    aside, and the backups too with backups=False) with its SHA-256; {} for a missing folder."""
    folder = Path(folder)
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob(pattern))
            if p.is_file() and p.name != ".lock" and (backups or ".backups" not in p.relative_to(folder).parts)}


def edit_docx(path: Path, old: str, new: str, count: int = 1) -> None:
    """Rewrite word/document.xml of a .docx in place (the first `count` occurrences)."""
    src = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                text = data.decode("utf-8")
                assert text.count(old) >= count, old
                data = text.replace(old, new, count).encode("utf-8")
            z.writestr(info, data)
    path.write_bytes(out.getvalue())
