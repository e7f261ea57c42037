"""A process starts with only what its work needs: a Word document without openpyxl, numpy, the web
server or the PDF library; a verb without the other verbs; and the column letters that spare the
forms openpyxl agree with openpyxl's for every column (docs/performance.md, "Cold start")."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from openpyxl.utils import column_index_from_string, get_column_letter
from support import DATA, ROOT

from reportgen.rules.columns import MAX_COLUMN, column_letter, column_number

HEAVY = ("openpyxl", "numpy", "PIL", "starlette", "uvicorn", "anyio", "pikepdf", "ruamel")
# Standard-library packages a one-process Word build does not need, each a few ms of a cold start:
# the worker pool (only with --jobs), and what xml.sax.saxutils (urllib, http.client, email) or a
# typed-model library (asyncio, ssl, email through importlib.metadata) would bring
UNNEEDED_STDLIB = ("multiprocessing", "asyncio", "ssl", "http", "email", "xml")
VERB_MODULES = ("build", "collect", "verify", "check", "init", "open", "status", "close", "correct", "serve")

# The Word document as the build verb makes it: the command line and the build verb's module loaded
# (everything `generate.py build` imports before it starts), the data loaded, the H29 target list rendered.
WORD_ONLY = r"""
import json, sys
from pathlib import Path
from reportgen.cli import VERBS
VERBS["build"]
from reportgen.deliverables import target_list
from reportgen.model.loader import load
from reportgen.render.dispatch import render
from reportgen.rules.era import FiscalYear
from reportgen.templating import templateset
from reportgen.templating.year import year_settings
ds = load(Path(sys.argv[1]))
year = year_settings(FiscalYear(2017), ds.city.fy2019, templateset.for_data(Path(sys.argv[1])))
job = target_list.DELIVERABLE.outputs(ds, year)[0]
made = render(job, year, ds.city.name)
print(json.dumps({"modules": sorted(sys.modules), "kind": job.kind, "zip": made[:2].decode()}))
"""

HELP = r"""
import contextlib, io, json, sys
from reportgen.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    code = main(sys.argv[1:])
print(json.dumps({"modules": sorted(sys.modules), "code": code, "help": out.getvalue()}))
"""


def child(code: str, *args: str) -> dict:
    run = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def loaded(modules: list[str], names) -> list[str]:
    return sorted({m for m in modules if m.split(".")[0] in names})


@pytest.fixture(scope="module")
def word_only() -> dict:
    """What a fresh process that wrote one Word document as the build verb does had imported."""
    return child(WORD_ONLY, str(DATA))


def test_a_word_document_is_written_without_the_workbook_web_or_pdf_libraries(word_only):
    seen = word_only
    assert (seen["kind"], seen["zip"]) == ("docx", "PK")
    assert loaded(seen["modules"], HEAVY) == []
    assert "docxtpl" in seen["modules"]  # the Word renderer itself was loaded: the check above looked at a real run


def test_a_one_process_word_build_starts_without_the_worker_pool_or_the_web_modules(word_only):
    seen = word_only
    assert loaded(seen["modules"], UNNEEDED_STDLIB) == []
    assert "reportgen.archive.build" in seen["modules"]  # the build verb's own module: what would import them


def test_a_verb_loads_its_own_module_and_no_other():
    seen = child(HELP, "status", "--help")
    assert seen["code"] == 0 and seen["help"].startswith("使い方: generate.py status")
    others = [f"reportgen.cli.{v}" for v in VERB_MODULES if v != "status"]
    assert "reportgen.cli.status" in seen["modules"]
    assert [m for m in others if m in seen["modules"]] == []
    assert loaded(seen["modules"], HEAVY) == []


def test_column_letters_agree_with_openpyxl_for_every_column():
    for number in range(1, MAX_COLUMN + 1):
        letters = get_column_letter(number)
        assert column_letter(number) == letters
        assert column_number(letters) == column_number(letters.lower()) == column_index_from_string(letters) == number
    for wrong in (0, MAX_COLUMN + 1):
        for make in (column_letter, get_column_letter):
            try:
                make(wrong)
            except ValueError:
                continue
            raise AssertionError(f"{make.__name__}({wrong}) did not refuse")
    for wrong in ("", "A1", "AAAA", "1", "Ａ"):
        for read in (column_number, column_index_from_string):
            try:
                read(wrong)
            except ValueError:
                continue
            raise AssertionError(f"{read.__name__}({wrong!r}) did not refuse")
