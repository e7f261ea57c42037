"""Collecting a batch of returned forms: each form recognised, checked, merged and accepted or refused on its own."""
from __future__ import annotations

from pathlib import Path

from reportgen.collect import cells, kpi_ratings, record
from reportgen.collect.merge import Change, Overlay
from reportgen.collect.pledge_form_rows import examine_pledge
from reportgen.collect.read import read_form
from reportgen.collect.registry_collect import examine as examine_registry
from reportgen.collect.report import (CollectResult, FormProblem, FormReport, _another_department, _closed, _refuse,
    _Row, _structure)
from reportgen.collect.sheet import FormRefused
from reportgen.collect.writeback import texts_with, validate
from reportgen.deliverables import evaluation_table, kpi_trend
from reportgen.deliverables.registry_form import registry_year
from reportgen.forms import layout
from reportgen.forms.identity import dataset_id, digest
from reportgen.forms.registry_layout import REGISTRY
from reportgen.model import cycle_state
from reportgen.model.datastore import write_atomically
from reportgen.model.figures import figure_text
from reportgen.model.loader import Dataset, StrategyData, load
from reportgen.model.lock import Waiting, data_lock, quietly
from reportgen.rules import era, plausibility
from reportgen.rules.commands import command
from reportgen.rules.era import FiscalYear
from reportgen.rules.problems import DataError, Msg


def collecting_years(ds: Dataset, opened: list[FiscalYear] = (), sent: dict[str, FiscalYear] | None = None) -> dict[str, FiscalYear]:
    """The year being collected, for each kind of form: the latest year opened with `open` that
    issues such forms, else the latest year the data issues such forms for (the same years a build
    issues them for). `sent`: the kinds `open` sent for an open year, each that year, whatever came
    in before (a department's year-end values move the registry's own year on, not the open one)."""

    out = {}
    for kind, d in ((layout.EVALUATION, evaluation_table), (layout.KPI, kpi_trend)):
        years = [fy for fy in opened if d.applies(ds, fy)] or d.years(ds)
        if years:
            out[kind] = max(years)
    registry = registry_year(ds)
    if registry is not None:
        out[REGISTRY] = registry
    if ds.pledge_lists:  # pledge forms: the newest list's (pledge_form_rows checks the month)
        out[layout.PLEDGE] = ds.pledge_lists[-1].as_of.fiscal_year
    out.update({kind: fy for kind, fy in (sent or {}).items() if kind != layout.PLEDGE})  # a pledge form's year is its list's
    return out


def sent_kinds(cycle: cycle_state.Cycle) -> dict[str, FiscalYear]:
    """Each kind of form `open` sent for a year still open: that year (the latest, if two are open)."""
    out: dict[str, FiscalYear] = {}
    for y in sorted(cycle.years.values(), key=lambda y: y.fy):
        if y.state == cycle_state.OPEN:
            out.update({f.kind: y.fy for f in y.forms})
    return out


def collect(data: Path, files: list[Path], *, years: list[FiscalYear] | None = None, force: bool = False,
            dry_run: bool = False, reopen: list[FiscalYear] = (), waiting: Waiting = quietly) -> CollectResult:
    """Every form judged on its own; the valid ones written to data/ in one atomic step at the end.

    `years`: the fiscal years whose forms are taken (default: the year being collected, per kind).
    A form of a year closed with `close` is refused unless `reopen` names that year. What became
    of each form sent by `open` is recorded in the cycle's state (not with dry_run).
    Takes the lock `build` takes, so the two never interleave.
    """

    with data_lock(data, waiting):  # which finishes what a killed writer left (datastore.recover_data)
        ds = load(data)
        cycle = cycle_state.load(data)
        wanted = collecting_years(ds, cycle.open_years(), sent_kinds(cycle))
        closed = {y.fy: y for y in cycle.years.values() if y.state == cycle_state.CLOSED}
        overlay = Overlay(ds, force=force)
        reports: list[FormReport] = []
        texts: dict[str, str] = {}
        for path in files:
            try:
                report = examine(ds, Path(path), overlay, wanted, years, closed, list(reopen), cycle)
            except (MemoryError, RecursionError):  # one form never takes the batch down
                report = FormReport(Path(path), refused=Msg(
                    ja="様式が大きすぎるか複雑すぎて判定できません（メモリか入れ子の上限を超えました）",
                    en="the form is too large or too deeply nested to judge (memory or nesting ran out)"))
            reports.append(report)
            if report.accepted and report.applied:
                try:
                    new = texts_with(data, report.applied, texts)
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
        state_text = record.outcomes(cycle, reports)  # with dry_run: what would be recorded, not saved
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
    registries = [r for r in reports if r.accepted and r.kind == REGISTRY]
    for r in registries:
        for c in r.applied:
            if c.target[:2] == ("registry", "kpi") and c.target[3] == "ended" and c.new:
                try:
                    ending[f"{r.strategy}/{c.target[2]}"] = (era.parse_fy(c.new), r)
                except ValueError:
                    continue
    for r in reports:
        if not r.accepted or r.kind != layout.KPI:
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


