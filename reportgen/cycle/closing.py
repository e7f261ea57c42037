"""`close YEAR`: the year's archive built and verified, then the year marked closed (else it stays open)."""
from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.archive.build import build, read_manifest, same_record
from reportgen.archive.manifest import KEPT, MANIFEST, sha256
from reportgen.archive.verification import verify
from reportgen.cycle.status import DONE, LABELS, form_status
from reportgen.deliverables import present_years
from reportgen.model import cycle_state as st
from reportgen.model.loader import load
from reportgen.model.lock import Waiting, data_lock, quietly
from reportgen.rules import era
from reportgen.rules.commands import command
from reportgen.rules.era import FiscalYear
from reportgen.rules.problems import Failure, Msg, UsageError


class CloseFailed(Failure):
    """The build or its verification failed: the year stays open (exit status 1)."""



def finding_lines(failed) -> list[Msg]:
    """Each failed verify finding as one indented line under the step's own headline."""
    return [Msg(ja=f"  {f.folder}/{f.path}: {f.message.ja}", en=f"  {f.folder}/{f.path}: {f.message.en}") for f in failed]


@dataclass
class CloseResult:
    fy: FiscalYear
    folder: Path
    files: int
    closed: str
    missing: list[str] = field(default_factory=list)
    kept: bool = False          # the year's folder was already what the data builds: left as it was
    opened: bool = True         # False: a year that predates the cycle, closed as a record
    dry_run: bool = False


def _open_year(data: Path, fy: FiscalYear) -> st.CycleYear | None:
    """The year's record if it was opened; None for a year that predates the cycle (it can be closed too)."""
    cycle = st.load(data)
    y = cycle.year(fy)
    where = st.display(st.path(data))
    if y is None:
        # a year before the cycle's first (or any, when none was opened) that the data dates: a record to close
        first = min((y.fy.year for y in cycle.years.values() if y.opened), default=None)
        if fy.year in {p.year for p in present_years(load(data))} and (first is None or fy.year < first):
            return None
        raise UsageError(Msg(ja=f"close {fy}: {era.long(fy, fy2019=era.NATIONAL)} は開かれていません（{where} に記録がありません）。何も変更していません",
                             en=f"close {fy}: {fy} was never opened (not in {where}). Nothing was changed"))
    if y.state == st.CLOSED:
        raise UsageError(Msg(ja=f"close {fy}: {era.long(fy, fy2019=era.NATIONAL)} は {y.closed} に締め切られています（{where}）。何も変更していません",
                             en=f"close {fy}: {fy} was closed on {y.closed} ({where}). Nothing was changed"))
    return y


