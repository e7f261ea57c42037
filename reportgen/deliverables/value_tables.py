"""数値目標・重要業績評価指標の現状値 (Excel): each measure's values under its own years, as a city's handout prints them."""
from __future__ import annotations

from reportgen.deliverables.common import circled, goal_number, strategy_title
from reportgen.deliverables.output import Deliverable, Output
from reportgen.model.figures import figure_text, quantity_text, statement_text, target_text
from reportgen.model.loader import Dataset, StrategyData
from reportgen.model.measures import Measure
from reportgen.rules import era, eradays, valuekinds, yearranges
from reportgen.rules.era import FiscalYear
from reportgen.templating.labels import fill, raw_label
from reportgen.templating.year import YearSettings

KEY = "value_tables"
DOCUMENT = "数値目標・重要業績評価指標の現状値"

# Labels filled column by column with the column's year (`year`: 平成27 / 平成27年度 / 平成15年9月30日;
# `year_long`: 平成27年 / 平成27年度 / 平成15年9月30日; `year_short`: H27 / H15.9.30; a range of years:
# 平成22~26年度 / H22~26) and the strategy's labels (`baseline`, `target`),
# or row by row with a measure's `mark`, `name`, `baseline`, `target` (list_line, table_title).
COLUMN_LABELS = ("baseline_column", "actual_column", "day_column", "latest_column", "forecast_column", "target_column")
ROW_LABELS = ("list_line", "statement_line", "table_title", "reference_note", "departments_line")
PER_ROW = COLUMN_LABELS + ROW_LABELS
COLUMN_NAMES = ("year", "year_long", "year_short", "baseline", "target")
# `departments`: the measure's departments in charge, a list (`{{ departments|join("、") }}`)
ROW_NAMES = ("mark", "name", "baseline", "target", "year", "value", "code", "statement", "departments")
UNIT = object()  # the `when` of the 単位 column: no year


def applies(ds: Dataset, fy: FiscalYear) -> bool:
    sd = ds.strategy_for(fy)
    return sd is not None and sd.strategy.value_tables != "none" and bool(sd.measures.indicators or sd.measures.kpis)


def years(ds: Dataset) -> set[FiscalYear]:
    return set()  # the kpi trend's years: the same actuals date both


def _year_vars(when, fy2019: str, notation: str = "short") -> dict:
    # year_short: the 和暦 abbreviated (H27, H22~26, H15.9.30), as a 施策マネジメントシート heads its year columns
    if isinstance(when, yearranges.YearRange):  # a baseline measured over several years (従前値 of H22~26)
        named = yearranges.western(when) if notation in ("western", "western_era") else yearranges.long(when, fy2019=fy2019)
        return {"year": named, "year_long": named, "year_short": yearranges.shortened(when, fy2019=fy2019)}
    short = {"year_short": eradays.when_short(when, fy2019=fy2019)}
    if isinstance(when, FiscalYear):
        named = era.Notation(notation, fy2019).long(when)  # the city's notation (city.yaml year_notation)
        return {"year": named, "year_long": named, **short}
    if isinstance(when, eradays.CalendarYear):
        return {"year": eradays.calendar_header(when, fy2019=fy2019), "year_long": eradays.calendar_long(when, fy2019=fy2019), **short}
    return {"year": eradays.day_long(when), "year_long": eradays.day_long(when), **short}


def _value(meas: Measure, fig, fy2019: str, unit_column: bool = False) -> str:
    """A value as the handout's table prints it: the figure, without its unit where the measure says so,
    or where a 単位 column prints the unit once (a figure in another unit keeps its own)."""
    if fig is not None and fig.value is not None and (not meas.table_unit or unit_column and fig.value.unit == meas.unit):
        return quantity_text(fig.value).removesuffix(fig.value.unit)
    return figure_text(fig, as_of="never", fy2019=fy2019)


def _target_cell(meas: Measure, fy2019: str, unit_column: bool) -> str:
    """The period's target, without its unit where the table prints none or prints it in its 単位 column."""
    t = meas.target
    text = target_text(t, year=False, fy2019=fy2019)
    if t.value is not None and (not meas.table_unit or unit_column and t.value.unit == meas.unit):
        text = text.replace(t.value.unit + (t.bound or ""), t.bound or "", 1)
    return text


