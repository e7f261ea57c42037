"""The command line's process stays light: building from data/ imports no pydantic (rules/typed.py validates the data).

pydantic is still installed on machines that have other uses for it, so nothing else would notice
an import of it creeping back into the model (or anywhere a build reaches): only a fresh process that
does what the command line does, and then looks at what it imported."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from support import DATA, ROOT

# the build verb as the command line runs it (one year: its Word and Excel documents), then the
# names of every module the process imported that belong to pydantic or its own dependencies
BUILD_ONE_YEAR = r"""
import json, sys
from reportgen.cli import main
code = main(["--data", sys.argv[1], "--out", sys.argv[2], "--year", "H29"])
print(json.dumps({"exit": code, "imported": sorted(m for m in sys.modules
                  if m.split(".")[0] in ("pydantic", "pydantic_core", "annotated_types", "typing_inspection"))}))
"""


def test_a_build_from_the_command_line_imports_no_pydantic(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-c", BUILD_ONE_YEAR, str(DATA), str(tmp_path / "out")],
                         cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["exit"] == 0, run.stderr
    assert sorted(p.name for p in (tmp_path / "out" / "2017_H29").glob("*.docx")) == ["01_対象事業一覧_平成29年度.docx"]
    assert seen["imported"] == []
