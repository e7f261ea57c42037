"""A sent-in form judged (collect --dry-run) or handed in (collect) by a child process held to the inbox's time and memory caps.

The child runs collect's own transaction (reportgen.collect.collecting.collect: the same lock, record and
backups), so the inbox and the command line can never disagree. A form too slow or too large to
read is stopped with the child; the server goes on. The child answers with one JSON document.

The children are forked from one process that imported this module once (multiprocessing's
forkserver, started with the inbox): a form costs its own reading and judging, not the second of
imports a fresh interpreter would spend on every check. As multiprocessing requires, a program
serving the inbox guards its main module (`if __name__ == "__main__":`, as generate.py does): a
child runs it again. `python -m reportgen.inbox.judge` still judges one form in a process of its own.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import multiprocessing.forkserver
import os
import resource
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

from reportgen.collect import record
from reportgen.collect.collecting import collect
from reportgen.collect.read import read_form
from reportgen.collect.sheet import FormRefused
from reportgen.formkinds import kinds
from reportgen.model import cycle_state as st
from reportgen.model.lock import fsync_path
from reportgen.rules import era
from reportgen.rules.problems import DataError

TIME_LIMIT = 60              # seconds a form may take to judge (CPU and wall clock)
MEMORY_LIMIT = 2 * 1024 ** 3  # bytes of address space a child may map
FALLBACK_NAME = "受信様式.xlsx"


def _msg(m) -> dict:
    return {"ja": m.ja, "en": m.en}


def _sent_value(year: st.CycleYear, sent: list[st.SentForm], change) -> str | None:
    """The value the form was sent with (read from the sent copy), where the change names its row."""
    if not sent or len(change.target) < 2 or change.target[0] not in ("measure", "project"):
        return None
    try:
        form = read_form(Path(year.folder) / sent[0].file, kinds())
        return form.rows[change.target[1]][form.column(change.field).letter].text
    except (FormRefused, KeyError, AttributeError, OSError, ValueError):
        return None


def report_doc(r, year: st.CycleYear | None, department: str) -> dict:
    """One form's report as the page shows it: every problem at its cell, the changes, the conflicts."""
    sent = [f for f in record.matching(year, r)] if year is not None and r.recognised else []
    ours = not r.recognised or any(f.department == department for f in sent)
    return {
        "recognised": r.recognised, "ours": ours, "accepted": r.accepted,
        "kind": _msg(kinds().named(r.kind)),
        "department": r.department, "year": era.long(r.year, fy2019=era.NATIONAL) if r.year else "", "build": r.build,
        "sent_file": next((f.file for f in sent if f.department == department), ""),
        "refused": _msg(r.refused) if r.refused is not None else None,
        "problems": [{"at": f"{p.sheet}!{p.ref}" if p.ref else p.sheet, "field": {"ja": kinds().field(p.field),
                      "en": p.field}, "message": _msg(p.message)} for p in r.problems],
        "applied": [{"label": c.label, "field": {"ja": c.shown or kinds().field(c.field), "en": c.field},
                     "old": c.old, "new": c.new} for c in r.applied],
        "unchanged": r.unchanged,
        "conflicts": [{"label": c.label, "field": {"ja": c.shown or kinds().field(c.field), "en": c.field},
                       "sent": _sent_value(year, sent, c) if year is not None else None, "returned": c.new, "now": now}
                      for c, now in r.conflicts],
        "why": record.why(r, kinds().fields),  # the lines collect records for a refused form or a conflict
    }


def _own_form(path: Path, year: st.CycleYear, department: str) -> str | None:
    """The sent form's name when the file's identity is one of the department's forms ("" for a file collect
    will refuse unrecognised, which records nothing); None for another department's form."""
    try:
        ident = read_form(path, kinds()).identity
    except FormRefused:
        return ""
    ask = SimpleNamespace(kind=ident.get("kind"), department=str(ident.get("department", "")),
                          strategy=str(ident.get("strategy", "")))
    mine = [f.file for f in record.matching(year, ask) if f.department == department]
    return mine[0] if mine else None


