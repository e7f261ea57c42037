"""KPI目標値達成状況推移 (KPI trend sheet): values by year coloured by direction, ratings, charts; KPI update forms."""
from __future__ import annotations

from collections.abc import Callable

from reportgen import forms
from reportgen.deliverables.common import circled, goal_number, group_name, groups, kpis_in, strategy_title
from reportgen.deliverables.output import Deliverable, Output
from reportgen.model.figures import NOT_REPORTED, figure_text, target_text
from reportgen.model.loader import Dataset, StrategyData
from reportgen.model.measures import Figure, Measure
from reportgen.model.schema import Review
from reportgen.rules import era, eradays, ratings, valuekinds
from reportgen.rules.era import FiscalYear
from reportgen.rules.rates import share_text
from reportgen.templating.labels import fill, raw_label
from reportgen.templating.year import YearSettings

KEY = "kpi_trend"
DOCUMENT = "KPI目標値達成状況推移"


def applies(ds: Dataset, fy: FiscalYear) -> bool:
    sd = ds.strategy_for(fy)
    return sd is not None and bool(sd.measures.indicators or sd.measures.kpis)


def years(ds: Dataset) -> set[FiscalYear]:
    """The fiscal years whose documents first show an actual (a calendar year's statistics: the year
    after it, eradays.first_document_year), within the strategy's period: values dated before the
    period (or references, forecasts) create no year; and the year of each review (its results are
    that year's: 安平町's 前期基本計画(H29-H30年度)の検証, as of 平成30年度末)."""
    out = set()
    for sd in ds.strategies:
        out |= {r.id for r in sd.strategy.reviews if sd.strategy.covers(r.id)}
        for meas in list(sd.measures.indicators) + list(sd.measures.kpis):
            out |= {fy for fy in (valuekinds.first_shown(w, f) for w, f in meas.actuals.items()) if sd.strategy.covers(fy)}
    return out


def review_for(sd: StrategyData, fy: FiscalYear) -> Review | None:
    """The review whose period holds `fy`, else the latest one that ended before it."""
    holding = [r for r in sd.strategy.reviews if r.from_ <= fy <= r.to]
    if holding:
        return holding[0]
    ended = [r for r in sd.strategy.reviews if r.to < fy]
    return ended[-1] if ended else None


def composite_departments(meas: Measure) -> str:
    """①上下水道経営課 ②～③都市計画課 ④、⑥～⑦市民安全課 …: sub-items grouped by department."""
    order: list[str] = []
    items: dict[str, list[int]] = {}
    for i, sub in enumerate(meas.sub_items):
        for d in sub.departments:
            if d not in items:
                order.append(d)
                items[d] = []
            items[d].append(i)
    parts = []
    for d in order:
        runs, run = [], [items[d][0]]
        for i in items[d][1:]:
            if i == run[-1] + 1:
                run.append(i)
            else:
                runs.append(run)
                run = [i]
        runs.append(run)
        text = "、".join(circled(r[0]) if len(r) == 1 else f"{circled(r[0])}～{circled(r[-1])}" for r in runs)
        parts.append(text + d)
    return "\n".join(parts)


def _number(fig: Figure | None) -> float | None:
    q = fig.number if fig is not None else None
    return float(q.number) if q is not None else None


