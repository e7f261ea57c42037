"""A clerk's first session (issue 25, "done when"): from a desk folder outside the project, `init` a town, make
ten natural data mistakes one at a time, then build, open, collect, status and close. No traceback, no English
line, and every hint names the same data set (pasted as printed, it acts on this town, not on data/)."""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys

from support import ROOT

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
# as in an activated virtual environment: the hints then say python3 (a venv's Python started by its
# path is named by its path; tests/cli/test_cli.py's venv test checks that)
if sys.prefix != sys.base_prefix:
    ENV["VIRTUAL_ENV"] = sys.prefix
ENV.pop("REPORTGEN_LANG", None)
PROGRAM = f"python3 {ROOT / 'generate.py'}"
KPIS = "town/data/strategies/1/kpis.yaml"

# (what the clerk typed wrong, old text, new text, words the message must hold; None: read as meant)
MISTAKES = [
    ("full-width digits", "      R7: 10,100人", "      R7: １０，１００人", None),
    ("full-width colon", "    target: 年間15件", "    target：年間15件", None),
    ("full-width space indenting", "    target: 10,500人 ", "　　target: 10,500人 ", "行頭に全角スペースがあります"),
    ("a tab indenting", "    unit: 人\n", "\tunit: 人\n", "行頭にタブ文字があります"),
    ("no baseline", "    baseline:\n      value: 年間10件\n      as_of: R6\n", "", "baseline: {none: 新規}"),
    ("no unit", "    target: 10,500人 ", "    target: 3,400 ", "書かれていた値: '3,400'"),
    ("an empty target", "    target: 年間15件", "    target:", "値が書かれていません"),
    ("a misspelt key", "    direction: up ", "    directon: up ", "direction の誤りでは？"),
    ("a colon in a value", "    unit: 人\n", "    unit: 人: 人\n", "ここには「項目: 値」を書けません"),
    ("a wrong unit", "      R7: 10,100人", "      R7: 10,100件", "単位 人 の数値"),
]
# English a clerk must never meet in the default language (words of argparse, PyYAML, pydantic, Python)
ENGLISH = re.compile(r"Traceback|(?<![-\w])(?:error|expected|got|usage|not allowed|could not|unknown|missing|invalid|nothing)\b", re.I)


def run(desk, *args) -> subprocess.CompletedProcess:
    r = subprocess.run([sys.executable, str(ROOT / "generate.py"), *map(str, args)], cwd=desk, env=ENV,
                       capture_output=True, text=True, check=False)
    for line in (r.stdout + r.stderr).splitlines():
        assert not ENGLISH.search(line), line
    return r


def hints(text: str) -> list[str]:
    """Every command a line tells the clerk to run."""
    return [m.group(0) for m in re.finditer(re.escape(PROGRAM) + r"(?: (?!で)[^\s。、）]+)*", text)]


def test_a_clerks_first_session(tmp_path):
    desk = tmp_path / "desk"
    desk.mkdir()
    r = run(desk, "init", "town", "--city", "安平町")
    assert r.returncode == 0
    for hint in hints(r.stdout):
        assert "--data town/data" in hint, hint
    kpis = desk / KPIS
    pristine = kpis.read_text(encoding="utf-8")
    for name, old, new, words in MISTAKES:
        assert pristine.count(old) == 1, name
        kpis.write_text(pristine.replace(old, new), encoding="utf-8")
        r = run(desk, "check", "--data", "town/data")
        if words is None:
            assert r.returncode == 0, (name, r.stderr)
        else:
            assert r.returncode == 1 and words in r.stderr, (name, r.stderr)
            assert re.search(r"kpis\.yaml:\d+:\d+: ", r.stderr), name  # on its line
    kpis.write_text(pristine, encoding="utf-8")
    r = run(desk, "--data", "town/data", "--out", "town/out")
    assert r.returncode == 0 and "ファイルを書き込みました" in r.stdout
    # which years were built, and why not the others of the plan's period (issue 25 item 9)
    assert "作った年度: 令和7年度、令和8年度、令和9年度" in r.stdout.splitlines()
    assert "令和10年度: 作りませんでした（この年度の事業・実績・評価がデータにまだないため）" in r.stdout.splitlines()
    r = run(desk, "open", "R7", "--data", "town/data", "--out", "town/out")
    assert r.returncode == 0
    said = hints(r.stdout)
    assert said and all("--data town/data" in h for h in said)
    (desk / "返送").mkdir()
    shutil.copy(desk / "town/out/sent/2025_R7/KPI実績値等入力表_令和7年度_企画課.xlsx", desk / "返送")
    collect = said[0].replace("返送/*.xlsx", "返送/KPI実績値等入力表_令和7年度_企画課.xlsx")  # the hint, pasted
    r = subprocess.run(shlex.split(collect.replace("python3", sys.executable, 1)), cwd=desk, env=ENV,
                       capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    assert "town/data/cycle.yaml に記録しました" in r.stdout
    assert all("--data town/data" in h for h in hints(r.stdout))
    r = run(desk, "status", "--data", "town/data")
    assert r.returncode == 1 and "提出済・反映済" in r.stdout and "未提出" in r.stdout  # the registry is still out
    r = run(desk, "close", "R7", "--data", "town/data", "--out", "town/out")
    assert r.returncode == 2 and all("--data town/data" in h for h in hints(r.stderr))
    assert f"{PROGRAM} close R7 --allow-missing --data town/data --out town/out" in hints(r.stderr)  # the whole command
    r = run(desk, "close", "R7", "--data", "town/data", "--out", "town/out", "--allow-missing")
    assert r.returncode == 0 and "を締め切りました" in r.stdout
    assert not (desk / "data").exists() and not (desk / "out").exists()  # nothing acted on a data set not named
