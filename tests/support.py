"""What the tests share: the checkout's paths, the seeds, a folder's files with their SHA-256 (to show nothing changed),
and folders made once a run for every worker."""
from __future__ import annotations

import atexit
import fcntl
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from reportgen.archive import pdf, publish
from reportgen.archive.build import build
from reportgen.archive.year import template_set
from reportgen.rules.era import NATIONAL, parse_fy
from reportgen.templating.year import YearSettings, year_settings

ROOT = Path(__file__).resolve().parent.parent


def _own_copy(shipped: Path) -> Path:
    """This test process's copy of the shipped data (the same files, removed at exit). Every run takes
    data/.lock for as long as it reads the data (model.lock.data_lock): builds of one shared folder in
    two xdist workers would wait for each other, an idle core, and print that they wait."""
    folder = Path(tempfile.mkdtemp(prefix="reportgen-data-"))
    atexit.register(shutil.rmtree, folder, True)
    shutil.copytree(shipped, folder / "data", ignore=shutil.ignore_patterns(".lock"))
    return folder / "data"


DATA = _own_copy(ROOT / "data")  # the shipped data (read-only to tests: data_copy is theirs to change)


def _seed_folders() -> list[Path]:
    """Where the seeds may be: $REPORTGEN_SEEDS, else ../shared/seeds beside the checkout; in a git
    worktree, also beside the main checkout (the worktree's .git file names it)."""
    if os.environ.get("REPORTGEN_SEEDS"):
        return [Path(os.environ["REPORTGEN_SEEDS"])]
    folders = [ROOT.parent / "shared" / "seeds"]
    dotgit = ROOT / ".git"
    if dotgit.is_file():  # "gitdir: <main>/.git/worktrees/<name>"
        text = dotgit.read_text(encoding="utf-8").strip()
        if text.startswith("gitdir:"):
            main = Path(text[len("gitdir:"):].strip()).parent.parent.parent
            folders.append(main.parent / "shared" / "seeds")
    return folders


SEEDS = next((f for f in _seed_folders() if f.is_dir()), _seed_folders()[0])


def seed(name_prefix: str) -> Path:
    """A seed file by its number; tests that compare with the seeds skip when the seeds are absent,
    but fail under CI (CI=true), where a missing seed would otherwise pass a whole suite unseen."""
    found = sorted(SEEDS.glob(f"{name_prefix}_*.txt")) if SEEDS.is_dir() else []
    if not found:
        message = f"seed {name_prefix} not found in {SEEDS} (../shared/seeds, or set REPORTGEN_SEEDS)"
        if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
            pytest.fail(message + " — required under CI")
        pytest.skip(message)
    return found[0]


def tree(folder: Path, pattern: str = "*", *, backups: bool = True) -> dict[str, str]:
    """Every file under `folder` matching `pattern` (hidden ones included; reportgen's lock file
    aside, and the backups too with backups=False) with its SHA-256; {} for a missing folder."""
    folder = Path(folder)
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob(pattern))
            if p.is_file() and p.name != ".lock" and (backups or ".backups" not in p.relative_to(folder).parts)}


def year(fy, ds=None, templates=None) -> YearSettings:
    """The settings a build makes for fiscal year `fy` (a FiscalYear or its spelling, e.g. "R6"):
    FY2019 named as `ds`'s city.yaml says (令和元年度 without a data set), the shipped templates
    unless `templates` (a TemplateSet or a folder)."""
    fy = parse_fy(fy) if isinstance(fy, str) else fy
    return year_settings(fy, ds.city.fy2019 if ds is not None else NATIONAL, template_set(templates))


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of `old` in a text file (a data or labels file a test edits as a clerk would)."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def paragraphs(path: Path) -> list[str]:
    """A Word document's non-empty paragraphs, as their text."""
    return [p.text for p in docx.Document(str(path)).paragraphs if p.text.strip()]


def edit_docx(path: Path, old: str, new: str, count: int = 1) -> None:
    """Rewrite word/document.xml of a .docx in place (the first `count` occurrences)."""
    src = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                text = data.decode("utf-8")
                assert text.count(old) >= count, old
                data = text.replace(old, new, count).encode("utf-8")
            z.writestr(info, data)
    path.write_bytes(out.getvalue())


def run_folder(tmp_path_factory) -> Path:
    """The temporary folder of this run that every xdist worker sees (a new one each run)."""
    root = tmp_path_factory.getbasetemp()
    return root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root


def once_a_run(tmp_path_factory, name: str, make: Callable[[Path], object]) -> Path:
    """The folder `name`, made by `make(folder)` once for the whole run and read by every xdist worker
    (tests must not change it; copy it first). The first worker to ask makes it under an exclusive lock
    while the others wait, then reuse it: a whole build costs one core once, not once per worker.
    A `make` that fails or skips leaves nothing behind, and the next asker tries again."""
    root = run_folder(tmp_path_factory)
    folder, done = root / name, root / f"{name}.done"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            try:
                make(folder)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            done.touch()
    return folder


