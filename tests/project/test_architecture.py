"""The package's shape holds: import-linter's contracts kept, and each contract able to fail.

The contracts live in pyproject.toml ([tool.importlinter]); lint-imports reads the package's own
imports. Each "breaks" test copies the package to a scratch folder, adds one import that goes the
wrong way, and watches the named contract fail, so a contract that checks nothing cannot pass."""
from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from support import ROOT

PACKAGE = ROOT / "reportgen"


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """lint-imports over the package under `root`, with this checkout's contracts."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
                           "sys.exit(lint_imports_command())", "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
                          cwd=root, env=env, capture_output=True, text=True)


def test_every_contract_is_kept():
    run = lint_imports(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


@pytest.mark.parametrize(("module", "wrong_import", "contract"), [
    # a pure rule reaching up into the command line: a climb
    ("rules/era.py", "import reportgen.cli", "The stages import only downward BROKEN"),
    # two siblings on one layer that must not know each other
    ("render/docx.py", "import reportgen.lint.templatecheck", "The stages import only downward BROKEN"),
    # one document's context importing another's
    ("deliverables/kpi_trend.py", "import reportgen.deliverables.target_list", "Each document kind's context stands alone BROKEN"),
    # one verb importing another
    ("cli/status.py", "import reportgen.cli.open", "The command line's verbs stand alone BROKEN"),
    # a cycle inside one stage: merge ↔ collecting
    ("collect/merge.py", "import reportgen.collect.collecting", "No import cycles in any package BROKEN"),
])
def test_each_contract_breaks_on_a_wrong_import(tmp_path, module, wrong_import, contract):
    shutil.copytree(PACKAGE, tmp_path / "reportgen", ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / "reportgen" / module
    text = target.read_text(encoding="utf-8")
    head, _, rest = text.partition("from __future__ import annotations\n")
    target.write_text(head + "from __future__ import annotations\n" + wrong_import + "\n" + rest, encoding="utf-8")
    run = lint_imports(tmp_path)
    assert run.returncode != 0 and contract in run.stdout, run.stdout


def test_every_module_says_its_job_and_stays_short():
    """A one-line docstring on every module; under ~400 lines each, no exception."""
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        doc = ast.get_docstring(ast.parse(text))
        rel = path.relative_to(PACKAGE).as_posix()
        assert doc and doc.strip(), f"{rel}: no docstring"
        assert len(text.splitlines()) <= 420, f"{rel}: {len(text.splitlines())} lines"


def test_only_the_entry_points_stay_at_the_top():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == ["__init__.py"], top


# The function-level imports of reportgen allowed, each with its reason: a module that imports a heavy
# dependency a run may not need, loaded on its first use so that a process writing only Word documents
# starts without openpyxl (numpy with it) or python-docx's writer (docs/performance.md, "Cold start").
DEFERRED = {
    ("render/dispatch.py", "reportgen.render.workbook"): "openpyxl, for the first workbook",
    ("render/dispatch.py", "reportgen.render.xlsx_layouts"): "openpyxl, for the first workbook",
    ("archive/pdf.py", "reportgen.render.publication"): "openpyxl and python-docx, only with --pdf",
}


def test_imports_are_at_module_top():
    """Function-level imports of reportgen only those DEFERRED names, each under a comment saying why."""
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for inner in ast.walk(node):
                    if isinstance(inner, (ast.Import, ast.ImportFrom)):
                        names = [inner.module or ""] if isinstance(inner, ast.ImportFrom) else [a.name for a in inner.names]
                        for name in names:
                            if not name.startswith("reportgen"):
                                continue
                            where = f"{rel}:{inner.lineno}: import of {name} inside a function"
                            assert (rel, name) in DEFERRED, where
                            above = lines[:inner.lineno - 1]
                            while above and not above[-1].strip().startswith("#") and "import" in above[-1]:
                                above.pop()  # the imports grouped under one comment
                            assert above and above[-1].strip().startswith("#"), f"{where} without a comment saying why"


def test_every_package_ships():
    """pyproject.toml lists every package under reportgen/ (a new stage cannot be left out of the install)."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(p.relative_to(ROOT).parts) for p in PACKAGE.rglob("*") if (p / "__init__.py").is_file()}
    assert found | {"reportgen"} <= listed, sorted(found - listed)
