"""One fiscal year built into a folder: its documents rendered, the data and templates they were made from kept beside them."""
from __future__ import annotations

import dataclasses
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Callable

import yaml

from reportgen.archive.manifest import TEMPLATES_DIR, YearBuild, sha256
from reportgen.archive.publish import write_file
from reportgen.deliverables import outputs_for
from reportgen.deliverables.output import Output
from reportgen.lint.templatecheck import planned, require_templates
from reportgen.model.loader import Dataset, SourceFile, load
from reportgen.model.lock import inside
from reportgen.render.dispatch import render
from reportgen.rules.era import FiscalYear
from reportgen.rules.problems import DataError
from reportgen.templating import templateset
from reportgen.templating.templateset import TemplateSet
from reportgen.templating.year import year_settings


def write_document(dest: Path, result: YearBuild, job: Output, data: bytes,
                   write: Callable[[Path, bytes], None] | None = None) -> None:
    """Write one rendered document into the year's staging folder and record it."""
    (write or write_file)(inside(dest, job.filename), data)
    record_document(result, job, sha256(data), len(data))


def record_document(result: YearBuild, job: Output, digest: str, size: int) -> None:
    """Enter a document already written into the year's staging folder in its manifest."""
    result.files.append({"path": job.filename, "sha256": digest, "bytes": size,
                         "deliverable": job.deliverable, "reproducible": True, "publish": job.publish})


def year_sources(ds: Dataset, fy: FiscalYear) -> list[SourceFile]:
    """The data files a year's documents read: city and departments, every strategy's strategy.yaml
    (a form's data-set id names them all), the measures and projects of the strategy covering `fy`,
    and the pledge lists dated in `fy` or before (a list marks ★ against the one before it). A later
    year's values live in another strategy's files or in a later pledge list, so a year built from
    these keeps its bytes when only later years change."""
    covering = ds.strategy_for(fy)
    keep = []
    for src in ds.sources:
        parts = src.relpath.split("/")
        if parts[0] == "strategies" and len(parts) == 3 and parts[2] != "strategy.yaml":
            if covering is None or parts[1] != covering.folder:
                continue
        elif parts[0] == "pledges" and (_pledge_year(src) or 0) > fy.year:  # a list compares with the one before it
            continue
        keep.append(src)
    return keep


def _pledge_year(src: SourceFile) -> int | None:
    """The fiscal year a pledge list is dated in (None when unreadable: such a file is kept)."""
    try:
        year, month = (int(x) for x in str(yaml.safe_load(src.content)["as_of"]).split("-")[:2])
    except Exception:  # noqa: BLE001 - the loader has validated it; anything odd is simply kept
        return None
    return year if month >= 4 else year - 1


def year_dataset(ds: Dataset, fy: FiscalYear) -> Dataset:
    """The data set `fy` is built from: `year_sources`, loaded as verify will load the archived copy.

    Built from exactly the files the archive keeps, the year rebuilds byte for byte from its copy.
    Should those files not stand alone (a data set this rule does not foresee), the whole data is used."""
    kept = year_sources(ds, fy)
    if len(kept) == len(ds.sources):
        return ds
    with tempfile.TemporaryDirectory(prefix="reportgen-year-") as tmp:
        for src in kept:
            write_file(Path(tmp) / src.relpath, src.content)
        try:
            sub = load(tmp)
        except DataError:
            return ds
    return dataclasses.replace(sub, root=ds.root, warnings=())


def write_snapshot(ds: Dataset, dest: Path, write: Callable[[Path, bytes], None] | None = None) -> None:
    """The data the year was built from, kept beside it so the year can be rebuilt later."""
    for src in ds.sources:
        (write or write_file)(inside(dest, f"data/{Path(src.relpath).as_posix()}"), src.content)


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
        (write or write_file)(inside(dest, entry["path"]), content)
        result.templates.append(entry)


def template_set(templates: TemplateSet | Path | None) -> TemplateSet:
    """A template set as given: a set, a folder's files, or (None) the shipped templates."""
    if isinstance(templates, TemplateSet):
        return templates
    return templateset.folder_set(templates) if templates is not None else templateset.for_data(None)


def build_year(ds: Dataset, fy: FiscalYear, dest: Path, progress: Callable[[str], None] | None = None,
               templates: TemplateSet | Path | None = None, stamp: datetime | None = None) -> YearBuild:
    """Render every document of `fy` into `dest` (an empty folder) with the data and templates,
    stamped `stamp` (verify gives the manifest's; else the year's own, stamp_for)."""
    year = year_settings(fy, ds.city.fy2019, template_set(templates))
    if stamp is not None:
        year = dataclasses.replace(year, stamp=stamp)
    tset = year.templates
    result = YearBuild(year.fy, year.folder)
    jobs = planned([f.path for f in tset.files], lambda: outputs_for(ds, year))
    # the templates checked as a build checks them (an archive's may come from elsewhere): what
    # the sandbox would refuse is named at its place before anything renders
    needed = {templateset.needed(job.kind, job.layout) for job in jobs}
    require_templates([f.path for f in tset.only(needed).files], jobs)
    for job in jobs:
        if progress:
            progress(f"{result.folder}/{job.filename}")
        write_document(dest, result, job, render(job, year, ds.city.name))
    write_snapshot(ds, dest)
    write_templates(result, tset, {f for job in jobs for f in templateset.needed_files(job.kind, job.layout)}, dest)
    return result
