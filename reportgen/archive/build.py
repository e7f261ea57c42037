"""Build the archive: load → validate → contexts → render every year into staging → PDF → publish."""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from reportgen.archive.manifest import CLOSED_KEPT, KEPT, MANIFEST, WRITTEN, YearBuild, manifest_bytes, sha256
from reportgen.archive.pdf import convert_batch
from reportgen.archive.publish import Durable, check_target, locked, new_staging, publish, write_file
from reportgen.archive.projection import year_datasets
from reportgen.archive.year import record_document, write_document, write_snapshot, write_templates
from reportgen.deliverables import outputs_for, present_years
from reportgen.lint.templatecheck import planned as planned_jobs
from reportgen.lint.templatecheck import require_templates
from reportgen.model import cycle_state
from reportgen.model.loader import Dataset, load
from reportgen.model.lock import Waiting, confined, data_lock, inside, quietly
from reportgen.render.dispatch import render
from reportgen.rules import era
from reportgen.rules.era import FiscalYear
from reportgen.rules.problems import Msg, UsageError
from reportgen.templating import templateset
from reportgen.templating.year import YearSettings, year_settings


@dataclass
class BuildResult:
    out: Path
    years: list[YearBuild]
    dataset: Dataset


def resolve_years(ds: Dataset, requested: list[FiscalYear] | None, opened: list[FiscalYear] = ()) -> list[FiscalYear]:
    """The years to build: those asked for (each must fall in a strategy period or hold a pledge list);
    by default every year the data dates and every year opened with `open` (no actual of it yet)."""
    if not requested:
        years = present_years(ds)
        extra = {fy.year for fy in opened if ds.strategy_for(fy) is not None} - {fy.year for fy in years}
        years = sorted([*years, *(FiscalYear(y) for y in extra)])
        if not years:
            raise UsageError(Msg(ja="データに年度がありません（作る年度を --year R7 のように指定してください）",
                                 en="the data holds no fiscal year to build (name one with --year, e.g. --year R7)"))
        return years
    out = []
    for fy in requested:
        if ds.strategy_for(fy) is None and not any(p.as_of.fiscal_year == fy for p in ds.pledge_lists):
            named = era.long(fy, fy2019=ds.city.fy2019)  # as the year's folder names it
            raise UsageError(Msg(ja=f"{named}（{fy.year}）を含む総合戦略・公約一覧がデータにありません",
                                 en=f"no strategy or pledge list in the data covers {named} ({fy.year})"))
        if fy.year not in {y.year for y in out}:
            out.append(fy)
    return sorted(out)


def _render_into(path: Path, args) -> tuple[str, int]:
    """In a worker: render one document and write it to `path`; its digest and size for the manifest.

    The worker writes the file itself: sending the bytes back cost the parent, which shares the two
    cores with the workers, a tenth of the rendering's CPU time (measured at 10×)."""
    data = render(*args)
    write_file(path, data)
    return sha256(data), len(data)


# Each build's work, set before its workers fork: they inherit it, so no context is pickled.
_FORKED_WORK: dict[int, list] = {}


def _render_forked(key: int, batch: list[int]) -> list[tuple[str, int]]:
    return [_render_into(*_FORKED_WORK[key][i]) for i in batch]


def _render_batch(items: list[tuple[Path, tuple]]) -> list[tuple[str, int]]:
    return [_render_into(path, args) for path, args in items]


