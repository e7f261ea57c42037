"""Forms that disagree, in one batch or with what earlier batches wrote, noted by name on each form concerned.

The registry (the office's 事業・KPI登録簿) defines projects and KPIs; department forms give a
year's values and evaluations by row key. Three ways they can contradict each other:

* a KPI value, or a project evaluation, for a year from which the registry ends the item (that
  year's documents leave it out, so the value goes unprinted);
* a KPI value written in a unit or prefix the registry no longer gives the KPI for that year (the
  value was judged under the old definition).

A department form cannot rename a project or KPI: its name cells are locked, and a changed one is
refused with its cell (collect/report.py). So a registry rename never meets a department's rename.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

from reportgen.collect.merge import Overlay
from reportgen.collect.report import FormReport
from reportgen.model import measures
from reportgen.model.figures import figure_text
from reportgen.model.loader import Dataset, StrategyData
from reportgen.rules import era
from reportgen.rules.era import FiscalYear
from reportgen.rules.problems import Invalid, Msg

_FIELD = {"unit": ("単位", "unit"), "prefix": ("接頭語", "prefix")}


@dataclass
class _Registered:
    """What the registry says of one project or KPI: where it ends, its unit and prefix from a year on."""

    ended: tuple[FiscalYear, FormReport | None] | None = None
    defined: dict[str, tuple[FiscalYear, str, FormReport]] = field(default_factory=dict)  # unit/prefix changed in this batch


def contradictions(ds: Dataset, reports: list[FormReport], overlay: Overlay) -> None:
    """Every contradiction of this batch, noted on the department's form and on the registry (the
    data's file named instead where the other side came in an earlier batch)."""
    # each form found by its changes, whatever its kind: a registry's end items and define KPIs, a
    # KPI form's take actuals, an evaluation form's take a project's year
    accepted = [r for r in reports if r.accepted]
    registered = _registered(ds, accepted)
    taken: set[tuple] = set()  # (strategy, kind, id, year) whose value this batch gives
    for r in accepted:
        sd = _strategy(ds, r.strategy)
        if sd is not None:
            _kpi_form(sd, r, overlay, registered, taken)
            _evaluation_form(sd, r, registered, taken)
    _earlier_values(ds, registered, taken)


def _strategy(ds: Dataset, sid: str) -> StrategyData | None:
    return next((s for s in ds.strategies if s.strategy.id == sid), None)


def _registered(ds: Dataset, registries: list[FormReport]) -> dict[tuple, _Registered]:
    out: dict[tuple, _Registered] = {}
    for sd in ds.strategies:
        for kind, items in (("kpi", sd.measures.kpis), ("project", sd.projects.projects)):
            for item in items:
                if item.ended is not None:
                    out[(sd.strategy.id, kind, item.id)] = _Registered(ended=(item.ended, None))
    for r in registries:
        for c in r.applied:
            if c.target[0] != "registry" or c.target[1] not in ("kpi", "project"):
                continue
            _, kind, ident, name, fy = c.target
            entry = out.setdefault((r.strategy, kind, ident), _Registered())
            if name == "ended" and c.new:
                try:
                    entry.ended = (era.parse_fy(c.new), r)
                except (Invalid, ValueError):
                    continue
            elif kind == "kpi" and name in _FIELD:
                entry.defined[name] = (fy, c.new, r)
    return out


def _source(by: FormReport | None, sd: StrategyData, kind: str) -> str:
    return str(by.path) if by is not None else f"data/strategies/{sd.strategy.id}/{'kpis' if kind == 'kpi' else 'projects'}.yaml"


