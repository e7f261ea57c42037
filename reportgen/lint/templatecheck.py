"""Lint Word templates and labels files before anything is built: located, bilingual problems, all at once.

A Word template's tags are read as a person sees them (docxtags.py: each problem names the table,
row and column, or paragraph, and the text around it); here the rest: an unbalanced `{% %}`, a
tag Jinja cannot read, and each name the deliverable's real contexts do not provide
(templatenames.py), and the labels files (labelcheck.py).
"""
from __future__ import annotations

import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from lxml import etree

from reportgen.deliverables import outputs_for, present_years
from reportgen.lint.docxtags import TemplateProblem, docx_parts, scan
from reportgen.lint.labelcheck import check_labels, label_variables
from reportgen.lint.templatenames import NameCheck, Shape, shape_of, unknown
from reportgen.lint.templatesyntax import ENV, Tag, balance, isolated, parsed, source, stand_in
from reportgen.model.loader import load
from reportgen.rules.problems import DataError, Msg, Problem
from reportgen.templating.labels import PER_ROW
from reportgen.templating.sandbox import Refused
from reportgen.templating.templateset import TemplateSet
from reportgen.templating.year import year_settings


def _check_properties(props: list[tuple[str, str]], shape: Shape | None, file: str, problems: list) -> None:
    """A document property holding a tag is rendered like the body: the same checks, named by the property."""
    for n, (name, text) in enumerate(props):
        where = Msg(f"文書のプロパティ「{name}」", f"document property \"{name}\"")

        def bad(ja: str, en: str) -> None:
            problems.append(TemplateProblem(file, 0, 0, "", Msg(ja, en), where=where, order=(-1, n)))
        try:
            tree = parsed(text)
        except jinja2.TemplateSyntaxError as exc:
            bad(f"「{text}」を Jinja が読めません: {exc.message}", f"Jinja cannot read \"{text}\": {exc.message}")
            continue

        def report(_line: int, what: str, name_: str, known: list[str], kind: str) -> None:
            msg = unknown(what, name_, known, kind, text, Msg("この文書のデータ", "this document's data"))
            bad(msg.ja, msg.en)
        NameCheck(ENV, shape, report).run(tree)


