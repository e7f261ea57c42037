"""対象事業一覧 (target project list, Word): goals, indicators, KPIs with differences, projects per policy group."""
from __future__ import annotations

from reportgen.deliverables.common import (column_year, goal_number, group_name, groups, kpi_label, kpis_in,
    numbered, strategy_title)
from reportgen.deliverables.output import Deliverable, Output
from reportgen.model.figures import figure_text, measure_diff_text, split_dated, target_text
from reportgen.model.loader import Dataset, StrategyData
from reportgen.model.measures import Measure
from reportgen.rules import era, eradays, valuekinds
from reportgen.rules.era import FiscalYear
from reportgen.rules.problems import Msg
from reportgen.templating.labels import fill, raw_label
from reportgen.templating.year import YearSettings

KEY = "target_list"
DOCUMENT = "対象事業一覧"
DOCUMENT_WITHOUT_PROJECTS = "指標一覧"


def applies(ds: Dataset, fy: FiscalYear) -> bool:
    return ds.strategy_for(fy) is not None


def years(ds: Dataset) -> set[FiscalYear]:
    """The years a list is dated in: each year with listed projects; for a strategy without project
    lists, the year after its last actual (its list shows the latest actuals: `H27末現在` in the H28
    list), when that year lies in the strategy's period."""
    out = {fy for sd in ds.strategies for p in sd.projects.projects for fy in p.years}
    for sd in ds.strategies:
        if sd.projects.projects:
            continue  # a city with project lists: a year's list needs that year's listings
        dated = [eradays.moment(w) for meas in list(sd.measures.indicators) + list(sd.measures.kpis) for w in meas.actuals]
        if dated:
            y, mo, _d = max(dated)
            after = FiscalYear(y if mo >= 4 else y - 1) + 1
            if sd.strategy.covers(after):
                out.add(after)
    return out


def current_value(meas: Measure, prev: FiscalYear):
    """The 〜末現在 column's figure: a fiscal-year measure's value of that year (its baseline's, when
    the baseline is that year's and no actual is: `R6末現在 —` beside a baseline as of R6 hid a known
    value); a calendar-year or point-in-time one's latest value dated by the end of that year, with
    its own year noted."""
    if meas.period == "fiscal_year":
        if prev not in meas.actuals and meas.baseline.value is not None and meas.baseline.as_of == prev:
            return meas.baseline, None
        return meas.actuals.get(prev), None
    end = eradays.moment(prev)
    found = [(w, f) for w, f in valuekinds.ordered(meas.actuals) if eradays.moment(w) <= end]
    return (found[-1][1], found[-1][0]) if found else (None, None)


