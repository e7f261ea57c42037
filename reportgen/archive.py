"""The yearly archive: render into a staging folder, write a manifest, swap it in atomically, verify later."""
from __future__ import annotations

import ctypes
import fcntl
import hashlib
import json
import os
import platform
import shutil
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from . import __version__, era, templateset
from .deliverables import Output, outputs_for
from .era import FiscalYear
from .loader import Dataset
from .package import CoreProps
from .templateset import TemplateSet

MANIFEST = "manifest.json"
FORMAT = "reportgen-archive/2"  # 2: the templates, labels and library versions are recorded
STAGING, OLD = ".staging-", ".old-"
TEMPLATES_DIR = "templates"  # a year folder's copies of the templates and labels it was built with


def folder_name(fy: FiscalYear) -> str:
    """2017_H29, 2024_R6, 2019_R1 (FY2019 as city.yaml names it, whatever spelling the data used)."""
    plain = FiscalYear(fy.year)
    return f"{plain.year}_{era.short(plain)}"


def stamp_for(fy: FiscalYear) -> datetime:
    """The date written into document properties: SOURCE_DATE_EPOCH, else the fiscal year's last day."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime(fy.year + 1, 3, 31, tzinfo=timezone.utc)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# The libraries whose versions can change a document's bytes (by their distribution names), recorded
# in every manifest and compared by verify. pydantic coerces the data before any context is built.
SHAPING = ("openpyxl", "et-xmlfile", "python-docx", "docxtpl", "jinja2", "markupsafe", "lxml", "pyyaml", "pydantic")


def environment() -> dict:
    """The Python, zlib (every package is deflated by it) and library versions this process builds with."""
    import zlib
    from importlib.metadata import PackageNotFoundError, version

    libs = {}
    for name in SHAPING:
        try:
            libs[name] = version(name)
        except PackageNotFoundError:
            libs[name] = None
    return {"python": platform.python_version(), "zlib": zlib.ZLIB_RUNTIME_VERSION, "libraries": libs}


def _template_set(templates: TemplateSet | Path | None) -> TemplateSet:
    if isinstance(templates, TemplateSet):
        return templates
    return templateset.folder_set(templates) if templates is not None else templateset.for_data(None)


def render(job: Output, stamp: datetime, creator: str, templates: TemplateSet | Path | None = None) -> bytes:
    """Render one job to bytes (the renderers are imported here, never by the pure layers).

    The renderers see only the one template or labels file the job needs (templateset.needed), so
    the files a year's manifest records are exactly those its documents were made from."""
    core = CoreProps(job.title, creator, stamp)
    tset = _template_set(templates).only([templateset.needed(job.kind, job.layout)])
    with templateset.using(tset):
        if job.kind == "docx":
            from .render.docx import render_docx

            return render_docx(tset.path(job.layout), job.context, core)
        from .render.xlsx import render_xlsx

        return render_xlsx(job.layout, job.context, core)


@dataclass
class YearBuild:
    """What one year's build wrote (for the summary and the manifest)."""

    fy: FiscalYear
    folder: str
    files: list[dict] = field(default_factory=list)
    templates: list[dict] = field(default_factory=list)  # the template and labels files archived


def write_document(dest: Path, result: YearBuild, job: Output, data: bytes,
                   write: Callable[[Path, bytes], None] | None = None) -> None:
    """Write one rendered document into the year's staging folder and record it."""
    (write or write_file)(dest / job.filename, data)
    record_document(result, job, sha256(data), len(data))


def record_document(result: YearBuild, job: Output, digest: str, size: int) -> None:
    """Enter a document already written into the year's staging folder in its manifest."""
    result.files.append({"path": job.filename, "sha256": digest, "bytes": size,
                         "deliverable": job.deliverable, "reproducible": True, "publish": job.publish})


