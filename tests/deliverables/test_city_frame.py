"""Any city as it printed its own table (issue 27): the 対象事業一覧's frame from labels, years in the
city's notation, columns with nothing to show left out, a plan with no actuals yet, the comma trap.

SYNTHETIC: each test edits a scratch copy of Iruma's data (tests/conftest.py `data_copy`) or of the
`generate.py init` skeleton the way another city would write its own; the expected texts are what
that city's clerk wrote in the labels file or data, read back from the built Word document.
"""
from pathlib import Path

import docx
import pytest
from support import ROOT, edit, paragraphs

from reportgen.archive.build import build
from reportgen.cli.init import init
from reportgen.model.loader import load
from reportgen.rules.era import parse_fy
from reportgen.rules.problems import DataError

H29 = Path("2017_H29") / "01_対象事業一覧_平成29年度.docx"


def tables(path: Path) -> list[list[list[str]]]:
    return [[[c.text for c in r.cells] for r in t.rows] for t in docx.Document(str(path)).tables]


def labels(data: Path, text: str) -> None:
    (data / "templates").mkdir(exist_ok=True)
    (data / "templates" / "target_list.labels.yaml").write_text(text, encoding="utf-8")


# ---------------------------------------------------------------- the frame from labels

CITY_LABELS = """\
title: "{{ strategy }} 対象事業一覧（{{ year.western_fy }}）"
goal_heading: "〈{{ goal_label }}{{ no }}〉{{ title }}"
policy_heading: "{{ name }}"
indicator_table: 数値目標
kpi_table: 重要業績評価指標
baseline_header: "{{ label }}({{ baseline_year.western_fy }})"
current_header: "{{ previous.long }}末現在"
diff_header: ""
target_header: "KPI({{ target_year.end_month }}まで)"
continuing: 継続事業
"""


def test_a_city_rewords_the_whole_frame_in_its_labels_file(data_copy, tmp_path):
    """Every fixed word and decoration of the list (title, 〈基本目標①〉 headings, no ◇ and no ：「」,
    table names, headers in the city's year notation, the 増減 column left out) from a labels file
    in the data folder: no .docx touched."""
    edit(data_copy / "strategies" / "1" / "strategy.yaml", "kpi_baseline_year: H26",
         'kpi_baseline_year: H26\nnumbering: {goals: "①"}')
    labels(data_copy, CITY_LABELS)
    build(data_copy, tmp_path / "out", [parse_fy("H29")])
    doc = tmp_path / "out" / H29
    text = paragraphs(doc)
    assert text[0] == "入間市まち・ひと・しごと創生総合戦略 対象事業一覧（2017年度）"
    assert "〈基本目標①〉働きやすいまちをつくる" in text
    assert "しごとの場を創る・しごと探しを支援する" in text and "継続事業" in text
    assert not any("◇" in p or "：「" in p or p == "○継続事業" for p in text)
    headers = [t[0] for t in tables(doc)]
    # FY H31 ends in March 2020, which a document of FY2017 (before 令和) names 平成32年3月
    assert ["数値目標", "基準値(2014年度)", "平成28年度末現在", "KPI(平成32年3月まで)"] in headers
    assert ["重要業績評価指標", "基準値(2014年度)", "平成28年度末現在", "KPI(平成32年3月まで)"] in headers
    assert not any("増減" in cell for h in headers for cell in h)


def test_the_shipped_labels_print_irumas_frame(data_copy, tmp_path):
    """The default labels are Iruma's words (the document is byte-identical to before: archive digest)."""
    build(data_copy, tmp_path / "out", [parse_fy("H29")])
    doc = tmp_path / "out" / H29
    text = paragraphs(doc)
    assert "基本目標1：「働きやすいまちをつくる」〈しごと応援プロジェクト〉" in text
    assert "◇基本施策：しごとの場を創る・しごと探しを支援する" in text
    assert ["指標", "基準値（H26）", "H28末現在", "基準値からの増減", "目標値（H31）"] in [t[0] for t in tables(doc)]


