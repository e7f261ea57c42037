"""Helpers for the forms inbox's tests: an opened year, its links, a served inbox, a city of many departments."""
from __future__ import annotations

import contextlib
import copy
import io
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import yaml
from cyclekit import R7_FOLDER, run
from support import DATA, once_a_run

from reportgen.cli import main
from reportgen.cli.init import init
from reportgen.cycle import links
from reportgen.model import cycle_state as st
from reportgen.rules.era import parse_fy

ROOT = Path(__file__).resolve().parent.parent
R7 = parse_fy("R7")
NOW = "2026-12-01T02:21:32Z"  # the moment the tests' year was opened (REPORTGEN_NOW)


def open_r7(capsys, data: Path, out: Path) -> Path:
    code, stdout, err = run(capsys, "open", "R7", "--data", data, "--out", out)
    assert code == 0, err
    return out / R7_FOLDER


def opened_r7(tmp_path_factory, to: Path) -> tuple[Path, Path]:
    """`to`/data and `to`/out as `open R7` of the shipped data at NOW (REPORTGEN_NOW) leaves them: opened once a run,
    then copied (an open costs a build of the year's forms; a copy, its files)."""
    def make(folder: Path) -> None:
        shutil.copytree(DATA, folder / "data", ignore=shutil.ignore_patterns(".lock"))
        with contextlib.redirect_stdout(io.StringIO()) as said, mock.patch.dict(os.environ, {"REPORTGEN_NOW": NOW}):
            code = main(["open", "R7", "--data", str(folder / "data"), "--out", str(folder / "out")])
        assert code == 0, said.getvalue()
    return copy_year(once_a_run(tmp_path_factory, "opened-r7", make), to)


def copy_year(source: Path, to: Path) -> tuple[Path, Path]:
    """source's data/ and out/ at `to`, the year's record naming the copy's own sent folder (as `open` there would)."""
    shutil.copytree(source, to, ignore=shutil.ignore_patterns(".lock"), dirs_exist_ok=True)
    record = to / "data" / "cycle.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace(str(source / "out"), str(to / "out")), encoding="utf-8")
    return to / "data", to / "out"


def token(data: Path, department: str) -> str:
    return links.department_token(links.key(data, create=False), st.load(data).year(R7), department)


def office_token(data: Path) -> str:
    """The office's token (issued as serve issues it on start)."""
    cycle = st.load(data)
    secret = links.key(data)
    if not cycle.office:
        links.issue_office(secret, cycle)
        st.save(data, cycle)
    return links.office_token(secret, cycle)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(data: Path, out: Path, port: int, env: dict[str, str] | None = None, **popen) -> subprocess.Popen:
    """generate.py serve in its own process, on the loopback address (with `env` added to the environment);
    returns once it answers."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REPORTGEN_INBOX_URL": f"http://127.0.0.1:{port}", **(env or {})}
    proc = subprocess.Popen([sys.executable, str(ROOT / "generate.py"), "serve", "--data", str(data), "--out", str(out),
                             "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)
    for _ in range(300):  # bounded: 30 s for the interpreter, the imports and the socket
        if proc.poll() is not None:
            raise AssertionError(proc.communicate()[1].decode())  # its pipes read and closed
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    proc.communicate()
    raise AssertionError("the inbox did not start")


def many_departments(target: Path, n: int) -> Path:
    """A city of `n` departments, each answering for one KPI of a strategy running R7–R11 (the init skeleton)."""
    init(target, "負荷市")
    data = target / "data"
    names = [f"課{i:02d}" for i in range(1, n + 1)]
    (data / "departments.yaml").write_text(yaml.safe_dump({"departments": [{"name": d} for d in names]}, allow_unicode=True),
                                           encoding="utf-8")
    kpis_file = data / "strategies/1/kpis.yaml"
    doc = yaml.safe_load(kpis_file.read_text(encoding="utf-8"))
    model = doc["kpis"][0]
    doc["kpis"] = [{**copy.deepcopy(model), "id": f"K{i:02d}", "name": f"指標{i:02d}", "departments": [d],
                    "actuals": {"R6": "年間10件"}} for i, d in enumerate(names, 1)]
    kpis_file.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return data
