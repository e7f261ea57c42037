"""A figure measured over a range of years (issue 27): `as_of: 2009~14年` / `as_of: H24~26` read at load
(wrong ranges refused at their line, quoting what was written) and printed after the figure in the
city's notation, in the yearly list and the KPI sheet."""
from __future__ import annotations

import shutil

import docx
import openpyxl
import pytest
from support import DATA, ROOT

from reportgen.archive.build import build
from reportgen.model.loader import load
from reportgen.rules.era import parse_fy
from reportgen.rules.problems import DataError

BASELINE = 'baseline: {value: "4,986事業所", as_of: H26}'


def with_baseline(tmp_path, as_of: str, city: str = ""):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    kpis = data / "strategies" / "1" / "kpis.yaml"
    text = kpis.read_text(encoding="utf-8")
    assert text.count(BASELINE) == 1
    kpis.write_text(text.replace(BASELINE, f'baseline: {{value: "4,986事業所", as_of: "{as_of}"}}'), encoding="utf-8")
    if city:
        with (data / "city.yaml").open("a", encoding="utf-8") as f:
            f.write(city)
    return data, kpis


@pytest.mark.parametrize("city, printed", [("", "4,986事業所 (H24~26)"),
                                           ("year_notation: western\n", "4,986事業所(2012~14年度)"),
                                           ("year_notation: long\n", "4,986事業所(平成24~26年度)")])
def test_a_range_prints_after_its_figure_in_the_citys_notation(tmp_path, city, printed):
    data, _ = with_baseline(tmp_path, "H24～H26", city)
    out = tmp_path / "out"
    build(data, out, [parse_fy("H29")])
    (listing,) = out.glob("2017_H29/01_*.docx")
    rows = [[c.text for c in r.cells] for t in docx.Document(str(listing)).tables for r in t.rows]
    assert ["市内事業所数", printed, "4,962事業所※", "△24事業所", "基準値"] in rows
    (sheet,) = out.glob("2017_H29/03_*.xlsx")
    shown = {str(c.value) for ws in openpyxl.load_workbook(sheet).worksheets for row in ws.iter_rows() for c in row}
    assert printed in shown


@pytest.mark.parametrize("written", ["2014~2009年", "H26~", "H24~26年"])
def test_a_wrong_range_is_refused_at_its_line_quoting_it(tmp_path, written):
    """Backwards, cut short, or calendar years (年) for a fiscal-year measure."""
    data, kpis = with_baseline(tmp_path, written)
    line = next(i for i, ln in enumerate(kpis.read_text(encoding="utf-8").splitlines(), 1) if written in ln)
    with pytest.raises(DataError) as exc:
        load(data)
    [msg] = [p.render("ja") for p in exc.value.problems]
    assert msg.startswith(f"{kpis}:{line}:") and "as_of" in msg and written in msg, msg


def test_a_range_dates_a_figure_never_a_column(tmp_path):
    """An actual's key is one fiscal year (its column): a range there is refused at its line."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    kpis = data / "strategies" / "2" / "kpis.yaml"
    text = kpis.read_text(encoding="utf-8")
    kpis.write_text(text.replace('      R4: {value: "4,743事業所", as_of: R03}', '      R3~4: {value: "4,743事業所"}', 1),
                    encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load(data)
    [msg] = [p.render("ja") for p in exc.value.problems]
    assert msg.startswith(f"{kpis}:25:") and "actuals.R3~4" in msg and msg.endswith("書かれていた値: 'R3~4'"), msg


# ---------------------------------------------------------------- a 数値目標 stated as a sentence

MATSUDO = ROOT / "examples" / "matsudo" / "data"
SIXTH = '''    baseline: {value: 15.8%, as_of: 平成25年度}
    target: {value: 28.0%, year: 平成31年度}'''


def matsudo_with(tmp_path, lines: str):
    data = tmp_path / "data"
    shutil.copytree(MATSUDO, data)
    kpis = data / "strategies" / "1" / "kpis.yaml"
    text = kpis.read_text(encoding="utf-8")
    assert text.count(SIXTH) == 1
    kpis.write_text(text.replace(SIXTH, lines), encoding="utf-8")
    return data, kpis


def test_a_target_stated_as_a_sentence_prints_as_one_line_its_figures_numbers(tmp_path):
    """5年間で100人の雇用の創出 (平成27年度 13人), as the plan prints it: the target and the baseline
    stay figures (compared, rated), the sentence only says where they go."""
    data, kpis = matsudo_with(tmp_path, """    baseline: {value: 13人, as_of: 平成27年度}
    target: 100人
    statement: "5年間で{target}の雇用の創出 ({baseline_year} {baseline})"
""".rstrip("\n"))
    text = kpis.read_text(encoding="utf-8").replace('    unit: "%"\n    direction: up                             # fiscal',
                                                   '    unit: 人\n    direction: up                             # fiscal')
    kpis.write_text(text, encoding="utf-8")
    measure = next(m for m in load(data).strategies[0].measures.indicators if m.statement)
    assert measure.target.value.unit == "人" and measure.baseline.value.unit == "人"
    out = tmp_path / "out"
    build(data, out)
    shown = [str(c.value) for tables in out.glob("*/05_*.xlsx")
             for ws in openpyxl.load_workbook(tables).worksheets for row in ws.iter_rows() for c in row]
    assert "⑥5年間で100人の雇用の創出 (平成27年度 13人)" in shown, [s for s in shown if "雇用" in s]


@pytest.mark.parametrize("statement", ["5年間で100人の雇用の創出", "{target}の{goal}", "{target:>5}人", "{target"])
def test_a_statement_without_its_target_or_with_an_unknown_place_is_refused_at_its_line(tmp_path, statement):
    data, kpis = matsudo_with(tmp_path, SIXTH + f'\n    statement: "{statement}"')
    line = next(i for i, ln in enumerate(kpis.read_text(encoding="utf-8").splitlines(), 1) if "statement:" in ln)
    with pytest.raises(DataError) as exc:
        load(data)
    [msg] = [p.render("ja") for p in exc.value.problems]
    assert msg.startswith(f"{kpis}:{line}:") and "statement" in msg and statement in msg and "{target}" in msg, msg
