"""The office's registry workbook (事業・KPI登録簿), one per strategy: its rows as the data holds them for a year (pure)."""
from __future__ import annotations

import json

from reportgen.deliverables import kpi_trend
from reportgen.deliverables.common import strategy_title
from reportgen.deliverables.output import Output
from reportgen.forms import registry_layout as rl
from reportgen.forms.identity import digest, identity
from reportgen.model.figures import figure_text, target_text
from reportgen.model.loader import Dataset, StrategyData
from reportgen.model.measures import Kpi
from reportgen.model.schema import Project
from reportgen.rules import era
from reportgen.rules.era import FiscalYear
from reportgen.templating.year import YearSettings

DOCUMENT = "事業・KPI登録簿"


def joined(names) -> str:
    """Several names in one cell, a line each (as the department column of the forms prints them)."""
    return "\n".join(names)


def work_in(p: Project, fy: FiscalYear) -> str:
    listing = p.years.get(fy)
    return listing.work if listing is not None else ""


def project_values(p: Project, fy: FiscalYear, *, fy2019: str) -> dict:
    """A project's registry cells as data holds them for the documents of `fy` (its name as that year prints it)."""
    return {"name": p.name_in(fy), "description": p.description, "policy": p.policy,
            "departments": joined(p.departments), "first_year": p.first_year.text(fy2019=fy2019), "work": work_in(p, fy),
            "ended": era.short(p.ended, fy2019=fy2019) if p.ended else ""}


def kpi_values(k: Kpi, fy: FiscalYear, *, fy2019: str) -> dict:
    """A KPI's registry cells as documents of `fy` print it (revisions up to `fy` applied)."""
    d = k.as_of(fy)
    return {"policies": joined(d.policies), "name": d.name, "unit": d.unit, "prefix": d.prefix,
            "direction": rl.DIRECTIONS[d.direction], "baseline": figure_text(d.baseline, as_of="note", fy2019=fy2019),
            "target": target_text(d.target, fy2019=fy2019), "departments": joined(d.departments),
            "ended": era.short(k.ended, fy2019=fy2019) if k.ended else ""}


def _empty(kind: str) -> dict:
    return {f: "" for f in rl.FIELDS[kind]}


def rows(sd: StrategyData, fy: FiscalYear, *, fy2019: str) -> dict[str, list[dict]]:
    """Every project and KPI of the strategy (ended ones too, with their year), then the spare rows."""
    out = {rl.PROJECTS: [{"key": p.id, "id": p.id, **project_values(p, fy, fy2019=fy2019)} for p in sd.projects.projects],
           rl.KPIS: [{"key": k.id, "id": k.id, **kpi_values(k, fy, fy2019=fy2019)} for k in sd.measures.kpis]}
    for kind in rl.PARTS:
        out[kind] += [{"key": rl.spare_key(n), "id": "", **_empty(kind)} for n in range(1, rl.SPARE_ROWS + 1)]
    return out


def registry_identity(ds: Dataset, sd: StrategyData, fy: FiscalYear, parts: dict[str, list[dict]], *, fy2019: str) -> dict:
    """The department forms' identity (reportgen.forms.identity), with one table of rows per sheet."""
    ident = identity(rl.REGISTRY, ds, sd.strategy.id, fy, "", [], (), fy2019=fy2019)
    del ident["rows"], ident["sent"]
    ident["parts"] = {kind: [{"key": r["key"], "base": {f: digest(r[f]) for f in rl.FIELDS[kind]}} for r in part]
                      for kind, part in parts.items()}
    ident["sent"] = digest(json.dumps(ident, ensure_ascii=False, sort_keys=True))
    return ident


def context(ds: Dataset, sd: StrategyData, year: YearSettings) -> dict:
    s, fy, n = sd.strategy, year.fy, {"fy2019": year.fy2019}
    parts = rows(sd, fy, **n)
    return {
        "strategy": strategy_title(ds, sd, sep=" "), "strategy_id": s.id,
        "year": era.Notation(ds.city.year_notation, year.fy2019).long(fy),
        "year_short": era.short(fy, **n),
        "period": era.Notation(ds.city.year_notation, year.fy2019).span(s.period.from_, s.period.to), "baseline_label": s.baseline_label,
        "target_label": s.target_label, "parts": parts,
        "policies": [{"id": p.id, "name": p.name, "goal": g.no} for g in s.goals for p in g.policies],
        "departments": list(ds.departments), "years": [era.short(y, **n) for y in s.period.years],
        "password": ds.city.form_password or "", "identity": registry_identity(ds, sd, fy, parts, **n),
    }


def registry_year(ds):
    """The year whose registry `collect` takes by default: the year whose documents are prepared next,
    the one after the latest year-end actual (its 対象事業一覧 prints those actuals), where a strategy covers it."""

    years = kpi_trend.years(ds)
    if not years:
        return None
    nxt = max(years) + 1
    return nxt if ds.strategy_for(nxt) is not None else max(years)


def outputs(ds: Dataset, year: YearSettings) -> list:
    """One registry workbook per strategy whose period holds the year (rendered by the archive like the forms)."""

    jobs = []
    for sd in ds.strategies:
        if sd.strategy.covers(year.fy):
            ctx = context(ds, sd, year)
            jobs.append(Output(f"forms/{DOCUMENT}_{ctx['year']}_戦略{sd.strategy.id}.xlsx", "xlsx", "registry",
                               f"{ctx['strategy']} {DOCUMENT}（{ctx['year']}）", ctx, publish=False,
                               deliverable="registry"))
    return jobs
