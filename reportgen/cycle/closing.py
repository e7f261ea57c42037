"""`close YEAR`: the year's archive built and verified, then the year marked closed (else it stays open)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reportgen.archive.build import build
from reportgen.archive.verification import verify
from reportgen.cycle.status import DONE, LABELS, form_status
from reportgen.model import cycle_state as st
from reportgen.model.loader import load
from reportgen.model.lock import data_lock
from reportgen.rules import era
from reportgen.rules.commands import command
from reportgen.rules.era import FiscalYear
from reportgen.rules.problems import Failure, Msg, UsageError


class CloseFailed(Failure):
    """The build or its verification failed: the year stays open (exit status 1)."""


@dataclass
class CloseResult:
    fy: FiscalYear
    folder: Path
    files: int
    closed: str
    missing: list[str] = field(default_factory=list)


def _open_year(data: Path, fy: FiscalYear) -> st.CycleYear:
    y = st.load(data).year(fy)
    where = st.display(st.path(data))
    if y is None:
        raise UsageError(Msg(ja=f"close {era.short(fy)}: {era.long(fy)} は開かれていません（{where} に記録がありません）。何も変更していません",
                             en=f"close {era.short(fy)}: {era.short(fy)} was never opened (not in {where}). Nothing was changed"))
    if y.state == st.CLOSED:
        raise UsageError(Msg(ja=f"close {era.short(fy)}: {era.long(fy)} は {y.closed} に締め切られています（{where}）。何も変更していません",
                             en=f"close {era.short(fy)}: {era.short(fy)} was closed on {y.closed} ({where}). Nothing was changed"))
    return y


def close_year(data: Path, out: Path, fy: FiscalYear, *, allow_missing: bool = False, pdf: bool = False) -> CloseResult:
    """Close `fy`: every form in (or `allow_missing`), its archive built into `out` and verified, then
    marked closed in data/cycle.yaml. A failure anywhere leaves the year open and unmarked."""

    data, out = Path(data), Path(out)
    with data_lock(data):
        y = _open_year(data, fy)
        missing = [f for f in y.forms if form_status(f) != DONE]
        if missing and not allow_missing:
            names = "\n".join(f"  {f.department}: {f.file}: {LABELS[form_status(f)].ja}" for f in missing)
            names_en = "\n".join(f"  {f.department}: {f.file}: {LABELS[form_status(f)].en}" for f in missing)
            raise UsageError(Msg(
                ja=f"close {era.short(fy)}: 提出・反映されていない様式が {len(missing)} 件あります（{command('status', era.short(fy))}）:\n"
                   f"{names}\n未提出のまま締め切るには --allow-missing を指定してください。何も変更していません",
                en=f"close {era.short(fy)}: {len(missing)} form(s) not returned and applied ({command('status', era.short(fy))}):\n"
                   f"{names_en}\nTo close anyway, add --allow-missing. Nothing was changed"))
    result = build(data, out, [fy], pdf=pdf)  # takes data/.lock itself; a failure leaves out/ as it was
    yb = result.years[0]
    folders, findings = verify(out / yb.folder)
    failed = [f for f in findings if f.failed]
    if failed:
        raise CloseFailed([Msg(ja=f"close {era.short(fy)}: {out / yb.folder} の検証に失敗しました。年度は受付中のままです:",
                               en=f"close {era.short(fy)}: verifying {out / yb.folder} failed; the year stays open:")]
                          + [Msg(ja=f"  {f.folder}/{f.path}: {f.message.ja}", en=f"  {f.folder}/{f.path}: {f.message.en}")
                             for f in failed])
    with data_lock(data):
        y = _open_year(data, fy)
        if load(data).sha256 != result.dataset.sha256:
            raise CloseFailed([Msg(
                ja=f"close {era.short(fy)}: アーカイブの作成中にデータが変更されました（collect など）。もう一度 close {era.short(fy)} を実行してください。年度は受付中のままです",
                en=f"close {era.short(fy)}: the data changed while the archive was built (a collect?); run close again. The year stays open")])
        cycle = st.load(data)
        y = cycle.year(fy)
        y.state, y.closed = st.CLOSED, st.now()
        y.closed_missing = [f"{f.department}: {f.file}（{LABELS[form_status(f)].ja}）" for f in y.forms if form_status(f) != DONE]
        st.save(data, cycle)
    return CloseResult(fy, out / yb.folder, len(yb.files), y.closed, y.closed_missing)
