"""The speed shortcuts (reportgen/fast/) write exactly what the libraries' own code writes, for every
document of a full build of data/, forms included; the switch really takes the libraries' own path."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import DATA, ROOT

# A build of data/ in a fresh process (the switch is read at import), reporting which shortcuts'
# code ran: each shortcut leaves a trace (a cache filled, a call counted) only when it is taken.
CHILD = r"""
import json, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from openpyxl.worksheet.worksheet import Worksheet
import reportgen.fast
from reportgen.fast import openpyxl as f_openpyxl, zipfile as f_zipfile
from reportgen.render import workbook as r_workbook
calls = {{"style": 0, "apply": 0, "merge_cells": 0, "zip": 0, "writer": 0}}
def counted(name, fn):
    def wrapper(*a, **k):
        calls[name] += 1
        return fn(*a, **k)
    return wrapper
f_openpyxl.style = counted("style", f_openpyxl.style)
r_workbook._apply = counted("apply", r_workbook._apply)
Worksheet.merge_cells = counted("merge_cells", Worksheet.merge_cells)
f_zipfile.zip_entries = counted("zip", f_zipfile.zip_entries)
f_openpyxl._PartsWriter.write_data = counted("writer", f_openpyxl._PartsWriter.write_data)
from reportgen.archive.build import build
result = build(Path({data!r}), Path({out!r}))
print(json.dumps({{
    "off": sorted(reportgen.fast.OFF),
    "files": [f["path"] for y in result.years for f in y.files],
    "styles": len(f_openpyxl._SHARED), "put": calls["style"] - calls["apply"], "merge": calls["merge_cells"],
    "charts": len(f_openpyxl._CHART_XML), "stylesheet": len(f_openpyxl._STYLESHEETS),
"zip": calls["zip"], "writer": calls["writer"],
}}))
"""


def build_in_child(out: Path, switch: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "REPORTGEN_REFERENCE_PATHS"}
    if switch is not None:
        env["REPORTGEN_REFERENCE_PATHS"] = switch
    proc = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT), data=str(DATA), out=str(out))],
                          env=env, capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("paths")
    return (tmp / "fast", build_in_child(tmp / "fast", None)), (tmp / "own", build_in_child(tmp / "own", "1"))


def documents(out: Path) -> list[Path]:
    """Every document of the archive, as its manifests list them."""
    found = []
    for manifest in sorted(out.glob("*/manifest.json")):
        found += [manifest.parent.relative_to(out) / f["path"]
                  for f in json.loads(manifest.read_text(encoding="utf-8"))["files"]]
    return found


def test_every_document_of_a_full_build_is_byte_for_byte_the_libraries_own(both):
    (fast, _), (own, _) = both
    docs = documents(own)
    assert docs == documents(fast)
    assert {p.suffix for p in docs} == {".docx", ".xlsx"}
    assert any(p.parts[1] == "forms" for p in docs)  # the department forms are among them
    assert [p for p in docs if (fast / p).read_bytes() != (own / p).read_bytes()] == []
    # and the files beside them (the data snapshot, the manifests) are the same too
    rest = sorted(p.relative_to(own) for p in own.rglob("*") if p.is_file() and p.relative_to(own) not in docs)
    assert rest == sorted(p.relative_to(fast) for p in fast.rglob("*") if p.is_file() and p.relative_to(fast) not in docs)
    assert [p for p in rest if (fast / p).read_bytes() != (own / p).read_bytes()] == []


def test_the_build_compared_takes_every_shortcut_and_the_reference_build_none(both):
    """Otherwise the comparison above would compare a path with itself."""
    (_, fast), (_, own) = both
    assert fast["off"] == [] and own["off"] == sorted(__import__("reportgen.fast").fast.SHORTCUTS)
    for name in ("styles", "put", "charts", "stylesheet", "zip", "writer"):
        assert fast[name], f"the build with shortcuts did not take {name}"
        assert not own[name], f"the reference build took {name}"
    assert fast["merge"] == 0 and own["merge"] > 0  # merges through openpyxl's merge_cells only there


def test_an_unknown_shortcut_name_is_refused_not_ignored():
    env = {**os.environ, "REPORTGEN_REFERENCE_PATHS": "merges"}
    proc = subprocess.run([sys.executable, "-c", "import reportgen.fast"], env=env, capture_output=True, text=True,
                          cwd=ROOT)
    assert proc.returncode != 0 and "unknown shortcut" in proc.stderr and "merge" in proc.stderr