def _batches(work: list, jobs: int) -> list[list[int]]:
    """Indices of `work` in the order handed out: published documents first, one per batch (they
    are the large ones, so the processes finish together), then the forms in small batches, each a
    handful of milliseconds: one task per form spent as much of the parent's CPU time, which
    the workers need, on passing tasks and results as on the rest of its work (measured)."""
    large = [i for i, w in enumerate(work) if w[2].publish]
    small = [i for i, w in enumerate(work) if not w[2].publish]
    size = max(1, min(8, len(small) // (16 * jobs)))  # at least 16 batches a process, for balance
    return [[i] for i in large] + [small[k:k + size] for k in range(0, len(small), size)]


def _render_all(ds: Dataset, targets: list[YearSettings], staged, jobs: int, progress,
                durable: Durable, meanwhile: Callable[[], None], used: dict[int, set[str]],
                planned: list | None = None) -> None:
    """Render every document of every year, in `jobs` processes, writing each as it arrives.

    `meanwhile` runs once rendering has begun: after the workers are forked, since it may start
    the writer thread and a process should not fork with threads running.

    Large documents are handed out first so the processes finish together; the manifest lists
    files in job order whatever the completion order, so the bytes never depend on `jobs`.
    """
    work = []
    for n, (year, (staging, result)) in enumerate(zip(targets, staged)):
        for job in (planned[n] if planned is not None else outputs_for(ds, year)):  # contexts are pure, built once
            work.append((staging, result, job, (job, year, ds.city.name)))
            used.setdefault(id(result), set()).update(templateset.needed_files(job.kind, job.layout))
    order = {(id(result), job.filename): i for i, (_, result, job, _) in enumerate(work)}

    def done(staging, result, job, data) -> None:
        if progress:
            progress(f"{result.folder}/{job.filename}")
        write_document(staging, result, job, data, durable.write)

    if jobs > 1 and len(work) > 1:
        # the worker pool's modules (multiprocessing, pickle, concurrent.futures: about 10 ms) only
        # where --jobs asks for workers: a one-process build, the default, starts without them
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        fork = "fork" in multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork") if fork else None
        key = id(work)
        if fork:
            _FORKED_WORK[key] = [(inside(w[0], w[2].filename), w[3]) for w in work]
        try:
            with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
                pending = {(pool.submit(_render_forked, key, batch) if fork else
                            pool.submit(_render_batch, [(inside(work[i][0], work[i][2].filename), work[i][3]) for i in batch])):
                           batch for batch in _batches(work, jobs)}  # the workers are forked at the first submit
                meanwhile()
                for future in as_completed(pending):
                    for i, (digest, size) in zip(pending[future], future.result()):
                        staging, result, job, _ = work[i]
                        if progress:
                            progress(f"{result.folder}/{job.filename}")
                        durable.written(staging / job.filename)
                        record_document(result, job, digest, size)
        finally:
            _FORKED_WORK.pop(key, None)
    else:
        meanwhile()
        for staging, result, job, args in work:
            done(staging, result, job, render(*args))
    for _, result in staged:
        result.files.sort(key=lambda f: order[(id(result), f["path"])])


def build(data: Path, out: Path, years: list[FiscalYear] | None = None, pdf: bool = False,
          progress: Callable[[str], None] | None = None, templates: Path | None = None, jobs: int = 1,
          correcting: FiscalYear | None = None, edition: dict | None = None, waiting: Waiting = quietly) -> BuildResult:
    """Build the requested years (default: every year the data dates) into `out`, atomically per year.

    Everything is rendered (and converted to PDF) before the first year folder is replaced, so a
    failure anywhere leaves `out/` exactly as it was. `jobs` > 1 renders in that many processes;
    the bytes are the same either way. The templates are reportgen's own (or those of the folder
    `templates`), each replaced by the data folder's `templates/` file of the same name.

    A year whose record (documents, data copy, templates) would come out the same is kept as it is,
    folder times included; a closed year (data/cycle.yaml) is never written, only compared, unless
    it is `correcting`, whose new edition (`edition`) moves the current folder aside first.
    `waiting` is told of a lock (data/ or out/) held by another run, before the build waits for it.
    """
    # the lock collect takes: a build and a collect never interleave; taking it finishes a collect
    # interrupted after its commit point (datastore.recover_data)
    with data_lock(Path(data), waiting):
        ds = load(data)
        tset = templateset.for_data(data, base=templates)
        cycle = cycle_state.load(Path(data))
        opened = cycle.open_years() if not years else []
        return _build(ds, out, years, pdf, progress, tset, jobs, opened, cycle.closed_years(), correcting, edition, waiting)


def _build(ds: Dataset, out: Path, years, pdf: bool, progress, tset: templateset.TemplateSet, jobs: int,
           opened: list[FiscalYear] = (), closed: list[FiscalYear] = (), correcting: FiscalYear | None = None,
           edition: dict | None = None, waiting: Waiting = quietly) -> BuildResult:
    # each year's settings made once (FY2019 named as that year's documents name it, its stamp, its
    # folder, the template set) and handed to every context and renderer of the year
    targets = [year_settings(fy, ds.city.fy2019, tset) for fy in resolve_years(ds, years, opened)]
    # each year is built from the data it reads (what its archive keeps, so verify rebuilds it), judged
    # by the year's contexts; contexts are pure: built once (some read a per-row label of the year's
    # set), checked, then rendered
    datasets: list[Dataset] = []

    def plan() -> list:
        datasets[:] = year_datasets(ds, targets)
        return [outputs_for(yds, year) for year, yds in zip(targets, datasets)]
    planned = planned_jobs([f.path for f in tset.files], plan)
    # every template checked against these years' contexts before anything is written (out/ not even locked)
    require_templates([f.path for f in tset.files], [o for jobs_of_year in planned for o in jobs_of_year])
    # every file name inside its year folder, refused all at once before out/ is touched (the data's
    # names are checked at load; this is the writers' own guard)
    for year, jobs_of_year in zip(targets, planned):
        confined(Path(out) / year.folder, [o.filename for o in jobs_of_year])
    closed_years = {fy.year for fy in closed} - ({correcting.year} if correcting else set())
    # the data lives as long as the build: the collector need not scan it again and again
    with locked(out, waiting):
        for year in targets:  # before anything is staged: all years are published or none
            check_target(out / year.folder)
        staged: list[tuple[Path, YearBuild]] = []
        durable = Durable()
        try:
            for year in targets:
                staged.append((new_staging(out, year.folder), YearBuild(year.fy, year.folder)))
            yds_of = {id(r): yds for (_, r), yds in zip(staged, datasets)}

            def snapshots() -> None:  # written as rendering starts, their fsyncs overlap it
                for staging, result in staged:
                    write_snapshot(yds_of[id(result)], staging, durable.write)
                    write_templates(result, tset, used.get(id(result), set()), staging, durable.write)

            used: dict[int, set[str]] = {}  # the template and labels files each year's documents need
            _render_all(ds, targets, staged, jobs, progress, durable, snapshots, used, planned)
            durable.wait()
            # which years change: a closed one never (unless corrected), an unchanged one is kept as it is
            convert: list[tuple[Path, dict, YearBuild]] = []
            for staging, result in staged:
                target = out / result.folder
                earlier = read_manifest(target)
                if result.fy.year in closed_years:
                    result.outcome = CLOSED_KEPT
                    result.changed = _changed(earlier, result, yds_of[id(result)]) if earlier else ["manifest.json"]
                    continue
                new = json.loads(manifest_bytes(yds_of[id(result)], result))
                if correcting is not None and result.fy.year == correcting.year:
                    result.changed = _changed(earlier, result, yds_of[id(result)]) if earlier else []
                    if earlier is not None and not result.changed:  # nothing to correct: no new edition
                        result.outcome = KEPT
                        continue
                    result.edition = edition
                elif earlier is not None and same_record(earlier, new) and (not pdf or _has_pdfs(earlier, result)):
                    result.outcome = KEPT
                    continue
                result.outcome = WRITTEN
                old_pdfs = {f["path"]: f for f in (earlier or {}).get("files", []) if not f.get("reproducible", True)}
                old_docs = {f["path"]: f["sha256"] for f in (earlier or {}).get("files", [])}
                for entry in [f for f in result.files if f["publish"]]:
                    name = Path(entry["path"]).with_suffix(".pdf").as_posix()
                    kept = (target / name).read_bytes() if name in old_pdfs and (target / name).is_file() else None
                    if kept is not None and old_docs.get(entry["path"]) == entry["sha256"] and sha256(kept) == old_pdfs[name]["sha256"]:
                        durable.write(staging / name, kept)  # its document is unchanged: the PDF is kept
                        result.files.append(dict(old_pdfs[name]))
                        result.pdf_kept.append(name)
                    elif pdf or name in old_pdfs:  # asked for, or there was one and its source changed: rebuilt
                        convert.append((staging / entry["path"], entry, result))
                        if name in old_pdfs:
                            result.pdf_rebuilt.append(name)
            if convert:
                durable.wait()  # LibreOffice reads the staged files
                if progress:
                    progress(f"PDF ({len(convert)})")
                pdfs = convert_batch([p for p, _, _ in convert])
                for (path, entry, r), pdf_bytes in zip(convert, pdfs):
                    name = Path(entry["path"]).with_suffix(".pdf").as_posix()
                    durable.write(path.with_suffix(".pdf"), pdf_bytes)
                    # LibreOffice stamps PDFs with the time: hashed, but not expected to rebuild identically
                    r.files.append({"path": name, "sha256": sha256(pdf_bytes), "bytes": len(pdf_bytes),
                                    "deliverable": entry["deliverable"], "reproducible": False, "publish": True})
            for staging, result in staged:
                if result.outcome == WRITTEN:
                    # the documents in job order, then their PDFs in the same order, whether kept or converted
                    doc = {Path(f["path"]).with_suffix("").as_posix(): i for i, f in enumerate(result.files)
                           if f.get("reproducible", True)}
                    result.files.sort(key=lambda f: (not f.get("reproducible", True),
                                                     doc.get(Path(f["path"]).with_suffix("").as_posix(), len(doc))))
                    earlier = read_manifest(out / result.folder) or {}
                    result.removed = sorted({f["path"] for f in earlier.get("files", [])} - {f["path"] for f in result.files})
                    durable.write(staging / MANIFEST, manifest_bytes(yds_of[id(result)], result))
            for staging, result in staged:
                if result.outcome == WRITTEN:
                    if correcting is not None and result.fy.year == correcting.year and (out / result.folder).exists():
                        os.rename(out / result.folder, out / edition["earlier_folder"])  # the earlier edition, as it was
                    publish(staging, out / result.folder, durable)
                else:
                    shutil.rmtree(staging, ignore_errors=True)
        except BaseException:
            durable.close()  # before the folders go: nothing still fsyncs in them
            for staging, _ in staged:
                shutil.rmtree(staging, ignore_errors=True)
            raise
        finally:
            durable.close()
    return BuildResult(out, [r for _, r in staged], ds)


def read_manifest(folder: Path) -> dict | None:
    """A year folder's manifest as recorded, or None where there is none (or it is unreadable: rebuilt)."""
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _record(manifest: dict) -> dict:
    """What makes a year's record: its stamp, data, templates and reproducible documents. The tool's and
    libraries' versions are not: documents that come out the same need no new folder."""
    return {"stamp": manifest.get("stamp"), "data": manifest.get("data", {}).get("files"),
            "templates": manifest.get("templates"),
            "files": [f for f in manifest.get("files", []) if f.get("reproducible", True)]}


def same_record(earlier: dict, new: dict) -> bool:
    return _record(earlier) == _record(new)


def _has_pdfs(manifest: dict, result: YearBuild) -> bool:
    have = {f["path"] for f in manifest.get("files", [])}
    return all(Path(f["path"]).with_suffix(".pdf").as_posix() in have for f in result.files if f["publish"])


def _changed(earlier: dict, result: YearBuild, yds: Dataset) -> list[str]:
    """The files of a year whose bytes a build now would change: documents, data copies, templates."""
    new = _record(json.loads(manifest_bytes(yds, result)))
    old = _record(earlier)
    changed = []
    for key in ("files", "data", "templates"):
        a = {e["path"]: e["sha256"] for e in old.get(key) or []}
        b = {e["path"]: e["sha256"] for e in new.get(key) or []}
        changed += sorted(p for p in a.keys() | b.keys() if a.get(p) != b.get(p))
    return changed