@pytest.mark.parametrize("goal_label, policy_label, levels", [
    ('""', "基本施策", "基本施策ごとに、"), ('""', '""', ""), ("政策分野", '""', "政策分野ごとに、")])
def test_the_lead_sentence_names_only_the_levels_the_city_has(data_copy, tmp_path, goal_label, policy_label, levels):
    """`…を{goal_label}ごとに…` read `指標をごとに` where goal_label was empty."""
    edit(data_copy / "strategies" / "1" / "strategy.yaml", "kpi_baseline_year: H26",
         f"kpi_baseline_year: H26\ngoal_label: {goal_label}\npolicy_label: {policy_label}")
    build(data_copy, tmp_path / "out", [parse_fy("H29")])
    lead = next(p for p in paragraphs(tmp_path / "out" / H29) if p.startswith("◎"))
    assert lead == (f"◎ 入間市まち・ひと・しごと創生総合戦略に該当する平成29年度の事業を{levels}"
                    "28年度以前からの継続事業、29年度からの新規事業に分けてまとめたものです。")


@pytest.mark.parametrize("notes, printed", [("western", "4,986事業所(2013年度)"), ("western_era", "4,986事業所(2013(H25)年度)"),
                                            ("long", "4,986事業所(平成25年度)"), ("short", "4,986事業所 (H25)")])
def test_a_figures_own_year_in_the_citys_notation(data_copy, tmp_path, notes, printed):
    """A baseline measured in another year than its column's (the table's other row, 支援による創業者数
    `—`, is of H26) prints its year as `year_notes` says."""
    edit(data_copy / "strategies" / "1" / "kpis.yaml", 'baseline: {value: "4,986事業所", as_of: H26}',
         'baseline: {value: "4,986事業所", as_of: H25}')
    edit(data_copy / "strategies" / "1" / "strategy.yaml", "kpi_baseline_year: H26",
         f"kpi_baseline_year: H26\nyear_notes: {notes}")
    build(data_copy, tmp_path / "out", [parse_fy("H29")])
    rows = [r for t in tables(tmp_path / "out" / H29) for r in t]
    assert next(r for r in rows if r[0] == "市内事業所数" and "事業所" in r[1])[1] == printed


# ---------------------------------------------------------------- a plan with no actuals yet

def _skeleton(tmp_path: Path) -> Path:
    init(tmp_path / "town", "安平町")
    data = tmp_path / "town" / "data"
    kpis = data / "strategies" / "1" / "kpis.yaml"
    edit(kpis, "    actuals:                         # 各年度末の実績（R7 → R7末）\n      R7: 10,100人\n", "")
    edit(kpis, "    actuals:\n      R7: 年間12件\n", "")
    text = (data / "strategies" / "1" / "strategy.yaml").read_text(encoding="utf-8")
    start = text.index("reviews:")
    end = text.index("\n", text.index("name: 中間評価"))
    (data / "strategies" / "1" / "strategy.yaml").write_text(text[:start] + text[end + 1:], encoding="utf-8")
    return data  # nothing dated: no actual, no review


def test_a_plan_with_no_actuals_yet_builds_baseline_to_target(tmp_path):
    """Its first publication: built without --year (no exit 2), the 〜末現在 column left out."""
    data = _skeleton(tmp_path)
    result = build(data, tmp_path / "out")
    assert [y.folder for y in result.years] == ["2025_R7"]  # its first year
    assert tables(tmp_path / "out" / "2025_R7" / "01_指標一覧_令和7年度.docx")[:2] == [
        [["指標", "基準値（R6）", "目標値（R11）"], ["（例）町内従業者数", "10,000人", "10,500人"]],
        [["重要業績評価指標（KPI）", "基準値（R6）", "目標値（R11）"], ["（例）創業支援件数", "年間10件", "年間15件"]]]


