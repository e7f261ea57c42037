"""松戸市 (examples/matsudo): its published tables, every column, as LibreOffice shows the built workbook.

The expected cells are read from examples/matsudo/source/kpi-status-H30.yaml (the transcription of
the city's handout of 平成30年10月3日), never from reportgen: the handout's list of 数値目標 (mark,
name, baseline with its year, target with its year) and its tables B (one per 数値目標: the year
columns with (基準値)/(現状値)/(目標値), the values, the 参考 notes).
"""

import pytest
import realclient as rc
import yaml
from support import ROOT

from reportgen.archive.build import build
from reportgen.model.loader import load

EXAMPLE = ROOT / "examples" / "matsudo"
SOURCE = yaml.safe_load((EXAMPLE / "source" / "kpi-status-H30.yaml").read_text(encoding="utf-8"))
# the handout is dated H30.10.3 (its header): a document of FY H30 (平成30年4月–31年3月)
assert SOURCE["document"]["header"].startswith("H30.10.3")
WORKBOOK = "2018_H30/05_数値目標・重要業績評価指標の現状値_平成30年度.xlsx"


@pytest.fixture(scope="module")
def rows(tmp_path_factory) -> list[tuple[str, ...]]:
    out = tmp_path_factory.mktemp("matsudo") / "out"
    build(EXAMPLE / "data", out)
    sheets = rc.sheet_rows(out / WORKBOOK)
    return [rc.norm_row(r) for sheet in sheets.values() for r in sheet]


def _first_cells(rows) -> list[str]:
    return [r[0] for r in rows if r]


def test_it_builds_from_its_data_alone_and_is_no_draft():
    assert not (EXAMPLE / "data" / "DRAFT.md").exists()
    ds = load(EXAMPLE / "data")
    assert ds.city.name == "松戸市"
    text = (EXAMPLE / "data" / "strategies" / "1" / "kpis.yaml").read_text(encoding="utf-8")
    assert "平成30年10月3日" in text  # the source named, with its date, in the data


@pytest.mark.parametrize("row", SOURCE["goal_targets"]["rows"], ids=lambda r: r["name"][:8])
def test_every_row_of_the_list_of_targets(rows, row):
    """①婚姻率:5.5‰(平成25年)→5.9‰(平成31年): mark, name, baseline and target with their own years."""
    cell = rc.norm(f"{row['name']}:{row['baseline']}→{row['target']}")
    lines = [c for c in _first_cells(rows) if c.endswith(cell)]
    assert lines, f"{cell} not in {_first_cells(rows)}"
    if row["mark"]:
        assert rc.norm(row["mark"] + row["name"]) in lines[0]


@pytest.mark.parametrize("table", SOURCE["value_tables"], ids=lambda t: t["title"])
def test_every_column_of_each_value_table(rows, table):
    """数値目標① 婚姻率: its title, the header of every year column, every value, every 参考 note."""
    title = rc.norm(table["title"])
    at = next(i for i, r in enumerate(rows) if r and r[0] == title)
    headers = tuple(rc.norm(c) for c in table["columns"])
    if table["values"] is None:
        # the stored copy ends after this table's header: its values (and so its columns 平成27…) are
        # not in the data; the baseline's column is
        assert rows[at + 1][0] == headers[0]
        pytest.xfail("the stored copy holds no values of this table: only its baseline column is reproduced")
    assert rows[at + 1] == headers
    assert rows[at + 2] == tuple(rc.norm(v) for v in table["values"])
    notes = [rc.norm(n) for n in table.get("notes", [])]
    assert [r[0] for r in rows[at + 3: at + 3 + len(notes)]] == notes


def test_the_goal_heading_is_numbered_as_the_handout_numbers_it(rows):
    """基本目標Ⅰ, not 基本目標1 (strategy.yaml numbering.goals: "Ⅰ"; NFKC keeps Ⅰ apart from 1)."""
    assert rc.norm(SOURCE["goal_targets"]["goal"]) in _first_cells(rows)


# What the stored copy holds and the workbook does not print, each with the reason (the handout's
# header, introduction and page reference are the meeting's prose around the tables, not a table).
NOT_REPRODUCED = {
    "document.header": "the meeting's date and handout number (第7回懇談会 資料4), not the strategy's",
    "document.section": "the handout's section heading; the workbook's title names the strategy instead",
    "document.introduction": "prose of the handout, not a table",
    "document.reference": "a page reference to the printed strategy (総合戦略P74)",
    "goal_targets.note": "describes arrows; the arrows are graphics the stored copy does not hold, "
                         "and reportgen prints none",
}


def _leaves(node, path=""):
    """Every printed text of the transcription (not the transcriber's notes), with its path."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _leaves(v, f"{path}.{k}" if path else str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _leaves(v, f"{path}[{i}]")
    elif isinstance(node, str):
        yield path, node


def test_every_text_of_the_source_is_printed_or_said_not_to_be(rows):
    """Each cell of the transcription is in the workbook, or in NOT_REPRODUCED with its reason; table
    ③'s columns after its baseline wait for its values (absent from the stored copy, xfail above)."""
    printed = [c for r in rows for c in r]
    missing, checked = [], 0
    for path, text in _leaves(SOURCE):
        if path.endswith("stored_copy_note") or path.endswith("note_stored_copy") or path.endswith(".mark"):
            continue  # the transcriber's notes; the marks are checked with their rows
        if any(path.startswith(k) for k in NOT_REPRODUCED):
            assert not any(rc.norm(text) in c for c in printed), f"{path} is printed: take it out of NOT_REPRODUCED"
            continue
        if path.startswith("value_tables[2].columns") and path != "value_tables[2].columns[0]":
            continue  # table ③: no values in the stored copy, so no year columns (see the xfail above)
        checked += 1
        if not any(rc.norm(text) in c for c in printed):
            missing.append((path, text))
    assert not missing and checked >= 40