def _table(rows_of: list[tuple[Measure, str]], fy: FiscalYear, header_year: FiscalYear, style: str,
           words: dict, shows_current: bool, table: str, *, fy2019: str) -> dict:
    """One indicator or KPI table: rows, ※ notes in order, its baseline header and the columns it
    prints (`columns`: u 単位, b 基準値, c …末現在, d 増減, t 目標値): a column with nothing to show is
    left out (every baseline `{none}`; no actual yet; no difference), and so is one whose header the
    labels file empties. Each figure measured in another year than its column's carries that year
    (` (H28)`, ` (R3)`), cut off as `…_note` so the template keeps it whole on one line."""
    rows, notes = [], []
    prev = fy - 1
    mark = words["note_mark"]
    n = {"fy2019": fy2019}
    # a 単位 column (the labels' unit_header): each measure's unit printed once, its figures without it
    units = bool(words["unit_header"])
    column_year, header = _baseline_column(rows_of, header_year, words, table, fy2019=fy2019)
    for meas, label in rows_of:
        current, when = current_value(meas, prev)
        name = label + (mark if meas.footnote else "")
        compared = None if current is meas.baseline else current  # the baseline itself: no 増減 to print
        diff = valuekinds.difference_quantity(meas, compared)
        unit = meas.unit if units else None
        baseline = figure_text(meas.baseline, as_of="differs" if column_year else "always", column_year=column_year,
                               style=style, column_unit=unit, **n)
        baseline_dated = baseline != figure_text(meas.baseline, style=style, column_unit=unit, **n)
        # a fiscal-year actual measured in an earlier year (4,743事業所 (R03) in the R5 list) says so
        column = prev if meas.period == "fiscal_year" else None  # other kinds print their own year (`when`)
        current_text = figure_text(current, as_of="differs", column_year=column, style=style, column_unit=unit, **n) + (
            valuekinds.note_year(when, style, **n) if when else "")
        current_dated = current_text != figure_text(current, style=style, column_unit=unit, **n)
        rows.append({
            "name": name,
            "unit": meas.unit,
            "baseline": baseline,
            "current": current_text,
            "diff": measure_diff_text(meas, compared, column_unit=unit),
            "target": target_text(meas.target, style, column_unit=unit, **n),
            "computable": diff is not None,
            "baseline_dated": baseline_dated,
        })
        rows[-1]["baseline_figure"], rows[-1]["baseline_note"] = split_dated(baseline, meas.baseline, baseline_dated, unit)
        rows[-1]["current_figure"], rows[-1]["current_note"] = split_dated(current_text, current, current_dated, unit)
        for fig in (meas.baseline, current):
            if fig is not None and fig.footnote:
                notes.append(fig.footnote)
        if meas.footnote:
            notes.append(meas.footnote)
    # left out where every baseline is {none}, unless the list prints their ― in a column of its own
    # (baseline_column_when_none: print; 浦河町's 施策 whose KPI are all new)
    baseline = bool(words["raw"]["baseline_header"]) and (
        words["baseline_column_when_none"] == "print" or any(m.baseline.none is None for m, _ in rows_of))
    current = bool(words["current_header"]) and shows_current
    # The seed prints the 基準値からの増減 column only where some row has a difference.
    diff = baseline and current and bool(words["diff_header"]) and any(r["computable"] for r in rows)
    columns = "".join(c for c, shown in (("u", units), ("b", baseline), ("c", current), ("d", diff), ("t", True)) if shown)
    return {"rows": rows, "notes": notes, "has_rows": bool(rows), "has_notes": bool(notes),
            "has_diff": diff, "columns": columns, "baseline_header": header}


def _baseline_column(rows_of: list[tuple[Measure, str]], header_year: FiscalYear, words: dict,
                     table: str, *, fy2019: str) -> tuple[FiscalYear | None, str]:
    """The year a table's baseline header names, and the header: the strategy's baseline year where
    some figure is of that year (the others carry their own, 50,018人 (H28) under 現状値（R1）); else
    the one year every figure shares (0.293 under 現状値（R1） where the strategy says R2, as the
    published strategy prints it); else no year, each figure with its own (a header naming a year
    would say what the column does not hold: 4,713事業所 (H28) under 現状値（R1）)."""
    years = {m.baseline.as_of or header_year for m, _ in rows_of if m.baseline.none is None}
    if not years or header_year in years:
        return header_year, words[f"{table}_baseline_header"]
    if len(years) == 1 and isinstance(year := next(iter(years)), FiscalYear):
        return year, fill(words["raw"]["baseline_header"], {
            **words["names"], "label": words[f"{table}_baseline_label"],
            "baseline_year": era.notations(year, fy2019=fy2019, named=words["notation"])})
    return None, words[f"{table}_baseline_header_undated"]


def _words(s, fy: FiscalYear, prev: FiscalYear, strategy: str, year: YearSettings, notation: str = "short") -> dict:
    """Every fixed word of the document from target_list.labels.yaml, filled with the strategy's
    wording and the years in every notation (the labels choose theirs: `{{ year.western_fy }}`)."""
    levels = "、".join(w for w in (s.goal_label, s.policy_label) if w)
    named = era.Notation(notation, year.fy2019)  # the city's notation (city.yaml year_notation): `named…`
    n = {"fy2019": year.fy2019, "named": named}
    names = {"year": era.notations(fy, **n), "previous": era.notations(prev, **n), "target_year": era.notations(s.period.to, **n),
             "strategy": strategy, "has_projects": s.projects, "goal_label": s.goal_label,
             "policy_label": s.policy_label, "levels": levels}
    words = {k: raw_label(KEY, k, templates=year.templates) for k in WORDS}
    filled = {k: fill(v, names) for k, v in words.items() if k not in PER_ROW}
    for table, baseline in (("indicators", s.indicator_baseline_year), ("kpis", s.kpi_baseline_year)):
        filled[f"{table}_baseline_header"] = fill(words["baseline_header"], {
            **names, "label": s.baseline_label_of(table), "baseline_year": era.notations(baseline, **n)})
        filled[f"{table}_baseline_header_undated"] = fill(words["baseline_header_undated"], {
            **names, "label": s.baseline_label_of(table)})
        filled[f"{table}_baseline_label"] = s.baseline_label_of(table)
        filled[f"{table}_target_header"] = fill(words["target_header"], {**names, "label": s.target_label_of(table)})
    return {"raw": words, "names": names, "notation": named, **filled}


