"""The registry collected like the department forms: add, rename, end, new ids, every wrong input located,
conflicts with data/ changed since sending, the same workbook twice, and a workbook re-saved by LibreOffice."""
from __future__ import annotations

import datetime
from pathlib import Path

import openpyxl
import realclient as rc
from formfill import resave_with_libreoffice
from registry_helpers import fill, issue
from registry_helpers import rows as row_numbers
from support import tree

from reportgen.archive.build import build
from reportgen.cli import main
from reportgen.model.loader import load
from reportgen.rules.era import parse_fy

NEW_PROJECT = {"C": "市内回遊促進事業", "D": "商店街と観光拠点を結ぶ回遊イベントを実施する。", "E": "4-2", "F": "商工観光課"}
NEW_KPI = {"C": "4-2", "D": "市内回遊イベント参加者数", "E": "人", "F": "年間", "G": "増えると改善",
           "H": "年間1,200人 (R06)", "I": "年間2,000人", "J": "商工観光課"}


def collect(capsys, data: Path, *args) -> tuple[int, str, str]:
    code = main(["collect", *map(str, args), "--data", str(data)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_add_rename_end_through_libreoffice_then_the_same_workbook_again(data_copy, tmp_path, capsys):
    sent = issue(data_copy, "R7", tmp_path / "sent" / "登録簿.xlsx")
    filled = fill(sent, tmp_path / "filled.xlsx", {
        "事業": {"new:1": NEW_PROJECT},
        "KPI": {"1-①": {"D": "市内工業団地の立地事業所数"}, "1-③": {"K": "R7"}, "new:1": NEW_KPI}})
    resaved = resave_with_libreoffice(filled, tmp_path / "lo")
    code, out, err = collect(capsys, data_copy, resaved)
    assert code == 0, err
    # ids by the strategy's schemes: goal 4's KPIs run to 4-⑤ (seed 003), the 1st strategy's projects are
    # s1-001 …, and the 2nd has none yet
    assert "s2-001 市内回遊促進事業 / 新規登録（ID）: （空） → s2-001" in out
    assert "4-⑥ 市内回遊イベント参加者数 / 新規登録（ID）: （空） → 4-⑥" in out
    assert "1-① 市内工業団地の事業所数 / 名称: 市内工業団地の事業所数 → 市内工業団地の立地事業所数" in out
    assert "1-③ 雇用対策事業の実施回数 / 廃止: （空） → R7" in out
    ds = load(data_copy)
    sd = ds.strategies[1]
    p = next(p for p in sd.projects.projects if p.id == "s2-001")
    assert (p.name, p.policy, p.departments, str(p.first_year), p.years[parse_fy("R7")].work) == (
        "市内回遊促進事業", "4-2", ["商工観光課"], "R7", "商店街と観光拠点を結ぶ回遊イベントを実施する。")
    k1 = next(k for k in sd.measures.kpis if k.id == "1-①")
    assert k1.as_of(parse_fy("R7")).name == "市内工業団地の立地事業所数"
    assert k1.as_of(parse_fy("R6")).name == "市内工業団地の事業所数"  # earlier years keep the name
    assert next(k for k in sd.measures.kpis if k.id == "1-③").ended == parse_fy("R7")
    new = next(k for k in sd.measures.kpis if k.id == "4-⑥")
    assert (new.since, new.unit, new.prefix, new.direction, str(new.target.value)) == (
        parse_fy("R7"), "人", "年間", "up", "年間2,000人")
    # the year's documents: the new project listed (新規, its 取組内容 the 事業内容), 1-③ gone, 1-① renamed
    build(data_copy, tmp_path / "out", years=[parse_fy("R7")])
    text = rc.norm(rc.word_text(tmp_path / "out" / "2025_R7" / "01_対象事業一覧_令和7年度.docx"))
    assert rc.norm("市内回遊促進事業商店街と観光拠点を結ぶ回遊イベントを実施する。商工観光課") in text
    assert "雇用対策事業の実施回数" not in text and "市内工業団地の立地事業所数" in text
    # the same workbook again changes nothing: its new rows were registered the first time
    before = tree(data_copy, backups=False)
    code, out, err = collect(capsys, data_copy, resaved)
    assert code == 0 and "変更 0 件" in out and "データは変更していません" in out
    assert tree(data_copy, backups=False) == before


def test_a_renamed_project_keeps_its_id_and_earlier_years_print_the_earlier_name(data_copy, tmp_path, capsys):
    sent = issue(data_copy, "H30", tmp_path / "登録簿H30.xlsx", strategy="1")
    # s1-003 企業等誘致事業 (seed: 平成29年度 対象事業一覧)
    filled = fill(sent, tmp_path / "f.xlsx", {"事業": {"s1-003": {"C": "企業誘致推進事業", "H": "企業誘致を推進する。"}}})
    code, out, err = collect(capsys, data_copy, filled, "--year", "H30")
    assert code == 0, err
    p = next(p for p in load(data_copy).strategies[0].projects.projects if p.id == "s1-003")
    assert p.name_in(parse_fy("H30")) == "企業誘致推進事業"
    assert p.name_in(parse_fy("H29")) == "企業等誘致事業"
    assert p.years[parse_fy("H30")].work == "企業誘致を推進する。"


def test_new_ids_follow_the_scheme_and_never_reuse_an_ended_one(data_copy, tmp_path, capsys):
    # the 1st strategy's ids: s1-001 … s1-068 and K01 … K13 (data/strategies/1); end the last of each first
    first = fill(issue(data_copy, "H30", tmp_path / "a" / "登録簿H30.xlsx", strategy="1"), tmp_path / "a.xlsx",
                 {"事業": {"s1-068": {"I": "H30"}}, "KPI": {"K13": {"K": "H30"}}})
    assert collect(capsys, data_copy, first, "--year", "H30")[0] == 0
    second = fill(issue(data_copy, "H30", tmp_path / "b" / "登録簿H30.xlsx", strategy="1"), tmp_path / "b.xlsx", {
        "事業": {"new:1": {"C": "新規事業その1", "E": "1-1", "F": "商工観光課"},
                "new:2": {"C": "新規事業その2", "E": "1-1", "F": "商工観光課"}},
        "KPI": {"new:1": {"C": "1-1", "D": "新しい指標", "E": "件", "G": "増えると改善", "H": "10件 (H29)", "I": "20件"}}})
    code, out, err = collect(capsys, data_copy, second, "--year", "H30")
    assert code == 0, err
    assert "新規事業その1 / 新規登録（ID）: （空） → s1-069" in out and "新規事業その2 / 新規登録（ID）: （空） → s1-070" in out
    assert "K14 新しい指標 / 新規登録（ID）: （空） → K14" in out
    sd = load(data_copy).strategies[0]
    assert [(p.id, p.ended) for p in sd.projects.projects][-3:] == [
        ("s1-068", parse_fy("H30")), ("s1-069", None), ("s1-070", None)]


def test_every_wrong_input_is_located_and_nothing_is_written(data_copy, tmp_path, capsys):
    sent = issue(data_copy, "R7", tmp_path / "登録簿.xlsx")
    filled = fill(sent, tmp_path / "bad.xlsx", {
        "事業": {"new:1": NEW_PROJECT, "new:2": {**NEW_PROJECT, "D": "同じ名前"},
                "new:3": {"C": "施策違い", "E": "9-9", "F": "商工観光課"},
                "new:4": {"C": "部署違い", "E": "1-1", "F": "商工観光課、存在しない課"},
                "new:5": {"C": "計算式", "D": "=1+1", "E": "1-1", "F": "商工観光課"},
                "new:6": {"C": "日付", "E": "1-1", "F": "商工観光課", "G": datetime.date(2025, 4, 1)}},
        "KPI": {"1-①": {"B": "1-⑨", "K": "R9"}, "1-②": {"G": "上がる"}, "1-④": {"I": "15O.0ha"},
                "2-①": {"D": None}}},
        delete={"KPI": "3-③"})
    before = tree(data_copy, backups=False)
    code, out, err = collect(capsys, data_copy, filled, "--year", "R7")
    assert code == 1 and tree(data_copy, backups=False) == before
    lines = err.splitlines()

    def line(*parts: str) -> str:
        found = [ln for ln in lines if all(p in ln for p in parts)]
        assert len(found) == 1, (parts, err)
        return found[0]

    wb = openpyxl.load_workbook(filled)
    rows, krows = row_numbers(wb["事業"]), row_numbers(wb["KPI"])
    line(f"事業!C{rows['new:2']}: 名称: 施策 4-2 に同じ事業名「市内回遊促進事業」の事業がすでにあります")
    line(f"事業!E{rows['new:3']}: 施策: この戦略の施策ID1つ", "書かれていた値: '9-9'")
    line(f"事業!F{rows['new:4']}: 担当課: departments.yaml にある部署名が必要です。書かれていた値: '存在しない課'")
    line(f"事業!D{rows['new:5']}: 事業内容: 文字（計算式は使えません）が必要です。書かれていた値: '=1+1'")
    line(f"事業!G{rows['new:6']}: 開始年度: 文字（日付は、Excel が日付に変えない書き方で: 例 令和6年4月1日）が必要です。書かれていた値: '2025/4/1'")
    line(f"KPI!B{krows['1-①']}: ID: ID は変更できません（送付時: 1-①）")
    line(f"KPI!K{krows['1-①']}: 廃止: 廃止年度は R4～R8 のいずれか", "書かれていた値: 'R9'")
    line(f"KPI!G{krows['1-②']}: 方向: 方向（増えると改善、減ると改善、維持が目標）が必要です。書かれていた値: '上がる'")
    line(f"KPI!I{krows['1-④']}: 目標値: 目標値", "書かれていた値: '15O.0ha'")
    line(f"KPI!D{krows['2-①']}: 名称: 送付時に記入されていた値が消されています")
    line("KPI: 3-③「学童保育室待機児童数」の行が削除されています: 登録簿の行は削除できません（やめる事業・KPIは「廃止」に年度を記入してください）")
    assert all(ln.startswith(f"{filled}: 令和7年度: ") for ln in lines[:-1])
    line("問題 11 件のため、この様式は取り込みません")


def test_conflict_when_data_changed_since_sending_and_force(data_copy, tmp_path, capsys):
    sent = issue(data_copy, "R7", tmp_path / "登録簿.xlsx")
    first = fill(sent, tmp_path / "a.xlsx", {"KPI": {"1-①": {"D": "名前A"}}})
    second = fill(sent, tmp_path / "b.xlsx", {"KPI": {"1-①": {"D": "名前B"}}})
    assert collect(capsys, data_copy, first, "--year", "R7")[0] == 0
    before = tree(data_copy, backups=False)
    code, out, err = collect(capsys, data_copy, second, "--year", "R7")
    assert code == 1 and tree(data_copy, backups=False) == before
    assert "競合" in err and "1-① 名前A / 名称: data='名前A' form='名前B'" in err
    code, out, err = collect(capsys, data_copy, second, "--year", "R7", "--force")
    assert code == 0
    k = next(k for k in load(data_copy).strategies[1].measures.kpis if k.id == "1-①")
    assert k.as_of(parse_fy("R7")).name == "名前B" and len([r for r in k.revisions if r.since == parse_fy("R7")]) == 1


def test_a_registry_of_another_year_needs_the_year_named(data_copy, tmp_path, capsys):
    sent = issue(data_copy, "R8", tmp_path / "登録簿R8.xlsx")
    before = tree(data_copy, backups=False)
    code, out, err = collect(capsys, data_copy, sent)
    # the year collected by default is the one after the latest actuals (R6末 in data/): R7
    assert code == 1 and "令和8年度 の様式です。いま取り込む年度は 令和7年度 です" in err and "--year R8" in err
    assert f"この年度を取り込むには python3 generate.py collect --year R8 {sent} --data {data_copy}）" in err  # pasted, it acts here
    assert tree(data_copy, backups=False) == before


def test_deleting_the_empty_spare_rows_is_no_change_and_the_offices_rename_is_taken(data_copy, tmp_path, capsys):
    # issue 25 item 4: the office unprotects the sheets, deletes the empty spare rows (a tidy-up) and renames a KPI
    sent = issue(data_copy, "R7", tmp_path / "登録簿.xlsx")
    wb = openpyxl.load_workbook(sent)
    for ws in (wb["事業"], wb["KPI"]):
        spare = sorted(r for k, r in row_numbers(ws).items() if str(k).startswith("new:"))
        assert len(spare) == 20 and spare == list(range(spare[0], spare[0] + 20))
        ws.delete_rows(spare[0], len(spare))
    wb["KPI"][f"D{row_numbers(wb['KPI'])['1-①']}"] = "市内工業団地の立地事業所数"
    wb.save(tmp_path / "整理後.xlsx")
    code, out, err = collect(capsys, data_copy, tmp_path / "整理後.xlsx", "--year", "R7")
    assert code == 0, err
    assert "1-① 市内工業団地の事業所数 / 名称: 市内工業団地の事業所数 → 市内工業団地の立地事業所数" in out
    assert "変更 1 件" in out and "new:" not in out + err


def test_a_copied_row_is_named_by_the_rows_a_person_sees(data_copy, tmp_path, capsys):
    sent = issue(data_copy, "R7", tmp_path / "登録簿.xlsx")
    wb = openpyxl.load_workbook(sent)
    ws = wb["KPI"]
    at = row_numbers(ws)["1-②"]
    ws.insert_rows(at + 1)
    for col in range(1, ws.max_column + 1):
        ws.cell(row=at + 1, column=col).value = ws.cell(row=at, column=col).value
    wb.save(tmp_path / "複製.xlsx")
    code, _, err = collect(capsys, data_copy, tmp_path / "複製.xlsx", "--year", "R7")
    assert code == 1
    assert f"KPI!B{at + 1}: {at + 1} 行目は {at} 行目（1-②「" in err and "の複製です: 行のコピー・挿入はできません" in err


def test_a_policy_picked_from_the_dropdown_is_taken_by_its_id(data_copy, tmp_path, capsys):
    # the dropdown shows `4-2 <name>` (issue 25 item 10); the project is registered under 4-2
    sent = issue(data_copy, "R7", tmp_path / "登録簿.xlsx")
    lists = openpyxl.load_workbook(sent)["選択肢"]
    picked = next(lists.cell(row=r, column=1).value for r in range(2, lists.max_row + 1)
                  if str(lists.cell(row=r, column=1).value).startswith("4-2 "))
    filled = fill(sent, tmp_path / "picked.xlsx", {"事業": {"new:1": {**NEW_PROJECT, "E": picked}}})
    code, out, err = collect(capsys, data_copy, filled, "--year", "R7")
    assert code == 0, err
    assert next(p for p in load(data_copy).strategies[1].projects.projects if p.id == "s2-001").policy == "4-2"
