"""The fixtures: scratch copies of the shipped data and of the default build, built once a run (shared helpers: support.py)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import realclient
from support import DATA, ROOT, once_a_run, run_folder, watched_pdf_build

from reportgen.archive.build import build


def pytest_configure(config):
    """The Python processes the tests start (the command line, generate.py, installs) keep their bytecode,
    as an installed reportgen and CI's checkout do (in __pycache__ folders, which git ignores): a shell
    that sets PYTHONDONTWRITEBYTECODE made every one of them compile reportgen again."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


@pytest.fixture(scope="session", autouse=True)
def _libreoffice_views_shared(tmp_path_factory):
    """What LibreOffice shows of a file is kept for both workers of the run (realclient.by_content)."""
    realclient.share_views(run_folder(tmp_path_factory) / "libreoffice-views")


@pytest.fixture()
def data_copy(tmp_path) -> Path:
    """A writable copy of the shipped data."""
    dest = tmp_path / "data"
    # without the lock file a build of the shipped data/ leaves there (git ignores it): a copy is the
    # same whichever tests ran before it
    shutil.copytree(DATA, dest, ignore=shutil.ignore_patterns(".lock"))
    return dest


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The default archive built once a run from the shipped data (tests must not modify it; see built_copy)."""
    return once_a_run(tmp_path_factory, "built", lambda folder: build(DATA, folder / "out")) / "out"


@pytest.fixture()
def built_copy(built, tmp_path) -> Path:
    """A writable copy of `built` at tmp_path/out, for a test that changes or rebuilds the default archive:
    the same bytes a fresh build(DATA, out) writes, without building again."""
    dest = tmp_path / "out"
    shutil.copytree(built, dest, symlinks=True)
    return dest


@pytest.fixture(scope="session")
def built_pdf(tmp_path_factory) -> Path:
    """The default archive with --pdf (one LibreOffice run), built once a run (tests must not modify it); beside it,
    processes.json: what the build started (support.watched_pdf_build)."""
    return once_a_run(tmp_path_factory, "built-pdf", lambda folder: watched_pdf_build(DATA, folder)) / "out"


@pytest.fixture(scope="session")
def built_pdf_fuji(tmp_path_factory) -> Path:
    """examples/fuji built with --pdf (one LibreOffice run), once a run (tests must not modify it)."""
    example = ROOT / "examples" / "fuji" / "data"
    return once_a_run(tmp_path_factory, "built-pdf-fuji", lambda folder: build(example, folder / "out", pdf=True)) / "out"
