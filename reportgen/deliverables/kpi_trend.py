"""KPI目標値達成状況推移 (KPI trend sheet): values by year coloured by direction, ratings, charts; KPI update forms."""
from __future__ import annotations

from decimal import Decimal
from typing import Callable

from .. import era, forms
from ..labels import fill, raw_label
from ..era import FiscalYear
from ..figures import NOT_REPORTED, figure_text, signed_change, target_text
from ..loader import Dataset, StrategyData
from ..model import Figure, Measure, Review
from . import Deliverable, Output
from .common import goal_number, group_name, groups, kpis_in, strategy_title
from .pledge_list import circled

KEY = "kpi_trend"
DOCUMENT = "KPI目標値達成状況推移"


def applies(ds: Dataset, fy: FiscalYear) -> bool:
    sd = ds.strategy_for(fy)
    return sd is not None and bool(sd.measures.indicators or sd.measures.kpis)


def years(ds: Dataset) -> set[FiscalYear]:
    out = set()
    for sd in ds.strategies:
        for meas in list(sd.measures.indicators) + list(sd.measures.kpis):
            out |= set(meas.actuals)
    return out


def review_for(sd: StrategyData, fy: FiscalYear) -> Review | None:
    """The review whose period holds `fy`, else the latest one that ended before it."""
    holding = [r for r in sd.strategy.reviews if r.from_ <= fy <= r.to]
    if holding:
        return holding[0]
    ended = [r for r in sd.strategy.reviews if r.to < fy]
    return ended[-1] if ended else None


def suggested_rating(meas: Measure, upto: FiscalYear) -> int | None:
    """The rule in README §Suggested rating: 4 target reached; 3 better than the baseline and the
    latest change not a worsening; 2 no better than … or the latest change a worsening; 1 worse
    than the baseline. None where baseline, target or a reported number is missing."""
    base = meas.baseline.number
    reported = [(fy, f) for fy, f in sorted(meas.actuals.items()) if fy <= upto and f.value is not None]
    if base is None or not reported:
        return None
    target = meas.target
    if target.value is not None:
        t = target.value.number
    elif target.relation in ("基準値", "基準値以上", "現状値以上", "現状維持"):
        t = base.number
    else:
        return None
    latest = reported[-1][1].value.number
    sign = {"up": 1, "down": -1}.get(meas.direction)
    if sign is None:  # keep: the baseline is the target
        return 4 if latest == base.number else 2
    # a …以内 target is reached from below; better or worse than the baseline stays the KPI's direction
    reach = -1 if target.bound in ("以内", "以下", "未満") else sign
    if (latest - t) * reach >= 0:
        return 4
    gain = (latest - base.number) * sign
    if gain < 0:
        return 1
    last_step = (latest - reported[-2][1].value.number) * sign if len(reported) > 1 else Decimal(0)
    if gain > 0 and last_step >= 0:
        return 3
    return 2


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
         alt: Callable[[dict], str] | None = None, n: int = 0) -> dict:
    period = sd.strategy.period.years
    values, changes, series = [], [], []
    latest = None  # (year, text) of the last value the chart plots
    for year in period:
        fig = meas.actuals.get(year) if year <= fy else None
        values.append(figure_text(fig, as_of="note", empty=NOT_REPORTED) if fig is not None else NOT_REPORTED)
        changes.append(signed_change(meas.baseline, fig, meas.direction) if fig is not None else 0)
        series.append(float(fig.value.number) if fig is not None and fig.value is not None else None)
        if series[-1] is not None:
            latest = (year, values[-1])
    rated = review is not None and review.to <= fy
    rating = meas.ratings.get(review.id) if rated else None
    subs = []
    for i, sub in enumerate(meas.sub_items):
        r = sub.ratings.get(review.id) if rated else None
        subs.append({"rating": str(r.rating) if r else "",
                     "reason": (circled(i) + r.reason) if r and r.reason else (circled(i) if r else "")})
    if rating is None and subs:  # a composite KPI's row carries its first sub-item (as the seed prints it)
        first, subs = subs[0], subs[1:]
        rating_text, reason = first["rating"], first["reason"]
    else:
        rating_text, reason = (str(rating.rating), rating.reason) if rating else ("", "")
    suggestion = suggested_rating(meas, review.to if review and review.to <= fy else fy)
    departments = composite_departments(meas) if meas.sub_items and not meas.departments else "\n".join(meas.departments)
    target_number = meas.target.value.number if meas.target.value is not None else (
        meas.baseline.number.number if meas.target.relation and meas.baseline.number is not None else None)
    numbering = sd.strategy.numbering.kpis if kind == "kpi" else sd.strategy.numbering.indicators
    label = meas.id if kind == "kpi" and sd.strategy.print_kpi_ids else numbering(n) if n else ""
    chart_title = (f"{label} " if label else "") + meas.name
    # the chart's alternative text (read aloud in the PDF): which measure, baseline, target, latest value
    chart_alt = alt(dict(zip(CHART_ALT_NAMES, (
        chart_title, figure_text(meas.baseline, as_of="always"), target_text(meas.target),
        latest[1] if latest else NOT_REPORTED, era.year_end(latest[0]) if latest else "")))) if alt else ""
    return {
        "kind": kind, "key": key,
        "id": label,
        "name": meas.name + (f" ※{meas.footnote}" if meas.footnote else ""),
        "chart_title": chart_title, "chart_alt": chart_alt,
        "baseline": figure_text(meas.baseline, as_of="always"),
        "values": values, "changes": changes,
        "target": target_text(meas.target),
        "rating": rating_text, "reason": reason, "departments": departments,
        "suggested": str(suggestion) if suggestion is not None and str(suggestion) != rating_text and rating_text else "",
        "sub_items": subs,
        "series": {"actual": series, "baseline": _number(meas.baseline),
                   "target": float(target_number) if target_number is not None else None},
        "unit": meas.unit,
    }


