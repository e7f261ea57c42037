"""Issue 27's features for another city's table, read back from the documents a person reads:
amounts written with 億 and 万 (2億396万円 is 203,960,000円: differences and 達成率 computed from the
number, every figure printed as the city writes it), 担当課 and 関係課 on a policy printed where the
labels put them, and a 単位 column (the unit printed once, the figures without it).

SYNTHETIC: each test edits a scratch copy of 浦河町's data (examples/urakawa, the list of 基本目標1)
the way its clerk would add a year's actual, a department or a labels key; the expected texts are what
that clerk wrote, read back from the built Word document and KPI sheet.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import docx
import openpyxl
import pytest
from support import ROOT, edit

from reportgen.archive.build import build
from reportgen.collect.cells import value
from reportgen.collect.sheet import Cell
from reportgen.model.loader import load
from reportgen.rules.problems import DataError

URAKAWA = ROOT / "examples" / "urakawa" / "data"
H28 = Path("2016_H28")


def tables(path: Path) -> list[list[list[str]]]:
    return [[[c.text for c in r.cells] for r in t.rows] for t in docx.Document(str(path)).tables]


def sheet_rows(path: Path) -> list[list[str]]:
    ws = openpyxl.load_workbook(path).worksheets[0]
    return [[v for v in row if v is not None] for row in ws.iter_rows(values_only=True)]


@pytest.fixture
def data(tmp_path) -> Path:
    """浦河町's data with the いちご生産額 of H27 reported and Fuji's 達成率 declared."""
    folder = tmp_path / "data"
    shutil.copytree(URAKAWA, folder, ignore=shutil.ignore_patterns(".lock"))
    edit(folder / "strategies/1/kpis.yaml", "    target: 4億3,000万円\n", "    target: 4億3,000万円\n    actuals: {H27: 2億5,000万円}\n")
    with (folder / "strategies/1/strategy.yaml").open("a", encoding="utf-8") as f:
        f.write("achievement_rate: {label: 達成率, formula: actual_over_target, digits: 1, rounding: half_up,"
                " keep_trailing_zero: true, over_100: show, percent: true}\n")
    return folder


def strawberries(rows: list[list[str]]) -> list[str]:
    return next(r for r in rows if "いちご生産額" in r)


# ---------------------------------------------------------------------------- 億 and 万


def test_an_amount_prints_as_written_and_its_difference_and_rate_come_from_the_number(data, tmp_path):
    build(data, tmp_path / "out")
    goal_table = tables(tmp_path / "out" / H28 / "01_指標一覧_平成28年度.docx")[0]
    # 2億5,000万円 − 2億396万円 = 4,604万円, in the town's notation
    assert goal_table[1] == ["いちご生産額", "2億396万円", "2億5,000万円", "4,604万円", "4億3,000万円"]
    # 250,000,000 ÷ 430,000,000 = 58.14…% (四捨五入, 0.1%)
    row = strawberries(sheet_rows(tmp_path / "out" / H28 / "03_KPI目標値達成状況推移_平成28年度.xlsx"))
    assert row[1:] == ["いちご生産額", "2億396万円", "2億5,000万円", "-", "-", "-", "-", "4億3,000万円", "58.1%"]


def test_an_amount_in_oku_alone_is_the_same_number_in_the_measures_unit(data, tmp_path):
    """`4億円` where the unit is 円: 400,000,000円 (not 4 of a unit 億円), printed 4億円; the rate follows."""
    edit(data / "strategies/1/kpis.yaml", "    target: 4億3,000万円\n", "    target: 4億円\n")
    build(data, tmp_path / "out")
    row = strawberries(sheet_rows(tmp_path / "out" / H28 / "03_KPI目標値達成状況推移_平成28年度.xlsx"))
    assert row[-2:] == ["4億円", "62.5%"]


def test_a_revised_target_in_oku_is_the_same_number_in_the_measures_unit(data, tmp_path):
    """A revision copied from a later document as the town writes amounts (`target: 5億円`): read as
    500,000,000円 like the measure's own figures (it was refused: 単位 円 の数値が必要です), printed as written."""
    edit(data / "strategies/1/kpis.yaml", "    target: 4億3,000万円\n",
         "    target: 4億3,000万円\n    revisions:\n      - {since: H28, source: 改訂版, set: {target: 5億円}}\n")
    build(data, tmp_path / "out")
    row = strawberries(sheet_rows(tmp_path / "out" / H28 / "03_KPI目標値達成状況推移_平成28年度.xlsx"))
    assert row[-2:] == ["5億円", "50.0%"]  # 250,000,000 ÷ 500,000,000


def test_a_typed_amount_in_a_returned_form_is_kept_in_the_citys_notation(data):
    """What a department types into its form is written back as the town writes amounts."""
    meas = load(data).strategies[0].measures.indicators[0]
    for typed in ("2億6,000万円", "260000000", "26,000万円"):
        fig = value(Cell("D5", 5, 4, typed, kind="number" if typed.isdigit() else "text"), meas)
        assert (fig.value.number, str(fig.value)) == (260000000, "2億6,000万円"), typed


# ---------------------------------------------------------------------------- 担当課 and 関係課


