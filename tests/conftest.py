"""Shared fixtures: the shipped data, scratch copies of it, and one default build reused by read-only tests."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SEEDS = ROOT.parent / "shared" / "seeds"
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
    from reportgen.build import build

    out = tmp_path_factory.mktemp("built") / "out"
    build(DATA, out)
    return out


def seed(name_prefix: str) -> Path:
    """A seed file by its number; tests that compare with the seeds skip when shared/ is absent."""
    found = sorted(SEEDS.glob(f"{name_prefix}_*.txt")) if SEEDS.is_dir() else []
    if not found:
        pytest.skip("the seeds (../shared/seeds) are not available")
    return found[0]