# The keys of templates/target_list.labels.yaml; PER_ROW ones are filled for each goal, policy or table.
WORDS = ("title", "lead", "goal_heading", "policy_heading", "indicator_table", "kpi_table", "unit_header",
         "baseline_column_when_none", "baseline_header", "baseline_header_undated", "current_header", "diff_header",
         "target_header", "note_mark", "continuing", "new", "project_name_header", "project_work_header",
         "project_departments_header", "no_projects")
PLAIN = ("indicator_table", "kpi_table", "unit_header", "diff_header", "continuing", "new", "project_name_header",
         "project_work_header", "project_departments_header", "no_projects")
PER_ROW = ("goal_heading", "policy_heading", "baseline_header", "baseline_header_undated", "target_header")


def _shows_current(sd: StrategyData) -> bool:
    """Whether the 〜末現在 column is printed: once the strategy has any actual (a plan with no
    actuals yet, its first publication, prints baseline → target; Iruma's first list, whose
    column is all —, keeps it, as published)."""
    return any(meas.actuals for meas in [*sd.measures.indicators, *sd.measures.kpis])


class Names(list):
    """Department names as a policy heading prints them: `{{ related }}` reads 企画課、商工観光課 (the
    usual Japanese list), and a city that separates them otherwise writes `{{ related|join(' ') }}`."""

    def __str__(self) -> str:
        return "、".join(self)


def _departments(sd: StrategyData, pids: list[str]) -> dict:
    """A policy group's 担当課 and 関係課 as its heading may print them, each once, in order."""
    found = {"departments": Names(), "related": Names()}
    for pid in pids:
        policy = sd.policy(pid)
        for key in found:
            found[key] += [d for d in getattr(policy, key) if d not in found[key]]
    return found


def context(ds: Dataset, year: YearSettings) -> dict:
    sd: StrategyData = ds.strategy_for(year.fy)
    s = sd.strategy
    n = {"fy2019": year.fy2019}
    fy = column_year(year.fy, s.period.from_)
    prev = fy - 1  # the "current" column: the end of the previous fiscal year
    yn = era.Notation(ds.city.year_notation, year.fy2019)  # the city's notation (city.yaml year_notation)
    notes = s.year_notes or ds.city.year_notation  # a figure's own year: the strategy's notes, else the city's notation
    target_year = yn.short(s.period.to)
    strategy = strategy_title(ds, sd)
    words = _words(s, fy, prev, strategy, year, ds.city.year_notation)
    shows_current = _shows_current(sd)
    headers = {
        "indicator_baseline": words["indicators_baseline_header"],
        "kpi_baseline": words["kpis_baseline_header"],
        # each table's 増減 column names that table's baseline (基準値からの増減, 現状値からの増減)
        "indicator_baseline_label": s.baseline_label_of("indicators"),
        "kpi_baseline_label": s.baseline_label_of("kpis"),
        "current": words["current_header"],
        "target": f"{s.target_label}（{target_year}）",
        "indicator_target": words["indicators_target_header"],
        "kpi_target": words["kpis_target_header"],
    }
    numbering = s.numbering
    listed = [p for p in sd.projects.projects if fy in p.years and p.active_in(fy)]
    goals = []
    for goal in s.goals:
        indicators = [i.as_of(fy) for i in sd.measures.indicators if i.goal == goal.no and i.exists_in(fy)]
        indicators = [(i, numbered(i.name, numbering.indicators, n)) for n, i in enumerate(indicators, 1)]
        no = goal_number(sd, goal.no)
        gctx = {"no": no, "title": goal.title, "project": goal.project or "",
                "heading": fill(words["raw"]["goal_heading"], {**words["names"], "no": no, "title": goal.title,
                                                               "project": goal.project or ""}),
                "indicators": _table(indicators, fy, s.indicator_baseline_year, notes, words, shows_current,
                                     "indicators", **n),
                "groups": []}
        for goal_no, pids in groups(sd, KEY):
            if goal_no != goal.no:
                continue
            kpis = [(k, numbered(kpi_label(sd, k), numbering.kpis, n)) for n, k in enumerate(kpis_in(sd, pids, fy), 1)]
            projects = [p for p in listed if p.policy in pids]
            rows = {True: [], False: []}
            for p in projects:
                rows[bool(p.is_new_in(fy))].append({
                    "name": p.name_in(fy),
                    "work": p.years[fy].work,
                    "departments": "\n".join(p.departments_in(fy)),
                })
            name = group_name(sd, pids)
            gctx["groups"].append({
                "name": name,
                "heading": fill(words["raw"]["policy_heading"], {**words["names"], "name": name,
                                                                 **_departments(sd, pids)}),
                "kpis": _table(kpis, fy, s.kpi_baseline_year, notes, words, shows_current, "kpis", **n),
                "continuing": rows[False], "new": rows[True],
                "has_continuing": bool(rows[False]), "has_new": bool(rows[True]),
                "has_projects": bool(projects),
            })
        goals.append(gctx)
    return {
        "year": yn.long(fy),
        "strategy": strategy,
        "previous_year_short": era.era_year_only(prev, **n),
        "year_short": era.era_year_only(fy, **n),
        "headers": headers,
        "labels": {k: v for k, v in words.items() if k not in ("raw", "names", "notation") and k not in PER_ROW},
        # the labels whose run was a fixed word of the template (render.docx writes them as it did)
        "plain_labels": PLAIN,
        "goals": goals,
        "goal_label": s.goal_label,
        "policy_label": s.policy_label,
        "has_projects": s.projects,
    }


