"""Which years are built without --year (issue 17 item 6). Figures are SYNTHETIC (tests/valuedata.py);
the rule is the published one: the 対象事業一覧 of a year shows the actuals at the end of the year
before (seed 000, 平成29年度の対象事業, prints `H28末現在`)."""
import docx
import valuedata
from support import DATA

from reportgen.archive.build import build
from reportgen.cli import main
from reportgen.deliverables import present_years
from reportgen.model.loader import load
from reportgen.rules import era
from reportgen.rules.era import NATIONAL

KPIS = """\
    kpis:
      - id: "1"
        policies: ["1-1"]
        name: 相談件数
        unit: 件
        direction: up
        baseline: {value: 10件, as_of: R2}
        target: 20件
        actuals: {R3: 11件, R4: 12件, R5: 14件}
    """


def _years(data) -> list[str]:
    return [era.short(y, fy2019=NATIONAL) for y in present_years(load(data))]


def test_the_year_after_the_last_actual_is_built_and_shows_it(tmp_path):
    data = valuedata.write(tmp_path, KPIS)
    # R3 lies before the period (R4–R8): no folder; R6 is the year after the last actual (R5)
    assert _years(data) == ["R4", "R5", "R6"]
    out = tmp_path / "out"
    build(data, out)
    assert sorted(p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")) == \
        ["2022_R4", "2023_R5", "2024_R6"]
    cells = [c.text for t in docx.Document(out / "2024_R6" / "01_対象事業一覧_令和6年度.docx").tables
             for r in t.rows for c in r.cells]
    assert "R5末現在" in cells and "14件" in cells and "4件" in cells  # the latest actual and its 増減


def test_references_and_baselines_before_the_period_create_no_year(tmp_path):
    data = valuedata.write(tmp_path, KPIS.replace("actuals: {R3: 11件, R4: 12件, R5: 14件}",
                                                  "actuals: {R1: 9件}\n        references: [{year: H30, value: 8件}]"))
    assert _years(data) == []  # nothing dated inside the period: nothing to build but by --year


def test_the_year_after_waits_for_its_list_where_the_city_has_project_lists(tmp_path):
    projects = """\
        projects:
          - id: p1
            name: 相談事業
            description: 相談を受ける。
            policy: "1-1"
            departments: [企画課]
            first_year: R4
            years:
              R4: {work: 相談を受ける。}
              R5: {work: 相談を受ける。}
        """
    data = valuedata.write(tmp_path, KPIS, projects=projects)
    (data / "departments.yaml").write_text("departments: [{name: 企画課}]\n", encoding="utf-8")
    assert _years(data) == ["R4", "R5"]  # no R6 list yet: R6 is not built by default


def test_irumas_years_are_its_published_ones_and_the_year_after_its_last_actual():
    # 対象事業一覧 of H28 and H29 (seed 000 is H29's), KPI sheets of R4–R6 (seed 003: 令和4～6年度 中間総括);
    # the 2nd strategy has no project lists, its last actuals are R6's: R7's 対象事業一覧 shows them (R6末現在)
    assert _years(DATA) == ["H28", "H29", "R4", "R5", "R6", "R7"]


PROJECTS = """\
projects:
  - id: p-001
    name: 創業支援事業
    description: 創業を支援する。
    policy: "1-1"
    departments: [企画課]
    first_year: R7
    years:
      R7: {work: 創業セミナーを開く。}
"""


def _new_town(tmp_path, capsys):
    """issue 25 item 9: `init`'s town (strategy R7–R11, R7 actuals, a review R7–R9) listing its projects, R7's only."""
    assert main(["init", str(tmp_path / "town"), "--city", "安平町"]) == 0
    data = tmp_path / "town" / "data"
    strategy = data / "strategies" / "1" / "strategy.yaml"
    text = strategy.read_text(encoding="utf-8")
    assert text.count("\nprojects: false") == 1
    strategy.write_text(text.replace("\nprojects: false", "\nprojects: true"), encoding="utf-8")
    (data / "strategies" / "1" / "projects.yaml").write_text(PROJECTS, encoding="utf-8")
    capsys.readouterr()
    return data


def test_a_new_towns_build_says_which_years_it_made_and_why_not_the_others(tmp_path, capsys):
    data = _new_town(tmp_path, capsys)
    out = tmp_path / "out"
    assert main(["--data", str(data), "--out", str(out)]) == 0
    said = capsys.readouterr().out.splitlines()
    assert said[-5:] == [
        "令和9年度: 対象事業一覧は作りません（令和9年度の事業も R8末の実績もなく、どの施策も「該当事業なし」だけになるため。"
        "projects.yaml の事業に years: R9 を書くと作ります）",
        "作った年度: 令和7年度、令和9年度",
        "令和8年度: 作りませんでした（projects.yaml にこの年度の事業（years: R8）がまだないため。書くと対象事業一覧を作ります）",
        "令和10年度: 作りませんでした（この年度の事業・実績・評価がデータにまだないため）",
        "令和11年度: 作りませんでした（この年度の事業・実績・評価がデータにまだないため）"]
    # R9 publishes its KPI sheet (the review's year), not a list repeating 該当事業なし
    assert sorted(p.name for p in (out / "2027_R9").glob("*.*") if p.suffix in (".docx", ".xlsx")) == [
        "03_KPI目標値達成状況推移_令和9年度.xlsx"]
    # R7's list: R6末現在 is the baseline's own year, so the known value stands there, not —
    rows = [[c.text for c in r.cells] for t in docx.Document(out / "2025_R7" / "01_対象事業一覧_令和7年度.docx").tables
            for r in t.rows]
    assert ["重要業績評価指標（KPI）", "基準値（R6）", "R6末現在", "目標値（R11）"] in rows
    assert ["（例）創業支援件数", "年間10件", "年間10件", "年間15件"] in rows
    assert main(["verify", str(out)]) == 0
    assert main(["--data", str(data), "--out", str(tmp_path / "en"), "--lang", "en"]) == 0
    said = capsys.readouterr().out.splitlines()
    assert "years built: R7, R9" in said and "R8: not built (projects.yaml lists no project for it yet (years: R8); " \
        "list them to build its target project list)" in said
    assert any(line.startswith("R9: no 対象事業一覧 (target project list): no project is listed for R9") for line in said)
