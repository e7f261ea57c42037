"""廃止 (`ended`) in the documents and at load: an ended item leaves every document of its year on, earlier years
come out byte for byte as before, and a wrong year is a located error; a project added to the 2nd strategy's
registry is printed in that year's 対象事業一覧."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import realclient as rc
from registry_helpers import fill, issue

from reportgen.archive.build import build
from reportgen.cli import main
from reportgen.model.loader import load
from reportgen.rules.era import parse_fy
from reportgen.rules.problems import DataError


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _documents(year_folder: Path) -> dict[str, bytes]:
    """The published documents (the forms carry the build that issued them, which any data change changes)."""
    return {p.name: p.read_bytes() for p in sorted(year_folder.glob("*.xlsx")) + sorted(year_folder.glob("*.docx"))}


# 1-③ 雇用対策事業の実施回数 (seed 003), 担当課 人権推進課 and 商工観光課
KPI_13 = "  - id: 1-③\n    policies: [\"1-2\"]\n"


def test_an_ended_kpi_leaves_the_documents_of_its_year_and_earlier_years_are_byte_identical(built, data_copy, tmp_path):
    _edit(data_copy / "strategies/2/kpis.yaml", KPI_13, KPI_13 + "    ended: R7\n")
    out = tmp_path / "out"
    build(data_copy, out, years=[parse_fy("R6"), parse_fy("R7")])
    assert len(_documents(built / "2024_R6")) == 2
    assert _documents(out / "2024_R6") == _documents(built / "2024_R6")  # the documents of R6 are unchanged
    r7 = out / "2025_R7"
    assert "雇用対策事業の実施回数" not in rc.word_text(r7 / "01_対象事業一覧_令和7年度.docx")
    assert "雇用対策事業の実施回数" in rc.word_text(out / "2024_R6" / "01_対象事業一覧_令和6年度.docx")
    trend = [c for rows in rc.sheet_rows(r7 / "03_KPI目標値達成状況推移_令和7年度.xlsx").values() for r in rows for c in r]
    assert not any("雇用対策事業の実施回数" in c for c in trend)
    assert any("創業支援による創業者数" in c for c in trend)  # its neighbour 1-② stays
    # 人権推進課 had the KPI's form only for 1-③; 商工観光課's form keeps its other KPIs
    forms = {p.name for p in (r7 / "forms").iterdir()}
    assert "KPI実績値等入力表_令和7年度_人権推進課.xlsx" not in forms and "KPI実績値等入力表_令和7年度_商工観光課.xlsx" in forms


def test_an_ended_project_leaves_the_lists_and_evaluation_forms_of_its_year(built, data_copy, tmp_path):
    # s1-003 企業等誘致事業 (商工観光課), listed in 平成29年度 対象事業一覧 and evaluated in round H29
    _edit(data_copy / "strategies/1/projects.yaml", "  - id: s1-003\n", "  - id: s1-003\n    ended: H29\n")
    out = tmp_path / "out"
    build(data_copy, out, years=[parse_fy("H29")])
    h29 = out / "2017_H29"
    assert "企業等誘致事業" not in rc.word_text(h29 / "01_対象事業一覧_平成29年度.docx")
    assert "企業等誘致事業" in rc.word_text(built / "2017_H29" / "01_対象事業一覧_平成29年度.docx")
    table = [c for rows in rc.sheet_rows(h29 / "02_実施事業評価等入力表_平成29年度.xlsx").values() for r in rows for c in r]
    assert not any(c.startswith("企業等誘致事業") for c in table)


@pytest.mark.parametrize("where, ended, start, expected", [
    ("kpi", "R9", None, "廃止年度は R4～R8 のいずれか"),
    ("kpi", "R3", None, "廃止年度は R4～R8 のいずれか"),
    ("kpi-since", "R5", "R6", "廃止年度は R6～R8 のいずれか"),
    ("project", "H26", None, "廃止年度は H29～R1 のいずれか"),  # FY2019 is named R1 (city.yaml has no fy2019)
])
def test_an_ended_year_outside_the_period_or_before_the_first_year_is_a_located_error(data_copy, where, ended, start, expected):
    if where.startswith("kpi"):
        f, old = data_copy / "strategies/2/kpis.yaml", "  - id: 2-③\n" if start else KPI_13
        _edit(f, old, old + f"    ended: {ended}\n")
        field = "ended"
    else:
        f = data_copy / "strategies/1/projects.yaml"
        _edit(f, "  - id: s1-002\n", "  - id: s1-002\n    ended: H26\n")  # s1-002 started H29
        field = "ended"
    with pytest.raises(DataError) as exc:
        load(data_copy)
    problems = [p for p in exc.value.problems if p.path.endswith(field)]
    assert len(problems) == 1
    p = problems[0]
    line = next(i for i, t in enumerate(f.read_text(encoding="utf-8").splitlines(), 1) if t.strip() == f"ended: {ended}")
    assert (Path(p.file).name, p.line) == (f.name, line) and expected in p.message.ja and repr(ended) in p.message.ja


def test_two_projects_with_one_name_in_one_policy_is_a_located_error(data_copy):
    f = data_copy / "strategies/1/projects.yaml"
    text = f.read_text(encoding="utf-8")
    # s1-002 女性の再就職・キャリアアップ支援事業 (policy 1-2) renamed as s1-001 女性就労情報提供・支援事業 (1-2)
    _edit(f, "    name: 女性の再就職・キャリアアップ支援事業\n", "    name: 女性就労情報提供・支援事業\n")
    with pytest.raises(DataError) as exc:
        load(data_copy)
    [p] = exc.value.problems
    assert p.path == "projects[1].name" and "施策 1-2 に同じ事業名「女性就労情報提供・支援事業」の事業がすでにあります（s1-001）" in p.message.ja
    assert p.line == text.splitlines().index("    name: 女性の再就職・キャリアアップ支援事業") + 1


def test_a_project_added_in_the_registry_is_printed_in_the_years_target_list(data_copy, tmp_path, capsys):
    sent = issue(data_copy, "R7", tmp_path / "登録簿.xlsx")
    filled = fill(sent, tmp_path / "f.xlsx", {"事業": {"new:1": {
        "C": "市内回遊促進事業", "D": "商店街と観光拠点を結ぶ回遊イベントを実施する。", "E": "4-2", "F": "商工観光課"}}})
    assert main(["collect", str(filled), "--year", "R7", "--data", str(data_copy)]) == 0
    out = tmp_path / "out"
    build(data_copy, out, years=[parse_fy("R7")])
    rows = [rc.norm_row(r) for r in rc.word_rows(out / "2025_R7" / "01_対象事業一覧_令和7年度.docx")]
    assert any("市内回遊促進事業" in r and "商店街と観光拠点を結ぶ回遊イベントを実施する。" in r and "商工観光課" in r
               for r in rows), rows
    text = rc.word_text(out / "2025_R7" / "01_対象事業一覧_令和7年度.docx")
    assert re.search("新規.*市内回遊促進事業", rc.norm(text))
