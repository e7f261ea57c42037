"""One LibreOffice kept running for a test process: converts files as `soffice --convert-to` does, on request.

Run by the system Python (it has LibreOffice's `uno` module, Debian's python3-uno), not the test
environment's:  /usr/bin/python3 tests/lo_server.py SOFFICE PROFILE_FOLDER
Reads one JSON request a line on stdin, {"path": …, "target": …, "outdir": …} (target as for
--convert-to: "ext[:filter[:options]]"), answers one JSON line on stdout, {"files": [...]} or
{"error": "..."}, after a first {"ready": true} (or {"error": ...} when LibreOffice would not start).
When stdin closes it ends LibreOffice and exits.

Why: a cold `soffice --convert-to` costs 1–1.5 s of start-up for every file the tests read; the
conversion itself is the same calls soffice makes for --convert-to (desktop/source/app/
dispatchwatcher.cxx): load hidden, read-only, silent; store a copy with FilterName/FilterOptions and
Overwrite, named after the input with the target's extension; close the document.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

# soffice's own choice when a target names no filter (its impl_GuessFilter: the export filter of the
# document's kind for the output's extension); only the extensions the tests ask for without a filter
GUESSED = {
    ("pdf", "com.sun.star.text.TextDocument"): "writer_pdf_Export",
    ("pdf", "com.sun.star.sheet.SpreadsheetDocument"): "calc_pdf_Export",
}
START_SECONDS = 120


def props(**values) -> tuple:
    """A UNO media descriptor (a sequence of PropertyValue) from keyword arguments."""
    out = []
    for name, value in values.items():
        p = PropertyValue()
        p.Name, p.Value = name, value
        out.append(p)
    return tuple(out)


def start(soffice: str, folder: Path):
    """Start soffice listening on a pipe of its own and return (process, desktop) once it answers."""
    pipe = f"reportgen-lo-{os.getpid()}-{uuid.uuid4().hex}"
    # its own session: on the way out the whole group (the soffice script, oosplash, soffice.bin) can be ended
    proc = subprocess.Popen(
        [soffice, f"-env:UserInstallation={(folder / 'user').as_uri()}", "--headless", "--invisible",
         "--norestore", "--nologo", "--nodefault", "--nolockcheck", f"--accept=pipe,name={pipe};urp;"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "HOME": str(folder)}, start_new_session=True)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            # not listening yet (a first start with a new profile even restarts soffice.bin once, inside oosplash)
            if proc.poll() is not None:
                stop(proc, None)
                raise RuntimeError(f"LibreOffice exited with {proc.returncode} before answering")
            if time.monotonic() > deadline:
                stop(proc, None)
                raise RuntimeError(f"LibreOffice did not answer on its pipe within {START_SECONDS} s")
            time.sleep(0.1)
    return proc, ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)


def stop(proc, desktop) -> None:
    if desktop is not None:
        try:
            desktop.terminate()
        except Exception:  # noqa: BLE001, S110 - the bridge drops while LibreOffice ends: that is the expected way out
            pass
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        pass
    try:  # oosplash's children too, whatever state they are in
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def lost(proc, error: Exception) -> bool:
    """Whether a failed request means LibreOffice died (its bridge is disposed, its process ends), not a bad file."""
    if proc.poll() is not None:
        return True
    said = str(getattr(error, "Message", "") or error).lower()
    return type(error).__name__ == "DisposedException" or "bridge" in said


def target_parts(target: str) -> tuple[str, str, str | None]:
    """Split "ext[:filter[:options]]" as soffice does: the extension, the filter name, its options."""
    ext, _, rest = target.partition(":")
    name, colon, options = rest.partition(":")
    return ext, name, (options if colon else None)


def convert(desktop, path: Path, target: str, outdir: Path) -> list[str]:
    ext, name, options = target_parts(target)
    doc = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(str(path)), "_blank", 0,
        props(Referer="private:OpenEvent", ReadOnly=True, OpenNewView=True, Hidden=True, Silent=True))
    if doc is None:
        raise RuntimeError(f"source file could not be loaded: {path}")
    try:
        if not name:
            kind = next((a.Value for a in doc.getArgs() if a.Name == "DocumentService"), "")
            name = GUESSED.get((ext, kind))
            if name is None:
                raise RuntimeError(f"no export filter known here for {ext!r} from a {kind or 'unknown'} document")
        store = {"Overwrite": True, "FilterName": name}
        if options is not None:
            store["FilterOptions"] = options
        doc.storeToURL(uno.systemPathToFileUrl(str(outdir / Path(path.name).with_suffix(f".{ext}"))), props(**store))
    finally:
        doc.close(True)
    stem = Path(path.name).stem  # a per-sheet CSV is named <stem>-<sheet>.csv
    return sorted(str(p) for p in outdir.iterdir() if p.is_file() and p.name.startswith(stem))


def main() -> int:
    soffice, folder = sys.argv[1], Path(sys.argv[2])
    out = sys.stdout

    def answer(obj) -> None:
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        out.flush()

    try:
        proc, desktop = start(soffice, folder)
    except Exception as e:  # noqa: BLE001 - told to the client as one line, which fails the test clearly
        answer({"error": f"{type(e).__name__}: {e}"})
        return 1
    # a terminated client (SIGTERM) still ends LibreOffice
    signal.signal(signal.SIGTERM, lambda *_: (stop(proc, desktop), sys.exit(1)))
    answer({"ready": True, "group": proc.pid})  # LibreOffice's process group, for the client to end if this server is killed
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                req = json.loads(line)
                answer({"files": convert(desktop, Path(req["path"]), req["target"], Path(req["outdir"]))})
            except Exception as e:  # noqa: BLE001 - one bad file fails its request, not the server
                said = f"{type(e).__name__}: {getattr(e, 'Message', '') or e}"
                if lost(proc, e):  # LibreOffice itself is gone: say so and end, the client starts another
                    answer({"error": said, "died": True})
                    break
                answer({"error": said})
    finally:
        stop(proc, desktop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
