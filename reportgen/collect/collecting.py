"""The collect step: a batch of returned forms, each recognised, judged by its kind, merged and accepted or refused on its own."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reportgen.collect import record
from reportgen.collect.merge import Overlay
from reportgen.collect.read import read_form
from reportgen.collect.report import CollectResult, FormProblem, FormReport, _closed, _refuse, _Row, _structure
from reportgen.collect.sheet import FormRefused
from reportgen.collect.writeback import texts_with, validate
from reportgen.forms.identity import dataset_id
from reportgen.forms.kind import Kinds
from reportgen.model import cycle_state
from reportgen.model.datastore import write_atomically
from reportgen.model.loader import Dataset, StrategyData, load
from reportgen.model.lock import Waiting, data_lock, quietly
from reportgen.rules import era
from reportgen.rules.era import FiscalYear
from reportgen.rules.problems import DataError, Msg


def collecting_years(ds: Dataset, kinds: Kinds, opened: list[FiscalYear] = (),
                     sent: dict[str, FiscalYear] | None = None) -> dict[str, FiscalYear]:
    """The year being collected, for each kind of form: the kind's own default (the latest year opened
    with `open` that issues such forms, else the latest year the data issues them for). `sent`: the
    kinds `open` sent for an open year, each that year, whatever came in before (a department's
    year-end values move the registry's own year on, not the open one); a kind whose year is its
    list's keeps its list's."""

    out = {}
    for kind in kinds.all:
        fy = kind.collecting_year(ds, opened)
        if fy is not None:
            out[kind.key] = fy
    out.update({key: fy for key, fy in (sent or {}).items() if kinds.get(key) is None or not kinds.get(key).listed})
    return out


def sent_kinds(cycle: cycle_state.Cycle) -> dict[str, FiscalYear]:
    """Each kind of form `open` sent for a year still open: that year (the latest, if two are open)."""
    out: dict[str, FiscalYear] = {}
    for y in sorted(cycle.years.values(), key=lambda y: y.fy):
        if y.state == cycle_state.OPEN:
            out.update({f.kind: y.fy for f in y.forms})
    return out


def collect(data: Path, files: list[Path], kinds: Kinds, *, years: list[FiscalYear] | None = None, force: bool = False,
            dry_run: bool = False, reopen: list[FiscalYear] = (), waiting: Waiting = quietly) -> CollectResult:
    """Every form judged on its own; the valid ones written to data/ in one atomic step at the end.

    `years`: the fiscal years whose forms are taken (default: the year being collected, per kind).
    A form of a year closed with `close` is refused unless `reopen` names that year. What became
    of each form sent by `open` is recorded in the cycle's state (not with dry_run). `kinds`: the
    form kinds collect recognises (reportgen.formkinds.kinds()), each judging and writing its own.
    Takes the lock `build` takes, so the two never interleave.
    """

    with data_lock(data, waiting):  # which finishes what a killed writer left (datastore.recover_data)
        ds = load(data)
        cycle = cycle_state.load(data)
        wanted = collecting_years(ds, kinds, cycle.open_years(), sent_kinds(cycle))
        closed = {y.fy: y for y in cycle.years.values() if y.state == cycle_state.CLOSED}
        overlay = Overlay(ds, force=force)
        reports: list[FormReport] = []
        texts: dict[str, str] = {}
        for path in files:
            try:
                report = examine(ds, Path(path), kinds, overlay, wanted, years, closed, list(reopen), cycle)
            except (MemoryError, RecursionError):  # one form never takes the batch down
                report = FormReport(Path(path), refused=Msg(
                    ja="様式が大きすぎるか複雑すぎて判定できません（メモリか入れ子の上限を超えました）",
                    en="the form is too large or too deeply nested to judge (memory or nesting ran out)"))
            reports.append(report)
            if report.accepted and report.applied:
                try:
                    new = texts_with(data, report.applied, kinds, texts)
                    validate(data, new)
                except DataError as exc:  # a value the cell rules let through but the data's rules refuse
                    report.problems.extend(FormProblem("", "", p.path, p.message) for p in exc.problems)
                    report.applied, report.conflicts = [], []
                    continue
                texts = new
                overlay.accept(report.applied)
        contradictions(ds, reports, overlay)
        current = {rel: (data / rel).read_text(encoding="utf-8") for rel in texts}
        changed = {rel: t for rel, t in texts.items() if t != current[rel]}
        state_text = record.outcomes(cycle, reports, kinds)  # with dry_run: what would be recorded, not saved
        if dry_run:
            pass
        elif changed:  # the data and the record of the forms in one atomic step
            write_atomically(data, {**changed, **({cycle_state.FILE: state_text} if state_text else {})})
        elif state_text:
            cycle_state.save(data, cycle)
    return CollectResult(reports, sorted(changed), dry_run, wanted, bool(state_text))  # dry_run: `changed` would be written


def contradictions(ds: Dataset, reports: list[FormReport], overlay: Overlay) -> None:
    """Forms that disagree, in this batch or with what earlier batches wrote: a year's value taken for a
    KPI the registry ends by that year (its documents leave the KPI out). Each is noted, by name, on
    the form whose value goes unprinted and on the registry that ends the KPI."""
    ending: dict[str, tuple[FiscalYear, FormReport | None]] = {}
    for sd in ds.strategies:
        for k in sd.measures.kpis:
            if k.ended is not None:
                ending[f"{sd.strategy.id}/{k.id}"] = (k.ended, None)
    # a registry's changes end KPIs, a KPI form's take actuals: each found by its changes, whatever the form
    for r in (r for r in reports if r.accepted):
        for c in r.applied:
            if c.target[:2] == ("registry", "kpi") and c.target[3] == "ended" and c.new:
                try:
                    ending[f"{r.strategy}/{c.target[2]}"] = (era.parse_fy(c.new), r)
                except ValueError:
                    continue
    for r in reports:
        if not r.accepted:
            continue
        sd = _strategy(ds, r.strategy)
        for c in r.applied:
            if c.target[0] != "measure" or c.target[2] != "actual" or sd is None:
                continue
            meas, _sub = overlay.measure(sd, c.target[1])
            end = ending.get(f"{sd.strategy.id}/{getattr(meas, 'id', None)}")
            if meas is None or end is None or end[0] > c.target[3]:
                continue
            ended, by = end
            source = str(by.path) if by is not None else f"data/strategies/{sd.strategy.id}/kpis.yaml"
            r.notes.append(Msg(
                ja=f"矛盾: {c.label} の{era.long(c.target[3], fy2019=era.NATIONAL)}の値（{c.new}）を取り込みましたが、{source} では "
                   f"{meas.id} は{era.long(ended, fy2019=era.NATIONAL)}から廃止です（この年度の文書には載りません）",
                en=f"contradiction: {c.label}'s value for {era.short(c.target[3], fy2019=era.NATIONAL)} ({c.new}) was taken, but {source} ends "
                   f"{meas.id} from {era.short(ended, fy2019=era.NATIONAL)} (that year's documents leave it out)"))
            if by is not None:
                by.notes.append(Msg(
                    ja=f"矛盾: {meas.id} を{era.long(ended, fy2019=era.NATIONAL)}から廃止しましたが、{r.path}（{r.department}）が"
                       f"{era.long(c.target[3], fy2019=era.NATIONAL)}の値（{c.new}）を提出しています",
                    en=f"contradiction: {meas.id} ended from {era.short(ended, fy2019=era.NATIONAL)}, but {r.path} ({r.department}) gives its "
                       f"{era.short(c.target[3], fy2019=era.NATIONAL)} value ({c.new})"))


# ---------------------------------------------------------------------------- one form


def _strategy(ds: Dataset, sid: str) -> StrategyData | None:
    return next((s for s in ds.strategies if s.strategy.id == sid), None)


@dataclass
class Examination:
    """One returned form being judged, and what every kind's judging needs (reportgen.forms.kind.FormKind.examine)."""

    ds: Dataset
    form: object                         # ReturnedForm, or the kind's own (the registry's RegistryForm)
    report: FormReport
    current: Overlay                     # data plus the forms accepted earlier in the batch
    wanted: dict[str, FiscalYear]        # the year being collected, per kind
    years: list[FiscalYear] | None       # --year, where given
    closed: dict                         # fiscal year → CycleYear closed with `close`
    reopen: list[FiscalYear]
    cycle: cycle_state.Cycle | None
    listed: bool = False                 # the kind's year is its list's (FormKind.listed)


def examine(ds: Dataset, path: Path, kinds: Kinds, current: Overlay, wanted: dict[str, FiscalYear],
            years: list[FiscalYear] | None = None, closed: dict | None = None,
            reopen: list[FiscalYear] = (), cycle: cycle_state.Cycle | None = None) -> FormReport:
    """Read one form and decide, value by value, what it changes (against `current`: data plus earlier forms)."""
    report = FormReport(path)
    try:
        form = read_form(path, kinds)
    except FormRefused as exc:
        report.refused = exc.message
        return report
    report.sha256 = form.sha256
    ident = form.identity
    report.kind, report.department, report.build = form.kind, str(ident.get("department", "")), str(ident.get("build", ""))
    report.strategy = str(ident.get("strategy", ""))
    try:
        report.year = era.parse_fy(str(ident.get("year")))
    except ValueError:
        return _refuse(report, "様式の年度が読めません", "the form's fiscal year is not readable")
    if ident.get("city") != ds.city.name:
        return _refuse(report, f"{ident.get('city')} の様式です（このデータは {ds.city.name} のものです）",
                       f"a form of {ident.get('city')} (this data is {ds.city.name}'s)")
    if ident.get("dataset") != dataset_id(ds):
        return _refuse(report, f"別のデータセットから作成された様式です（作成したビルド {report.build}）",
                       f"a form issued from another data set's build (build {report.build})")
    kind = kinds.get(form.kind)  # read_form refuses a kind no module declares
    return kind.examine(Examination(ds, form, report, current, wanted, years, closed or {}, list(reopen), cycle, kind.listed))


def strategy_form(x: Examination, year_refused: Callable[[StrategyData, FiscalYear], tuple[str, str] | None]) -> StrategyData | None:
    """The checks a strategy's form passes before its rows are judged: its strategy, its year (the kind's
    `year_refused`: (ja, en) where the strategy has no such form that year), not closed, the year being
    collected. The strategy, or None with the form refused; the department's earlier returns noted."""
    report, ident = x.report, x.form.identity
    sd = _strategy(x.ds, str(ident.get("strategy")))
    year = report.year
    if sd is None:
        _refuse(report, "この様式の戦略がデータにありません", "the form's strategy is not in the data")
        return None
    refused = year_refused(sd, year)
    if refused is not None:
        _refuse(report, *refused)
        return None
    if year in x.closed and year not in x.reopen:
        _closed(report, x.closed[year])
        return None
    if x.years is not None and year not in x.years and year not in x.reopen:
        named = "、".join(era.long(y, fy2019=era.NATIONAL) for y in x.years)
        _refuse(report, f"{era.long(year, fy2019=era.NATIONAL)} の様式です。指定された年度（{named}）の様式ではありません（別の年度の様式です）",
                f"a form for {era.long(year, fy2019=era.NATIONAL)}, not for the year(s) named ({', '.join(era.short(y, fy2019=era.NATIONAL) for y in x.years)}) (a form of another year)")
        return None
    if x.years is None and x.wanted.get(x.form.kind) != year and year not in x.reopen:
        now = era.long(x.wanted[x.form.kind], fy2019=era.NATIONAL) if x.form.kind in x.wanted else "（なし）"
        _refuse(report, f"{era.long(year, fy2019=era.NATIONAL)} の様式です。いま取り込む年度は {now} です（別の年度の様式です。"
                        f"この年度を取り込むには --year {era.short(year, fy2019=era.NATIONAL)} を指定してください）",
                f"a form for {era.long(year, fy2019=era.NATIONAL)}, but the year being collected is {now} (a form of another year; "
                f"name it with --year {era.short(year, fy2019=era.NATIONAL)} to collect it)")
        return None
    if x.cycle is not None:  # a department's own earlier return of this form: its values may be corrected
        report.earlier = record.earlier_values(x.cycle, report, x.listed)
    return sd


def department_rows(x: Examination, sd: StrategyData, judge_row: Callable[[_Row], None]) -> FormReport:
    """A department form's rows, each judged by its kind's `judge_row`; every problem at once."""
    report, form = x.report, x.form
    if report.department not in {d.form_department for d in x.ds.departments.values()}:
        return _refuse(report, f"様式の部署「{report.department}」はデータにありません",
                       f"the form's department {report.department!r} is not in the data")
    report.recognised = True
    _structure(form, report)
    for row in form.identity["rows"]:  # every problem at once: the cells of the rows that are there are judged too
        if len(form.row_numbers.get(row["key"], [])) != 1:
            continue
        judge_row(_Row(x.ds, sd, report.year, report.department, row["key"], row["base"], form.rows[row["key"]], form,
                       report, x.current))
    if report.problems:
        report.applied, report.conflicts, report.unchanged = [], [], 0
    return report