def write_snapshot(ds: Dataset, dest: Path, write: Callable[[Path, bytes], None] | None = None) -> None:
    """The data the year was built from, kept beside it so the year can be rebuilt later."""
    for src in ds.sources:
        (write or write_file)(dest / "data" / src.relpath, src.content)


def write_templates(result: YearBuild, tset: TemplateSet, used: set[str], dest: Path,
                    write: Callable[[Path, bytes], None] | None = None) -> None:
    """Keep a copy of every template and labels file the year's documents were made from (`used`),
    and record in the manifest which each is: reportgen's own, or the data folder's, replacing one."""
    shipped = None
    for f in tset.only(used).files:
        content = f.read()
        entry = {"path": f"{TEMPLATES_DIR}/{f.name}", "sha256": sha256(content), "bytes": len(content),
                 "source": f.source}
        if f.source == templateset.DATA:
            if shipped is None:
                shipped = templateset.folder_set(templateset.shipped())
            try:
                entry["replaces"] = {"source": templateset.SHIPPED, "sha256": sha256(shipped.get(f.name).read())}
            except KeyError:
                pass
        (write or write_file)(dest / entry["path"], content)
        result.templates.append(entry)


def build_year(ds: Dataset, fy: FiscalYear, dest: Path, progress: Callable[[str], None] | None = None,
               templates: TemplateSet | Path | None = None) -> YearBuild:
    """Render every document of `fy` into `dest` (an empty folder) with the data and templates."""
    stamp = stamp_for(fy)
    tset = _template_set(templates)
    with era.fy2019_named(ds.city.fy2019):
        result = YearBuild(fy, folder_name(fy))
    # the contexts name FY2019 as that year's documents do, and read their per-row labels from `tset`
    with era.fy2019_named(era.fy2019_name_for(fy, ds.city.fy2019)), templateset.using(tset):
        jobs = outputs_for(ds, fy)
    with era.fy2019_named(ds.city.fy2019):
        for job in jobs:
            if progress:
                progress(f"{result.folder}/{job.filename}")
            write_document(dest, result, job, render(job, stamp, ds.city.name, tset))
    write_snapshot(ds, dest)
    write_templates(result, tset, {templateset.needed(job.kind, job.layout) for job in jobs}, dest)
    return result


def manifest_bytes(ds: Dataset, build: YearBuild) -> bytes:
    with era.fy2019_named(ds.city.fy2019):
        return _manifest_bytes(ds, build)


