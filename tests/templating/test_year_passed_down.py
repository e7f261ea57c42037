"""How a year is written is handed down, never remembered: forgetting it is a TypeError, two cities'
years built in one process in either order each come out as their own city.yaml says, and no module
of reportgen keeps a mutable setting between calls."""
from __future__ import annotations

import ast
import io
import shutil
from pathlib import Path

import docx
import openpyxl
import pytest
from support import DATA, ROOT, year

from reportgen.cycle import sources
from reportgen.deliverables import (catalogue, evaluation_table, kpi_trend, outputs_for, pledge_list, registry_form,
    target_list, value_tables)
from reportgen.forms.identity import identity as form_identity
from reportgen.model.figures import figure_text, target_text
from reportgen.model.loader import load
from reportgen.ooxml.package import CoreProps
from reportgen.render.dispatch import render, render_xlsx
from reportgen.render.xlsx_layouts import LAYOUTS
from reportgen.rules import era, eradays
from reportgen.rules.era import FiscalYear, parse_fy
from reportgen.templating.labels import labels, raw_label
from reportgen.templating.year import folder_name

# ---------------------------------------------------------------------------- forgetting the year

R6 = FiscalYear(2024)


def _calls(load_data: bool = True):
    """Every context builder, renderer and document formatter, called with all it needs but the
    year (or FY2019's name, or the template set): (what is called, the parameter left out, the call).
    Without `load_data`, only the names (the lambdas refer to nothing yet)."""
    ds = sd = sd1 = rnd = pl = ctx = core = None
    jobs: dict = {}
    if load_data:
        ds = load(DATA)
        y = year(R6, ds)
        sd = ds.strategy_for(R6)
        sd1, rnd = evaluation_table.round_in(ds, parse_fy("H29"))
        pl = ds.pledge_lists[-1]
        jobs = {job.layout: job for job in outputs_for(ds, y)}
        ctx = jobs["kpi_trend"].context
        core = CoreProps("title", "city", y.stamp)
    calls = [("deliverables.outputs_for", "year", lambda: outputs_for(ds)),
             ("target_list.context", "year", lambda: target_list.context(ds)),
             ("kpi_trend.context", "year", lambda: kpi_trend.context(ds)),
             ("kpi_trend.form_context", "year", lambda: kpi_trend.form_context(ds, department="x", measures=[])),
             ("value_tables.context", "year", lambda: value_tables.context(ds)),
             ("registry_form.context", "year", lambda: registry_form.context(ds, sd)),
             ("pledge_list.context", "year", lambda: pledge_list.context(ds, pl)),
             ("evaluation_table.header", "fy2019", lambda: evaluation_table.header(ds, sd1, rnd)),
             ("sources.forms_for", "year", lambda: sources.forms_for(ds)),
             ("render.dispatch.render", "year", lambda: render(jobs["target_list.docx"], creator="city")),
             ("render.dispatch.render_xlsx", "templates", lambda: render_xlsx("kpi_trend", ctx, core)),
             ("templating.labels.labels", "templates", lambda: labels("kpi_trend", ctx)),
             ("templating.labels.raw_label", "templates", lambda: raw_label("kpi_trend", "chart_alt")),
             ("forms.identity.identity", "fy2019", lambda: form_identity("kpi", ds, "2", R6, "x", [], ())),
             ("model.figures.figure_text", "fy2019", lambda: figure_text(sd.measures.kpis[0].baseline, as_of="always")),
             ("model.figures.target_text", "fy2019", lambda: target_text(sd.measures.kpis[0].target)),
             ("templating.year.folder_name", "fy2019", lambda: folder_name(R6))]
    calls += [(f"render layout {name}", "templates", lambda fn=fn: fn(ctx)) for name, fn in LAYOUTS.items()]
    calls += [(f"{d.key}.outputs", "year", lambda d=d: d.outputs(ds)) for d in catalogue()]
    for name in ("long", "short", "era_year_only", "year_end", "year_end_current", "western_era", "end_month",
                 "notations", "as_of_note", "era_code", "era_year", "era_name"):
        calls.append((f"era.{name}", "fy2019", lambda fn=getattr(era, name): fn(R6)))
    calls.append(("era.span_long", "fy2019", lambda: era.span_long(R6, R6 + 1)))
    calls.append(("era.list_long", "fy2019", lambda: era.list_long([R6])))
    for name in ("when_long", "when_short", "when_western_era", "when_header", "calendar_long", "calendar_header",
                 "calendar_short"):
        calls.append((f"eradays.{name}", "fy2019", lambda fn=getattr(eradays, name): fn(eradays.CalendarYear(2019))))
    return calls