def _row(sd: StrategyData, kind: str, meas: Measure, fy: FiscalYear, review: Review | None, key: str,
         alt: Callable[[dict], str] | None = None, n: int = 0, *, fy2019: str, style: str = "short") -> dict:
    period = sd.strategy.period.years
    values, changes, series = [], [], []
    latest = None  # (year, text) of the last value the chart plots
    notes = [meas.footnote] if meas.footnote else []  # the notes of the ※ the row prints, beside its name
    if meas.baseline is not None and meas.baseline.footnote:
        notes.append(meas.baseline.footnote)
    for year in period:
        fig = valuekinds.column_value(meas, year, fy)
        if fig is not None and fig.footnote and fig.footnote not in notes:
            notes.append(fig.footnote)
        values.append(figure_text(fig, as_of="note", empty=NOT_REPORTED, style=style, fy2019=fy2019)
                      if fig is not None else NOT_REPORTED)
        changes.append(valuekinds.change(meas, fig) if fig is not None else 0)
        series.append(float(fig.value.number) if fig is not None and fig.value is not None else None)
        if series[-1] is not None:
            latest = (year, values[-1])
    s = sd.strategy
    axes, texts = s.axes, s.texts
    rated = review is not None and review.to <= fy
    rating = meas.ratings.get(review.id) if rated else None
    subs = []
    for i, sub in enumerate(meas.sub_items):
        r = sub.ratings.get(review.id) if rated else None
        subs.append({**{mark_key(a): r.get(a.id) if r else "" for a in axes},
                     **{text_key(t): (circled(i) + r.get(t.id)) if r and r.get(t.id) else (circled(i) if r else "")
                        for t in texts}})
    if rating is None and subs:  # a composite KPI's row carries its first sub-item (as the seed prints it)
        first, subs = subs[0], subs[1:]
    else:
        first = {**{mark_key(a): rating.get(a.id) if rating else "" for a in axes},
                 **{text_key(t): rating.get(t.id) if rating else "" for t in texts}}
    upto = review.to if review and review.to <= fy else fy
    # beside each human rating, the axis's suggested symbol where the two differ
    suggested = []
    for a in axes:
        symbol = ratings.suggest(a, meas, upto, s.achievement_rate)
        human = first[mark_key(a)]
        if symbol is not None and human and symbol != human:
            suggested.append(symbol if len([x for x in axes if x.suggest]) == 1 else f"{a.label or a.id} {symbol}")
    departments = composite_departments(meas) if meas.sub_items and not meas.departments else "\n".join(meas.departments)
    target_number = valuekinds.target_number(meas)
    numbering = sd.strategy.numbering.kpis if kind == "kpi" else sd.strategy.numbering.indicators
    label = meas.id if kind == "kpi" and sd.strategy.print_kpi_ids else numbering(n) if n else ""
    chart_title = (f"{label} " if label else "") + meas.name
    # the chart's alternative text (read aloud in the PDF): which measure, baseline, target, latest value
    chart_alt = alt(dict(zip(CHART_ALT_NAMES, (
        chart_title, figure_text(meas.baseline, as_of="always", style=style, fy2019=fy2019),
        target_text(meas.target, style, fy2019=fy2019),
        latest[1] if latest else NOT_REPORTED, era.year_end(latest[0], fy2019=fy2019) if latest else "")))) if alt else ""
    return {
        "kind": kind, "key": key,
        "id": label,
        "name": meas.name + "".join(f" ※{note}" for note in notes),
        "chart_title": chart_title, "chart_alt": chart_alt,
        "baseline": figure_text(meas.baseline, as_of="always", style=style, fy2019=fy2019),
        "values": values, "changes": changes,
        "target": target_text(meas.target, style, fy2019=fy2019),
        **first, "departments": departments,
        "suggested": "\n".join(suggested),
        "rate": ratings.rate_text_of(meas, fy, s.achievement_rate),
        "full_texts": [{"label": t.label or "", "text": first[text_key(t)]} for t in texts
                       if t.layout == "full_width_row" and first[text_key(t)]],
        "mark_fills": {mark_key(a): sym.colour for a in axes
                       for sym in [a.symbol(first[mark_key(a)])] if sym is not None and sym.colour},
        "sub_items": subs,
        "series": {"actual": series, "baseline": _number(meas.baseline),
                   "target": float(target_number) if target_number is not None else None},
        "unit": meas.unit,
    }


def mark_key(axis) -> str:
    return f"mark:{axis.id}"


def text_key(text) -> str:
    return f"text:{text.id}"


def rating_columns(s) -> dict:
    """The review's columns as the strategy declares them: one per rating axis, one per text printed
    as a column; texts printed as full-width rows; the 達成率 column; the legends. Iruma's default
    axis and text print the labels file's header and legend (`rating`, `reason`, `rating_legend`)."""
    default = ratings.is_default(s.axes)
    return {
        "rating_default": default,
        "marks": [{"key": mark_key(a), "label": a.label, "centre": True} for a in s.axes],
        "text_columns": [{"key": text_key(t), "label": t.label} for t in s.texts if t.layout == "column"],
        "rate_label": s.achievement_rate.label if s.achievement_rate else "",
        "legends": [] if default else [line for a in s.axes for line in a.legend_lines()],
    }