# The names a chart's alternative text (labels key `chart_alt`) is filled with, besides the headers
# of the table (CHART_ALT_HEADERS); the template check reads them from here.
CHART_ALT_NAMES = ("title", "baseline", "target", "latest", "latest_year")
CHART_ALT_HEADERS = ("baseline_header", "target_header")


def measure_key(kind: str, sd: StrategyData, meas: Measure) -> str:
    if kind == "kpi":
        return forms.measure_key("kpi", id=meas.id)
    return forms.measure_key("indicator", goal=meas.goal, number=sd.indicator_numbers[id(meas)])


def context(ds: Dataset, fy: FiscalYear) -> dict:
    sd = ds.strategy_for(fy)
    s = sd.strategy
    review = review_for(sd, fy)
    target_header = f"{s.target_label_of(KEY)}（{era.short(s.period.to)}）"
    baseline_header = s.baseline_label_of(KEY)
    # the labels as the workbook fills them; a chart's alternative text is filled per measure
    raw_alt = raw_label(KEY, "chart_alt")

    def alt(values: dict) -> str:
        return fill(raw_alt, {**dict(zip(CHART_ALT_HEADERS, (baseline_header, target_header))), **values})

    goals = []
    for goal in s.goals:
        rows = []
        shown = [ind for ind in sd.measures.indicators if ind.goal == goal.no and ind.exists_in(fy)]
        for n, ind in enumerate(shown, 1):
            rows.append(_row(sd, "indicator", ind.as_of(fy), fy, review, measure_key("indicator", sd, ind), alt, n))
        for goal_no, pids in groups(sd, KEY):
            if goal_no != goal.no:
                continue
            kpis = kpis_in(sd, pids, fy)
            if kpis:
                rows.append({"kind": "group", "name": group_name(sd, pids)})
                rows.extend(_row(sd, "kpi", k, fy, review, measure_key("kpi", sd, k), alt, n) for n, k in enumerate(kpis, 1))
        goals.append({"no": goal_number(sd, goal.no), "goal_label": s.goal_label, "title": goal.title, "rows": rows})
    return {
        "strategy": strategy_title(ds, sd, sep=" "),
        "year": era.long(fy),
        "year_short": era.short(fy),
        "years": [era.year_end(y) for y in s.period.years],
        "target_header": target_header,
        "baseline_header": baseline_header,
        "goal_label": s.goal_label,
        "review": era.span_long(review.from_, review.to) + " " + review.name if review else "",
        "goals": goals,
    }


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