def test_a_baseline_column_where_every_baseline_is_none_is_left_out(tmp_path):
    data = _skeleton(tmp_path)
    edit(data / "strategies" / "1" / "kpis.yaml", "    baseline:                        # 基準値（or 現状値）と、それを測った年度\n"
         "      value: 10,000人\n      as_of: R6\n", "    baseline: {none: 新規}\n")
    build(data, tmp_path / "out")
    indicator, kpi = tables(tmp_path / "out" / "2025_R7" / "01_指標一覧_令和7年度.docx")[:2]
    assert indicator == [["指標", "目標値（R11）"], ["（例）町内従業者数", "10,500人"]]
    assert kpi[0] == ["重要業績評価指標（KPI）", "基準値（R6）", "目標値（R11）"]


# ---------------------------------------------------------------- the comma trap

def test_a_figure_with_a_thousands_separator_inside_braces_is_read_as_written(data_copy, tmp_path):
    """`{value: 50,909人, as_of: H26}`: YAML splits a flow mapping at the comma (key `909人`); the
    loader reads the figure the clerk wrote, and the list prints it so."""
    kpis = data_copy / "strategies" / "1" / "kpis.yaml"
    edit(kpis, 'baseline: {value: "50,909人", as_of: H26}', "baseline: {value: 50,909人, as_of: H26}")
    edit(kpis, 'baseline: {value: "4,986事業所", as_of: H26}', "baseline: {value: 4,986事業所,as_of: H26}")
    build(data_copy, tmp_path / "out", [parse_fy("H29")])
    rows = {r[0]: r for t in tables(tmp_path / "out" / H29) for r in t}
    assert rows["市内従業者数"][1] == "50,909人" and rows["市内事業所数"][1] == "4,986事業所"


def test_a_split_figure_is_refused_with_the_fix_at_its_line(data_copy):
    kpis = data_copy / "strategies" / "1" / "kpis.yaml"
    edit(kpis, 'baseline: {value: "50,909人", as_of: H26}', "baseline: {value: 50, 909人, as_of: H26}")
    line = next(i for i, ln in enumerate(kpis.read_text(encoding="utf-8").splitlines(), 1) if "50, 909人" in ln)
    with pytest.raises(DataError) as exc:
        load(data_copy)
    [msg] = [p.render("ja") for p in exc.value.problems]
    assert msg.startswith(f"{kpis}:{line}:") and "未知の項目 909人 です" in msg
    assert "カンマの後に空白を入れず …,909人 のように続けて書いてください" in msg