def left_out(ds: Dataset, fy: FiscalYear) -> Msg | None:
    """Why a city that lists projects gets no list this year: none is listed in it and no actual of the
    year before is there to show, so the document would only repeat 該当事業なし under every policy
    beside the baselines and targets (a new town's review year before its lists are written)."""
    sd = ds.strategy_for(fy)
    if sd is None or not sd.strategy.projects or not _shows_current(sd):
        return None  # a plan with no actual yet: its first list, baseline → target, is its publication
    at = column_year(fy, sd.strategy.period.from_)
    if at == sd.strategy.period.from_:
        return None  # a strategy's first year: its list prints the strategy's own tables, as it was published (seed 002)
    if any(at in p.years and p.active_in(at) for p in sd.projects.projects):
        return None
    # the measures the list prints (as context() chooses them; no labels read: verify rebuilds with a year's own)
    shown = [i.as_of(at) for i in sd.measures.indicators if i.exists_in(at)]
    shown += [k for _goal, pids in groups(sd, KEY) for k in kpis_in(sd, pids, at)]
    if any(current_value(m, at - 1)[0] not in (None, m.baseline) for m in shown):
        return None
    y, before = era.short(at, fy2019=era.NATIONAL), era.short(at - 1, fy2019=era.NATIONAL)
    return Msg(ja=f"{DOCUMENT}は作りません（{era.long(at, fy2019=era.NATIONAL)}の事業も {before}末の実績もなく、どの施策も「該当事業なし」だけになるため。"
                  f"projects.yaml の事業に years: {y} を書くと作ります）",
               en=f"no {DOCUMENT} (target project list): no project is listed for {y} and no actual of {before} is there, "
                  f"so every policy would read only 該当事業なし; list projects under years: {y} in projects.yaml to build it")


def outputs(ds: Dataset, year: YearSettings) -> list[Output]:
    if left_out(ds, year.fy) is not None:
        return []
    ctx = context(ds, year)
    # a city without project lists gets the same document without its projects, named for what it holds
    document = DOCUMENT if ctx["has_projects"] else DOCUMENT_WITHOUT_PROJECTS
    title = f"{ctx['year']}{ctx['strategy']}{document.replace('一覧', '')}"
    return [Output(f"01_{document}_{ctx['year']}.docx", "docx", "target_list.docx", title, ctx)]


DELIVERABLE = Deliverable(KEY, applies, outputs, years, left_out)