def _manifest_bytes(ds: Dataset, build: YearBuild) -> bytes:
    fy = build.fy
    doc = {
        "format": FORMAT,
        "tool": {"name": "reportgen", "version": __version__},
        "fiscal_year": {"code": era.short(FiscalYear(fy.year)), "western": fy.year, "label": era.long(FiscalYear(fy.year))},
        "city": ds.city.name,
        "stamp": stamp_for(fy).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "environment": environment(),
        "data": {
            "sha256": ds.sha256,
            "files": [{"path": f"data/{s.relpath}", "sha256": s.sha256, "bytes": len(s.content)} for s in ds.sources],
        },
        "templates": build.templates,
        "files": build.files,
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_file(path: Path, data: bytes) -> None:
    """Write a file, not yet durable (`Durable` makes a staging folder's files durable)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def fsync_path(path: str | Path) -> None:
    """Make a file's or a folder's entries durable (a folder after a rename in it)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_synced(path: Path, data: bytes) -> None:
    """Write a file and wait until it is on the disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


class Durable:
    """Writes staging files and fsyncs each, in a background thread, while the build goes on.

    fsync mostly waits for the disk (0.28 ms a file here, 0.12 ms of it CPU, measured): done at
    publication it added up to 0.17 s at 10× the data, all of it serial; done behind the
    rendering of the next document it costs almost nothing. Creating a file costs 0.2 ms of the
    kernel's time here (measured), so the writing itself is done behind the rendering too.
    `settle` waits for the files and then syncs the folders, so a published year is durable
    exactly as before. syncfs would be one call, but it also waits for every other program's
    unwritten data on the disk (235 ms behind 400 MB, measured), which made the build's time
    depend on its neighbours.
    """

    def __init__(self) -> None:
        # the thread starts with the first write: a build forks its workers before that
        self._pool: ThreadPoolExecutor | None = None
        self._pending: list[Future] = []

    def write(self, path: Path, data: bytes) -> None:
        """Write `data` to `path` and fsync it, in the background (an error is raised by `settle`)."""
        self._submit(write_synced, path, data)

    def written(self, path: Path) -> None:
        """`path` was written by a worker process: fsync it in the background."""
        self._submit(fsync_path, path)

    def _submit(self, fn, *args) -> None:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="reportgen-write")
        self._pending.append(self._pool.submit(fn, *args))

    def wait(self) -> None:
        """Every file submitted so far written and on disk (a write or fsync error is raised here)."""
        pending, self._pending = self._pending, []
        for future in pending:
            future.result()

    def settle(self, root: Path) -> None:
        """Every file submitted so far on disk, then `root`'s folders."""
        self.wait()
        for folder, _, _ in os.walk(root, topdown=False):
            fsync_path(folder)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._pending = []


# ---------------------------------------------------------------------------- atomic publication


@contextmanager
def lock(folder: Path) -> Iterator[None]:
    """reportgen's one lock: `folder/.lock`, held exclusively; a second holder waits for the first."""
    with open(folder / ".lock", "a+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


@contextmanager
def data_lock(data: Path) -> Iterator[None]:
    """The lock build and collect both take on data/: a build never reads data/ while a collect writes it.

    A missing folder is left to the loader to report; a read-only one cannot be written by anyone
    (collect fails on it), so a build reads it unlocked."""
    if not Path(data).is_dir() or not os.access(data, os.W_OK):
        yield
        return
    with lock(Path(data)):
        yield


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """One build at a time per output folder; a second one waits for the first."""
    out.mkdir(parents=True, exist_ok=True)
    with lock(out):
        recover(out)
        yield


def recover(out: Path) -> None:
    """Undo what a killed build left: restore a year folder caught mid-swap, drop staging folders."""
    for old in out.glob(OLD + "*"):
        target = out / old.name[len(OLD):].rsplit("-", 1)[0]
        if not target.exists():
            os.rename(old, target)
        else:
            shutil.rmtree(old, ignore_errors=True)
    for staging in out.glob(STAGING + "*"):
        shutil.rmtree(staging, ignore_errors=True)


def new_staging(out: Path, name: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"{STAGING}{name}-", dir=out))


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one step (Linux renameat2); False where the system cannot."""
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    rc = fn(at_fdcwd, os.fsencode(str(a)), at_fdcwd, os.fsencode(str(b)), _RENAME_EXCHANGE)
    return rc == 0


def publish(staging: Path, target: Path, durable: Durable) -> None:
    """Make `staging` the year folder `target` atomically; the previous folder is removed after.

    Where the exchange is unavailable, the old folder is first renamed aside; a crash between the
    two renames is undone by `recover` on the next run, so a reader sees the old or the new set.
    Every file of `staging` must have been written through `durable`.
    """
    durable.settle(staging)
    if not target.exists():
        os.rename(staging, target)
    elif _exchange(staging, target):
        shutil.rmtree(staging)  # now holds the previous year folder
    else:
        aside = target.parent / f"{OLD}{target.name}-{os.getpid()}"
        os.rename(target, aside)
        os.rename(staging, target)
        shutil.rmtree(aside)
    fsync_path(target.parent)


# ---------------------------------------------------------------------------- verify


def verify(out: Path, templates: Path | None = None):
    """Check every year folder under `out`: see verification.verify (kept here for the callers of archive)."""
    from .verification import verify as run

    return run(out, templates)