def counts(s, goals: list[dict]) -> list[list[dict]]:
    """Per goal, its measures per symbol of each declared axis (安平町's counts, 富士市's bands), each
    count with its share of the goal's measures (安平町's 7 (31.8%) of 22), rounded as `shares` declares
    (no `shares`: counts only). Iruma's default axis prints none."""
    if ratings.is_default(s.axes):
        return [[] for _ in goals]
    share_rule = s.shares.rule() if s.shares else None
    out = []
    for g in goals:
        rows = [r for r in g["rows"] if r["kind"] != "group"]
        per_axis = []
        for a in s.axes:
            key = mark_key(a)
            per_axis.append({"label": a.label or a.id, "symbols": [
                {"symbol": sym, "count": n, "share": share_text(n, len(rows), share_rule) if share_rule else ""}
                for sym in a.typed for n in [sum(1 for r in rows if r[key] == sym)]]})
        out.append(per_axis)
    return out


# The names a chart's alternative text (labels key `chart_alt`) is filled with, besides the headers
# of the table (CHART_ALT_HEADERS); the template check reads them from here.
CHART_ALT_NAMES = ("title", "baseline", "target", "latest", "latest_year")
CHART_ALT_HEADERS = ("baseline_header", "target_header")


def measure_key(kind: str, sd: StrategyData, meas: Measure) -> str:
    if kind == "kpi":
        return forms.measure_key("kpi", id=meas.id)
    return forms.measure_key("indicator", goal=meas.goal, number=sd.indicator_numbers[id(meas)])


def context(ds: Dataset, year: YearSettings) -> dict:
    fy, n2019 = year.fy, {"fy2019": year.fy2019}
    sd = ds.strategy_for(fy)
    s = sd.strategy
    review = review_for(sd, fy)
    yn = era.Notation(ds.city.year_notation, year.fy2019)  # the city's notation (city.yaml year_notation)
    style = s.year_notes or ds.city.year_notation  # a figure's own year: the strategy's notes, else the city's notation
    target_header = f"{s.target_label_of(KEY)}（{yn.short(s.period.to)}）"
    baseline_header = s.baseline_label_of(KEY)
    # the labels as the workbook fills them; a chart's alternative text is filled per measure
    raw_alt = raw_label(KEY, "chart_alt", templates=year.templates)

    def alt(values: dict) -> str:
        return fill(raw_alt, {**dict(zip(CHART_ALT_HEADERS, (baseline_header, target_header))), **values})

    goals = []
    for goal in s.goals:
        rows = []
        shown = [ind for ind in sd.measures.indicators if ind.goal == goal.no and ind.exists_in(fy)]
        for n, ind in enumerate(shown, 1):
            rows.append(_row(sd, "indicator", ind.as_of(fy), fy, review, measure_key("indicator", sd, ind), alt, n, **n2019,
                             style=style))
        for goal_no, pids in groups(sd, KEY):
            if goal_no != goal.no:
                continue
            kpis = kpis_in(sd, pids, fy)
            if kpis:
                rows.append({"kind": "group", "name": group_name(sd, pids)})
                rows.extend(_row(sd, "kpi", k, fy, review, measure_key("kpi", sd, k), alt, n, **n2019, style=style)
                            for n, k in enumerate(kpis, 1))
        goals.append({"no": goal_number(sd, goal.no), "goal_label": s.goal_label, "title": goal.title, "rows": rows})
    return {
        "strategy": strategy_title(ds, sd, sep=" "),
        **rating_columns(s),
        "counts": counts(s, goals),
        "year": yn.long(fy),
        "year_short": yn.short(fy),
        "years": column_headers(sd, **n2019, notation=yn.style),
        "target_header": target_header,
        "baseline_header": baseline_header,
        # the table's header row; a second one under each policy where the KPIs have their own
        "header": table_header(sd, s.table_labels.kpi_trend, s.indicator_baseline_year, **n2019, notation=yn.style),
        "kpi_header": (table_header(sd, s.table_labels.kpi_trend_kpis, s.kpi_baseline_year, **n2019, notation=yn.style)
                       if s.table_labels.kpi_trend_kpis is not None else None),
        "goal_label": s.goal_label,
        "review": yn.span(review.from_, review.to) + " " + review.name if review else "",
        "goals": goals,
    }