def _keep(upload: Path, folder: Path, name: str) -> Path:
    """The upload kept, durably, under its digest's folder and the sent form's name (nothing the client named)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if not target.is_file():
        temp = folder / f".{name}.new"
        shutil.copyfile(upload, temp)
        with open(temp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(temp, target)
        fsync_path(folder)
    return target


def child(argv: list[str]) -> dict:
    p = argparse.ArgumentParser()
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--file", type=Path, required=True)
    p.add_argument("--department", required=True)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--keep", type=Path, help="hand in: keep the file in this folder, then collect it")
    p.add_argument("--force", action="store_true")
    a = p.parse_args(argv)
    year = st.load(a.data).year(era.FiscalYear(a.year))
    try:
        sent_file = _own_form(a.file, year, a.department) if a.keep is not None else None
        if sent_file is None:  # a check, or a hand-in of another department's form: what collect --dry-run says
            dry = collect(a.data, [a.file], kinds(), dry_run=True)
            return {"handed_in": False, **report_doc(dry.reports[0], year, a.department)}
        kept = _keep(a.file, a.keep, sent_file or FALLBACK_NAME)
        done = collect(a.data, [kept], kinds(), force=a.force)
        year = st.load(a.data).year(era.FiscalYear(a.year))
        return {"handed_in": True, "written": done.written, "recorded": done.recorded,
                **report_doc(done.reports[0], year, a.department)}
    except DataError as exc:  # the data folder itself is broken: the office's to mend, never the department's form
        return {"data_error": [p.message.ja for p in exc.problems]}


# A child first runs the server's main script again (multiprocessing's preparation: generate.py, one import), unless
# the forkserver holds it already: "__main__" asks for that, where Python's forkserver honours it (3.11 does not).
def _forks():
    """multiprocessing's forkserver context, told what its process imports (before it starts)."""
    forks = multiprocessing.get_context("forkserver")
    forks.set_forkserver_preload(["__main__", "reportgen.inbox.judge"])
    return forks


def warm() -> None:
    """Start the process the children are forked from (it imports in the background while the inbox starts)."""
    _forks()
    multiprocessing.forkserver.ensure_running()


def _forked(argv: list[str], memory: int, seconds: float, env: dict[str, str], answer) -> None:
    """The child: the server's environment of this moment, nothing printed, held to the caps, one answer on `answer`.
    A child that breaks a cap dies with no answer (its traceback, if any, goes nowhere: the page says it was stopped)."""
    os.environ.clear()
    os.environ.update(env)
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = max(1, int(seconds))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    answer.send_bytes(json.dumps(child(argv), ensure_ascii=False).encode("utf-8"))


def _answer(reader, proc) -> bytes | None:
    """The child's answer (None if it died without one), once it has ended."""
    try:
        return reader.recv_bytes()
    except EOFError:
        return None
    finally:
        reader.close()
        proc.join()


async def run(data: Path, file: Path, department: str, fy: era.FiscalYear, keep: Path | None = None,
              force: bool = False) -> dict:
    """Judge (or, with `keep`, hand in) one form in a child process; {"stopped": True} when it broke a cap."""
    argv = ["--data", str(data), "--file", str(file), "--department", department, "--year", str(fy.year)]
    if keep is not None:
        argv += ["--keep", str(keep)] + (["--force"] if force else [])
    forks = _forks()
    reader, writer = forks.Pipe(duplex=False)
    proc = forks.Process(target=_forked, args=(argv, MEMORY_LIMIT, TIME_LIMIT, dict(os.environ), writer))
    try:
        await asyncio.to_thread(proc.start)  # the first form waits for the forkserver's imports: off the event loop
    finally:
        writer.close()
    waiting = asyncio.ensure_future(asyncio.to_thread(_answer, reader, proc))
    try:
        out = await asyncio.wait_for(asyncio.shield(waiting), TIME_LIMIT)
    except TimeoutError:
        proc.kill()
        await waiting
        return {"stopped": True}
    if out is None or proc.exitcode != 0:
        return {"stopped": True}  # killed by a cap (memory, CPU) or failed: the form is not taken
    return json.loads(out)


if __name__ == "__main__":
    print(json.dumps(child(sys.argv[1:]), ensure_ascii=False))