def form_context(ds: Dataset, fy: FiscalYear, department: str, measures: list[tuple[str, Measure]]) -> dict:
    """Rows a department updates: the year-end value, and the rating and reason when a review is open."""
    sd = ds.strategy_for(fy)
    review = next((r for r in sd.strategy.reviews if r.from_ <= fy <= r.to), None)
    rows = []
    for kind, raw in measures:
        meas = raw.as_of(fy)
        key = measure_key(kind, sd, raw)
        history = [f"{era.year_end(y)}: {figure_text(meas.actuals[y], as_of='note')}"
                   for y in sorted(meas.actuals) if y < fy]
        rating = meas.ratings.get(review.id) if review else None
        label = (f"{meas.id} " if kind == "kpi" and sd.strategy.print_kpi_ids else "") + meas.name
        own = not meas.sub_items or bool(meas.departments)
        rows.append({
            "id": key, "label": label, "kind": kind,
            "baseline": figure_text(meas.baseline, as_of="always"), "target": target_text(meas.target),
            "history": "\n".join(history), "unit": meas.unit, "prefix": meas.prefix,
            "value": figure_text(meas.actuals[fy], as_of="note") if fy in meas.actuals else "",
            "rating": str(rating.rating) if rating else "", "reason": rating.reason if rating else "",
            "departments": "\n".join(meas.departments), "has_value": True, "has_rating": review is not None and own,
        })
        for i, sub in enumerate(meas.sub_items):
            if not any(ds.form_department(d) == department for d in sub.departments):
                continue
            r = sub.ratings.get(review.id) if review else None
            rows.append({
                "id": forms.sub_key(key, i), "label": f"{label} {circled(i)}{sub.name}", "kind": "sub",
                "baseline": "", "target": "", "history": "", "unit": "", "prefix": "", "value": "",
                "rating": str(r.rating) if r else "", "reason": r.reason if r else "",
                "departments": "\n".join(sub.departments), "has_value": False, "has_rating": review is not None,
            })
    ctx = {
        "strategy": strategy_title(ds, sd, sep=" "), "department": department,
        "year": era.long(fy), "year_end": era.year_end(fy),
        "review": (era.span_long(review.from_, review.to) + " " + review.name) if review else "",
        "rows": rows, "password": ds.city.form_password or "",
    }
    ctx["identity"] = forms.identity(forms.KPI, ds, sd.strategy.id, fy, department, rows, forms.KPI_FIELDS)
    return ctx


def outputs(ds: Dataset, fy: FiscalYear) -> list[Output]:
    ctx = context(ds, fy)
    title = f"{ctx['strategy']} {DOCUMENT}（{ctx['year']}）"
    jobs = [Output(f"03_{DOCUMENT}_{ctx['year']}.xlsx", "xlsx", KEY, title, ctx)]
    sd = ds.strategy_for(fy)
    for dept, measures in form_departments(ds, sd, fy).items():
        fctx = form_context(ds, fy, dept, measures)
        if fctx["rows"]:
            jobs.append(Output(f"forms/KPI更新_{ctx['year']}_{dept}.xlsx", "xlsx", "kpi_form",
                               f"{title}（{dept}）", fctx, publish=False))
    return jobs


DELIVERABLE = Deliverable(KEY, applies, outputs, years)
