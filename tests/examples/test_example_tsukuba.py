"""つくば市 (examples/tsukuba): its data folder builds alone, and every cell the two 平成27年度実績評価シート
print under their year columns (examples/tsukuba/source/sheets.yaml: the expected texts are the sheets',
not the code's) is in the built workbook as LibreOffice shows it, under the sheets' own headers: the
従前値 and its (単位), a 目標値 row under H27 … H31 (cumulative: 517, 1,034 … 2,584), the 実績値 row
(調査中, "-" where the sheet has nothing), the period's 目標値."""
from __future__ import annotations

import pytest
import realclient as rc
import yaml
from pdfcheck import small_type
from support import ROOT, once_a_run

from reportgen.archive.build import build
from reportgen.model.loader import load

EXAMPLE = ROOT / "examples" / "tsukuba"
SOURCE = yaml.safe_load((EXAMPLE / "source" / "sheets.yaml").read_text(encoding="utf-8"))
# both sheets are 平成27年度実績評価シート: documents of FY H27
WORKBOOK = "2015_H27/05_数値目標・重要業績評価指標の現状値_平成27年度.xlsx"
SHEETS = SOURCE["sheets"]


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return once_a_run(tmp_path_factory, "tsukuba-out", lambda folder: build(EXAMPLE / "data", folder))


@pytest.fixture(scope="module")
def rows(out) -> list[list[str]]:
    """Every row of the built workbook, each cell as LibreOffice shows it (positions kept)."""
    return [[rc.norm(c) for c in r] for sheet in rc.sheet_rows(out / WORKBOOK).values() for r in sheet]


def _title(rows: list[list[str]], name: str) -> int:
    return next(i for i, r in enumerate(rows) if r and r[0] == rc.norm(name))


def _table(rows: list[list[str]], name: str) -> dict[str, dict[str, str]]:
    """The table titled `name`: {row label: {column header: cell}} (its header row, then its two rows)."""
    at = next(i for i in range(_title(rows, name) + 1, len(rows)) if rows[i][0] == "区分")
    headers = rows[at]
    return {r[0]: dict(zip(headers[1:], r[1:])) for r in rows[at + 1: at + 3]}


def test_the_data_folder_builds_alone_without_a_warning():
    ds = load(EXAMPLE / "data")
    assert ds.city.name == "つくば市" and ds.warnings == ()


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda s: s["measure"]["label"])
def test_every_cell_under_the_year_columns(rows, sheet):
    """目標値 row: each year's target (517 … 2,584; "-" where the sheet sets none) and the period's
    目標値; 実績値 row: the 従前値, each year's actual (調査中, 8, "-" for the years not yet reported);
    the unit once, in the (単位) column of each row."""
    table = _table(rows, sheet["measure"]["name"])
    years = [rc.norm(y) for y in sheet["years"]]
    assert {row: [cells[y] for y in years] for row, cells in table.items() if row in ("実績値", "目標値")} == {
        "実績値": [rc.norm(v) for v in sheet["actual_row"]],
        "目標値": [rc.norm(v) for v in sheet["target_row"]],
    }
    assert table["実績値"]["従前値"] == rc.norm(sheet["baseline"]["value"])
    assert table["目標値"]["目標値"] == rc.norm(sheet["target"]["value"])
    assert table["実績値"]["(単位)"] == table["目標値"]["(単位)"] == rc.norm(sheet["unit"])


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda s: s["measure"]["label"])
def test_the_figures_print_without_their_unit_and_nowhere_else(rows, sheet):
    """The unit is in its own column: no figure of the table carries it (2,325, not 2,325人)."""
    table = _table(rows, sheet["measure"]["name"])
    figures = [c for cells in table.values() for h, c in cells.items() if h != "(単位)" and c]
    assert figures and not [c for c in figures if c.endswith(rc.norm(sheet["unit"]))]


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda s: s["measure"]["label"])
def test_the_departments_in_charge_under_the_title(rows, sheet):
    """指標担当部課等 経済部産業振興課,経済部農業課: two departments in charge of one measure, as printed."""
    assert rows[_title(rows, sheet["measure"]["name"]) + 1][0] == rc.norm(f"指標担当部課等{sheet['departments']}")


def test_the_goal_is_headed_as_the_first_sheet_heads_it(rows):
    """基本目標 Ⅰ つくばの特性をいかした… (資料1-5's words; 資料2-7 writes つくば市の特性: README.md)."""
    goal = SHEETS[0]["goal"]
    assert rc.norm(f"基本目標{goal['number']}{goal['title']}") in [r[0] for r in rows if r]


def test_the_sheet_prints_its_nine_columns_in_type_of_8_points_or_more(out, tmp_path):
    """Fitted to a portrait page's width, the sheet's 区分, 従前値, (単位), five years and 目標値 printed at
    about 5 pt: a table wider than a portrait page holds turns the page landscape."""
    assert small_type(rc.pdf(out / WORKBOOK, tmp_path)) == []
