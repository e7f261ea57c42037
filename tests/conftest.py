"""The fixtures: scratch copies of the shipped data and one default build reused by read-only tests (shared helpers: support.py)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import DATA


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