# what is called, the parameter left out (the calls themselves are made when the tests run, not at collection)
CALLED = [(what, missing) for what, missing, _call in _calls(load_data=False)]


@pytest.fixture(scope="module")
def calls() -> dict:
    return {what: call for what, _missing, call in _calls()}


@pytest.mark.parametrize("what, missing", CALLED, ids=[what for what, _ in CALLED])
def test_a_context_renderer_or_formatter_without_the_year_is_a_type_error(calls, what, missing):
    """No default stands in for the year: left out, the call fails at once, naming what is missing."""
    with pytest.raises(TypeError, match=rf"missing 1 required (keyword-only |positional )?argument: '{missing}'"):
        calls[what]()


# ---------------------------------------------------------------------------- FY2019, two cities, one process

def _listed(folder: Path) -> Path:
    """Iruma's data with a project listed in H30 and FY2019 too: those years' 対象事業一覧 are built (a list
    with no project and no actual of the year before is left out, issue 25 item 9)."""
    shutil.copytree(DATA, folder)
    projects = folder / "strategies" / "1" / "projects.yaml"
    text = projects.read_text(encoding="utf-8")
    work = "        work: 女性のための起業セミナーを実施し、女性の就労支援を行う。\n"
    assert work in text
    projects.write_text(text.replace(work, work + "      H30:\n        work: 同上。\n      H31:\n        work: 同上。\n", 1),
                        encoding="utf-8")
    return folder


def _heisei_city(folder: Path) -> Path:
    """Iruma's data with city.yaml's `fy2019: 平成31年度` (a plan written before 令和)."""
    _listed(folder)
    city = folder / "city.yaml"
    city.write_text(city.read_text(encoding="utf-8") + "fy2019: 平成31年度\n", encoding="utf-8")
    return folder


def _seen(data: Path, spelling: str) -> dict:
    """What a person sees of one year of one city: its folder, its documents' names, the target
    list's 目標値 header as printed in the Word document and the trend sheet's title cell."""
    ds = load(data)
    y = year(spelling, ds, None)
    jobs = outputs_for(ds, y)
    word = next(j for j in jobs if j.layout == "target_list.docx")
    text = {p.text for t in docx.Document(io.BytesIO(render(word, y, ds.city.name))).tables
            for row in t.rows for p in (c for c in row.cells)}
    trend = next(j for j in jobs if j.layout == "kpi_trend")
    sheet = openpyxl.load_workbook(io.BytesIO(render(trend, y, ds.city.name))).worksheets[0]
    return {"folder": y.folder, "files": sorted(j.filename for j in jobs if "/" not in j.filename),
            "target": sorted(t for t in text if t.startswith("目標値（")),
            "trend_target": sorted({str(c.value) for row in sheet.iter_rows() for c in row
                                    if isinstance(c.value, str) and c.value.startswith("目標値（")})}


@pytest.mark.parametrize("order", ["reiwa_city_first", "heisei_city_first"])
def test_fy2019_is_named_by_each_documents_year_and_city_whatever_was_built_before(tmp_path, order):
    """Documents of FY2018 and before name FY2019 平成31年度 (they were written before 令和); later
    ones as city.yaml's `fy2019` says. Two cities built in one process, in either order, interleaved
    year by year: each year comes out as its own settings say (a remembered choice would leak)."""
    reiwa, heisei = _listed(tmp_path / "reiwa"), _heisei_city(tmp_path / "heisei")
    cities = [reiwa, heisei] if order == "reiwa_city_first" else [heisei, reiwa]
    seen = {}
    for spelling in ("H30", "R1", "H30"):  # back to an earlier year after FY2019: nothing carried over
        for data in cities:
            seen.setdefault((data, spelling), []).append(_seen(data, spelling))
    for (data, spelling), views in seen.items():
        assert all(v == views[0] for v in views), (data, spelling)
    h30_reiwa, h30_heisei = seen[reiwa, "H30"][0], seen[heisei, "H30"][0]
    assert h30_reiwa == h30_heisei
    assert h30_reiwa["folder"] == "2018_H30" and h30_reiwa["target"] == ["目標値（H31）"]
    assert h30_reiwa["trend_target"] == ["目標値（H31）"]
    r1, h31 = seen[reiwa, "R1"][0], seen[heisei, "R1"][0]
    assert r1["folder"] == "2019_R1" and "01_対象事業一覧_令和元年度.docx" in r1["files"]
    assert r1["target"] == ["目標値（R1）"] and r1["trend_target"] == ["目標値（R1）"]
    assert h31["folder"] == "2019_H31" and "01_対象事業一覧_平成31年度.docx" in h31["files"]
    assert h31["target"] == ["目標値（H31）"] and h31["trend_target"] == ["目標値（H31）"]
    assert not any("令和元" in name for name in h31["files"])


