"""What the tests share: the checkout's paths, the seeds, and a folder's files with their SHA-256 (to show nothing changed)."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from reportgen.archive.year import template_set
from reportgen.rules.era import NATIONAL, parse_fy
from reportgen.templating.year import YearSettings, year_settings

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


def year(fy, ds=None, templates=None) -> YearSettings:
    """The settings a build makes for fiscal year `fy` (a FiscalYear or its spelling, e.g. "R6"):
    FY2019 named as `ds`'s city.yaml says (令和元年度 without a data set), the shipped templates
    unless `templates` (a TemplateSet or a folder)."""
    fy = parse_fy(fy) if isinstance(fy, str) else fy
    return year_settings(fy, ds.city.fy2019 if ds is not None else NATIONAL, template_set(templates))
