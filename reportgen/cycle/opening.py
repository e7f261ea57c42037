"""`open YEAR`: a fiscal year opened for collection; its forms written to out/sent/<year>/ and recorded."""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.archive.manifest import folder_name, sha256
from reportgen.cycle import links
from reportgen.cycle import sources as form_sources
from reportgen.cycle.pledges import open_pledge_list
from reportgen.formkinds import catalogue
from reportgen.forms.identity import build_id
from reportgen.model import cycle_state as st
from reportgen.model.loader import load
from reportgen.model.lock import (Waiting, confined, data_lock, fsync_path, inside, lock, open_to_colleagues, quietly,
    symlink_refused, write_synced)
from reportgen.render.dispatch import render
from reportgen.rules import era
from reportgen.rules.commands import command
from reportgen.rules.era import FiscalYear, YearMonth
from reportgen.rules.problems import Msg, UsageError
from reportgen.templating import templateset
from reportgen.templating.year import year_settings

SENT = "sent"  # out/sent/<2025_R7>/: the forms a year sent, as written by open


@dataclass
class PlannedForm:
    file: str
    department: str
    kind: str
    strategy: str
    sha256: str
    size: int


@dataclass
class OpenResult:
    """What `open` wrote and recorded (or, with dry_run, would write and record)."""

    fy: FiscalYear
    folder: Path
    build: str
    forms: list[PlannedForm] = field(default_factory=list)
    pledges: str = ""
    pledge_file: Path | None = None
    dry_run: bool = False
    kinds: dict[str, int] = field(default_factory=dict)


def sent_folder(out: Path, fy: FiscalYear) -> Path:
    return Path(out) / SENT / folder_name(fy, fy2019=era.NATIONAL)  # as it always was: not city.yaml's choice


def _where(data: Path) -> str:
    return st.display(st.path(data))


def check_openable(ds, cycle: st.Cycle, fy: FiscalYear, data: Path) -> None:
    """Refuse a year outside every strategy period, a closed year, a year already open."""
    label = f"{era.long(fy, fy2019=era.NATIONAL)}（{fy}）"
    if ds.strategy_for(fy) is None:
        periods = "、".join(f"{sd.strategy.edition}{sd.strategy.name}: {era.span_long(sd.strategy.period.from_, sd.strategy.period.to, fy2019=era.NATIONAL)}"
                           for sd in ds.strategies) or "（なし）"
        raise UsageError(Msg(
            ja=f"open {fy}: {label}はどの総合戦略の期間にも入っていません（data/strategies/*/strategy.yaml の period: {periods}）。何も変更していません",
            en=f"open {fy}: {fy} lies outside every strategy period (period in data/strategies/*/strategy.yaml). Nothing was changed"))
    y = cycle.year(fy)
    if y is not None and y.state == st.CLOSED:
        raise UsageError(Msg(
            ja=f"open {fy}: {label}は {y.closed} に締め切られています（{_where(data)}: {fy}: state: closed）。"
               "締め切った年度は開けません。遅れて届いた様式は collect --reopen で取り込めます。何も変更していません",
            en=f"open {fy}: {fy} was closed on {y.closed} ({_where(data)}). A closed year cannot be opened "
               "again; take a late form with collect --reopen. Nothing was changed"))
    if y is not None and y.state == st.OPEN:
        raise UsageError(Msg(
            ja=f"open {fy}: {label}は {y.opened} から受付中です（{_where(data)}: {fy}: state: open）。"
               f"送付した様式は {y.folder} にあります。提出状況は {command('status', era.short(fy, fy2019=era.NATIONAL))} で確認できます。何も変更していません",
            en=f"open {fy}: {fy} is already open since {y.opened} ({_where(data)}); its forms are in "
               f"{y.folder}; see {command('status', era.short(fy, fy2019=era.NATIONAL))}. Nothing was changed"))


_MONTH = re.compile(r"(\d{4})-(\d{2})")


def check_pledge_month(ds, text: str) -> YearMonth:
    """--pledges YYYY-MM: a month after the data's last pledge list."""
    m = _MONTH.fullmatch(text or "")
    month = None
    if m and 1 <= int(m.group(2)) <= 12:
        try:
            month = YearMonth(int(m.group(1)), int(m.group(2)))
        except ValueError:
            month = None
    if month is None:
        raise UsageError(Msg(
            ja=f"--pledges: 年月（例: 2025-03）が必要です。書かれていた値: {text!r}。何も変更していません",
            en=f"--pledges: expected a month such as 2025-03, got {text!r}. Nothing was changed"))
    if ds.pledge_lists:
        last = ds.pledge_lists[-1].as_of
        if (month.year, month.month) <= (last.year, last.month):
            raise UsageError(Msg(
                ja=f"--pledges {text}: 最新の公約一覧 data/pledges/{last}.yaml（{era.month_end(last)}現在）より後の月が必要です。"
                   f"書かれていた値: {text}。何も変更していません",
                en=f"--pledges {text}: expected a month after the latest pledge list data/pledges/{last}.yaml, got {text}. "
                   "Nothing was changed"))
    return month


def _pledge_opener():
    """The function that starts a pledge list carried over from the last one (reportgen.cycle.pledges)."""

    return open_pledge_list