# ---------------------------------------------------------------------------- no mutable module state

# Module-level containers reportgen mutates at run time that hold no setting: each is a memo of a
# pure function of its key (the same key gives the same value, whoever asked first) or the hand-off of
# one build's work to its forked workers. Anything else mutable at module level fails the test below.
MEMOS = {
    ("reportgen/archive/build.py", "_FORKED_WORK"): "one build's jobs for its forked workers, removed when it ends",
    ("reportgen/cli/__init__.py", "_ACCEPTS"): "whether a verb's parser takes an option",
    ("reportgen/forms/identity.py", "_BUILD_IDS"): "a data set's build id (its hash), for the data set held",
    ("reportgen/fast/openpyxl.py", "_SHARED"): "shared string tables by value",
    ("reportgen/fast/openpyxl.py", "_BY_VALUE"): "shared strings by value",
    ("reportgen/fast/openpyxl.py", "_COMBINED"): "combined cell styles by value",
    ("reportgen/fast/openpyxl.py", "_CHART_XML"): "chart XML by its inputs",
    ("reportgen/fast/openpyxl.py", "_STYLESHEETS"): "stylesheets by value",
}  # and functools.lru_cache memos, such as model/loader.py's _parsed_memo (a data file's text parsed)
MUTATORS = {"append", "extend", "insert", "pop", "remove", "clear", "update", "setdefault", "add", "discard",
            "popitem", "appendleft", "sort", "reverse"}
CONTAINER_CALLS = {"list", "dict", "set", "defaultdict", "OrderedDict", "deque", "Counter"}


def _module_containers(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        container = isinstance(value, (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)) or (
            isinstance(value, ast.Call) and getattr(value.func, "id", getattr(value.func, "attr", None)) in CONTAINER_CALLS)
        names |= {t.id for t in targets if isinstance(t, ast.Name) and container}
    return names


def _mutated_names(tree: ast.Module) -> set[str]:
    """Names whose object a function changes: `X.append(…)`, `X[k] = …`, `del X[k]`, `mod.X[:] = …`, `global X`."""
    def named(node) -> str | None:
        return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None

    found = set()
    for fn in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))):
        for n in ast.walk(fn):
            if isinstance(n, ast.Global):
                found |= set(n.names)
            elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in MUTATORS:
                found.add(named(n.func.value))
            elif isinstance(n, (ast.Assign, ast.AugAssign, ast.Delete)):
                targets = n.targets if isinstance(n, (ast.Assign, ast.Delete)) else [n.target]
                found |= {named(t.value) for t in targets if isinstance(t, ast.Subscript)}
    return found - {None}


def test_no_module_of_reportgen_keeps_mutable_state_but_its_memos():
    """A setting kept at module level (a stack of the year in force, of the template set, of who is
    told of a wait) is what the year passed down replaced: every module-level list, dict or set that
    any function of reportgen changes is one of the named memos."""
    trees = {p.relative_to(ROOT).as_posix(): ast.parse(p.read_text(encoding="utf-8"))
             for p in sorted((ROOT / "reportgen").rglob("*.py"))}
    mutated = set().union(*(_mutated_names(t) for t in trees.values()))  # also through another module: lock.WAITING[:] = …
    kept = {(path, name) for path, tree in trees.items() for name in _module_containers(tree) if name in mutated}
    assert not kept - set(MEMOS), sorted(kept - set(MEMOS))
    assert not set(MEMOS) - kept, sorted(set(MEMOS) - kept)  # the list names only what is there
