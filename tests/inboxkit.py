"""Helpers for the forms inbox's tests: an opened year, its links, a served inbox, a city of many departments."""
from __future__ import annotations

import copy
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import yaml
from cyclekit import R7_FOLDER, run

from reportgen.cli.init import init
from reportgen.cycle import links
from reportgen.model import cycle_state as st
from reportgen.rules.era import parse_fy

ROOT = Path(__file__).resolve().parent.parent
R7 = parse_fy("R7")


def open_r7(capsys, data: Path, out: Path) -> Path:
    code, stdout, err = run(capsys, "open", "R7", "--data", data, "--out", out)
    assert code == 0, err
    return out / R7_FOLDER


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


def serve(data: Path, out: Path, port: int, **popen) -> subprocess.Popen:
    """generate.py serve in its own process, on the loopback address; returns once it answers."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REPORTGEN_INBOX_URL": f"http://127.0.0.1:{port}"}
    proc = subprocess.Popen([sys.executable, str(ROOT / "generate.py"), "serve", "--data", str(data), "--out", str(out),
                             "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)
    for _ in range(300):  # bounded: 30 s for the interpreter, the imports and the socket
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read().decode())
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
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