def test_a_unit_error_quotes_the_target_as_written(data_copy):
    """Not `'30%'`, the number left once the bound was read: `30%以上`, as the clerk wrote it."""
    kpis = data_copy / "strategies" / "1" / "kpis.yaml"
    text = kpis.read_text(encoding="utf-8")
    at = text.index('baseline: {value: "50,909人", as_of: H26}')
    target = text.index("target:", at)
    end = text.index("\n", target)
    kpis.write_text(text[:target] + "target: 30%以上" + text[end:], encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load(data_copy)
    [msg] = [p.render("ja") for p in exc.value.problems]
    assert msg.endswith("書かれていた値: '30%以上'"), msg


# ---------------------------------------------------------------- a warning acknowledged per measure

MATSUDO = ROOT / "examples" / "matsudo" / "data"


def test_a_plausibility_warning_is_acknowledged_on_its_measure(tmp_path):
    """松戸市's 0人 target below a 1,577人 baseline warns, saying how to acknowledge it; `checked:
    [target_side]` on that measure stops it (another kind does not), a misspelt kind is an error."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(MATSUDO, data, ignore=shutil.ignore_patterns(".lock"))
    [warning] = [w.render("ja") for w in load(data).warnings]
    assert "indicators[4件目].target" in warning and warning.endswith(
        "（確認済みなら、この指標に checked: [target_side] と書くと表示されなくなります）")
    kpis = data / "strategies" / "1" / "kpis.yaml"
    edit(kpis, "    target: {value: 0人, year: 平成31年}", "    target: {value: 0人, year: 平成31年}\n    checked: [tenfold]")
    assert len(load(data).warnings) == 1
    edit(kpis, "checked: [tenfold]", "checked: [target_side]")
    assert load(data).warnings == ()
    edit(kpis, "checked: [target_side]", "checked: [target_sied]")
    with pytest.raises(DataError) as exc:
        load(data)
    [msg] = [p.render("ja") for p in exc.value.problems]
    assert "indicators[4件目].checked[1件目]" in msg and "target_side" in msg and "'target_sied'" in msg


# ---------------------------------------------------------------- yearly targets

def _yearly(tmp_path: Path, targets: str) -> Path:
    init(tmp_path / "town", "安平町")
    data = tmp_path / "town" / "data"
    edit(data / "strategies" / "1" / "kpis.yaml", "      R7: 10,100人\n", f"      R7: 10,100人\n    yearly_targets: {targets}\n")
    edit(data / "strategies" / "1" / "strategy.yaml", "projects: false", "projects: false\nvalue_tables: per_measure")
    return data


def test_yearly_targets_print_as_a_target_row_under_the_year_columns(tmp_path):
    """A 施策マネジメントシート's 目標値 row: each year's target under its year, the actuals above, the
    period's target last (thousands separators inside { } read as written)."""
    import openpyxl

    data = _yearly(tmp_path, "{R7: 10,100人, R8: 10,200人, R9: 10,300人, R10: 10,400人}")
    build(data, tmp_path / "out", [parse_fy("R8")])
    [book] = (tmp_path / "out" / "2026_R8").glob("05_*.xlsx")
    rows = [[c if c is not None else "" for c in r] for r in openpyxl.load_workbook(book).active.iter_rows(values_only=True)]
    at = rows.index(next(r for r in rows if r[0] == "区分"))
    assert rows[at][:7] == ["区分", "令和6年度 (基準値)", "令和7年度", "令和8年度", "令和9年度", "令和10年度", "令和11年度 (目標値)"]
    assert rows[at + 1][:7] == ["実績値", "10,000人", "10,100人", "", "", "", ""]
    assert rows[at + 2][:7] == ["目標値", "", "10,100人", "10,200人", "10,300人", "10,400人", "10,500人"]


def test_a_yearly_target_is_checked_at_its_line(tmp_path):
    data = _yearly(tmp_path, "{R8: 10,200件, R12: 10,600人}")
    kpis = data / "strategies" / "1" / "kpis.yaml"
    line = next(i for i, ln in enumerate(kpis.read_text(encoding="utf-8").splitlines(), 1) if "yearly_targets" in ln)
    with pytest.raises(DataError) as exc:
        load(data)
    found = sorted(p.render("ja") for p in exc.value.problems)
    assert any(f"kpis.yaml:{line}:" in m and "indicators[1件目].yearly_targets.R12" in m and "期間外" in m for m in found), found
    assert any("indicators[1件目].yearly_targets.R8" in m and "書かれていた値: '10,200件'" in m for m in found), found


# ---------------------------------------------------------------- qualifiers on every figure

def test_an_actual_bounded_and_a_target_with_a_note_print_as_written(tmp_path):
    """`10,100人以上` as an actual (the number counts, the bound is printed), `{value: 10,500人,
    remark: 期間平均}` as a target: `10,500人(期間平均)`."""
    init(tmp_path / "town", "安平町")
    data = tmp_path / "town" / "data"
    kpis = data / "strategies" / "1" / "kpis.yaml"
    edit(kpis, "      R7: 10,100人\n", "      R7: 10,100人以上\n")
    edit(kpis, "    target: 10,500人 ", "    target: {value: 10,500人, remark: 期間平均} ")
    build(data, tmp_path / "out", [parse_fy("R8")])
    [listing] = (tmp_path / "out" / "2026_R8").glob("01_*.docx")
    assert tables(listing)[0] == [["指標", "基準値（R6）", "R7末現在", "基準値からの増減", "目標値（R11）"],
                                  ["（例）町内従業者数", "10,000人", "10,100人以上", "100人", "10,500人(期間平均)"]]


# ---------------------------------------------------------------- numbering and structure

def test_goals_of_a_larger_plan_policies_numbered_across_it_and_letter_marks(tmp_path):
    """A sheet covering goal Ⅲ only (no empty Ⅰ, Ⅱ invented), its policy numbered across the plan
    (施策23), its KPIs marked A, B …"""
    init(tmp_path / "town", "安平町")
    data = tmp_path / "town" / "data"
    strategy = data / "strategies" / "1" / "strategy.yaml"
    text = strategy.read_text(encoding="utf-8")
    text = text.replace('  goals: "1"', '  goals: "Ⅰ"').replace('  policies: ""', '  policies: "施策1"')
    text = text.replace('  kpis: ""', '  kpis: "A"')
    strategy.write_text(text, encoding="utf-8")
    edit(strategy, "  - no: 1\n", "  - no: 3\n")
    edit(strategy, '      - id: "1-1"', '      - id: "1-1"\n        no: 23')
    edit(data / "strategies" / "1" / "kpis.yaml", "  - goal: 1\n", "  - goal: 3\n")
    build(data, tmp_path / "out", [parse_fy("R8")])
    [listing] = (tmp_path / "out" / "2026_R8").glob("01_*.docx")
    text = paragraphs(listing)
    goal = next(p for p in text if p.startswith("基本目標"))
    assert goal.startswith("基本目標Ⅲ：「") and not any(p.startswith(("基本目標Ⅰ", "基本目標Ⅱ")) for p in text)
    assert any(p.startswith("◇基本施策：施策23 ") for p in text), text
    assert tables(listing)[1][1][0] == "A （例）創業支援件数"


def test_goals_out_of_order_are_refused_at_their_line(data_copy):
    strategy = data_copy / "strategies" / "1" / "strategy.yaml"
    edit(strategy, "  - no: 3\n", "  - no: 2\n")
    line = [i for i, ln in enumerate(strategy.read_text(encoding="utf-8").splitlines(), 1) if ln == "  - no: 2"][-1]
    found = [p.render("ja") for p in pytest.raises(DataError, load, data_copy).value.problems]
    assert any(f"strategy.yaml:{line}:" in m and "goals[3件目].no" in m and "前の目標（2）より大きい番号" in m for m in found), found


# ---------------------------------------------------------------- a 達成率 the source leaves blank

@pytest.mark.parametrize("no_rate, printed", [("", None), (None, "—")])
def test_a_rate_the_source_leaves_blank_is_blank(tmp_path, no_rate, printed):
    """No actual yet: the 達成率 cell prints the declaration's `no_rate` (blank), — by default."""
    import openpyxl

    data = _skeleton(tmp_path)
    decl = "achievement_rate: {label: 達成率" + (f', no_rate: "{no_rate}"' if no_rate is not None else "") + "}"
    edit(data / "strategies" / "1" / "strategy.yaml", "projects: false", f"projects: false\n{decl}")
    build(data, tmp_path / "out", [parse_fy("R7")])
    [book] = (tmp_path / "out" / "2025_R7").glob("03_*.xlsx")
    ws = openpyxl.load_workbook(book).worksheets[0]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(r for r in cells if "達成率" in r)
    row = next(r for r in cells if "（例）町内従業者数" in r)
    assert row[header.index("達成率")] == printed


# ---------------------------------------------------------------- units

def test_a_target_in_another_unit_than_its_baseline(tmp_path):
    """浦河町's 新規就農者数 1.4人/年 → 4組/年: `target_unit` lets the target carry its own unit; the
    list prints both as written; a target in neither unit is refused quoting it."""
    init(tmp_path / "town", "安平町")
    data = tmp_path / "town" / "data"
    kpis = data / "strategies" / "1" / "kpis.yaml"
    edit(kpis, "    target: 10,500人 ", "    target_unit: 組\n    target: 4,000組 ")
    build(data, tmp_path / "out", [parse_fy("R8")])
    [listing] = (tmp_path / "out" / "2026_R8").glob("01_*.docx")
    assert tables(listing)[0][1][-1] == "4,000組"
    edit(kpis, "    target: 4,000組 ", "    target: 4,000件 ")
    [msg] = [p.render("ja") for p in pytest.raises(DataError, load, data).value.problems]
    assert "indicators[1件目].target" in msg and msg.endswith("書かれていた値: '4,000件'"), msg