def examine(ds: Dataset, path: Path, current: Overlay, wanted: dict[str, FiscalYear],
            years: list[FiscalYear] | None = None, closed: dict | None = None,
            reopen: list[FiscalYear] = (), cycle: cycle_state.Cycle | None = None) -> FormReport:
    """Read one form and decide, value by value, what it changes (against `current`: data plus earlier forms)."""
    report = FormReport(path)
    try:
        form = read_form(path)
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
    if form.kind == layout.PLEDGE:
        # a pledge list sent with a year (open R7 --pledges 2025-03) closes with that year
        shut = next((y for y in (closed or {}).values() if y.pledges == str(ident.get("month", ""))), None)
        if shut is not None and shut.fy not in reopen:
            return _closed(report, shut)

        examine_pledge(ds, form, report, current, years)
        report.recognised = report.refused is None  # its list, month and department are the data's: the cycle records it
        return report
    sd = _strategy(ds, str(ident.get("strategy")))
    year = report.year
    if sd is None:
        return _refuse(report, "この様式の戦略がデータにありません", "the form's strategy is not in the data")
    if form.kind == layout.EVALUATION and not any(r.id == year for r in sd.strategy.rounds):
        return _refuse(report, f"{era.long(year, fy2019=era.NATIONAL)} の評価回はデータにありません（別の年度の様式です）",
                       f"the data has no evaluation round {era.long(year, fy2019=era.NATIONAL)} (a form of another year)")
    if form.kind in (layout.KPI, REGISTRY) and not sd.strategy.covers(year):
        return _refuse(report, f"{era.long(year, fy2019=era.NATIONAL)} は戦略の期間外です（別の年度の様式です）",
                       f"{era.long(year, fy2019=era.NATIONAL)} lies outside the strategy (a form of another year)")
    if closed and year in closed and year not in reopen:
        return _closed(report, closed[year])
    if years is not None and year not in years and year not in reopen:
        named = "、".join(era.long(y, fy2019=era.NATIONAL) for y in years)
        return _refuse(report, f"{era.long(year, fy2019=era.NATIONAL)} の様式です。指定された年度（{named}）の様式ではありません（別の年度の様式です）",
                       f"a form for {era.long(year, fy2019=era.NATIONAL)}, not for the year(s) named ({', '.join(era.short(y, fy2019=era.NATIONAL) for y in years)}) (a form of another year)")
    if years is None and wanted.get(form.kind) != year and year not in reopen:
        now = era.long(wanted[form.kind], fy2019=era.NATIONAL) if form.kind in wanted else "（なし）"
        return _refuse(report, f"{era.long(year, fy2019=era.NATIONAL)} の様式です。いま取り込む年度は {now} です（別の年度の様式です。"
                               f"この年度を取り込むには {command('collect', '--year', era.short(year, fy2019=era.NATIONAL), path.as_posix())}）",
                       f"a form for {era.long(year, fy2019=era.NATIONAL)}, but the year being collected is {now} (a form of another year; "
                       f"to collect it: {command('collect', '--year', era.short(year, fy2019=era.NATIONAL), path.as_posix())})")
    if cycle is not None:  # a department's own earlier return of this form: its values may be corrected
        report.earlier = record.earlier_values(cycle, report)
    if form.kind == REGISTRY:  # the office's registry: its rows are judged by reportgen.collect.registry_collect

        report.recognised = True
        examine_registry(ds, sd, year, form, report, current)
        if report.problems:
            report.applied, report.conflicts, report.unchanged = [], [], 0
        return report
    if report.department not in {d.form_department for d in ds.departments.values()}:
        return _refuse(report, f"様式の部署「{report.department}」はデータにありません",
                       f"the form's department {report.department!r} is not in the data")
    report.recognised = True
    _structure(form, report, lambda key: _row_name(sd, year, key, current))
    for row in ident["rows"]:  # every problem at once: the cells of the rows that are there are judged too
        if len(form.row_numbers.get(row["key"], [])) != 1:
            continue
        r = _Row(ds, sd, year, report.department, row["key"], row["base"], form.rows[row["key"]], form, report, current)
        (_evaluation_row if form.kind == layout.EVALUATION else _kpi_row)(r)
    if report.problems:
        report.applied, report.conflicts, report.unchanged = [], [], 0
    return report


