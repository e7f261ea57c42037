"""市長公約進捗状況一覧表: seed 004's rows in Word, the summary computed, the workbook's dropdown, changes marked."""

import docx
import openpyxl
import realclient as rc
from support import seed

from reportgen.archive.build import build
from reportgen.rules.era import parse_fy

DOCX = "2023_R5/04_市長公約進捗状況一覧表_令和5年9月末.docx"
XLSX = "2023_R5/04_市長公約進捗状況一覧表_令和5年9月末.xlsx"


def seed_rows():
    rows = []
    for line in seed("004").read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            cells = [c.replace('<ul style="list-style-type: none">', "") for c in line.split("\t")]
            rows.append(rc.norm_row(cells))
    return rows


def test_every_table_row_of_seed_004_appears_as_libreoffice_shows_it(built):
    shown = {rc.norm_row(r) for r in rc.word_rows(built / DOCX)}
    headings = rc.norm(rc.word_text(built / DOCX))
    missing = []
    for row in seed_rows():
        if row in shown:
            continue
        # the header row, whose first cell the seed leaves empty, names its column 項目 (issue 26: a
        # header cell with nothing in it is a column a listener hears without a name)
        if row == rc.norm_row(("内容", "取組状況", "評価")) and rc.norm_row(("項目", *row)) in shown:
            continue
        # chapter and pledge rows are headings in the document, not table rows
        if len(row) == 1 and row[0].replace(":", "") in headings.replace(":", ""):
            continue
        missing.append(row)
    assert missing == []


def test_title_and_legend(built):
    text = rc.norm(rc.word_text(built / DOCX))
    assert rc.norm("市長公約（政策宣言）進捗状況一覧表【令和5年9月末現在】") in text
    assert rc.norm("A 完了　　B 実施中　　C 着手　　D 未着手") in text


def summary(path):
    d = docx.Document(path)
    table = next(t for t in d.tables if t.rows[0].cells[0].text == "評価" and t.rows[0].cells[1].text == "公約数")
    return [(r.cells[0].text, r.cells[1].text) for r in table.rows[1:]]


def test_the_summary_is_computed_and_moves_when_a_status_changes(built, tmp_path, data_copy):
    assert summary(built / DOCX) == [("A 完了", "37"), ("B 実施中", "19"), ("C 着手", "4"), ("D 未着手", "0")]
    f = data_copy / "pledges" / "2023-09.yaml"
    text = f.read_text(encoding="utf-8")
    assert "status: C" in text
    f.write_text(text.replace("status: C", "status: D", 1), encoding="utf-8")
    out = tmp_path / "out"
    build(data_copy, out, years=[parse_fy("R5")])
    assert summary(out / DOCX) == [("A 完了", "37"), ("B 実施中", "19"), ("C 着手", "3"), ("D 未着手", "1")]


def test_the_workbook_has_every_item_a_status_dropdown_and_a_filter(built):
    wb = openpyxl.load_workbook(built / XLSX)
    ws = wb.worksheets[0]
    dvs = ws.data_validations.dataValidation
    assert [dv.formula1 for dv in dvs] == ['"A,B,C,D"'] and "H5:H64" in str(dvs[0].sqref)
    assert ws.auto_filter.ref == "A4:I64"
    assert [ws.cell(row=r, column=8).value for r in range(5, 65)].count("A") == 37
    shown = rc.sheet_rows(built / XLSX)
    assert shown["集計"][1:] == [["A 完了", "37"], ["B 実施中", "19"], ["C 着手", "4"], ["D 未着手", "0"]]


def test_a_name_changed_in_data_reaches_both_documents(tmp_path, data_copy):
    f = data_copy / "pledges" / "2023-09.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("デジタル未来都市推進部門の設置と特命人材の公募", "デジタル推進体制の整備", 1), encoding="utf-8")
    out = tmp_path / "out"
    build(data_copy, out, years=[parse_fy("R5")])
    assert "デジタル推進体制の整備" in rc.word_text(out / DOCX)
    ws = openpyxl.load_workbook(out / XLSX).worksheets[0]
    assert ws["D5"].value == "デジタル推進体制の整備"


def test_items_that_changed_status_since_the_previous_list_are_marked(tmp_path, data_copy):
    """A later list (synthetic: the shipped list with one status moved) marks what changed."""
    src = data_copy / "pledges" / "2023-09.yaml"
    later = data_copy / "pledges" / "2024-03.yaml"
    text = src.read_text(encoding="utf-8").replace("as_of: 2023-09", "as_of: 2024-03")
    i = text.index("status: B")
    later.write_text(text[:i] + "status: A" + text[i + len("status: B"):], encoding="utf-8")
    out = tmp_path / "out"
    build(data_copy, out, years=[parse_fy("R5")])
    d = docx.Document(out / "2023_R5/04_市長公約進捗状況一覧表_令和6年3月末.docx")
    marked = [r.cells[3].text for t in d.tables for r in t.rows if "★" in r.cells[-1].text]
    assert marked == ["A 完了 ★（B）"]
    assert "前回（令和5年9月末現在）" in "".join(p.text for p in d.paragraphs)
