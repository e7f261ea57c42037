from support import tree, with_departments

"""Pledge progress forms back in: the next list opened, forms filled (openpyxl, LibreOffice), collected, the new list built with ★ and its summary."""
import difflib
import hashlib

import docx
import openpyxl
import pytest
import realclient as rc
from formfill import fill, resave_with_libreoffice

from reportgen.archive.build import build
from reportgen.cli import main
from reportgen.cycle.pledges import open_pledge_list
from reportgen.rules.era import parse_fy

NEW = "pledges/2025-03.yaml"
FORM = "2024_R6/forms/市長公約進捗状況記入票_令和7年3月末_企画課.xlsx"
DOCX = "2024_R6/04_市長公約進捗状況一覧表_令和7年3月末.docx"
XLSX = "2024_R6/04_市長公約進捗状況一覧表_令和7年3月末.xlsx"
PROGRESS, STATUS = 6, 7  # the form's columns F and G

# pledge 1's first item as the 2023-09 list holds it (read in data/pledges/2023-09.yaml)
LINES_1_1 = ["・令和4年4月にデジタル行政推進課を設置", "・DXを推進するために「入間市DXビジョン」を令和4年4月に策定"]


def collect(*args) -> int:
    return main(["collect", *map(str, args)])


@pytest.fixture()
def opened(data_copy, tmp_path):
    """The 2025-03 list opened from the 2023-09 one, and the year it is dated in (R6) built: its forms sent."""
    open_pledge_list(data_copy, "2025-03")
    out = tmp_path / "out"
    build(data_copy, out, years=[parse_fy("R6")])
    return data_copy, out


def summary(path):
    d = docx.Document(path)
    table = next(t for t in d.tables if t.rows[0].cells[0].text == "評価" and t.rows[0].cells[1].text == "公約数")
    return [(r.cells[0].text, r.cells[1].text) for r in table.rows[1:]]


def item_rows(path):
    """(項目, 取組状況, 評価) of every item row of the Word list."""
    d = docx.Document(path)
    return [(r.cells[0].text, r.cells[2].text, r.cells[3].text) for t in d.tables if t.rows[0].cells[1].text == "内容"
            for r in t.rows[1:]]


def test_the_opened_list_before_any_form_has_no_star_and_the_published_summary(opened):
    data, out = opened
    assert summary(out / DOCX) == [("A 完了", "37"), ("B 実施中", "19"), ("C 着手", "4"), ("D 未着手", "0")]
    assert not any("★" in status for _, _, status in item_rows(out / DOCX))


def test_a_form_filled_with_openpyxl_is_collected_and_the_new_list_shows_it(opened, tmp_path, capsys):
    data, out = opened
    old_list = (data / "pledges/2023-09.yaml").read_bytes()
    before = (data / NEW).read_text(encoding="utf-8")
    filled = fill(out / FORM, tmp_path / "filled.xlsx", {
        # a line added the way Excel stores Alt+Enter (CR escaped as _x000D_), status A → b (lower case)
        "pledge:1:1": {PROGRESS: "_x000D_\n".join(LINES_1_1 + ["●令和7年3月に第2期DX推進計画を策定"]), STATUS: "b"},
        # an item without progress: a line typed without its ・
        "pledge:19:2": {PROGRESS: "ハローワークと連携した就職相談会を開催（令和6年10月）"},
        # returned as sent
        "pledge:2:1": {STATUS: "B"},
    })
    assert collect(filled, "--data", data) == 0
    report = capsys.readouterr().out
    assert "市長公約進捗状況記入票 企画課" in report and "変更 3 件" in report and "公約1 ①デジタル未来都市推進部門の設置 / 評価: A → B" in report
    # the report names the lines a change adds (not two long texts that begin alike)
    assert "公約1 ①デジタル未来都市推進部門の設置 / 取組状況: +●令和7年3月に第2期DX推進計画を策定\n" in report
    after = (data / NEW).read_text(encoding="utf-8")
    # only the lines of the two items changed; comments and layout of the rest are as they were
    diff = [d for d in difflib.ndiff(before.splitlines(), after.splitlines()) if d[:2] in ("+ ", "- ")]
    assert diff == ["+               - ●令和7年3月に第2期DX推進計画を策定", "-             status: A", "+             status: B",
                    "-             progress: []", "+             progress:",
                    "+               - ・ハローワークと連携した就職相談会を開催（令和6年10月）"]
    assert before.splitlines()[0] in after and (data / "pledges/2023-09.yaml").read_bytes() == old_list
    build(data, out, years=[parse_fy("R6")])
    rows = item_rows(out / DOCX)
    assert ("①デジタル未来都市推進部門の設置", "\n".join(LINES_1_1 + ["●令和7年3月に第2期DX推進計画を策定"]), "B 実施中 ★（A）") in rows
    assert ("②働きたい女性に対する支援", "・ハローワークと連携した就職相談会を開催（令和6年10月）", "B 実施中") in rows
    assert [r for r in rows if "★" in r[2]] == [r for r in rows if r[0] == "①デジタル未来都市推進部門の設置" and r[2].startswith("B")]
    assert summary(out / DOCX) == [("A 完了", "36"), ("B 実施中", "20"), ("C 着手", "4"), ("D 未着手", "0")]
    shown = rc.sheet_rows(out / XLSX)
    assert shown["集計"][1:] == [["A 完了", "36"], ["B 実施中", "20"], ["C 着手", "4"], ["D 未着手", "0"]]
    # the same form again changes nothing
    snapshot = tree(data, backups=False)
    assert collect(filled, "--data", data) == 0
    assert "変更 0 件" in capsys.readouterr().out and tree(data, backups=False) == snapshot