def _kpi_form(sd, r: FormReport, overlay: Overlay, registered, taken) -> None:
    for c in r.applied:
        if c.target[0] != "measure" or c.target[2] != "actual":
            continue
        meas, _sub = overlay.measure(sd, c.target[1])
        ident = getattr(meas, "id", None)
        entry = registered.get((sd.strategy.id, "kpi", ident))
        if meas is None or ident is None or entry is None:
            continue
        year = c.target[3]
        taken.add((sd.strategy.id, "kpi", ident, year))
        if entry.ended is not None and entry.ended[0] <= year:
            ended, by = entry.ended
            r.notes.append(Msg(
                ja=f"矛盾: {c.label} の{era.long(year, fy2019=era.NATIONAL)}の値（{c.new}）を取り込みましたが、{_source(by, sd, 'kpi')} では "
                   f"{ident} は{era.long(ended, fy2019=era.NATIONAL)}から廃止です（この年度の文書には載りません）",
                en=f"contradiction: {c.label}'s value for {era.short(year, fy2019=era.NATIONAL)} ({c.new}) was taken, but {_source(by, sd, 'kpi')} ends "
                   f"{ident} from {era.short(ended, fy2019=era.NATIONAL)} (that year's documents leave it out)"))
            if by is not None:
                by.notes.append(Msg(
                    ja=f"矛盾: {ident} を{era.long(ended, fy2019=era.NATIONAL)}から廃止しましたが、{r.path}（{r.department}）が"
                       f"{era.long(year, fy2019=era.NATIONAL)}の値（{c.new}）を提出しています",
                    en=f"contradiction: {ident} ended from {era.short(ended, fy2019=era.NATIONAL)}, but {r.path} ({r.department}) gives its "
                       f"{era.short(year, fy2019=era.NATIONAL)} value ({c.new})"))
        for name, (since, word, by, wrong) in _redefined(meas, entry, year, getattr(c.written, "value", None)):
            ja, en = _FIELD[name]
            r.notes.append(Msg(
                ja=f"矛盾: {c.label} の{era.long(year, fy2019=era.NATIONAL)}の値（{c.new}）を取り込みましたが、{by.path} で {ident} の{ja}は"
                   f"{era.long(since, fy2019=era.NATIONAL)}から「{word}」に変わりました（この値は変更前の{ja}です）",
                en=f"contradiction: {c.label}'s value for {era.short(year, fy2019=era.NATIONAL)} ({c.new}) was taken, but {by.path} changes "
                   f"{ident}'s {en} to {word!r} from {era.short(since, fy2019=era.NATIONAL)} (the value is in the old {en})"))
            by.notes.append(Msg(
                ja=f"矛盾: {ident} の{ja}を{era.long(since, fy2019=era.NATIONAL)}から「{word}」にしましたが、{r.path}（{r.department}）の"
                   f"{era.long(year, fy2019=era.NATIONAL)}の値（{c.new}）は変更前の{ja}です",
                en=f"contradiction: {ident}'s {en} is {word!r} from {era.short(since, fy2019=era.NATIONAL)}, but {r.path} ({r.department}) gives "
                   f"its {era.short(year, fy2019=era.NATIONAL)} value ({c.new}) in the old {en}"))


def _redefined(meas, entry: _Registered, year: FiscalYear, quantity):
    """(field, (since, new word, registry, True)) for each unit or prefix this batch's registry gives the
    KPI from `year` or before, which `quantity` (a value of `year`) does not fit."""
    if quantity is None or not entry.defined:
        return []
    now = meas.as_of(year)
    changed = {name: how for name, how in entry.defined.items() if how[0] <= year}
    if not changed:
        return []
    new = SimpleNamespace(unit=now.unit, prefix=now.prefix)
    for name, (_since, word, _by) in changed.items():
        setattr(new, name, word)
    wrong = {"unit": quantity.unit != new.unit, "prefix": bool(quantity.prefix) and quantity.prefix != new.prefix}
    return [(name, (*how, True)) for name, how in changed.items()
            if wrong[name] and measures.quantity_problems(quantity, new)]


