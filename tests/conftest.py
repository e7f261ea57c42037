"""Shared fixtures: the shipped data, scratch copies of it, and one default build reused by read-only tests."""
from __future__ import annotations

import os
import shutil
import sys
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
sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture()
def data_copy(tmp_path) -> Path:
    """A writable copy of the shipped data."""
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest)
    return dest


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The default archive built once from the shipped data (tests must not modify it)."""
    from reportgen.archive.build import build

    out = tmp_path_factory.mktemp("built") / "out"
    build(DATA, out)
    return out


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
