"""Fixed labels of the Excel formats (titles, notes, column headers), read from templates/*.labels.yaml.

The Word formats keep their labels inside their .docx templates; the Excel workbooks are built in
code, so their labels live in these small Jinja-templated YAML files a clerk can edit instead.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import yaml



def _templates() -> Path:
    """templates/ of the checkout this code runs from, else of the working folder (an installed copy)."""
    beside = Path(__file__).resolve().parent.parent / "templates"
    return beside if beside.is_dir() else Path.cwd() / "templates"


TEMPLATES = _templates()
_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False)


@lru_cache(maxsize=None)
def _raw(name: str, folder: str) -> Any:
    # libyaml where installed (PyYAML's wheels include it): the pure-Python parser was most of a first build's label cost
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load((Path(folder) / f"{name}.labels.yaml").read_text(encoding="utf-8"), Loader=loader)


@lru_cache(maxsize=8192)
def _compiled(text: str) -> jinja2.Template:
    return _ENV.from_string(text)


def labels(name: str, variables: dict, folder: Path = TEMPLATES, per_row: tuple[str, ...] = ("goal_row",)) -> Any:
    """The labels of format `name` with `{{ … }}` filled from `variables` (lists and mappings kept).

    Keys in `per_row` stay raw: they take a row's own variables, through `fill`.
    """

    def fill(value: Any) -> Any:
        if isinstance(value, str):
            return _compiled(value).render(**variables) if "{" in value else value
        if isinstance(value, list):
            return [fill(v) for v in value]
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        return value

    raw = _raw(name, str(folder))
    return {k: (v if k in per_row else fill(v)) for k, v in raw.items()}


def fill(text: str, variables: dict) -> str:
    """Render one raw label with a row's variables."""
    return _compiled(text).render(**variables)
