"""The city's wording, from its data: head and pledge title, numbering, goal/policy words, optional
project names, cities without project lists, one baseline label per table.

SYNTHETIC: each test edits a scratch copy of the shipped data (tests/conftest.py `data_copy`) the way
another city would write its own; the expected texts are Iruma's published wording with the one
change the edit makes, as a person reading the document would expect it.
"""
from pathlib import Path

import docx
import openpyxl
import pytest
import realclient as rc
from support import edit, paragraphs

from reportgen.archive.build import build
from reportgen.model.loader import load
from reportgen.rules.era import parse_fy
from reportgen.rules.numbering import parse
from reportgen.rules.problems import DataError, Invalid


def table_cells(path: Path) -> list[str]:
    return [c.text for t in docx.Document(str(path)).tables for r in t.rows for c in r.cells]


def errors(data: Path) -> list[str]:
    with pytest.raises(DataError) as exc:
        load(data)
    return [p.render("ja") for p in exc.value.problems]


# ---------------------------------------------------------------- head and pledge title

@pytest.mark.libreoffice
def test_a_town_prints_its_head_in_the_pledge_list(data_copy, tmp_path):
    edit(data_copy / "city.yaml", "name: 入間市", "name: 入間市\nhead: 町長")
    build(data_copy, tmp_path / "out", [parse_fy("R5")])
    year = tmp_path / "out" / "2023_R5"
    word = year / "04_町長公約進捗状況一覧表_令和5年9月末.docx"
    assert word.is_file() and not list(year.glob("04_市長*"))
    text = rc.norm(rc.word_text(word))
    assert rc.norm("町長公約（政策宣言）進捗状況一覧表【令和5年9月末現在】") in text
    assert "市長" not in text
    sheet = openpyxl.load_workbook(year / "04_町長公約進捗状況一覧表_令和5年9月末.xlsx").worksheets[0]
    assert sheet["A1"].value == "町長公約（政策宣言）進捗状況一覧表【令和5年9月末現在】"


def test_the_city_may_name_its_pledge_document(data_copy, tmp_path):
    edit(data_copy / "city.yaml", "name: 入間市", "name: 入間市\nhead: 村長\npledge_title: 村長マニフェスト進捗状況")
    build(data_copy, tmp_path / "out", [parse_fy("R5")])
    word = tmp_path / "out" / "2023_R5" / "04_村長公約進捗状況一覧表_令和5年9月末.docx"
    assert paragraphs(word)[0] == "村長マニフェスト進捗状況【令和5年9月末現在】"


# ---------------------------------------------------------------- numbering and words

@pytest.mark.parametrize("pattern, n, printed", [
    ("1", 12, "12"), ("Ⅰ", 4, "Ⅳ"), ("①", 11, "⑪"), ("第1", 3, "第3"), ("施策①", 2, "施策②"),
    ("(1)", 10, "(10)"), ("１", 12, "１２"), ("一", 11, "十一"), ("第一章", 23, "第二十三章"), ("ⅰ", 3, "ⅲ"), ("", 5, ""),
    ("A", 4, "D"), ("(A)", 2, "(B)"), ("Ａ", 3, "Ｃ"), ("KPI1", 2, "KPI2"),
])
def test_numbering_patterns(pattern, n, printed):
    assert parse(pattern)(n) == printed


@pytest.mark.parametrize("pattern", ["第", "11", "Ⅰ-①", "a"])
def test_a_pattern_without_one_counter_is_refused(pattern):
    with pytest.raises(Invalid):
        parse(pattern)


def test_numbering_and_words_print_in_the_target_list(data_copy, tmp_path):
    strategy = data_copy / "strategies" / "1" / "strategy.yaml"
    edit(strategy, "kpi_baseline_year: H26", "kpi_baseline_year: H26\ngoal_label: 政策\npolicy_label: 施策\n"
                                              "numbering: {goals: \"第1\", policies: \"施策①\", indicators: \"①\", kpis: \"(1)\"}")
    build(data_copy, tmp_path / "out", [parse_fy("H29")])
    word = tmp_path / "out" / "2017_H29" / "01_対象事業一覧_平成29年度.docx"
    texts = paragraphs(word)
    assert "政策第2：「ずっと住みたいまちをつくる」〈定住応援プロジェクト〉" in texts
    assert "◇施策：施策① しごとの場を創る・施策② しごと探しを支援する" in texts
    assert "◎ 入間市まち・ひと・しごと創生総合戦略に該当する平成29年度の事業を政策、施策ごとに、" \
           "28年度以前からの継続事業、29年度からの新規事業に分けてまとめたものです。" in texts
    cells = table_cells(word)
    assert "① 市内従業者数" in cells and "(1) 市内事業所数" in cells and "(2) 支援による創業者数" in cells
    trend = openpyxl.load_workbook(tmp_path / "out" / "2017_H29" / "03_KPI目標値達成状況推移_平成29年度.xlsx")
    assert trend.sheetnames[:2] == ["政策第1", "政策第2"]


def test_kpi_ids_and_kpi_numbers_exclude_each_other(data_copy):
    edit(data_copy / "strategies" / "2" / "strategy.yaml", "print_kpi_ids: true", "print_kpi_ids: true\nnumbering: {kpis: \"①\"}")
    found = errors(data_copy)
    assert any("strategies/2/strategy.yaml" in e and "numbering.kpis" in e and "print_kpi_ids" in e for e in found), found


def test_a_bad_numbering_pattern_is_located(data_copy):
    edit(data_copy / "strategies" / "1" / "strategy.yaml", "kpi_baseline_year: H26", "kpi_baseline_year: H26\nnumbering: {goals: 第}")
    found = errors(data_copy)
    assert any("strategies/1/strategy.yaml:10:" in e and "numbering.goals" in e and "第" in e for e in found), found