def test_a_form_resaved_by_libreoffice_is_collected_and_the_star_follows_the_status(opened, tmp_path, capsys):
    data, out = opened
    ws = openpyxl.load_workbook(out / FORM).worksheets[0]
    keys = {ws.cell(row=r, column=1).value: r for r in range(1, ws.max_row + 1)}
    c_items = [k for k, r in keys.items() if k and ws.cell(row=r, column=STATUS).value == "C"]
    assert len(c_items) == 4  # the published summary: C 着手 4
    filled = fill(out / FORM, tmp_path / "f.xlsx", {
        c_items[0]: {STATUS: "A", PROGRESS: (ws.cell(row=keys[c_items[0]], column=PROGRESS).value or "") + "\n・令和7年2月に完了"},
        "pledge:1:2": {STATUS: "A"},  # unchanged: no ★
    })
    returned = resave_with_libreoffice(filled, tmp_path / "lo")
    assert collect(returned, "--data", data) == 0
    build(data, out, years=[parse_fy("R6")])
    rows = item_rows(out / DOCX)
    starred = [r for r in rows if "★" in r[2]]
    assert len(starred) == 1 and starred[0][2] == "A 完了 ★（C）" and starred[0][1].endswith("\n・令和7年2月に完了")
    assert summary(out / DOCX) == [("A 完了", "38"), ("B 実施中", "19"), ("C 着手", "3"), ("D 未着手", "0")]
    text = rc.norm(rc.word_text(out / DOCX))
    assert rc.norm("・令和7年2月に完了") in text and rc.norm("前回（令和5年9月末現在）") in text


def test_every_wrong_cell_is_located_at_once_and_nothing_is_written(opened, tmp_path, capsys):
    data, out = opened
    ws = openpyxl.load_workbook(out / FORM).worksheets[0]
    row = {ws.cell(row=r, column=1).value: r for r in range(1, ws.max_row + 1)}
    f = data / NEW
    # after the form was sent, pledge 3's first item was given to 商工観光課 (SYNTHETIC edit of the copy)
    text = f.read_text(encoding="utf-8")
    i = text.index("      - no: 3\n")
    j = text.index("            status:", i)
    f.write_text(text[:j] + "            department: 商工観光課\n" + text[j:], encoding="utf-8")
    before = tree(data, backups=False)
    filled = fill(out / FORM, tmp_path / "w.xlsx", {
        "pledge:1:1": {STATUS: "E"},
        "pledge:1:2": {5: "内容を書き換えた"},
        "pledge:3:1": {STATUS: "B"},
        "pledge:2:1": {STATUS: None},  # B cleared
        "pledge:2:2": {PROGRESS: "=A1"},
    })
    assert collect(filled, "--data", data) == 1
    err = capsys.readouterr().err
    r11, r12, r31, r21, r22 = (row[k] for k in ("pledge:1:1", "pledge:1:2", "pledge:3:1", "pledge:2:1", "pledge:2:2"))
    assert f"記入票!G{r11}: 評価: A, B, C, D のいずれかが必要です。書かれていた値: 'E'" in err
    assert f"記入票!E{r12}: 保護されたセルが変更されています（改ざん）" in err
    assert f"記入票!G{r31}: 評価: 公約3 ①企業誘致戦略の策定 は 企画課 の担当ではありません（別の部署の様式です）" in err
    assert f"記入票!G{r21}: 評価: 送付時に記入されていた値が消されています" in err
    assert f"記入票!F{r22}: 取組状況: 文字（計算式は使えません）が必要です" in err
    assert "問題 5 件のため、この様式は取り込みません" in err
    assert tree(data, backups=False) == before


