"""Test helper: on the served inbox's PYTHONPATH only in its crash test (tests/inbox/test_inbox_server.py).

With REPORTGEN_KILL_AT set, each judging child (a process forked from the inbox's forkserver, unlike
the server and the forkserver, which were started as programs) writes each change it makes to the
disk, as forked.py names them, to the file REPORTGEN_KILL_LOG, and just before its k-th:
  group:K   SIGKILL to the whole group at once (the server, the forkserver and the child: a power cut);
  server:K  SIGKILL to the server alone (the session's leader); the child runs on, orphaned.
  record    kills nothing (the reference run that lists the changes).
Python's audit hooks announce each change before it happens, so every kill point is hit on every
machine whatever its speed, unlike a kill after a sleep.
"""
import os
import signal
import sys

from forked import _changes_disk

_SPEC = os.environ.get("REPORTGEN_KILL_AT", "")
_STARTED = os.getpid()  # the program's own process; a fork has another pid

if _SPEC:
    _WHOM, _, _AT = _SPEC.partition(":")
    _LOG = os.open(os.environ["REPORTGEN_KILL_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT)  # before the hook
    _seen: list[int] = []

    def _hook(event: str, args: tuple) -> None:
        if os.getpid() == _STARTED or not _changes_disk(event, args) or (event == "open" and args[0] == os.devnull):
            return  # the server's and the forkserver's own work, or a child silencing its output
        if _WHOM != "record" and len(_seen) == int(_AT):
            if _WHOM == "group":
                os.killpg(0, signal.SIGKILL)
            os.kill(os.getsid(0), signal.SIGKILL)  # "server": the session's leader (started with start_new_session)
        _seen.append(1)
        os.write(_LOG, f"{event} {args[0]}\n".encode("utf-8", "replace"))  # not announced: a descriptor opened before the fork

    sys.addaudithook(_hook)
