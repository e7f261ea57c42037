"""数値目標・重要業績評価指標の現状値 (Excel): each measure's values under its own years, as a city's handout prints them."""
from __future__ import annotations

from reportgen.deliverables.common import circled, goal_number, strategy_title
from reportgen.deliverables.output import Deliverable, Output
from reportgen.model.figures import figure_text, quantity_text, statement_text, target_text
from reportgen.model.loader import Dataset, StrategyData
from reportgen.model.schema import Measure
from reportgen.rules import era, eradays, valuekinds
from reportgen.rules.era import FiscalYear
from reportgen.templating.labels import fill, raw_label
from reportgen.templating.year import YearSettings

KEY = "value_tables"
DOCUMENT = "数値目標・重要業績評価指標の現状値"

# Labels filled column by column with the column's year (`year`: 平成27 / 平成27年度 / 平成15年9月30日;
# `year_long`: 平成27年 / 平成27年度 / 平成15年9月30日) and the strategy's labels (`baseline`, `target`),
# or row by row with a measure's `mark`, `name`, `baseline`, `target` (list_line, table_title).
COLUMN_LABELS = ("baseline_column", "actual_column", "day_column", "latest_column", "forecast_column", "target_column")
ROW_LABELS = ("list_line", "statement_line", "table_title", "reference_note")
PER_ROW = COLUMN_LABELS + ROW_LABELS
COLUMN_NAMES = ("year", "year_long", "baseline", "target")
ROW_NAMES = ("mark", "name", "baseline", "target", "year", "value", "code", "statement")


def applies(ds: Dataset, fy: FiscalYear) -> bool:
    sd = ds.strategy_for(fy)
    return sd is not None and sd.strategy.value_tables != "none" and bool(sd.measures.indicators or sd.measures.kpis)


def years(ds: Dataset) -> set[FiscalYear]:
    return set()  # the kpi trend's years: the same actuals date both


def _year_vars(when, fy2019: str, notation: str = "short") -> dict:
    if isinstance(when, FiscalYear):
        named = era.Notation(notation, fy2019).long(when)  # the city's notation (city.yaml year_notation)
        return {"year": named, "year_long": named}
    if isinstance(when, eradays.CalendarYear):
        return {"year": eradays.calendar_header(when, fy2019=fy2019), "year_long": eradays.calendar_long(when, fy2019=fy2019)}
    return {"year": eradays.day_long(when), "year_long": eradays.day_long(when)}


def _value(meas: Measure, fig, fy2019: str) -> str:
    """A value as the handout's table prints it: the figure, without its unit where the measure says so."""
    if fig is not None and fig.value is not None and not meas.table_unit:
        return quantity_text(fig.value).removesuffix(fig.value.unit)
    return figure_text(fig, as_of="never", fy2019=fy2019)


def _columns(sd: StrategyData, meas: Measure, fy: FiscalYear, label, fy2019: str,
             notation: str = "short") -> list[tuple[str, object, str]]:
    """(header, when, value) of each column: baseline, each actual the document can show (the latest
    labelled as such), each forecast, the target."""
    s = sd.strategy
    words = {"baseline": s.baseline_label, "target": s.target_label}
    cols = []
    b = meas.baseline
    cols.append((label("baseline_column", {**words, **_year_vars(b.as_of or s.kpi_baseline_year, fy2019, notation)}), b.as_of,
                 _value(meas, b, fy2019) if b.none is None else b.none))
    shown = [(w, f) for w, f in valuekinds.ordered(meas.actuals) if valuekinds.shown_in(w, fy, f)]
    if meas.yearly_targets:
        # a 施策マネジメントシート: every year with a target or an actual, the actuals in their row (the
        # yearly targets' row is _target_row's), the period's target in the target row's last column
        actual = dict(shown)
        for w in sorted({*actual, *meas.yearly_targets}, key=eradays.moment):
            cols.append((label("actual_column", {**words, **_year_vars(w, fy2019, notation)}), w,
                         _value(meas, actual.get(w), fy2019) if w in actual else ""))
        cols.append((label("target_column", {**words, **_year_vars(meas.target.year or s.period.to, fy2019, notation)}),
                     meas.target.year, ""))
        return cols
    for i, (w, f) in enumerate(shown):
        key = "day_column" if isinstance(w, eradays.Day) else ("latest_column" if i == len(shown) - 1 else "actual_column")
        cols.append((label(key, {**words, **_year_vars(w, fy2019, notation)}), w, _value(meas, f, fy2019)))
    for w, f in valuekinds.ordered(meas.forecasts):
        # a forecast of a year not yet reported (平成15年末見込 in a document of 平成15年度)
        if w not in meas.actuals and eradays.first_document_year(w) - 1 <= fy:
            cols.append((label("forecast_column", {**words, **_year_vars(w, fy2019, notation)}), w, _value(meas, f, fy2019)))
    t = meas.target
    t_text = target_text(t, year=False, fy2019=fy2019)
    if t.value is not None and not meas.table_unit:
        t_text = t_text.replace(t.value.unit + (t.bound or ""), t.bound or "", 1)
    cols.append((label("target_column", {**words, **_year_vars(t.year or s.period.to, fy2019, notation)}), t.year, t_text))
    return cols


