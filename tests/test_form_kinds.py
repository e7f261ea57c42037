"""One home per form kind: every kind in reportgen.formkinds declares every part, `open` sends exactly the
registry's kinds, and no module chooses a kind by comparing kind strings (docs/architecture.md, "Form kinds")."""
from __future__ import annotations

import ast
import dataclasses
import shutil
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from support import DATA, ROOT, year

from reportgen.cycle import sources
from reportgen.deliverables import present_years
from reportgen.formkinds import catalogue, kinds
from reportgen.forms.kind import FormKind
from reportgen.model.loader import load
from reportgen.render.dispatch import LAYOUTS, render

PACKAGE = ROOT / "reportgen"
TEMPLATES = ROOT / "templates"
KIND_CONSTANTS = {"EVALUATION", "KPI", "PLEDGE", "REGISTRY"}  # the kinds' keys as the package names them


@pytest.mark.parametrize("kind", catalogue(), ids=lambda k: k.key)
def test_every_kind_declares_every_part(kind: FormKind):
    for part in dataclasses.fields(FormKind):
        value = getattr(kind, part.name)
        if part.type == "Callable":
            assert callable(value), f"{kind.key}: {part.name} is not a function"
        elif part.name != "listed":
            assert value, f"{kind.key}: {part.name} is empty"
    # each sheet's columns: the hidden key in A, then one column per letter, each name once
    for sheet, columns in kind.columns.items():
        assert columns[0].name == "key" and columns[0].letter == "A", sheet
        assert len({c.letter for c in columns}) == len(columns) and len({c.name for c in columns}) == len(columns), sheet
        # every cell a person writes in has the name the reports give it
        unnamed = [c.name for c in columns if c.input and c.name not in kind.fields]
        assert not unnamed, f"{kind.key}: no report name for {unnamed}"
    # the archive renders its forms with the kind's own sheet, and its words are in a labels file
    assert LAYOUTS[kind.layout] is kind.sheet
    assert (TEMPLATES / f"{kind.layout}.labels.yaml").is_file()


def test_kinds_are_told_apart_by_their_key_and_their_changes_by_their_target():
    all_kinds = catalogue()
    assert len({k.key for k in all_kinds}) == len(all_kinds)
    targets = [t for k in all_kinds for t in k.targets]
    assert len(set(targets)) == len(targets)
    looked_up = kinds()
    assert all(looked_up.get(k.key) is k and all(looked_up.writing(t) is k for t in k.targets) for k in all_kinds)


def test_the_forms_open_sends_are_of_the_registrys_kinds_and_each_kind_is_sent():
    """Every form `open` sends (over the years Iruma's data dates) carries a declared kind, each rendered
    by its kind's layout, and each declared kind is sent in some year."""
    ds = load(DATA)
    sent = [job for fy in present_years(ds) for job in sources.forms_for(ds, year(fy, ds))]
    by_key = {k.key: k for k in catalogue()}
    assert {sources.describe(job)[0] for job in sent} == set(by_key)
    assert all(job.layout == by_key[sources.describe(job)[0]].layout for job in sent)
    assert sources.SOURCES == tuple(k.send for k in catalogue())


def _reads_a_kind(node: ast.AST) -> bool:
    """`kind`, `x.kind`, `x["kind"]`, `x.get("kind")`: an expression that reads some kind."""
    if isinstance(node, ast.Name):
        return node.id == "kind"
    if isinstance(node, ast.Attribute):
        return node.attr == "kind"
    if isinstance(node, ast.Subscript):
        return isinstance(node.slice, ast.Constant) and node.slice.value == "kind"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
        return bool(node.args) and isinstance(node.args[0], ast.Constant) and node.args[0].value == "kind"
    return False


def _names_a_form_kind(node: ast.AST, keys: set[str]) -> bool:
    """A form kind's constant (layout.KPI, REGISTRY, …) or its key written out ("registry", …), alone or in a
    tuple, list or set."""
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_names_a_form_kind(e, keys) for e in node.elts)
    if isinstance(node, ast.Name):
        return node.id in KIND_CONSTANTS
    if isinstance(node, ast.Attribute):
        return node.attr in KIND_CONSTANTS
    return isinstance(node, ast.Constant) and node.value in keys