def check_docx(path: Path, shape: Shape | None, file: str | None = None) -> list[Problem]:
    """Every problem of one Word template; names are checked against `shape` (None: not checked)."""
    file = file or str(path)
    try:
        props, parts = _read_docx(path.read_bytes(), file)
    except (OSError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        return [TemplateProblem(file, 0, 0, "", Msg(f"Word 文書として読めません（{exc}）", f"cannot be read as a Word document ({exc})"))]
    problems: list[Problem] = []
    _check_properties(props, shape, file, problems)
    for tags, written, tree in parts:
        problems.extend(written)
        if tree is not None:  # the tags Jinja reads, whatever else is wrong around them (shape None: only what the sandbox refuses)
            _names(tree, shape, tags, lambda tag, ja, en: problems.append(_tag_problem(file, tag, ja, en)))
    problems.sort(key=lambda p: p.order)
    return problems


def _tag_problem(file: str, tag: Tag, ja: str, en: str) -> TemplateProblem:
    return TemplateProblem(file, 0, 0, "", Msg(f"{ja} 周りの文字: 「{tag.around}」", f"{en}; text around it: \"{tag.around}\""),
                           where=tag.where, order=tag.order)


@lru_cache(maxsize=32)
def _read_docx(content: bytes, file: str) -> tuple[list[tuple[str, str]], list[tuple[list[Tag], list[Problem], Any]]]:
    """A template's properties, and per part its tags, the problems of their writing and the tree Jinja
    reads (None: unreadable even with stand-ins): once per process for each template's bytes, as a
    build checks its templates before each year it writes; check_docx copies, never changes them."""
    parts, props = docx_parts(content)
    out = []
    for n, part in enumerate(parts):
        problems: list[Problem] = []
        tags = scan(part, file, n, problems)

        def bad(tag: Tag, ja: str, en: str, problems: list = problems) -> None:  # this part's list
            problems.append(_tag_problem(file, tag, ja, en))

        fixes = balance(tags, bad)
        try:
            tree = parsed(source(tags, fixes))
        except jinja2.TemplateSyntaxError as exc:
            # one error at a time from Jinja: each tag parsed on its own finds them all
            found = len(problems)
            for i, tag in enumerate(tags):
                if not isolated(ENV, tag, bad):
                    fixes[i] = stand_in(tag)  # read past it: the other tags' names are still checked
            if len(problems) == found == 0:  # what neither check placed
                tag = tags[min(max(exc.lineno, 1), len(tags)) - 1]
                bad(tag, f"Jinja が読めません: {exc.message}", f"Jinja cannot read it: {exc.message}")
            try:
                tree = parsed(source(tags, fixes))
            except jinja2.TemplateSyntaxError:
                tree = None
        out.append((tags, problems, tree))
    return props, out


def _names(tree, shape: Shape | None, tags: list[Tag], bad) -> None:
    def report(line: int, what: str, name: str, known: list[str], kind: str) -> None:
        tag = tags[min(max(line, 1), len(tags)) - 1]
        msg = unknown(what, name, known, kind, tag.written, Msg("この文書のデータ", "this document's data"))
        bad(tag, msg.ja, msg.en)

    NameCheck(ENV, shape, report).run(tree)


# ----------------------------------------------------------------------------- the data's contexts


def _shown(path: Path) -> str:
    """A template's name as the person running the check would type it: relative to the working folder where it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def check_templates(templates: list[Path], outputs: list | None) -> list[Problem]:
    """Every problem of the given templates and labels files, names checked against the contexts of
    `outputs` (the deliverables' render jobs; None when the data could not be read: syntax only).

    A template is matched to its jobs by file name (`target_list.docx`, `kpi_trend.labels.yaml`), so
    the caller decides where each comes from."""
    problems: list[Problem] = []
    for path in templates:
        path = Path(path)
        file = _shown(path)
        if path.name.endswith(".labels.yaml"):
            name = path.name[: -len(".labels.yaml")]
            whole, rows = [], {}
            for o in outputs or ():
                if o.kind == "xlsx" and o.layout == name:
                    w, r = label_variables(name, o.context)
                    whole += w
                    for key, values in r.items():
                        rows.setdefault(key, []).extend(values)
            row_shapes = {k: shape_of(rows.get(k, ())) or (Shape([{}]) if whole else None) for k in (*PER_ROW, *rows)}
            problems += check_labels(path, shape_of(whole), row_shapes, file=file)
        elif path.suffix == ".docx":
            contexts = [o.context for o in outputs or () if o.kind == "docx" and o.layout == path.name]
            problems += check_docx(path, shape_of(contexts), file=file)
    return problems


def missing_templates(templates: list[Path], outputs: list | None) -> list[Problem]:
    """Each template or labels file the render jobs need that is not among `templates`."""
    given = {Path(p).name for p in templates}
    needed = {o.layout if o.kind == "docx" else f"{o.layout}.labels.yaml" for o in outputs or ()}
    return [TemplateProblem(name, 0, 0, "", Msg("テンプレートがありません（この名前のファイルが必要です）",
                                                "the template is missing (a file of this name is needed)"))
            for name in sorted(needed - given)]


def require_templates(templates: list[Path], outputs: list) -> None:
    """Raise DataError with every template problem (build calls this before writing anything)."""
    problems = missing_templates(templates, outputs) + check_templates(templates, outputs)
    if problems:
        raise DataError(problems)


def planned(templates: list[Path], make):
    """`make()`: the render jobs, whose contexts fill per-row labels. Where the sandbox stops a labels
    string while they are built, the templates' own problems instead, each at its place (check's
    line and key rather than the render's file), all at once."""
    try:
        return make()
    except DataError as exc:
        if not any(isinstance(p, Refused) for p in exc.problems):
            raise
        raise DataError(check_templates(templates, None) or exc.problems) from None


def check(data: Path, tset: TemplateSet) -> tuple[list[Problem], list[Problem], int]:
    """What `generate.py check` reports: every problem of the data, then of the templates of `tset`
    (names checked against the contexts of every year the data holds, each built as a build builds
    it); the data's warnings; the number of fiscal years checked. Nothing is written."""

    templates = [f.path for f in tset.files]
    problems: list[Problem] = []
    warnings: list[Problem] = []
    outputs = None
    years = 0
    try:
        ds = load(Path(data))
    except DataError as exc:  # the templates are still checked, for what needs no data
        problems += exc.problems
    else:
        warnings = list(ds.warnings)
        present = present_years(ds)
        years = len(present)
        try:
            outputs = planned(templates, lambda: [o for fy in present
                                                  for o in outputs_for(ds, year_settings(fy, ds.city.fy2019, tset))])
        except DataError as exc:  # a labels string the sandbox stopped: the names cannot be checked
            outputs = None
            if not check_templates(templates, None):  # what check itself cannot place
                problems += exc.problems
    return problems + missing_templates(templates, outputs) + check_templates(templates, outputs), warnings, years