def watched_pdf_build(data: Path, folder: Path) -> None:
    """build(data, folder / "out", pdf=True), watched as test_cli_pdf_lock needs it, so that the run's one --pdf build of
    the shipped data serves that test too (a second LibreOffice run of the same documents cost 8 s). Every process the
    build starts is listed in folder / "processes.json" (all the years' documents go to one LibreOffice). The build
    writes in the background, and LibreOffice must wait until the documents it reads are there: here they are written
    the latest a background writer may write them, only once the build waits for its writes (or closes the writer),
    so a build that handed them to LibreOffice without waiting would find them missing, every time."""
    started: list[list[str]] = []
    asked = threading.Event()  # the build has waited for its writes (or closed the writer)
    real_run, real_write = subprocess.run, publish.write_synced
    real_wait, real_close = publish.Durable.wait, publish.Durable.close

    def run(cmd, *args, **kwargs):
        started.append([str(c) for c in cmd])
        return real_run(cmd, *args, **kwargs)

    def late(path: Path, content: bytes) -> None:
        if path.parent.name.startswith(publish.STAGING) and path.suffix in (".docx", ".xlsx"):
            asked.wait(60)  # the writer stops here (the files after it wait behind it); bounded, never a hang
        real_write(path, content)

    def wait(self) -> None:
        asked.set()
        real_wait(self)

    def close(self) -> None:
        asked.set()
        real_close(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf.subprocess, "run", run)
        patch.setattr(publish, "write_synced", late)
        patch.setattr(publish.Durable, "wait", wait)
        patch.setattr(publish.Durable, "close", close)
        build(data, folder / "out", pdf=True)
    (folder / "processes.json").write_text(json.dumps(started), encoding="utf-8")


def with_departments(data):
    """SYNTHETIC: Iruma's list names no departments; here pledge 3's items name 商工観光課 and the first
    item of pledge 1 a sub-unit of 企画課 (its form goes to its parent, as for the other forms)."""
    f = data / "pledges" / "2023-09.yaml"
    text = f.read_text(encoding="utf-8")
    i = text.index("      - no: 3\n")
    j = text.index("      - no: 4\n")
    part = text[i:j].replace("            status:", "            department: 商工観光課\n            status:")
    text = text[:i] + part + text[j:]
    text = text.replace("            status: A\n", "            status: A\n            department: 企画課未来共創政策推進室\n", 1)
    f.write_text(text, encoding="utf-8")


def squeeze(text: str) -> str:
    """The same characters, whatever the width and the blanks (590 人(2014 年), ① 新規就農者数)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def first_list_in_reading_order(example: Path, tmp_path_factory) -> list[tuple[str, object]]:
    """An example's data built alone (a plan with no actual yet: its first year only), and its list in
    reading order: ("p", text) for each paragraph with text, ("table", [[cell, …], …]) for each table."""
    data = tmp_path_factory.mktemp(example.name) / "data"
    shutil.copytree(example / "data", data, ignore=shutil.ignore_patterns(".lock"))
    out = data.parent / "out"
    build(data, out)
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["2015_H27"]
    body = docx.Document(str(out / "2015_H27" / "01_指標一覧_平成27年度.docx")).element.body
    items: list[tuple[str, object]] = []
    for el in body.iterchildren():
        if el.tag == qn("w:p"):
            text = "".join(t.text or "" for t in el.iter(qn("w:t")))
            if text.strip():
                items.append(("p", text))
        elif el.tag == qn("w:tbl"):
            items.append(("table", [["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.iter(qn("w:tc"))]
                                    for tr in el.iter(qn("w:tr"))]))
    return items


def wait_until_blocked_on(lock_file: Path, pid: int, running: Callable[[], bool]) -> bool:
    """Whether process `pid` came to wait for the flock on `lock_file`, in the kernel's own words (a
    blocked request is a "->" line of /proc/locks naming the waiter's pid and the file's inode), rather
    than guessed from how long it has not finished. False once `running()` says it ended without waiting
    (bounded: 300 s)."""
    inode = str(os.stat(lock_file).st_ino)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        for line in Path("/proc/locks").read_text(encoding="ascii").splitlines():
            f = line.split()  # "1: -> FLOCK  ADVISORY  WRITE 4242 fd:01:1234567 0 EOF"
            if len(f) > 6 and f[1] == "->" and f[2] == "FLOCK" and f[5] == str(pid) and f[6].rsplit(":", 1)[-1] == inode:
                return True
        if not running():
            return False
        time.sleep(0.01)  # a poll of the event, not a guess at a duration
    return False