def table_header(sd: StrategyData, tl, baseline_year: FiscalYear, *, fy2019: str, notation: str = "short") -> dict:
    """The baseline, year and target headers of one table of the sheet: the strategy's table labels
    (`baseline_column`: 基準値 (H26), `actual_column`: 実績値 (H27)), else the shipped ones (現状値, R6末)."""
    s = sd.strategy
    label = tl.baseline or s.baseline_label_of(KEY)
    yn = era.Notation(notation, fy2019)
    baseline = tl.baseline_column.format(label=label, year=yn.short(baseline_year)) if tl.baseline_column else label
    years = ([tl.actual_column.format(year=yn.short(y)) for y in s.period.years] if tl.actual_column
             else column_headers(sd, fy2019=fy2019, notation=notation))
    target = f"{tl.target or s.target_label_of(KEY)}（{yn.short(s.period.to)}）"
    return {"baseline": baseline, "years": years, "target": target}


def column_headers(sd: StrategyData, *, fy2019: str, notation: str = "short") -> list[str]:
    """The year columns' headers: R6末 where every measure's values are fiscal year-end ones; H27
    where some are a calendar year's statistics (婚姻率 of 平成27年 is no end-of-year value) or a
    day's: each row's baseline shows its kind of year (5.5‰(平成25年), 15.8%(平成25年度))."""
    measures = list(sd.measures.indicators) + list(sd.measures.kpis)
    if all(m.period == "fiscal_year" for m in measures):
        return [era.Notation(notation, fy2019).end(y) for y in sd.strategy.period.years]
    return [era.Notation(notation, fy2019).short(y) for y in sd.strategy.period.years]


def form_departments(ds: Dataset, sd: StrategyData, fy: FiscalYear) -> dict[str, list[tuple[str, Measure]]]:
    """Departments that update measures in `fy`, with their measures (one pass over the measures)."""
    forms_of: dict[str, list[tuple[str, Measure]]] = {}
    for kind, items in (("indicator", sd.measures.indicators), ("kpi", sd.measures.kpis)):
        for meas in items:
            if not meas.exists_in(fy):
                continue
            m = meas.as_of(fy)
            names = list(m.departments) + [d for s in m.sub_items for d in s.departments]
            for root in dict.fromkeys(ds.form_department(d) for d in names):
                forms_of.setdefault(root, []).append((kind, meas))
    return forms_of