# ---------------------------------------------------------------- optional project names

def test_a_goal_without_project_prints_no_empty_brackets(data_copy, tmp_path):
    edit(data_copy / "strategies" / "1" / "strategy.yaml", "    project: 定住応援プロジェクト\n", "")
    build(data_copy, tmp_path / "out", [parse_fy("H29")])
    year = tmp_path / "out" / "2017_H29"
    texts = paragraphs(year / "01_対象事業一覧_平成29年度.docx")
    assert "基本目標2：「ずっと住みたいまちをつくる」" in texts
    assert "基本目標1：「働きやすいまちをつくる」〈しごと応援プロジェクト〉" in texts
    assert not any("〈〉" in t for t in texts)
    values = [c.value for row in openpyxl.load_workbook(year / "02_実施事業評価等入力表_平成29年度.xlsx").worksheets[0].iter_rows()
              for c in row if isinstance(c.value, str)]
    assert "2 ずっと住みたいまちをつくる" in values and "1 働きやすいまちをつくる <しごと応援プロジェクト>" in values
    assert not any("<>" in v for v in values)


# ---------------------------------------------------------------- cities without project lists

def without_projects(data: Path) -> Path:
    strategy = data / "strategies" / "1" / "strategy.yaml"
    text = strategy.read_text(encoding="utf-8")
    text = "\n".join(line for line in text.splitlines() if not line.startswith("    project:"))
    strategy.write_text(text.split("\nrounds:")[0] + "\nprojects: false\n", encoding="utf-8")
    (data / "strategies" / "1" / "projects.yaml").unlink()
    return strategy


def test_a_city_without_project_lists_gets_no_project_document_or_wording(data_copy, tmp_path):
    without_projects(data_copy)
    build(data_copy, tmp_path / "out", [parse_fy("H29")])
    year = tmp_path / "out" / "2017_H29"
    documents = sorted(p.name for p in year.iterdir() if p.suffix in (".docx", ".xlsx"))
    assert documents == ["01_指標一覧_平成29年度.docx", "03_KPI目標値達成状況推移_平成29年度.xlsx"]
    assert not (year / "forms").exists() or not list((year / "forms").glob("実施事業評価等入力表*"))
    word = year / "01_指標一覧_平成29年度.docx"
    texts = paragraphs(word)
    assert texts[0] == "平成29年度入間市まち・ひと・しごと創生総合戦略指標"
    assert "基本目標1：「働きやすいまちをつくる」" in texts
    whole = "\n".join(texts + table_cells(word))
    for absent in ("対象事業", "継続事業", "新規事業", "該当事業なし", "事業名", "取組内容", "所管課", "プロジェクト", "〈"):
        assert absent not in whole, absent
    assert "市内事業所数" in whole  # the KPIs are still there


def test_project_data_in_a_city_without_project_lists_is_refused_at_its_place(data_copy):
    strategy = without_projects(data_copy)
    (data_copy / "strategies" / "1" / "projects.yaml").write_text("projects: []\n", encoding="utf-8")
    text = strategy.read_text(encoding="utf-8").replace("    title: 働きやすいまちをつくる\n",
                                                        "    title: 働きやすいまちをつくる\n    project: しごと応援プロジェクト\n")
    strategy.write_text(text + "rounds:\n  - {id: H29, from: H28, to: H29}\n", encoding="utf-8")
    found = errors(data_copy)
    assert any("strategies/1/projects.yaml:1:1:" in e and "projects: false" in e for e in found), found
    assert any("strategies/1/strategy.yaml:13:" in e and "goals[1件目].project" in e and "しごと応援プロジェクト" in e for e in found), found
    assert any("strategies/1/strategy.yaml:" in e and "rounds[1件目]" in e and "projects: false" in e for e in found), found
    assert len(found) == 3, found  # all at once


# ---------------------------------------------------------------- one baseline label per table

def test_each_table_has_its_own_baseline_label_and_the_legend_follows(data_copy, tmp_path):
    edit(data_copy / "strategies" / "1" / "strategy.yaml", "kpi_baseline_year: H26",
         "kpi_baseline_year: H26\ntable_labels:\n  kpis: {baseline: 現状値}\n  kpi_trend: {baseline: 現状値, target: 目標}")
    build(data_copy, tmp_path / "out", [parse_fy("H29")])
    year = tmp_path / "out" / "2017_H29"
    cells = table_cells(year / "01_対象事業一覧_平成29年度.docx")
    assert "基準値（H26）" in cells and "現状値（H26）" in cells  # indicators: 基準値; KPIs: 現状値
    sheet = openpyxl.load_workbook(year / "03_KPI目標値達成状況推移_平成29年度.xlsx").worksheets[0]
    assert (sheet["C3"].value, sheet["C4"].value) == ("現状値より上昇(改善)", "現状値より減少(悪化)")
    assert sheet["D10"].value == "現状値" and sheet["J10"].value == "目標（H31）"


def test_the_shipped_legend_names_the_sheets_own_baseline(built):
    # 1st strategy: the sheet's baseline column is 基準値, and so is its legend; 2nd strategy: 現状値
    for name, label in (("2017_H29/03_KPI目標値達成状況推移_平成29年度.xlsx", "基準値"),
                        ("2024_R6/03_KPI目標値達成状況推移_令和6年度.xlsx", "現状値")):
        sheet = openpyxl.load_workbook(built / name).worksheets[0]
        assert sheet["D10"].value == label
        assert (sheet["C3"].value, sheet["C4"].value) == (f"{label}より上昇(改善)", f"{label}より減少(悪化)")
