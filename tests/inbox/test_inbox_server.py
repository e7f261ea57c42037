"""The inbox as a server process on 127.0.0.1: killed (SIGKILL) in the middle of a hand-in, data/ holds the form wholly or
not at all, and a restart carries on."""
from __future__ import annotations

import hashlib
import os
import re
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest
import yaml
from formfill import fill
from inboxkit import free_port, office_token, open_r7, serve, token

NAME = "KPI実績値等入力表_令和7年度_商工観光課.xlsx"


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


def _returns(data) -> int:
    doc = yaml.safe_load((data / "cycle.yaml").read_text(encoding="utf-8"))
    return len(next(f for f in doc["years"]["R7"]["forms"] if f["file"] == NAME)["returns"])


@pytest.mark.parametrize("after, whom", [(0.3, "group"), (1.0, "group"), (1.7, "group"), (2.5, "group"), (1.0, "server")])
def test_a_hand_in_killed_midway_leaves_the_data_before_or_after_it_and_a_restart_carries_on(data_copy, tmp_path, capsys,
                                                                                              after, whom):
    """whom: the server with the child judging the form ("group"), or the server process alone (its child runs on)."""
    out = tmp_path / "out"
    sent = open_r7(capsys, data_copy, out)
    form = fill(sent / NAME, tmp_path / "up.xlsx", {"kpi:1-①": {6: "265件"}})
    sha = hashlib.sha256(form.read_bytes()).hexdigest()
    kpis = data_copy / "strategies/2/kpis.yaml"
    before = kpis.read_bytes()
    port = free_port()
    url = f"http://127.0.0.1:{port}/d/{token(data_copy, '商工観光課')}"
    server = serve(data_copy, out, port, start_new_session=True)  # its own group: the judging child dies with it
    try:
        with httpx.Client(timeout=60) as client:
            page = client.get(url)
            client.post(f"{url}/check", data={"csrf": _csrf(page.text)}, files={"form": (NAME, form.read_bytes())})
            posting = threading.Thread(target=lambda: _quietly(client.post, f"{url}/hand-in",
                                                               data={"csrf": _csrf(page.text), "upload": sha}))
            posting.start()
            posting.join(after)
            if whom == "group":
                os.killpg(server.pid, signal.SIGKILL)  # the server and the child running collect, at once
            else:
                server.send_signal(signal.SIGKILL)
            server.wait()
            posting.join()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        server.communicate()
    if whom == "server":  # the orphaned child judging the form runs on: let it finish, as an office would find it
        _wait_for_children_of(data_copy)
    server = serve(data_copy, out, port)  # the restart finishes what the kill left (collect's recovery)
    try:
        applied = kpis.read_bytes() != before
        assert _returns(data_copy) == (1 if applied else 0)  # the value and its record: both or neither
        if applied:
            assert "R7: 265件" in kpis.read_text(encoding="utf-8")
        with httpx.Client(timeout=60) as client:
            page = client.get(url)
            client.post(f"{url}/check", data={"csrf": _csrf(page.text)}, files={"form": (NAME, form.read_bytes())})
            done = client.post(f"{url}/hand-in", data={"csrf": _csrf(page.text), "upload": sha}, follow_redirects=True)
            assert "提出しました" in done.text
            overview = client.get(f"http://127.0.0.1:{port}/o/{office_token(data_copy)}")
        assert _returns(data_copy) == 1 and "R7: 265件" in kpis.read_text(encoding="utf-8")  # recorded once
        assert re.search(r"商工観光課</td><td>KPI実績値等入力表_令和7年度_商工観光課.xlsx</td><td class=\"status-done\">提出済・反映済",
                         overview.text)
        assert not list(data_copy.rglob(".*.new"))
    finally:
        server.kill()
        server.communicate()


def _quietly(post, *args, **kwargs) -> None:
    try:
        post(*args, **kwargs)
    except httpx.HTTPError:
        pass  # the server was killed under the request: that is the test


def _wait_for_children_of(data) -> None:
    """Until no judging child of the inbox for `data` runs any more (bounded: 120 s)."""
    mark = f"reportgen.inbox.judge\0--data\0{data}\0".encode()
    for _ in range(1200):
        running = []
        for p in Path("/proc").iterdir():
            try:
                running += [p] if p.name.isdigit() and mark in (p / "cmdline").read_bytes() else []
            except OSError:
                pass  # a process that ended while we looked
        if not running:
            return
        time.sleep(0.1)
    raise AssertionError("the judging child did not finish")
