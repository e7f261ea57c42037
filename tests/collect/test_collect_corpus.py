"""Returned forms as departments send them back (tests/corpus/returned_forms.yaml): written as Excel
writes them, re-saved by LibreOffice and Gnumeric; legitimate ones reach data/ with exactly the
values typed and nothing else, the others are refused at their cell with data/ byte-identical."""
from __future__ import annotations

from pathlib import Path

import excelwrite as xw
import pytest
import yaml
from formfill import fill, resave_all_with_libreoffice, resave_with_gnumeric
from openpyxl.utils import column_index_from_string
from support import ROOT, tree

from reportgen.cli import main
from reportgen.deliverables.kpi_trend import measure_key
from reportgen.forms import evaluation_values
from reportgen.model.figures import figure_text
from reportgen.model.loader import load
from reportgen.rules import era
from reportgen.rules.era import NATIONAL

CASES = yaml.safe_load((ROOT / "tests/corpus/returned_forms.yaml").read_text(encoding="utf-8"))
FORMS = {"eval": "2017_H29/forms/実施事業評価等入力表_平成29年度_人権推進課.xlsx"}


def form_path(out: Path, name: str) -> Path:
    if name in FORMS:
        return out / FORMS[name]
    return out / f"2024_R6/forms/KPI実績値等入力表_令和6年度_{name.split('/', 1)[1]}.xlsx"


def value(spec):
    if not isinstance(spec, dict):
        return spec
    if "number" in spec:
        return xw.Number(spec["number"], spec.get("format", 0))
    if "quoted" in spec:
        return xw.Quoted(spec["quoted"])
    if "rich" in spec:
        return xw.Rich(tuple(tuple(r) for r in spec["rich"]))
    if "formula" in spec:
        return xw.Formula(spec["formula"], spec.get("cached", ""))
    if "bool" in spec:
        return xw.Bool(spec["bool"])
    raise ValueError(spec)


def facts(data: Path) -> dict[str, str]:
    """Every value a returned form can change, as data/ holds it."""
    ds = load(data)
    out = {}
    for sd in ds.strategies:
        for p in sd.projects.projects:
            for fy, ev in p.evaluations.items():
                for f, v in evaluation_values(ev).items():
                    out[f"project {p.id} {era.short(fy, fy2019=NATIONAL)} {f}"] = v
        for kind, items in (("indicator", sd.measures.indicators), ("kpi", sd.measures.kpis)):
            for meas in items:
                key = measure_key(kind, sd, meas)
                for fy, fig in meas.actuals.items():
                    out[f"actual {key} {era.short(fy, fy2019=NATIONAL)}"] = figure_text(fig, as_of="note", fy2019=NATIONAL)
                holders = [(key, meas)] + [(f"{key}:sub:{i + 1}", s) for i, s in enumerate(meas.sub_items)]
                for k, holder in holders:
                    for fy, r in holder.ratings.items():
                        out[f"rating {k} {era.short(fy, fy2019=NATIONAL)}"] = str(r.rating)
                        out[f"reason {k} {era.short(fy, fy2019=NATIONAL)}"] = r.reason
    return out


@pytest.fixture(scope="module")
def returned(tmp_path_factory, built):
    """Every case's returned file, made the way its program makes it (LibreOffice once for all), from the
    forms the default build sends (the shared archive: read, never changed)."""
    tmp = tmp_path_factory.mktemp("returned")
    out = built
    files, libre = {}, []
    for i, case in enumerate(CASES):
        form = form_path(out, case["form"])
        program = case.get("program", "excel")
        cells = {k: {c: value(v) for c, v in row.items()} for k, row in (case.get("cells") or {}).items()}
        dest = tmp / f"case{i:03d}.xlsx"
        if program == "openpyxl":
            files[i] = fill(form, dest, {k: {column_index_from_string(c): v for c, v in row.items()}
                                         for k, row in cells.items()})
            continue
        xw.excel_save(form, dest, cells, inserted=[(a, {c: value(v) for c, v in row.items()})
                                                   for a, row in case.get("inserted", [])], strict=case.get("strict", False))
        if program == "libreoffice":
            libre.append((i, dest))
        elif program == "gnumeric":
            files[i] = resave_with_gnumeric(dest, tmp / f"case{i:03d}-gnumeric.xlsx")
        else:
            files[i] = dest
    if libre:
        saved = resave_all_with_libreoffice([p for _, p in libre], tmp / "lo")
        for i, p in libre:
            files[i] = saved[p]
    return files


def test_the_corpus_has_at_least_40_behaviours_from_each_program():
    programs = [c.get("program", "excel") for c in CASES]
    assert len(CASES) >= 40
    assert {"excel", "libreoffice", "gnumeric"} <= set(programs)
    assert sum("accept" in c for c in CASES) >= 15 and sum("refuse" in c for c in CASES) >= 15


@pytest.mark.parametrize("i", range(len(CASES)), ids=[c["name"] for c in CASES])
def test_a_returned_form(i, returned, data_copy, capsys):
    case = CASES[i]
    before_files, before = tree(data_copy), facts(data_copy)
    code = main(["collect", str(returned[i]), "--data", str(data_copy)])
    out = capsys.readouterr()
    report = out.out + out.err
    assert "Traceback" not in report and "Warning" not in report and "site-packages" not in report
    if "refuse" in case:
        assert code == 1, report
        for text in case["refuse"]:
            assert text in report, f"{text!r} not in:\n{report}"
        assert tree(data_copy) == before_files  # byte-identical, and no backup written
        return
    assert code == 0, report
    for text in case.get("says", []):
        assert text in report, f"{text!r} not in:\n{report}"
    after = facts(data_copy)
    changed = {k: after.get(k) for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert changed == case["accept"], report
    files = {k for k, v in tree(data_copy).items() if before_files.get(k) != v and not k.startswith(".backups/")}
    wanted = {"strategies/1/projects.yaml" if k.startswith("project") else "strategies/2/kpis.yaml" for k in case["accept"]}
    assert files == wanted
