"""The inbox as a server process on 127.0.0.1: killed (SIGKILL) in the middle of a hand-in, data/ holds the form wholly or
not at all, and a restart carries on.

The kill points are the judging child's own changes to the disk, each announced before it happens
(tests/killpoint/sitecustomize.py): a reference hand-in lists them once, and each case kills just before a chosen
one, so every point is hit on every machine whatever its speed (a kill after a sleep lands wherever the machine's
load puts it)."""
from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import pytest
import yaml
from cyclekit import R7_FOLDER
from formfill import fill
from inboxkit import R7, copy_year, free_port, office_token, opened_r7, serve, token

from reportgen.inbox import store

NAME = "KPI実績値等入力表_令和7年度_商工観光課.xlsx"
TESTS = Path(__file__).resolve().parent.parent


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


def _returns(data) -> int:
    doc = yaml.safe_load((data / "cycle.yaml").read_text(encoding="utf-8"))
    return len(next(f for f in doc["years"]["R7"]["forms"] if f["file"] == NAME)["returns"])


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """R7 opened, the filled form uploaded and checked by a served inbox (the upload kept under its digest, nothing
    recorded), and the changes to the disk its hand-in makes, listed by a reference hand-in on a copy (killed once it
    answered: the case "answered" carries on from it)."""
    base = tmp_path_factory.mktemp("handin")
    data, out = opened_r7(tmp_path_factory, base / "prepared")
    form = fill(out / R7_FOLDER / NAME, base / "up.xlsx", {"kpi:1-①": {6: "265件"}})
    sha = hashlib.sha256(form.read_bytes()).hexdigest()
    port = free_port()
    server = serve(data, out, port)
    try:
        with httpx.Client(timeout=60) as client:
            url = f"http://127.0.0.1:{port}/d/{token(data, '商工観光課')}"
            page = client.get(url)
            client.post(f"{url}/check", data={"csrf": _csrf(page.text)}, files={"form": (NAME, form.read_bytes())})
    finally:
        server.kill()
        server.communicate()
    assert store.upload_path(out, R7, sha) is not None and _returns(data) == 0
    ref_data, ref_out = copy_year(base / "prepared", base / "reference")
    changes = _hand_in(ref_data, ref_out, sha, "record", base / "reference.log")
    assert _returns(ref_data) == 1 and "R7: 265件" in (ref_data / "strategies/2/kpis.yaml").read_text(encoding="utf-8")
    return base, form, sha, changes


def _hand_in(data: Path, out: Path, sha: str, kill: str, log: Path) -> list[str]:
    """The uploaded form handed in to an inbox served with the kill point `kill` (tests/killpoint); the changes its
    judging child announced. Past the point (or with none), the group is killed once the hand-in has answered."""
    # a kill leaves collect's trial copy in TMPDIR: one of the test's own, removed after (short: the forkserver's
    # socket is made there, and a socket's path has at most 107 bytes)
    with tempfile.TemporaryDirectory(prefix="inbox-kill-") as scratch:
        port = free_port()
        server = serve(data, out, port, start_new_session=True,  # its own session and group: the judging child's too
                       env={"PYTHONPATH": os.pathsep.join([str(TESTS.parent), str(TESTS / "killpoint"), str(TESTS)]),
                            "REPORTGEN_KILL_AT": kill, "REPORTGEN_KILL_LOG": str(log), "TMPDIR": scratch})
        answered = False
        try:
            url = f"http://127.0.0.1:{port}/d/{token(data, '商工観光課')}"
            with httpx.Client(timeout=60) as client:
                page = client.get(url)
                try:
                    client.post(f"{url}/hand-in", data={"csrf": _csrf(page.text), "upload": sha})
                    answered = True
                except httpx.HTTPError:
                    pass  # the server was killed under the request: that is the test
        finally:
            # killed under the request, the server may close its socket before it can be waited for: wait, never
            # kill its group then (an orphaned child would die with it)
            if answered or server.poll() is None and not _dead_within(server, 60):
                os.killpg(server.pid, signal.SIGKILL)
            server.communicate()
        _wait_for_session(server.pid)  # an orphaned child judging the form runs on: let it finish, as an office would
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def _dead_within(server, seconds: float) -> bool:
    try:
        server.wait(seconds)
    except subprocess.TimeoutExpired:
        return False
    return True


