"""One setting names the fiscal year in every document (issue 27): city.yaml `year_notation` reaches
the file names, titles, headers and figures' own years of the yearly list, the KPI sheet, the
evaluation table and the pledge list, FY2019 included; Iruma's default prints 令和7年度 / R6末."""
from __future__ import annotations

import shutil
from pathlib import Path

import docx
import openpyxl
import pytest
from support import DATA

from reportgen.archive.build import build
from reportgen.rules.era import parse_fy


def cells(path: Path) -> list[list[str]]:
    if path.suffix == ".docx":
        return [[c.text for c in r.cells] for t in docx.Document(str(path)).tables for r in t.rows]
    wb = openpyxl.load_workbook(path)
    return [[str(c.value) for c in row if c.value is not None] for ws in wb.worksheets for row in ws.iter_rows()]


def texts(path: Path) -> str:
    rows = ["".join(r) for r in cells(path)]
    if path.suffix == ".docx":
        rows += [p.text for p in docx.Document(str(path)).paragraphs]
    return "\n".join(rows)


@pytest.fixture(scope="module")
def western(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("western") / "data"
    shutil.copytree(DATA, data)
    with (data / "city.yaml").open("a", encoding="utf-8") as f:
        f.write("year_notation: western\n")
    out = data.parent / "out"
    build(data, out)
    return out


def test_file_names_name_the_year_in_the_citys_notation(western):
    names = {p.relative_to(western).as_posix() for p in western.glob("*/*.*") if p.suffix in (".docx", ".xlsx")}
    for name in ("2024_R6/01_対象事業一覧_2024年度.docx", "2024_R6/03_KPI目標値達成状況推移_2024年度.xlsx",
                 "2017_H29/02_実施事業評価等入力表_2017年度.xlsx", "2023_R5/04_市長公約進捗状況一覧表_2023年9月末.docx"):
        assert name in names, sorted(names)
    assert not [n for n in names if "令和" in n or "平成" in n]
    forms = {p.name for p in western.glob("2024_R6/forms/*.xlsx")}
    assert forms and all("2024年度" in n for n in forms if n.startswith("KPI実績値等入力表_"))


def test_headers_and_titles_name_the_year_in_the_citys_notation(western):
    rows = cells(western / "2024_R6" / "01_対象事業一覧_2024年度.docx")
    assert ["指標", "現状値（2016年度）", "2023年度末現在", "基準値からの増減", "目標値（2026年度）"] in rows
    # a figure measured in another year says so in the same notation (the strategy sets no year_notes)
    assert ["市内事業所数", "4,713事業所", "4,743事業所(2021年度)", "30事業所", "現状値以上"] in rows
    text = texts(western / "2024_R6" / "01_対象事業一覧_2024年度.docx")
    assert "2024年度第2期入間市まち・ひと・しごと創生総合戦略対象事業" in text and "2023年度以前からの継続事業" in text
    kpi = texts(western / "2024_R6" / "03_KPI目標値達成状況推移_2024年度.xlsx")
    for shown in ("2022～2024年度 中間総括", "2022年度末", "2026年度末", "目標値（2026年度）", "4,743事業所(2021年度)"):
        assert shown in kpi, shown
    assert "2016、2017年度の実施内容" in texts(western / "2017_H29" / "02_実施事業評価等入力表_2017年度.xlsx")
    assert "【2023年9月末現在】" in texts(western / "2023_R5" / "04_市長公約進捗状況一覧表_2023年9月末.docx")
    for path in [*western.glob("2024_R6/0*.*"), *western.glob("2017_H29/0*.*")]:
        assert "R6末" not in texts(path) and "（R8）" not in texts(path) and "H28末" not in texts(path), path.name


@pytest.mark.parametrize("fy2019, shown", [("令和元年度", "現状値（2019(R1)）"), ("平成31年度", "現状値（2019(H31)）")])
def test_fy2019_in_the_western_notation_with_the_era_follows_fy2019(tmp_path, fy2019, shown):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    with (data / "city.yaml").open("a", encoding="utf-8") as f:
        f.write(f"year_notation: western_era\nfy2019: {fy2019}\n")
    build(data, tmp_path / "out", [parse_fy("R4")])
    (listing,) = (tmp_path / "out").glob("2022_R4/01_*.docx")
    assert listing.name == "01_対象事業一覧_2022(令和4)年度.docx"
    assert ["指標", shown, "2021(R3)年度末現在", "目標値（2026(R8)）"] in cells(listing)
