"""Open outputs in LibreOffice headless and return what a person sees: table rows, sheet rows as shown, PDFs."""
from __future__ import annotations

import atexit
import csv
import functools
import hashlib
import html.parser
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import unicodedata
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# CSV export filter: comma, double quote, UTF-8 (76), from row 1, keep formatting "as shown" (token 9),
# every sheet (-1, one file per sheet)
CSV_FILTER = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1'


def need_soffice() -> str:
    """The soffice path; skip where LibreOffice is absent, but fail when CI is set."""
    if SOFFICE is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required in CI")
        pytest.skip("LibreOffice (soffice) is not installed")
    return SOFFICE


@functools.cache
def profile() -> Path:
    """This test process's LibreOffice user profile and HOME: made by the first conversion (most of a cold
    start's cost) and reused by the next ones, removed at exit. One per process: xdist's workers never
    share one, and one process converts one file at a time."""
    folder = Path(tempfile.mkdtemp(prefix="reportgen-soffice-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def soffice(*args: str, timeout: int = 300) -> None:
    """Run LibreOffice headless with this process's profile."""
    exe = need_soffice()
    subprocess.run([exe, f"-env:UserInstallation={(profile() / 'user').as_uri()}", "--headless", "--norestore", *args],
                   check=True, capture_output=True, timeout=timeout, env={**os.environ, "HOME": str(profile())})


UNO_PYTHON = "/usr/bin/python3"  # the system Python: LibreOffice's `uno` module (python3-uno) is built for it
LO_SERVER = Path(__file__).with_name("lo_server.py")


@functools.cache
def _has_uno() -> bool:
    try:
        return subprocess.run([UNO_PYTHON, "-c", "import uno"], check=False, capture_output=True, timeout=60).returncode == 0
    except OSError:
        return False


def persistent() -> bool:
    """Whether conversions go to one LibreOffice kept running (lo_server.py) instead of a cold soffice each;
    CI must prove that path, so there a missing python3-uno fails instead of falling back."""
    if _has_uno():
        return True
    if os.environ.get("CI"):
        pytest.fail(f"LibreOffice's Python bridge is required in CI: `{UNO_PYTHON} -c 'import uno'` fails (python3-uno)")
    return False


class _Server:
    """This process's lo_server.py (one per test process, so one per xdist worker); started on first use."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.group: int | None = None  # its LibreOffice's process group

    def start(self) -> None:
        folder = Path(tempfile.mkdtemp(prefix="reportgen-lo-server-"))  # its own profile: never the one soffice() uses
        atexit.register(shutil.rmtree, folder, True)
        self.proc = subprocess.Popen([UNO_PYTHON, str(LO_SERVER), need_soffice(), str(folder)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True, encoding="utf-8")
        ready = self._answer(300)
        if "error" in ready:
            self.stop()
            raise RuntimeError(f"lo_server.py did not start LibreOffice: {ready['error']}")
        self.group = ready["group"]

    def _answer(self, timeout: float) -> dict:
        assert self.proc is not None and self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:  # a hung LibreOffice: end it, the next request starts another
            self.stop()
            raise RuntimeError(f"LibreOffice gave no answer within {timeout} s")
        line = self.proc.stdout.readline()
        if not line:
            raise BrokenPipeError("lo_server.py ended")
        return json.loads(line)

    def request(self, path: Path, target: str, outdir: Path) -> dict:
        if self.proc is not None and self.proc.poll() is not None:
            self.stop()  # it died between requests
        if self.proc is None:
            self.start()
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"path": str(Path(path).resolve()), "target": target,
                                          "outdir": str(Path(outdir).resolve())}, ensure_ascii=False) + "\n")
        self.proc.stdin.flush()
        return self._answer(300)

    def convert(self, path: Path, target: str, outdir: Path) -> None:
        try:
            answer = self.request(path, target, outdir)
        except OSError:  # the server died (BrokenPipeError: it ended): start it again, once
            answer = {"died": True}
        if answer.get("died"):  # the server or its LibreOffice died: start them again, once
            self.stop()
            answer = self.request(path, target, outdir)
        if "error" in answer:
            raise RuntimeError(f"LibreOffice could not convert {path} to {target!r}: {answer['error']}")

    def stop(self) -> None:
        """Close its stdin (it then ends its LibreOffice and exits); kill it only if it does not."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        try:
            proc.stdin.close()
            proc.wait(timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            proc.terminate()  # its SIGTERM handler ends LibreOffice too
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        # a server that was killed could not end its LibreOffice: end what is left of that group
        group, self.group = self.group, None
        if group is not None:
            try:
                os.killpg(group, signal.SIGKILL)
            except ProcessLookupError:
                pass


_SERVER = _Server()
atexit.register(_SERVER.stop)


def convert(path: Path, target: str, outdir: Path) -> list[Path]:
    """Convert like `soffice --convert-to TARGET --outdir OUTDIR PATH`: through this process's running LibreOffice
    where the system Python has uno, else by a cold soffice; the files written for `path`."""
    path, outdir = Path(path), Path(outdir)
    need_soffice()
    if persistent():
        _SERVER.convert(path, target, outdir)
    else:
        cold_convert(path, target, outdir)
    return sorted(p for p in outdir.iterdir() if p.is_file() and p.stem.startswith(path.stem))


def cold_convert(path: Path, target: str, outdir: Path) -> list[Path]:
    """The same conversion by a soffice started for it (the fallback, and the reference test_realclient compares with)."""
    soffice("--convert-to", target, "--outdir", str(outdir), str(path))
    return sorted(p for p in Path(outdir).iterdir() if p.is_file() and p.stem.startswith(Path(path).stem))


def cold_convert_all(paths: list[Path], target: str, outdir: Path) -> list[Path]:
    """cold_convert of several files by one soffice started for them, as `soffice --convert-to TARGET --outdir OUTDIR A B`
    does (a start is a second; the running LibreOffice too converts one file after another); the files written."""
    soffice("--convert-to", target, "--outdir", str(outdir), *map(str, paths))
    return sorted(p for p in Path(outdir).iterdir() if p.is_file())


_SHARED: list[Path] = []  # the run's folder of views, set by conftest for every worker


def share_views(folder: Path) -> None:
    """Keep the views in `folder` too, so that a file one xdist worker had LibreOffice read is not read again by the other."""
    folder.mkdir(exist_ok=True)
    _SHARED[:] = [folder]


def by_content(read):
    """Cache what LibreOffice shows of a file by the file's bytes (not its path): the same bytes show the
    same, a file rewritten in place is read again, and the many identical documents the tests build
    (builds are reproducible) are converted once a run (in memory, and in the run's folder for the other worker)."""
    seen: dict[str, object] = {}

    @functools.wraps(read)
    def cached(path: Path):
        path = Path(path)
        key = f"{read.__name__}-{hashlib.sha256(path.read_bytes()).hexdigest()}{path.suffix}"
        if key not in seen:
            kept = _SHARED[0] / f"{key}.json" if _SHARED else None
            if kept is not None and kept.is_file():
                seen[key] = json.loads(kept.read_text(encoding="utf-8"))
            else:
                seen[key] = read(path)
                if kept is not None:  # written whole, then renamed: the other worker never reads half a view
                    part = kept.with_name(f"{kept.name}.{os.getpid()}")
                    part.write_text(json.dumps(seen[key], ensure_ascii=False), encoding="utf-8")
                    os.replace(part, kept)
        return seen[key]
    return cached


class _Tables(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag == "p" and self._cell is not None:
            self._cell.append("\n")

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def read_word_rows(path: Path, conv=convert) -> list[list[str]]:
    """Every table row of a Word document as LibreOffice lays it out: a list of cell texts."""
    with tempfile.TemporaryDirectory() as tmp:
        out = conv(path, "html:HTML (StarWriter)", Path(tmp))
        parser = _Tables()
        parser.feed(next(p for p in out if p.suffix == ".html").read_text(encoding="utf-8", errors="replace"))
        return parser.rows


def read_word_text(path: Path, conv=convert) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        out = conv(path, "txt:Text (encoded):UTF8", Path(tmp))
        return next(p for p in out if p.suffix == ".txt").read_text(encoding="utf-8")


def read_sheet_rows(path: Path, conv=convert) -> dict[str, list[list[str]]]:
    """Each sheet's rows as displayed (number formats applied), by sheet name."""
    with tempfile.TemporaryDirectory() as tmp:
        outdir = Path(tmp)
        files = conv(path, CSV_FILTER, outdir)
        sheets = {}
        for f in files:
            if f.suffix != ".csv":
                continue
            name = f.stem[len(path.stem) + 1:] if f.stem != path.stem else ""
            with open(f, encoding="utf-8", newline="") as fh:
                sheets[name] = [row for row in csv.reader(fh)]
        return sheets


# the readers the tests use, each view kept by the file's bytes (test_realclient calls the read_* ones, uncached)
@by_content
def word_rows(path: Path) -> list[list[str]]:
    return read_word_rows(path)


@by_content
def word_text(path: Path) -> str:
    return read_word_text(path)


@by_content
def sheet_rows(path: Path) -> dict[str, list[list[str]]]:
    return read_sheet_rows(path)


def pdf(path: Path, outdir: Path, conv=convert) -> Path:
    return next(p for p in conv(path, "pdf", outdir) if p.suffix == ".pdf")


def norm(text: str) -> str:
    """Compare as a person reads: NFKC (full/half width alike), no whitespace (PDF line wraps)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def norm_row(cells) -> tuple[str, ...]:
    return tuple(norm(c) for c in cells if norm(c))


def need_ssconvert() -> str:
    """Gnumeric's ssconvert; skip where it is absent, but fail when CI is set."""
    exe = shutil.which("ssconvert")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("Gnumeric (ssconvert) is required in CI")
        pytest.skip("Gnumeric (ssconvert) is not installed")
    return exe