def close_year(data: Path, out: Path, fy: FiscalYear, *, allow_missing: bool = False, pdf: bool = False,
               dry_run: bool = False, waiting: Waiting = quietly) -> CloseResult:
    """Close `fy`: every form in (or `allow_missing`), its archive built into `out` and verified, then
    marked closed in data/cycle.yaml with its manifest's SHA-256 as the anchor verify compares with.
    A failure anywhere leaves the year open and unmarked. A year never opened (one that predates the
    cycle) is closed the same way, as a record. `dry_run` builds and verifies in a temporary folder
    and says what the run would say, writing nothing."""

    data, out = Path(data), Path(out)
    with data_lock(data, waiting):
        y = _open_year(data, fy)
        missing = [f for f in y.forms if form_status(f) != DONE] if y else []
        if missing and not allow_missing:
            names = "\n".join(f"  {f.department}: {f.file}: {LABELS[form_status(f)].ja}" for f in missing)
            names_en = "\n".join(f"  {f.department}: {f.file}: {LABELS[form_status(f)].en}" for f in missing)
            raise UsageError(Msg(
                ja=f"close {fy}: 提出・反映されていない様式が {len(missing)} 件あります（{command('status', era.short(fy, fy2019=era.NATIONAL))}）:\n"
                   f"{names}\n未提出のまま締め切るには --allow-missing を指定してください。何も変更していません",
                en=f"close {fy}: {len(missing)} form(s) not returned and applied ({command('status', era.short(fy, fy2019=era.NATIONAL))}):\n"
                   f"{names_en}\nTo close anyway, add --allow-missing. Nothing was changed"))
    if dry_run:
        return _close_dry(data, out, fy, y, pdf, missing, waiting)
    result = build(data, out, [fy], pdf=pdf, waiting=waiting)  # takes data/.lock itself; a failure leaves out/ as it was
    yb = result.years[0]
    folders, findings = verify(out / yb.folder)
    failed = [f for f in findings if f.failed]
    if failed:
        raise CloseFailed([Msg(ja=f"close {fy}: {out / yb.folder} の検証に失敗しました。年度は受付中のままです:",
                               en=f"close {fy}: verifying {out / yb.folder} failed; the year stays open:")]
                          + finding_lines(failed))
    with data_lock(data, waiting):
        y = _open_year(data, fy)
        if load(data).sha256 != result.dataset.sha256:
            raise CloseFailed([Msg(
                ja=f"close {fy}: アーカイブの作成中にデータが変更されました（collect など）。もう一度 close {fy} を実行してください。年度は受付中のままです",
                en=f"close {fy}: the data changed while the archive was built (a collect?); run close again. The year stays open")])
        cycle = st.load(data)
        y = cycle.year(fy)
        if y is None:  # a year that predates the cycle: closed as a record of what was published
            y = cycle.years[fy.year] = st.CycleYear(FiscalYear(fy.year), st.CLOSED, "", "", "")
        y.state, y.closed = st.CLOSED, st.now()
        y.closed_missing = [f"{f.department}: {f.file}（{LABELS[form_status(f)].ja}）" for f in y.forms if form_status(f) != DONE]
        manifest = (out / yb.folder / MANIFEST).read_bytes()
        y.editions = [{"edition": 1, "folder": yb.folder, "manifest_sha256": sha256(manifest), "date": y.closed}]
        st.save(data, cycle)
    return CloseResult(fy, out / yb.folder, len(json.loads(manifest)["files"]), y.closed, y.closed_missing,
                       kept=yb.outcome == KEPT, opened=bool(y.opened))


def _close_dry(data: Path, out: Path, fy: FiscalYear, y: st.CycleYear | None, pdf: bool, missing,
               waiting: Waiting) -> CloseResult:
    """What close would do: the year built and verified in a temporary folder; `out` and data/ untouched."""
    with tempfile.TemporaryDirectory(prefix="reportgen-close-") as tmp:
        result = build(data, Path(tmp), [fy], waiting=waiting)
        yb = result.years[0]
        failed = [f for f in verify(Path(tmp) / yb.folder)[1] if f.failed]
        if failed:
            raise CloseFailed([Msg(ja=f"close {fy}: {out / yb.folder} の検証に失敗します。年度は受付中のままです:",
                                   en=f"close {fy}: verifying {out / yb.folder} would fail; the year stays open:")]
                              + [Msg(ja=f"  {f.path}: {f.message.ja}", en=f"  {f.path}: {f.message.en}") for f in failed])
        new = read_manifest(Path(tmp) / yb.folder)
    earlier = read_manifest(out / yb.folder)
    had_pdfs = earlier is not None and any(not f.get("reproducible", True) for f in earlier.get("files", []))
    kept = earlier is not None and same_record(earlier, new) and (not pdf or had_pdfs)
    files = len(earlier["files"]) if kept else len(new["files"]) + (
        sum(f["publish"] for f in new["files"]) if pdf or had_pdfs else 0)
    return CloseResult(fy, out / yb.folder, files, st.now(),
                       [f"{f.department}: {f.file}（{LABELS[form_status(f)].ja}）" for f in missing],
                       kept=kept, opened=y is not None, dry_run=True)