def _render(ds, fy: FiscalYear, data: Path, sources, pledges: YearMonth | None = None) -> list[tuple]:
    """Every form of `fy` from the sources, rendered as a build renders them: (job, bytes)."""

    year = year_settings(fy, ds.city.fy2019, templateset.for_data(data))
    jobs = form_sources.forms_for(ds, year, sources, pledges)
    sheets = {kind.layout: kind.sheet for kind in catalogue()}  # a kind's own sheet, where render has none
    rendered = [(job, render(job, year, ds.city.name, sheets)) for job in jobs]
    return [(job, content, sha256(content)) for job, content in rendered]


def open_year(data: Path, out: Path, fy: FiscalYear, *, pledges: str | None = None, dry_run: bool = False,
              sources=None, waiting: Waiting = quietly) -> OpenResult:
    """Open `fy`: write its forms to out/sent/<year>/ (all or nothing) and record them in data/cycle.yaml.

    With `pledges` (YYYY-MM), first start the pledge list of that month (carried over from the last).
    Every check comes before anything is written; a refusal changes nothing."""

    data, out = Path(data), Path(out)
    with data_lock(data, waiting):
        ds, cycle = load(data), st.load(data)
        check_openable(ds, cycle, fy, data)
        month = check_pledge_month(ds, pledges) if pledges is not None else None
        target = sent_folder(out, fy)
        for owned in (target.parent, target):  # out/sent and its year: reportgen's names, never followed
            if owned.is_symlink():
                raise symlink_refused(owned)
        if target.exists():
            raise UsageError(Msg(
                ja=f"open {fy}: {target} が既にあります（{_where(data)} に記録のないフォルダです）。"
                   "別の場所へ移してから開いてください。何も変更していません",
                en=f"open {fy}: {target} already exists and is not recorded in {_where(data)}; move it away first. "
                   "Nothing was changed"))
        opener = _pledge_opener() if month is not None else None
        if month is None:
            return _open_locked(ds, cycle, data, out, fy, target, month, dry_run, sources, None, build_id, waiting)
        if dry_run:  # the list the run would start, in a scratch copy of data/: the same forms and build id
            with tempfile.TemporaryDirectory(prefix="reportgen-open-") as tmp:
                copy = Path(tmp) / "data"
                shutil.copytree(data, copy, ignore=shutil.ignore_patterns(".*"))
                created = Path(opener(copy, str(month)))
                result = _open_locked(load(copy), cycle, data, out, fy, target, month, True, sources, created, build_id, waiting)
            result.pledge_file = data / created.relative_to(copy)
            return result
    # the pledge list is started outside the lock: its writer takes data/.lock itself
    created = opener(data, str(month))
    try:
        with data_lock(data, waiting):
            ds, cycle = load(data), st.load(data)
            check_openable(ds, cycle, fy, data)
            return _open_locked(ds, cycle, data, out, fy, target, month, False, sources, Path(created), build_id, waiting)
    except BaseException:
        Path(created).unlink(missing_ok=True)  # nothing half-done: the new list goes with the failed open
        raise


def _open_locked(ds, cycle, data, out, fy, target, month, dry_run, sources, created, build_id, waiting: Waiting) -> OpenResult:
    rendered = _render(ds, fy, data, sources, month if created is not None else None)
    result = OpenResult(fy, target, build_id(ds), pledges=str(month) if month else "", pledge_file=created, dry_run=dry_run)
    names = set()
    for job, content, digest in rendered:
        kind, department, strategy = form_sources.describe(job)
        department = department or ds.city.planning_office  # the office's own registry workbook
        name = form_sources.sent_name(job)
        if name in names:
            raise UsageError(Msg(ja=f"open {fy}: 様式のファイル名が重複しています: {name}",
                                 en=f"open {fy}: two forms share the file name {name}"))
        names.add(name)
        result.forms.append(PlannedForm(name, department, kind, strategy, digest, len(content)))
        result.kinds[kind] = result.kinds.get(kind, 0) + 1
    if not rendered:
        raise UsageError(Msg(
            ja=f"open {fy}: {era.long(fy, fy2019=era.NATIONAL)} に送付する様式がありません（担当課の書かれた指標・事業がありません）。何も変更していません",
            en=f"open {fy}: there is no form to send for {fy} (no measure or project names a department). "
               "Nothing was changed"))
    confined(target, [f.file for f in result.forms])  # each form's name inside the year's folder, before anything is written
    if dry_run:
        return result
    Path(out).mkdir(parents=True, exist_ok=True)
    with lock(Path(out), waiting):  # the lock a build takes on out/
        target.parent.mkdir(parents=True, exist_ok=True)
        for stale in target.parent.glob(".staging-*"):  # what a killed open left (a link: removed, not followed)
            if stale.is_symlink() or not stale.is_dir():
                stale.unlink()
            else:
                shutil.rmtree(stale, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(prefix=f".staging-{target.name}-", dir=target.parent))
        try:
            for job, content, _ in rendered:
                write_synced(inside(staging, form_sources.sent_name(job)), content)
            open_to_colleagues(staging)  # mkdtemp made it 0700: the forms are for colleagues to take
            fsync_path(staging)
            os.rename(staging, target)  # all forms appear at once
            fsync_path(target.parent)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    date = st.now()
    cycle.years[fy.year] = st.CycleYear(
        fy, st.OPEN, date, result.build, str(target),
        [st.SentForm(f.file, f.department, f.kind, f.strategy, f.sha256, date) for f in result.forms],
        pledges=result.pledges)
    links.issue_year(links.key(data), cycle.years[fy.year])  # each department's inbox link (only its hash is recorded)
    try:
        st.save(data, cycle)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return result