def kind_comparisons(root: Path) -> list[str]:
    """Every comparison (==, !=, in, not in) in the package of a form kind: against one of the kinds'
    constants anywhere, or of something that reads a kind against a kind's key written out. "kpi" is
    also a measure's kind (forms.layout.MeasureKey: kpi or indicator), so a KPI form is caught by its
    constant, layout.KPI."""
    keys = {k.key for k in catalogue()} - {"kpi", "indicator"}
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Match) and _reads_a_kind(node.subject):  # match form.kind: case "registry": …
                cases = [c.pattern.value for c in node.cases if isinstance(c.pattern, ast.MatchValue)]
                if any(_names_a_form_kind(v, keys) for v in cases):
                    found.append(f"{path.relative_to(root).as_posix()}:{node.lineno}: match {ast.unparse(node.subject)}")
                continue
            if not isinstance(node, ast.Compare):
                continue
            sides = [node.left, *node.comparators]
            constant = any(_names_a_form_kind(s, set()) for s in sides)
            spelled = any(_reads_a_kind(s) for s in sides) and any(_names_a_form_kind(s, keys) for s in sides)
            if constant or spelled:
                found.append(f"{path.relative_to(root).as_posix()}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_module_chooses_a_form_kind_by_comparing_kind_strings():
    """A kind's parts are found through the registry (reportgen.formkinds), never by `if kind == …`."""
    assert kind_comparisons(PACKAGE) == []


@pytest.mark.parametrize("line", [
    "    if form.kind == layout.KPI:\n        pass\n",
    "    if ident.get('kind') == 'registry':\n        pass\n",
    "    if report.kind in (REGISTRY, 'pledge'):\n        pass\n",
    "    match form.kind:\n        case 'evaluation':\n            pass\n",
])
def test_the_scan_finds_a_reintroduced_comparison(tmp_path, line):
    module = tmp_path / "reportgen" / "collect" / "some.py"
    module.parent.mkdir(parents=True)
    module.write_text(f'"""A module that compares kinds."""\n\n\ndef choose(form, ident, report):\n{line}', encoding="utf-8")
    assert len(kind_comparisons(tmp_path / "reportgen")) == 1


# ---- each column's header beside its column: the labels files keyed by column


def _header_keys(kind: FormKind) -> dict[str, str]:
    """The labels key holding each sheet's headers: `columns`, the registry's `projects_columns` and `kpis_columns`."""
    if len(kind.columns) == 1:
        return {next(iter(kind.columns)): "columns"}
    return {sheet: f"{sheet.removeprefix('registry_')}_columns" for sheet in kind.columns}


@pytest.mark.parametrize("kind", catalogue(), ids=lambda k: k.key)
def test_each_header_is_keyed_by_its_column(kind: FormKind):
    words = yaml.safe_load((TEMPLATES / f"{kind.layout}.labels.yaml").read_text(encoding="utf-8"))
    for sheet, key in _header_keys(kind).items():
        assert list(words[key]) == [c.name for c in kind.columns[sheet][1:]], (kind.key, sheet)


def _forms_of_every_kind() -> list:
    ds = load(DATA)
    jobs = {}
    for fy in present_years(ds):
        for job in sources.forms_for(ds, year(fy, ds)):
            jobs.setdefault(sources.describe(job)[0], job)
    return [jobs[k.key] for k in catalogue()]


def test_a_year_archived_with_its_headers_in_a_list_rebuilds_byte_for_byte(tmp_path):
    """An archive built before the headers were keyed keeps labels files whose headers are a list in the
    columns' order; `verify` rebuilds its forms from that copy, so they read to the same bytes."""
    shutil.copytree(TEMPLATES, tmp_path, dirs_exist_ok=True)
    for kind in catalogue():
        path = tmp_path / f"{kind.layout}.labels.yaml"
        words = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key in _header_keys(kind).values():
            words[key] = list(words[key].values())
        path.write_text(yaml.safe_dump(words, allow_unicode=True, sort_keys=False), encoding="utf-8")
    stamp = datetime(2025, 3, 31)
    for job in _forms_of_every_kind():
        keyed = render(job, dataclasses.replace(year("R6", templates=TEMPLATES), stamp=stamp), "入間市")
        listed = render(job, dataclasses.replace(year("R6", templates=tmp_path), stamp=stamp), "入間市")
        assert keyed == listed, job.filename