def departments(data: Path, policy_line: str) -> None:
    (data / "departments.yaml").write_text("departments:\n  - name: 農林水産課\n  - name: 商工観光課\n  - name: 企画課\n",
                                           encoding="utf-8")
    edit(data / "strategies/1/strategy.yaml", '      - {id: "1-1", name: 第一次産業の振興}\n', policy_line)


def test_a_policys_related_departments_print_where_the_labels_put_them(data, tmp_path):
    departments(data, '      - {id: "1-1", name: 第一次産業の振興, departments: [農林水産課], related: [商工観光課, 企画課]}\n')
    edit(data / "templates/target_list.labels.yaml", 'policy_heading: "{{ name }}"\n',
         'policy_heading: "{{ name }}{% if departments %}（担当課：{{ departments }}'
         '{% if related %}　関係課：{{ related }}{% endif %}）{% endif %}"\n')
    build(data, tmp_path / "out")
    headings = [p.text for p in docx.Document(str(tmp_path / "out" / H28 / "01_指標一覧_平成28年度.docx")).paragraphs
                if p.text.startswith("(")]
    assert headings[:2] == ["(1) 第一次産業の振興（担当課：農林水産課　関係課：商工観光課、企画課）", "(2) 新たな観光産業の振興"]


def test_a_city_separates_its_departments_as_its_labels_say(data, tmp_path):
    """`{{ related }}` joins with 、; a city printing them otherwise (a cell each on 筑西市's sheet) says
    so in its labels, with no separator fixed in code."""
    departments(data, '      - {id: "1-1", name: 第一次産業の振興, departments: [農林水産課], related: [商工観光課, 企画課]}\n')
    edit(data / "templates/target_list.labels.yaml", 'policy_heading: "{{ name }}"\n',
         'policy_heading: "{{ name }}（関係課 {{ related|join(\' / \') }}）"\n')
    build(data, tmp_path / "out")
    headings = [p.text for p in docx.Document(str(tmp_path / "out" / H28 / "01_指標一覧_平成28年度.docx")).paragraphs
                if p.text.startswith("(1)")]
    assert headings == ["(1) 第一次産業の振興（関係課 商工観光課 / 企画課）"]


@pytest.mark.parametrize("policy, message", [
    ("related: [水産課]", "部署（departments.yaml）"),
    ("departments: [農林水産課], related: [農林水産課]", "担当課（departments）以外の部署が必要です。書かれていた値: '農林水産課'"),
])
def test_a_related_department_is_checked_at_its_line(data, policy, message):
    departments(data, f'      - {{id: "1-1", name: 第一次産業の振興, {policy}}}\n')
    with pytest.raises(DataError) as err:
        load(data)
    [problem] = err.value.problems
    line = next(n for n, t in enumerate((data / "strategies/1/strategy.yaml").read_text(encoding="utf-8").splitlines(), 1)
                if '"1-1"' in t)
    assert problem.file.endswith("strategy.yaml") and problem.line == line
    assert problem.path.startswith("goals[0].policies[0].related") and message in problem.message.ja


# ---------------------------------------------------------------------------- a 単位 column


def test_a_unit_column_prints_each_unit_once_and_the_figures_without_it(data, tmp_path):
    with (data / "templates/target_list.labels.yaml").open("a", encoding="utf-8") as f:
        f.write("unit_header: 単位\n")
    build(data, tmp_path / "out")
    goal_table, first_policy = tables(tmp_path / "out" / H28 / "01_指標一覧_平成28年度.docx")[:2]
    assert goal_table[0][:2] == ["基本数値目標", "単位"]
    assert goal_table[1] == ["いちご生産額", "円", "2億396万", "2億5,000万", "4,604万", "4億3,000万"]
    assert goal_table[2][:3] == ["新規雇用者数", "人", "―"]
    # a target set in another unit than the column's keeps its own (1.4人/年 → 4組/年)
    assert first_policy[1] == ["① 新規就農者数", "人/年", "1.4", "—", "4組/年"]
    assert first_policy[2] == ["② 給食での地場産物利用率", "%/年", "33", "—", "38"]


def test_without_a_unit_header_there_is_no_unit_column(data, tmp_path):
    build(data, tmp_path / "out")
    first_policy = tables(tmp_path / "out" / H28 / "01_指標一覧_平成28年度.docx")[1]
    assert first_policy[0] == ["KPI(重要業績評価指標)", "現状値", "H27末現在", "5年後の目標"]
    assert first_policy[1] == ["① 新規就農者数", "1.4人/年", "—", "4組/年"]


def test_the_none_column_choice_is_one_of_its_words(data, tmp_path):
    """`baseline_column_when_none` chooses (omit, print): any other word is told at its line, nothing built."""
    edit(data / "templates/target_list.labels.yaml", "baseline_column_when_none: print\n", "baseline_column_when_none: yes\n")
    with pytest.raises(DataError) as err:
        build(data, tmp_path / "out")
    [problem] = err.value.problems
    assert (problem.line, problem.path) == (13, "baseline_column_when_none")
    assert problem.message.ja == "omit, print のどれかが必要です。書かれていた値: yes"
    assert not (tmp_path / "out").exists()