def _wait_for_session(leader: int) -> None:
    """Until no process of the killed server's session runs any more (bounded: 120 s)."""
    for _ in range(1200):
        if not any(_session(p) == leader for p in Path("/proc").iterdir() if p.name.isdigit()):
            return
        time.sleep(0.1)
    raise AssertionError("a process of the killed inbox did not finish")


def _session(proc: Path) -> int | None:
    try:
        stat = (proc / "stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None  # a process that ended while we looked
    state, _, _, session = stat.rsplit(")", 1)[1].split()[:4]  # "pid (comm) state ppid pgrp session …"
    return None if state == "Z" else int(session)  # a zombie has ended: it only waits for its parent to note it


# Where each case kills, by the change it kills before (the names collect's commit protocol gives them), and what
# data/ must then hold once the restarted inbox has recovered it: the form wholly ("after") or not at all ("before").
POINTS = {
    "kept": (lambda c: c.endswith("/data/.lock"), "before"),                         # the form kept, collect not begun
    "staged": (lambda c: c.startswith("os.rename") and c.endswith(".collect-journal.json.tmp"), "before"),  # all but the commit
    "half": (lambda c: c.startswith("os.rename") and "/data/" in c and c.endswith(".new"), "after"),  # committed, none moved
    "answered": (None, "after"),                                           # none: killed once it answered (the reference)
}


def _point(changes: list[str], name: str) -> int:
    found = POINTS[name][0]
    if found is None:
        return len(changes)
    k = next((i for i, c in enumerate(changes) if found(c)), None)
    assert k is not None, f"no change for the kill point {name!r} among the hand-in's changes:\n" + "\n".join(changes)
    return k


@pytest.mark.parametrize("whom, point", [("group", "kept"), ("group", "staged"), ("group", "half"),
                                         ("group", "answered"), ("server", "kept")])
def test_a_hand_in_killed_midway_leaves_the_data_before_or_after_it_and_a_restart_carries_on(prepared, tmp_path, whom, point):
    """whom: the server with the child judging the form ("group"), or the server process alone (its child runs on)."""
    base, form, sha, changes = prepared
    before = (base / "prepared/data/strategies/2/kpis.yaml").read_bytes()
    k = _point(changes, point)
    if point == "answered":  # the reference hand-in was this case: its data and files as its kill left them
        data, out = copy_year(base / "reference", tmp_path / "case")
        seen = changes
    else:
        data, out = copy_year(base / "prepared", tmp_path / "case")
        seen = _hand_in(data, out, sha, f"{whom}:{k}", tmp_path / "changes.log")
    kpis = data / "strategies/2/kpis.yaml"
    assert len(seen) == (k if whom == "group" else len(changes))  # killed just there (an orphan runs to its end)
    port = free_port()
    url = f"http://127.0.0.1:{port}/d/{token(data, '商工観光課')}"
    server = serve(data, out, port)  # the restart finishes what the kill left (collect's recovery)
    try:
        applied = kpis.read_bytes() != before
        expected = "after" if whom == "server" else POINTS[point][1]
        assert applied == (expected == "after"), f"killed before {changes[k] if k < len(changes) else 'the end'}"
        assert _returns(data) == (1 if applied else 0)  # the value and its record: both or neither
        if applied:
            assert "R7: 265件" in kpis.read_text(encoding="utf-8")
        with httpx.Client(timeout=60) as client:
            page = client.get(url)
            client.post(f"{url}/check", data={"csrf": _csrf(page.text)}, files={"form": (NAME, form.read_bytes())})
            done = client.post(f"{url}/hand-in", data={"csrf": _csrf(page.text), "upload": sha}, follow_redirects=True)
            assert "提出しました" in done.text
            overview = client.get(f"http://127.0.0.1:{port}/o/{office_token(data)}")
        assert _returns(data) == 1 and "R7: 265件" in kpis.read_text(encoding="utf-8")  # recorded once
        assert re.search(r"商工観光課</td><td>KPI実績値等入力表_令和7年度_商工観光課.xlsx</td><td class=\"status-done\">提出済・反映済",
                         overview.text)
        assert not list(data.rglob(".*.new"))
    finally:
        server.kill()
        server.communicate()
