"""Which template and labels files a build uses: the package's own, overridden file by file by a data folder's templates/."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from reportgen.rules.problems import DataError, Msg, Problem
from reportgen.templating.labelmerge import merged, override_problems

# Where a file of a set came from, as the manifest records it.
SHIPPED = "reportgen"           # the templates that ship with reportgen
DATA = "data/templates"         # the data folder's own templates/ (a city's restyled copies)
ARCHIVE = "archive"             # a year folder's copies, for verify
OVERRIDES = "templates"         # the data folder's sub-folder holding its own templates


def shipped() -> Path:
    """The templates that ship with reportgen: package data of an installed copy (setuptools maps
    the checkout's top-level templates/ to reportgen/templates), else the checkout's templates/."""
    here = Path(__file__).resolve().parent.parent  # reportgen/, beside which templates/ ships
    for folder in (here / "templates", here.parent / "templates"):
        if folder.is_dir():
            return folder
    raise FileNotFoundError(f"reportgen's templates are missing (looked in {here / 'templates'} and {here.parent / 'templates'})")


def _template_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and (p.name.endswith(".docx") or p.name.endswith(".labels.yaml"))
                  and not p.name.startswith((".", "~$")))


@dataclass(frozen=True)
class TemplateFile:
    name: str      # e.g. target_list.docx, kpi_trend.labels.yaml
    path: Path
    source: str    # SHIPPED, DATA or ARCHIVE
    base: Path | None = None  # a data folder's labels file is merged key by key over this (shipped) file

    def read(self) -> bytes:
        """The bytes a build uses (and archives): a labels override merged over the file it replaces."""
        if self.base is None:
            return self.path.read_bytes()
        return merged(self.base.read_bytes(), self.path.read_bytes())


@dataclass(frozen=True)
class TemplateSet:
    """Every template and labels file a build may open, by name (the one place that finds them)."""

    files: tuple[TemplateFile, ...]

    def get(self, name: str) -> TemplateFile:
        for f in self.files:
            if f.name == name:
                return f
        raise KeyError(name)

    def path(self, name: str) -> Path:
        return self.get(name).path

    def only(self, names: Iterable[str]) -> "TemplateSet":
        wanted = set(names)
        return TemplateSet(tuple(f for f in self.files if f.name in wanted))

    def names(self) -> list[str]:
        return [f.name for f in self.files]


def folder_set(folder: Path, source: str = SHIPPED) -> TemplateSet:
    """Every template and labels file of one folder."""
    return TemplateSet(tuple(TemplateFile(p.name, p, source) for p in _template_files(Path(folder))))


def for_data(data_dir: Path | str | None, base: Path | None = None) -> TemplateSet:
    """The shipped templates (or those of `base`), each replaced by the data folder's own file of
    the same name in `<data>/templates/`. A file there that replaces nothing is an error: a
    misspelt name would otherwise be ignored without a word."""
    base_set = folder_set(base, SHIPPED) if base is not None else _shipped_set()
    own = Path(data_dir) / OVERRIDES if data_dir is not None else None
    if own is None or not own.is_dir():
        return base_set
    known = set(base_set.names())
    problems = []
    mine: dict[str, TemplateFile] = {}
    for p in _template_files(own):
        shown = f"{Path(data_dir).as_posix()}/{OVERRIDES}/{p.name}"
        if p.name not in known:
            problems.append(Problem(shown, 1, 1, "", Msg(
                ja=f"置き換える標準のテンプレートがありません（ファイル名は次のいずれか: {', '.join(sorted(known))}）",
                en=f"replaces no shipped template (the name must be one of: {', '.join(sorted(known))})")))
        elif p.name.endswith(".labels.yaml"):
            # a labels file overrides key by key: the keys it lacks stay the shipped file's
            base = base_set.get(p.name).path
            found = override_problems(base.read_bytes(), p.read_bytes(), shown)
            problems += found
            mine[p.name] = TemplateFile(p.name, p, DATA, base)
        else:
            mine[p.name] = TemplateFile(p.name, p, DATA)
    if problems:
        raise DataError(problems)
    return TemplateSet(tuple(mine.get(f.name, f) for f in base_set.files))


def needed(kind: str, layout: str) -> str:
    """The file a render job opens: a Word layout is its template, a workbook layout its labels."""
    return layout if kind == "docx" else f"{layout}.labels.yaml"


# Word layouts whose fixed words a labels file gives: their contexts read it, so a year that prints
# them keeps it in its archive beside the template (verify rebuilds from the copies alone).
_WORD_LABELS = {"target_list.docx": "target_list.labels.yaml"}


def needed_files(kind: str, layout: str) -> tuple[str, ...]:
    """Every file a render job's document is made from: the one it opens, and the labels file its context read."""
    first = needed(kind, layout)
    return (first, _WORD_LABELS[first]) if kind == "docx" and first in _WORD_LABELS else (first,)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@lru_cache(maxsize=1)
def _shipped_set() -> TemplateSet:
    return folder_set(shipped())