def form_context(ds: Dataset, year: YearSettings, department: str, measures: list[tuple[str, Measure]]) -> dict:
    """Rows a department updates: the year-end value, and each rating axis and text when a review is open."""
    fy, n = year.fy, {"fy2019": year.fy2019}
    named = era.Notation(ds.city.year_notation, year.fy2019)  # the city's notation (city.yaml year_notation)
    sd = ds.strategy_for(fy)
    review = next((r for r in sd.strategy.reviews if r.from_ <= fy <= r.to), None)
    axes, texts = sd.strategy.axes, sd.strategy.texts
    # one input column per declared axis and text, in order (reportgen.forms.layout.kpi_columns); none in a
    # year no review covers: a form asks only for what its year takes (no 評価 header over locked cells)
    columns = forms.kpi_columns(axes, texts) if review is not None else forms.kpi_columns([], [])
    rated = [c for c in columns if c.role]

    def entered(r) -> dict:
        return {c.name: (r.get(c.ref) or "") if r else "" for c in rated}

    rows = []
    for kind, raw in measures:
        meas = raw.as_of(fy)
        key = measure_key(kind, sd, raw)
        history = [f"{eradays.when_header(y, **n)}: {figure_text(f, as_of='note', **n)}"
                   for y, f in valuekinds.ordered(meas.actuals) if eradays.moment(y) < eradays.moment(fy)]
        label = (f"{meas.id} " if kind == "kpi" and sd.strategy.print_kpi_ids else "") + meas.name
        own = not meas.sub_items or bool(meas.departments)
        rows.append({
            "id": key, "label": label, "kind": kind,
            "baseline": figure_text(meas.baseline, as_of="always", **n), "target": target_text(meas.target, **n),
            "history": "\n".join(history), "unit": meas.unit, "prefix": meas.prefix,
            "value": figure_text(meas.actuals[fy], as_of="note", **n) if fy in meas.actuals else "",
            **entered(meas.ratings.get(review.id) if review else None),
            # a calendar-year or point-in-time value is not a year-end one: no value cell (data/ takes it)
            "departments": "\n".join(meas.departments), "has_value": meas.period == "fiscal_year",
            "has_rating": review is not None and own and bool(rated),
        })
        for i, sub in enumerate(meas.sub_items):
            if not any(ds.form_department(d) == department for d in sub.departments):
                continue
            rows.append({
                "id": forms.sub_key(key, i), "label": f"{label} {circled(i)}{sub.name}", "kind": "sub",
                "baseline": "", "target": "", "history": "", "unit": "", "prefix": "", "value": "",
                **entered(sub.ratings.get(review.id) if review else None),
                "departments": "\n".join(sub.departments), "has_value": False,
                "has_rating": review is not None and bool(rated),
            })
    declared = {("mark", a.id): a for a in axes} | {("text", t.id): t for t in texts}
    default = {"mark": ratings.is_default(axes), "text": texts == [ratings.DEFAULT_TEXT]}  # Iruma's: the labels file's wording
    ctx = {
        "strategy": strategy_title(ds, sd, sep=" "), "department": department,
        "year": named.long(fy), "year_end": named.end(fy),
        "review": (named.span(review.from_, review.to) + " " + review.name) if review else "",
        "rows": rows, "password": ds.city.form_password or "", "columns": columns,
        # per axis or text column: its header (None: the labels file's) and an axis's symbols in order
        "rated": {c.name: {"label": declared[c.role, c.ref].label, "default": default[c.role],
                           "symbols": declared[c.role, c.ref].typed if c.role == "mark" else []} for c in rated},
    }
    # a layout other than the fixed one is recorded, so that collect reads back exactly what was sent
    extra = {"columns": forms.columns_record(columns)} if columns != forms.COLUMNS[forms.KPI] else None
    ctx["identity"] = forms.identity(forms.KPI, ds, sd.strategy.id, fy, department, rows,
                                     tuple(c.name for c in columns if c.input), extra, **n)
    return ctx


def form_file_name(year: YearSettings) -> str:
    """How the KPI form's files are named: the labels' `file` (the form's own name, as its title says);
    a year archived before the key existed rebuilds with the name its forms were sent under."""
    try:
        return raw_label("kpi_form", "file", templates=year.templates)
    except KeyError:
        return "KPI更新"  # the name of the forms archived before `file` (verify rebuilds them byte for byte)


def outputs(ds: Dataset, year: YearSettings) -> list[Output]:
    fy = year.fy
    ctx = context(ds, year)
    title = f"{ctx['strategy']} {DOCUMENT}（{ctx['year']}）"
    jobs = [Output(f"03_{DOCUMENT}_{ctx['year']}.xlsx", "xlsx", KEY, title, ctx)]
    sd = ds.strategy_for(fy)
    form_file = form_file_name(year)
    for dept, measures in form_departments(ds, sd, fy).items():
        fctx = form_context(ds, year, dept, measures)
        if fctx["rows"]:
            jobs.append(Output(f"forms/{form_file}_{ctx['year']}_{dept}.xlsx", "xlsx", "kpi_form",
                               f"{title}（{dept}）", fctx, publish=False))
    return jobs


DELIVERABLE = Deliverable(KEY, applies, outputs, years)
