"""Fixed labels of the Excel formats (titles, notes, column headers), read from the *.labels.yaml templates.

The Word formats keep their labels inside their .docx templates; the Excel workbooks are built in
code, so their labels live in these small Jinja-templated YAML files a clerk can edit instead.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import jinja2

from reportgen.model.yamlsrc import YamlProblem, format_path, read_yaml
from reportgen.rules.problems import DataError, Msg, Problem
from reportgen.templating.sandbox import SecurityError, compiled, environment, refused
from reportgen.templating.templateset import TemplateSet

# a labels file is untrusted (a data folder's, an archive's): its strings run in the immutable sandbox
_ENV = environment(autoescape=False, keep_trailing_newline=False)



class Label(str):
    """A per-row label as written, carrying where it was read (file, key): `fill` names that place
    if the sandbox stops it. The label carries it, not a table in this module: two template sets
    used in one process cannot mix up which file a label came from."""

    def __new__(cls, text: str, file: str, key: str) -> "Label":
        self = super().__new__(cls, text)
        self.file, self.key = file, key
        return self

    def __reduce__(self):  # pickled with its place (a render job sent to a worker process)
        return (Label, (str(self), self.file, self.key))


def _shown(file: str, templates: TemplateSet) -> str:
    try:
        return str(templates.get(file).path)
    except KeyError:
        return file


def _raw(file: str, templates: TemplateSet) -> Any:
    # keyed by the content, not the path: a file restyled in place is read anew; a data folder's
    # labels file is read merged key by key over the shipped one (TemplateFile.read)
    content = templates.get(file).read()
    try:
        return _parsed(content)
    except (YamlProblem, UnicodeDecodeError) as exc:  # check and build lint every labels file first: rarely reached
        line, col = getattr(exc, "line", 1), getattr(exc, "column", 1)
        raise DataError([Problem(file, line, col, format_path(getattr(exc, "path", ())),
                                 Msg(f"ラベルファイルとして読めません（{exc}）", f"cannot be read as a labels file ({exc})"))]) from None


def _render(text: str, variables: dict, file: str, key: str) -> str:
    try:
        return _compiled(text).render(**variables)
    except SecurityError as exc:  # what `check` cannot see (a name the label computes) stops here, named
        raise DataError([refused(file, exc, key)]) from None


@lru_cache(maxsize=64)
def _parsed(content: bytes) -> Any:
    # the strict reader of the data (yamlsrc): no anchors or aliases (a 300-byte file of nested
    # aliases kept a check busy for minutes), no tags, a nesting limit, every value as text
    located = read_yaml(content.decode("utf-8"))
    if located.problems:
        raise located.problems[0]
    return located.value if located.value is not None else {}


@lru_cache(maxsize=8192)
def _compiled(text: str) -> jinja2.Template:
    return compiled(_ENV, "labels", text)


# Labels filled with a row's own variables, through `fill` (a row of the evaluation table, a goal's
# page of charts, a chart's alternative text).
PER_ROW = ("goal_row", "charts_heading", "chart_alt")


def labels(name: str, variables: dict, *, templates: TemplateSet, per_row: tuple[str, ...] = PER_ROW) -> Any:
    """The labels of format `name` with `{{ … }}` filled from `variables` (lists and mappings kept).

    The file is `<name>.labels.yaml` of `templates`, the set of the year being built (YearSettings).
    Keys in `per_row` stay raw: they take a row's own variables, through `fill`.
    """

    file = f"{name}.labels.yaml"
    shown = _shown(file, templates)

    def fill(value: Any, key: str) -> Any:
        if isinstance(value, str):
            return _render(value, variables, shown, key) if "{" in value else value
        if isinstance(value, list):
            return [fill(v, f"{key}[{i}]") for i, v in enumerate(value)]
        if isinstance(value, dict):
            return {k: fill(v, f"{key}.{k}") for k, v in value.items()}
        return value

    raw = _raw(file, templates)
    return {k: ((Label(v, shown, k) if isinstance(v, str) else v) if k in per_row else fill(v, str(k)))
            for k, v in raw.items()}


def raw_label(name: str, key: str, *, templates: TemplateSet) -> str:
    """One per-row label of format `name` as written in `templates`, to be filled with `fill`."""
    file = f"{name}.labels.yaml"
    value = _raw(file, templates)[key]
    return Label(value, _shown(file, templates), key) if isinstance(value, str) else value


def fill(text: str, variables: dict) -> str:
    """Render one raw label with a row's variables."""
    file, key = (text.file, text.key) if isinstance(text, Label) else ("labels", "")
    return _render(text, variables, file, key)