def _evaluation_form(sd, r: FormReport, registered, taken) -> None:
    seen = set()
    for c in r.applied:
        if c.target[0] != "project":
            continue
        pid, year = c.target[1], c.target[2]
        taken.add((sd.strategy.id, "project", pid, year))
        entry = registered.get((sd.strategy.id, "project", pid))
        if entry is None or entry.ended is None or entry.ended[0] > year or (pid, year) in seen:
            continue
        seen.add((pid, year))  # one line a project, however many of its cells came back
        ended, by = entry.ended
        r.notes.append(Msg(
            ja=f"矛盾: {c.label}（{pid}）の{era.long(year, fy2019=era.NATIONAL)}の評価を取り込みましたが、{_source(by, sd, 'project')} では "
               f"{pid} は{era.long(ended, fy2019=era.NATIONAL)}から廃止です（この年度の文書には載りません）",
            en=f"contradiction: the {era.short(year, fy2019=era.NATIONAL)} evaluation of {c.label} ({pid}) was taken, but {_source(by, sd, 'project')} "
               f"ends {pid} from {era.short(ended, fy2019=era.NATIONAL)} (that year's documents leave it out)"))
        if by is not None:
            by.notes.append(Msg(
                ja=f"矛盾: {pid} {c.label} を{era.long(ended, fy2019=era.NATIONAL)}から廃止しましたが、{r.path}（{r.department}）が"
                   f"{era.long(year, fy2019=era.NATIONAL)}の評価を提出しています",
                en=f"contradiction: {pid} {c.label} ended from {era.short(ended, fy2019=era.NATIONAL)}, but {r.path} ({r.department}) gives its "
                   f"{era.short(year, fy2019=era.NATIONAL)} evaluation"))


def _earlier_values(ds: Dataset, registered: dict[tuple, _Registered], taken: set[tuple]) -> None:
    """What earlier batches wrote into data/ that this batch's registry contradicts: noted on the registry."""
    for (sid, kind, ident), entry in registered.items():
        sd = _strategy(ds, sid)
        by = entry.ended[1] if entry.ended else None
        items = sd.measures.kpis if kind == "kpi" else sd.projects.projects
        item = next((i for i in items if i.id == ident), None)
        if item is None:
            continue
        dated = item.actuals if kind == "kpi" else item.evaluations
        source = _source(None, sd, kind)
        for year, got in sorted(dated.items()):
            if (sid, kind, ident, year) in taken:
                continue  # this batch's value: noted with its form
            shown = figure_text(got, as_of="note", fy2019=era.NATIONAL) if kind == "kpi" else ""
            if by is not None and entry.ended[0] <= year:
                what = ((f"{era.long(year, fy2019=era.NATIONAL)}の値（{shown}）", f"its {era.short(year, fy2019=era.NATIONAL)} value ({shown})")
                        if kind == "kpi" else
                        (f"{era.long(year, fy2019=era.NATIONAL)}の評価", f"its {era.short(year, fy2019=era.NATIONAL)} evaluation"))
                by.notes.append(Msg(
                    ja=f"矛盾: {ident} を{era.long(entry.ended[0], fy2019=era.NATIONAL)}から廃止しましたが、{source} に{what[0]}があります"
                       "（その年度の文書には載りません）",
                    en=f"contradiction: {ident} ended from {era.short(entry.ended[0], fy2019=era.NATIONAL)}, but {source} holds {what[1]} "
                       "(that year's documents leave it out)"))
            if kind == "kpi":
                for name, (since, word, reg, _w) in _redefined(item, entry, year, getattr(got, "value", None)):
                    ja, en = _FIELD[name]
                    reg.notes.append(Msg(
                        ja=f"矛盾: {ident} の{ja}を{era.long(since, fy2019=era.NATIONAL)}から「{word}」にしましたが、{source} の"
                           f"{era.long(year, fy2019=era.NATIONAL)}の値（{shown}）は変更前の{ja}です",
                        en=f"contradiction: {ident}'s {en} is {word!r} from {era.short(since, fy2019=era.NATIONAL)}, but {source} holds its "
                           f"{era.short(year, fy2019=era.NATIONAL)} value ({shown}) in the old {en}"))