def _target_row(meas: Measure, cols: list[tuple[str, object, str]], fy2019: str) -> list[str]:
    """The 目標値 row under the year columns: each year's target, the period's target last."""
    t = meas.target
    final = target_text(t, year=False, fy2019=fy2019)
    if t.value is not None and not meas.table_unit:
        final = final.replace(t.value.unit + (t.bound or ""), t.bound or "", 1)
    return ["", *(_value(meas, meas.yearly_targets[w], fy2019) if w in meas.yearly_targets else "" for _h, w, _v in cols[1:-1]),
            final]


def _notes(meas: Measure, label, fy2019: str) -> list[str]:
    """参考) notes: the definition, then each reference value (years without a column)."""
    notes = [meas.definition] if meas.definition else []
    for ref in meas.references:
        notes.append(ref.text or label("reference_note", {
            "year": eradays.when_short(ref.year, fy2019=fy2019), "value": figure_text(ref.value, as_of="never", fy2019=fy2019)}))
    return notes


def context(ds: Dataset, year: YearSettings) -> dict:
    fy, fy2019 = year.fy, year.fy2019
    sd = ds.strategy_for(fy)
    s = sd.strategy
    notes = s.year_notes or ds.city.year_notation  # a figure's own year: the strategy's notes, else the city's
    raw = {k: raw_label(KEY, k, templates=year.templates) for k in PER_ROW}

    def label(key: str, values: dict) -> str:
        return fill(raw[key], values)

    goals = []
    for goal in s.goals:
        measures = [(m.as_of(fy), "indicator") for m in sd.measures.indicators if m.goal == goal.no and m.exists_in(fy)]
        measures += [(k.as_of(fy), "kpi") for k in sd.measures.kpis
                     if k.exists_in(fy) and sd.goal_of(k.policies[0]).no == goal.no]
        lines, tables = [], []
        revised = {id(m.as_of(fy)): any(r.since <= fy for r in m.revisions)
                   for m in list(sd.measures.indicators) + list(sd.measures.kpis)}
        for i, (meas, kind) in enumerate(measures):
            mark = circled(i)
            row = {"mark": mark, "name": meas.name, "code": "・".join(getattr(meas, "policies", [])),
                   "baseline": figure_text(meas.baseline, as_of="always", style=notes, fy2019=fy2019),
                   "target": target_text(meas.target, notes, fy2019=fy2019), "statement": ""}
            if meas.statement:  # the 数値目標 as the city states it, one line, its figures the measure's
                row["statement"] = statement_text(meas, notes, era.Notation(ds.city.year_notation, fy2019))
                lines.append(label("statement_line", {**row, "year": "", "value": ""}))
            else:
                lines.append(label("list_line", {**row, "year": "", "value": ""}))
            cols = _columns(sd, meas, fy, label, fy2019, ds.city.year_notation)
            tables.append({"title": label("table_title", {**row, "year": "", "value": ""}), "kind": kind, **row,
                           "revised": revised.get(id(meas), False),
                           "headers": [c[0] for c in cols], "values": [c[2] for c in cols],
                           # a 目標値 row under the years, where the measure has yearly targets (labels: actual_row, target_row)
                           "target_values": _target_row(meas, cols, fy2019) if meas.yearly_targets else [],
                           "notes": _notes(meas, label, fy2019)})
        goals.append({"no": goal_number(sd, goal.no), "goal_label": s.goal_label, "title": goal.title,
                      "lines": lines, "tables": tables})
    return {"strategy": strategy_title(ds, sd), "year": era.Notation(ds.city.year_notation, fy2019).long(fy), "layout": s.value_tables, "goals": goals}


def outputs(ds: Dataset, year: YearSettings) -> list[Output]:
    ctx = context(ds, year)
    title = f"{ctx['strategy']} {DOCUMENT}（{ctx['year']}）"
    return [Output(f"05_{DOCUMENT}_{ctx['year']}.xlsx", "xlsx", KEY, title, ctx)]


DELIVERABLE = Deliverable(KEY, applies, outputs, years)
