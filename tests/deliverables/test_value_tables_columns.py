"""The value tables' frame from labels, for a 施策マネジメントシート (issue 27, つくば市's sheets): a 単位
column that prints each unit once (a figure in another unit keeps its own), none unless the labels name
it, and a year archived before these keys existed rebuilds byte for byte from its own copy.

SYNTHETIC: the tests edit scratch copies of 浦河町's and 松戸市's data (examples/urakawa, examples/matsudo)
and of the shipped labels the way a clerk would; the expected texts are what that clerk wrote, read
back from the built workbook.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from support import ROOT

from reportgen.archive.build import build
from reportgen.templating.templateset import shipped

URAKAWA = ROOT / "examples" / "urakawa" / "data"
MATSUDO = ROOT / "examples" / "matsudo" / "data"
NEW_KEYS = ("unit_header", "blank_value", "departments_line")


def rows(book: Path) -> list[list[str]]:
    ws = openpyxl.load_workbook(book).worksheets[0]
    return [["" if v is None else str(v) for v in r] for r in ws.iter_rows(values_only=True)]


@pytest.fixture
def urakawa(tmp_path) -> Path:
    """浦河町's data printing the value tables, one table per measure."""
    folder = tmp_path / "data"
    shutil.copytree(URAKAWA, folder, ignore=shutil.ignore_patterns(".lock"))
    strategy = folder / "strategies" / "1" / "strategy.yaml"
    strategy.write_text(strategy.read_text(encoding="utf-8") + "value_tables: per_measure\n", encoding="utf-8")
    return folder


def _table(book: Path, name: str) -> list[list[str]]:
    found = rows(book)
    at = next(i for i, r in enumerate(found) if r[0].endswith(name))
    return [[c for c in r if c] for r in found[at + 1: at + 3]]


def test_a_unit_column_prints_the_unit_once_and_a_target_in_another_unit_keeps_its_own(urakawa, tmp_path):
    (urakawa / "templates" / "value_tables.labels.yaml").write_text("unit_header: 単位\n", encoding="utf-8")
    build(urakawa, tmp_path / "out")
    [book] = (tmp_path / "out" / "2015_H27").glob("05_*.xlsx")
    header, values = _table(book, "新規就農者数")
    assert header[:2] == ["平成26年度 (現状値)", "単位"]  # kpi_baseline_year H26
    assert values == ["1.4", "人/年", "4組/年"]  # 1.4人/年 → 4組/年: the target's 組/年 is not the column's
    header, values = _table(book, "給食での地場産物利用率")
    assert values == ["33", "%/年", "38"]


def test_without_a_unit_header_there_is_no_unit_column(urakawa, tmp_path):
    build(urakawa, tmp_path / "out")
    [book] = (tmp_path / "out" / "2015_H27").glob("05_*.xlsx")
    header, values = _table(book, "新規就農者数")
    assert "単位" not in header and values == ["1.4人/年", "4組/年"]


def test_a_year_archived_before_the_new_keys_rebuilds_the_same_bytes(tmp_path):
    """An archive keeps the labels file its year was made from; one made before unit_header,
    blank_value and departments_line lacks them, printed nothing with them, and must come out the
    same from that copy."""
    old = tmp_path / "templates"
    shutil.copytree(shipped(), old)
    labels = old / "value_tables.labels.yaml"
    lines = labels.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [ln for ln in lines if not ln.startswith(NEW_KEYS)]
    assert len(lines) - len(kept) == len(NEW_KEYS)
    labels.write_text("".join(kept), encoding="utf-8")
    build(MATSUDO, tmp_path / "now")
    build(MATSUDO, tmp_path / "then", templates=old)
    book = Path("2018_H30") / "05_数値目標・重要業績評価指標の現状値_平成30年度.xlsx"
    assert (tmp_path / "then" / book).read_bytes() == (tmp_path / "now" / book).read_bytes()
