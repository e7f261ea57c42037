"""Which years are built without --year (issue 17 item 6). Figures are SYNTHETIC (tests/valuedata.py);
the rule is the published one: the 対象事業一覧 of a year shows the actuals at the end of the year
before (seed 000, 平成29年度の対象事業, prints `H28末現在`)."""
import docx
import valuedata
from support import DATA

from reportgen.archive.build import build
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