def test_a_conflict_with_an_edit_of_data_is_kept_for_a_person(opened, tmp_path, capsys):
    data, out = opened
    f = data / NEW
    f.write_text(f.read_text(encoding="utf-8").replace(LINES_1_1[1], LINES_1_1[1] + "（企画課で修正）", 1), encoding="utf-8")
    filled = fill(out / FORM, tmp_path / "c.xlsx", {"pledge:1:1": {PROGRESS: "\n".join(LINES_1_1 + ["・部署の追記"])}})
    assert collect(filled, "--data", data) == 1
    assert "競合" in capsys.readouterr().err
    assert "（企画課で修正）" in f.read_text(encoding="utf-8") and "部署の追記" not in f.read_text(encoding="utf-8")
    assert collect(filled, "--data", data, "--force") == 0
    assert "・部署の追記" in f.read_text(encoding="utf-8")


def test_a_form_of_the_previous_list_is_refused_unless_its_year_is_named(data_copy, tmp_path, capsys):
    out = tmp_path / "out"
    build(data_copy, out, years=[parse_fy("R5")])
    old_form = out / "2023_R5/forms/市長公約進捗状況記入票_令和5年9月末_企画課.xlsx"
    open_pledge_list(data_copy, "2025-03")
    filled = fill(old_form, tmp_path / "old.xlsx", {"pledge:1:1": {STATUS: "B"}})
    before = tree(data_copy, backups=False)
    assert collect(filled, "--data", data_copy) == 1
    err = capsys.readouterr().err
    assert "令和5年9月末現在の公約一覧の様式です。いま取り込む一覧は 令和7年3月末現在です" in err and "--year R5" in err
    assert tree(data_copy, backups=False) == before
    assert collect(filled, "--data", data_copy, "--year", "R5") == 0
    assert tree(data_copy, backups=False) != before and "status: B" in (data_copy / "pledges/2023-09.yaml").read_text(encoding="utf-8")
    assert hashlib.sha256((data_copy / NEW).read_bytes()).hexdigest() == before[NEW]  # the new list untouched


def test_forms_of_two_departments_in_one_run_both_reach_the_new_list(data_copy, tmp_path, capsys):
    with_departments(data_copy)  # SYNTHETIC: pledge 3's items name 商工観光課
    open_pledge_list(data_copy, "2025-03")
    assert "department: 商工観光課" in (data_copy / NEW).read_text(encoding="utf-8")  # carried over
    out = tmp_path / "out"
    build(data_copy, out, years=[parse_fy("R6")])
    forms = out / "2024_R6/forms"
    shoko = fill(forms / "市長公約進捗状況記入票_令和7年3月末_商工観光課.xlsx", tmp_path / "s.xlsx",
                 {"pledge:3:2": {STATUS: "A", PROGRESS: "・令和6年度に2社を誘致"}})
    planning = fill(forms / "市長公約進捗状況記入票_令和7年3月末_企画課.xlsx", tmp_path / "k.xlsx", {"pledge:1:2": {STATUS: "B"}})
    assert collect(shoko, planning, "--data", data_copy) == 0
    assert "様式 2 件: 取り込み 2 件" in capsys.readouterr().out
    build(data_copy, out, years=[parse_fy("R6")])
    starred = sorted((r[0], r[2]) for r in item_rows(out / DOCX) if "★" in r[2])
    # pledge 3 item ② was B and pledge 1 item ② was A in the 2023-09 list (read in the data file)
    assert starred == [("②新産業の支援・創出", "A 完了 ★（B）"), ("②高度な専門性を持つ外部人材を登用", "B 実施中 ★（A）")]