def _row_name(sd: StrategyData, year: FiscalYear, key: str, current: Overlay) -> str:
    """A form's row as its sheet shows it: the project's or the measure's name (the key if the data has neither)."""
    project = next((p for p in sd.projects.projects if p.id == key), None)
    if project is not None:
        return project.name_in(year)
    meas, sub = current.measure(sd, key)
    if meas is None:
        return key
    name = meas.as_of(year).name
    return name if sub is None else f"{name} {meas.sub_items[sub].name}"


EVALUATION_RULES = {"status": cells.status, "done": cells.text, "assessment": cells.text, "plan": cells.text,
                    "memo": cells.text}


def _evaluation_row(r: _Row) -> None:
    project = next((p for p in r.sd.projects.projects if p.id == r.key), None)
    if project is None:
        r.problem("status", Msg(ja=f"事業 {r.key} はデータにありません", en=f"project {r.key} is not in the data"))
        return
    if not r.mine(project.departments):
        r.problem("status", _another_department(project.name, r.department))
        return
    rel = f"strategies/{r.sd.strategy.id}/projects.yaml"
    now = r.current.evaluation(project, r.year)
    for name, rule in EVALUATION_RULES.items():
        value = r.judged(name, rule)
        if value is not None:
            r.decide(Change(rel, ("project", r.key, r.year, name), project.name, name, now[name], value, value), now[name])


def _kpi_row(r: _Row) -> None:
    meas, sub = r.current.measure(r.sd, r.key)
    if meas is None:
        r.problem("value", Msg(ja=f"指標 {r.key} はデータにありません", en=f"measure {r.key} is not in the data"))
        return
    defined = meas.as_of(r.year)
    label = defined.name if sub is None else f"{defined.name} {meas.sub_items[sub].name}"
    owners = meas.sub_items[sub].departments if sub is not None else (
        list(defined.departments) + [d for s in defined.sub_items for d in s.departments])
    if not r.mine(owners):
        r.problem("value", _another_department(label, r.department))
        return
    rel = f"strategies/{r.sd.strategy.id}/kpis.yaml"
    if sub is None and "value" in r.base:
        _kpi_value(r, meas, defined, label, rel)
    review = next((v for v in r.sd.strategy.reviews if v.from_ <= r.year <= v.to), None)
    if review is not None and any(c.role and c.name in r.base for c in r.form.columns):
        kpi_ratings.judge(r, meas if sub is None else meas.sub_items[sub], review, sub, label, rel)


def _states(sd: StrategyData) -> tuple[str, ...]:
    found = {f.state for m in list(sd.measures.indicators) + list(sd.measures.kpis) for f in m.actuals.values() if f.state}
    return tuple(dict.fromkeys([*cells.STATES, *sorted(found)]))


def _kpi_value(r: _Row, meas, defined, label: str, rel: str) -> None:
    target = ("measure", r.key, "actual", r.year, None)
    now = r.current.now(target, figure_text(meas.actuals[r.year], as_of="note", fy2019=era.NATIONAL) if r.year in meas.actuals else "")
    cell = r.cell("value")
    if cell.kind == "text" and not cell.formula and digest(cell.text.rstrip()) == r.base["value"]:
        r.report.unchanged += 1  # returned as sent ((R03) notes included)
        return
    fig = r.judged("value", lambda c: "" if c.kind == "text" and not c.text.strip() else cells.value(c, defined, _states(r.sd)))
    if fig is None or fig == "":
        if fig == "":
            r.report.unchanged += 1  # sent empty, returned empty
        return
    new = figure_text(fig, as_of="note", fy2019=era.NATIONAL)
    r.decide(Change(rel, target, label, "value", now, new, fig), now)
    odd = plausibility.entry(meas, r.year, fig.value, cell.text.strip()) if fig.value is not None and new != now else None
    if odd is not None:  # taken, as the loader's plausibility warnings never stop anything, but said at its cell
        r.report.notes.append(Msg(ja=f"{r.form.sheet}!{cell.ref}: {label} / 実績値: {odd.ja}",
                                  en=f"{r.form.sheet}!{cell.ref}: {label} / value: {odd.en}"))
