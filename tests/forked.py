"""Test helper: run the command line in a forked child of the test process, bounded or killed mid-run.

A child forked from the test process starts with reportgen imported, so a run costs what the
command does, not a Python start-up (about half a second a run, most of some tests' time). It
runs `reportgen.cli.main` as `generate.py` would: its output captured, its exit status returned,
a traceback reaching the output if one escaped.

- `address_space` and `cpu_seconds` bound the run with the kernel's limits (RLIMIT_AS above what
  the child inherited, RLIMIT_CPU): a run that needs more is stopped by the kernel, not by a
  clock in the test, so a loaded machine cannot make it fail.
- `kill_at` sends the child SIGKILL just before its k-th change to the disk. A process's files
  change only at its system calls, and Python's audit hooks (PEP 578) announce the ones that
  change the disk before they happen: a file opened for writing, a rename (os.replace included),
  a removal, a new folder, the year's swap (renameat2, looked up through ctypes). Killing before
  each is what a power cut or `kill -9` at that moment leaves, and every step of a commit protocol
  is hit on every machine whatever its speed, unlike a kill after a random sleep.
"""
from __future__ import annotations

import os
import resource
import signal
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_CHANGES = {"os.rename", "os.remove", "os.rmdir", "os.mkdir", "shutil.rmtree", "os.link", "os.symlink",
            "os.truncate", "os.utime", "os.chmod",  # os.replace is announced as os.rename
            "ctypes.dlsym"}  # the year's swap: Linux renameat2 through ctypes (its call is not announced, its lookup is)


@dataclass
class Run:
    code: int | None  # None: killed by a signal
    output: str       # stdout and stderr, interleaved as written
    changes: list[str] = field(default_factory=list)  # `event path` of each change to the disk, in order
    signal: int | None = None


def _changes_disk(event: str, args: tuple) -> bool:
    if event == "open":
        mode, flags = args[1], args[2]
        return any(c in mode for c in "wax+") if isinstance(mode, str) else bool(flags & _WRITE_FLAGS)
    return event in _CHANGES


def _virtual_size() -> int:
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[0]) * resource.getpagesize()


def run_cli(argv: list[str], tmp: Path, *, kill_at: int | None = None, address_space: int | None = None,
            cpu_seconds: int | None = None) -> Run:
    """Run `reportgen.cli.main(argv)` in a forked child. Temporary files go under `tmp` (so a kill
    leaves none in the machine's /tmp), as does the captured output."""
    log_path = Path(tempfile.mkstemp(dir=tmp, prefix="output-")[1])
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(r)
            out = os.open(log_path, os.O_WRONLY | os.O_TRUNC)
            os.dup2(out, 1)
            os.dup2(out, 2)
            sys.stdout = sys.stderr = open(1, "w", encoding="utf-8", closefd=False, buffering=1)  # noqa: SIM115
            tempfile.tempdir = str(tmp)
            if address_space is not None:  # on top of what the child shares with the test process
                limit = _virtual_size() + address_space
                resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            if cpu_seconds is not None:  # a forked child's CPU time starts at zero
                resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))  # SIGXCPU, then SIGKILL
            me, seen, running = os.getpid(), [], [True]

            def hook(event: str, args: tuple) -> None:
                # only this process's own changes: the build's render workers (if any) write nothing
                if running and os.getpid() == me and _changes_disk(event, args):
                    if len(seen) == kill_at:
                        os.kill(me, signal.SIGKILL)
                    seen.append(f"{event} {args[1] if event == 'ctypes.dlsym' else args[0]}")
            from reportgen.cli import main
            sys.addaudithook(hook)
            try:
                code = main(argv)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException:  # noqa: BLE001 - what would reach the clerk: shown as Python shows it
                import traceback
                traceback.print_exc()
                code = 1
            running.clear()  # what follows is the helper's, not the run's
            sys.stdout.flush()
            with os.fdopen(w, "w", encoding="utf-8") as pipe:
                pipe.write("\n".join(seen))
            os._exit(code or 0)
        except BaseException:  # noqa: BLE001 - the helper itself failed (a limit too tight to import): say how
            import traceback
            traceback.print_exc()
        finally:
            os._exit(70)
    os.close(w)
    with os.fdopen(r, encoding="utf-8") as pipe:
        changes = pipe.read()
    _, status = os.waitpid(pid, 0)
    output = log_path.read_text(encoding="utf-8", errors="replace")
    log_path.unlink()
    if os.WIFSIGNALED(status):
        return Run(None, output, [], os.WTERMSIG(status))
    return Run(os.WEXITSTATUS(status), output, changes.splitlines() if changes else [])