def _columns(sd: StrategyData, meas: Measure, fy: FiscalYear, label, fy2019: str,
             notation: str = "short", unit_header: str = "", blank: str = "") -> list[tuple[str, object, str]]:
    """(header, when, value) of each column: baseline, (the 単位 column, where the labels name one),
    each actual the document can show (the latest labelled as such), each forecast, the target."""
    s = sd.strategy
    words = {"baseline": s.baseline_label, "target": s.target_label}
    cols = []
    b = meas.baseline
    unit_column = bool(unit_header)
    cols.append((label("baseline_column", {**words, **_year_vars(b.as_of or s.kpi_baseline_year, fy2019, notation)}), b.as_of,
                 _value(meas, b, fy2019, unit_column) if b.none is None else b.none))
    if unit_column:  # the unit printed once, in a column of its own (つくば市's sheets: 従前値 | (単位) | H27 …)
        cols.append((unit_header, UNIT, meas.unit))
    shown = [(w, f) for w, f in valuekinds.ordered(meas.actuals) if valuekinds.shown_in(w, fy, f)]
    if meas.yearly_targets:
        # a 施策マネジメントシート: every year with a target or an actual, the actuals in their row (the
        # yearly targets' row is _target_row's), the period's target in the target row's last column; a
        # year cell with nothing to show prints the labels' blank_value (the sheets' "-")
        actual = dict(shown)
        for w in sorted({*actual, *meas.yearly_targets}, key=eradays.moment):
            cols.append((label("actual_column", {**words, **_year_vars(w, fy2019, notation)}), w,
                         _value(meas, actual.get(w), fy2019, unit_column) if w in actual else blank))
        cols.append((label("target_column", {**words, **_year_vars(meas.target.year or s.period.to, fy2019, notation)}),
                     meas.target.year, ""))
        return cols
    for i, (w, f) in enumerate(shown):
        key = "day_column" if isinstance(w, eradays.Day) else ("latest_column" if i == len(shown) - 1 else "actual_column")
        cols.append((label(key, {**words, **_year_vars(w, fy2019, notation)}), w, _value(meas, f, fy2019, unit_column)))
    for w, f in valuekinds.ordered(meas.forecasts):
        # a forecast of a year not yet reported (平成15年末見込 in a document of 平成15年度)
        if w not in meas.actuals and eradays.first_document_year(w) - 1 <= fy:
            cols.append((label("forecast_column", {**words, **_year_vars(w, fy2019, notation)}), w,
                         _value(meas, f, fy2019, unit_column)))
    t = meas.target
    cols.append((label("target_column", {**words, **_year_vars(t.year or s.period.to, fy2019, notation)}), t.year,
                 _target_cell(meas, fy2019, unit_column)))
    return cols


def _target_row(meas: Measure, cols: list[tuple[str, object, str]], fy2019: str, blank: str = "") -> list[str]:
    """The 目標値 row under the year columns: each year's target (blank_value where none), the unit in
    the 単位 column where there is one, the period's target last."""
    unit_column = any(w is UNIT for _h, w, _v in cols)

    def cell(w) -> str:
        if w is UNIT:
            return meas.unit
        return _value(meas, meas.yearly_targets[w], fy2019, unit_column) if w in meas.yearly_targets else blank

    return ["", *(cell(w) for _h, w, _v in cols[1:-1]), _target_cell(meas, fy2019, unit_column)]


def _notes(meas: Measure, label, fy2019: str) -> list[str]:
    """参考) notes: the definition, then each reference value (years without a column)."""
    notes = [meas.definition] if meas.definition else []
    for ref in meas.references:
        notes.append(ref.text or label("reference_note", {
            "year": eradays.when_short(ref.year, fy2019=fy2019), "value": figure_text(ref.value, as_of="never", fy2019=fy2019)}))
    return notes


# keys added to the labels after some years were archived: their copies lack them
ADDED = ("unit_header", "blank_value", "departments_line")


def _optional(key: str, year: YearSettings) -> str:
    """A key of ADDED as the year's labels write it; "" where an archived copy lacks it (it printed
    nothing with it, so the year rebuilds byte for byte)."""
    try:
        return raw_label(KEY, key, templates=year.templates)
    except KeyError:
        return ""


def context(ds: Dataset, year: YearSettings) -> dict:
    fy, fy2019 = year.fy, year.fy2019
    sd = ds.strategy_for(fy)
    s = sd.strategy
    notes = s.year_notes or ds.city.year_notation  # a figure's own year: the strategy's notes, else the city's
    raw = {k: raw_label(KEY, k, templates=year.templates) if k not in ADDED else _optional(k, year) for k in PER_ROW}
    # a 単位 column and the text of an empty year cell, where the city's labels name them (shipped: "")
    per_measure = s.value_tables == "per_measure"
    unit_header = str(_optional("unit_header", year)) if per_measure else ""
    blank = str(_optional("blank_value", year))

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
                   "departments": list(meas.departments or []),
                   "baseline": figure_text(meas.baseline, as_of="always", style=notes, fy2019=fy2019),
                   "target": target_text(meas.target, notes, fy2019=fy2019), "statement": ""}
            if meas.statement:  # the 数値目標 as the city states it, one line, its figures the measure's
                row["statement"] = statement_text(meas, notes, era.Notation(ds.city.year_notation, fy2019))
                lines.append(label("statement_line", {**row, "year": "", "value": ""}))
            else:
                lines.append(label("list_line", {**row, "year": "", "value": ""}))
            cols = _columns(sd, meas, fy, label, fy2019, ds.city.year_notation, unit_header, blank)
            tables.append({"title": label("table_title", {**row, "year": "", "value": ""}), "kind": kind, **row,
                           # 指標担当部課等 under the title, where the labels name it (shipped: "", no line)
                           "departments_line": label("departments_line", {**row, "year": "", "value": ""}),
                           "revised": revised.get(id(meas), False),
                           "headers": [c[0] for c in cols], "values": [c[2] for c in cols],
                           # a 目標値 row under the years, where the measure has yearly targets (labels: actual_row, target_row)
                           "target_values": _target_row(meas, cols, fy2019, blank) if meas.yearly_targets else [],
                           "notes": _notes(meas, label, fy2019)})
        goals.append({"no": goal_number(sd, goal.no), "goal_label": s.goal_label, "title": goal.title,
                      "lines": lines, "tables": tables})
    return {"strategy": strategy_title(ds, sd), "year": era.Notation(ds.city.year_notation, fy2019).long(fy), "layout": s.value_tables, "goals": goals}


def outputs(ds: Dataset, year: YearSettings) -> list[Output]:
    ctx = context(ds, year)
    title = f"{ctx['strategy']} {DOCUMENT}（{ctx['year']}）"
    return [Output(f"05_{DOCUMENT}_{ctx['year']}.xlsx", "xlsx", KEY, title, ctx)]


DELIVERABLE = Deliverable(KEY, applies, outputs, years)
