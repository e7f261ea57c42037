"""KPI目標値達成状況推移: every row of seed 003 in the R6 workbook, colours by direction, charts, KPI forms."""
import re

import openpyxl
import pytest

from reportgen.build import build
from reportgen.cli import main
from reportgen.era import parse_fy
from reportgen.loader import load

import realclient as rc
from conftest import DATA, seed
from formfill import fill, resave_with_libreoffice

R6 = "2024_R6/03_KPI目標値達成状況推移_令和6年度.xlsx"
KINDS = ("重要業績評価指標(KPI)", "指標")


def comparable(text: str) -> str:
    """A row as one string: whitespace out; the row-kind label dropped (the PDF attaches that merged
    cell to whichever row it likes); a lone dash of a year not yet reported read alike (— or -)."""
    t = rc.norm(text)
    for k in KINDS:
        t = t.replace(k, "")
    return t.replace("—", "-")


@pytest.fixture(scope="module")
def shown(built):
    rows = []
    for name, sheet in rc.sheet_rows(built / R6).items():
        if name.startswith("基本目標"):
            rows += [comparable("".join(r[:-1])) for r in sheet]  # the last column is the suggestion
    return rows


def test_every_table_row_of_seed_003_appears_in_the_r6_workbook_as_libreoffice_shows_it(shown):
    missing = []
    for line in seed("003").read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            cells = [("—" if c.strip() in ("—", "-") else c) for c in line.split("\t")]
            text = comparable("".join(cells))
            if text and text not in shown:
                missing.append(line[:70])
    assert missing == []


def sheet(built, n):
    return openpyxl.load_workbook(built / R6)[f"基本目標{n}"]


def row_of(ws, name_start):
    return next(r for r in range(1, ws.max_row + 1) if str(ws.cell(row=r, column=3).value or "").startswith(name_start))


GREEN, RED = "C6EFCE", "FFC7CE"


def fills(ws, row):
    return [(ws.cell(row=row, column=c).fill.fgColor.rgb or "")[-6:] if ws.cell(row=row, column=c).fill.fill_type else ""
            for c in range(5, 10)]


def test_colours_follow_each_kpis_own_direction(built):
    ws3 = sheet(built, 3)
    # 学童保育室待機児童数 (down is better): 103人 → 21人, 83人, 35人 are all improvements
    assert fills(ws3, row_of(ws3, "学童保育室待機児童数")) == [GREEN, GREEN, GREEN, "", ""]
    # 合計特殊出生率 (up is better): 1.15 → 0.99, 0.95 worse; 未発表 plain
    assert fills(ws3, row_of(ws3, "合計特殊出生率")) == [RED, RED, "", "", ""]
    ws2 = sheet(built, 2)
    # 社会移動数 in △: △258人 → △176人 better, △338人 and △371人 worse
    assert fills(ws2, row_of(ws2, "20歳から29歳までの社会移動数")) == [GREEN, RED, RED, "", ""]
    # states with a reference figure are not coloured; 77.8% < 78.1% is worse
    assert fills(ws2, row_of(ws2, "定住意向")) == ["", "", RED, "", ""]
    legend = {ws3["C3"].value: ws3["C3"].fill.fgColor.rgb[-6:], ws3["C4"].value: ws3["C4"].fill.fgColor.rgb[-6:]}
    assert legend == {"現状値より上昇(改善)": GREEN, "現状値より減少(悪化)": RED}


def test_a_year_not_yet_reported_shows_a_dash_and_the_composite_kpi_has_ten_rated_sub_items(built):
    rows = rc.sheet_rows(built / R6)["基本目標4"]
    head = next(i for i, r in enumerate(rows) if r[3] == "現状値")
    assert rows[head][4:9] == ["R4末", "R5末", "R6末", "R7末", "R8末"] and rows[head - 1][10] == "令和4～6年度 中間総括"
    i = next(i for i, r in enumerate(rows) if r[1] == "4-①")
    block = rows[i:i + 10]
    assert [r[10] for r in block] == ["4", "4", "1", "4", "3", "4", "4", "2", "2", "3"]
    assert [r[11][0] for r in block] == list("①②③④⑤⑥⑦⑧⑨⑩")
    assert rc.norm(block[0][12]) == rc.norm("①上下水道経営課 ②～③都市計画課 ④、⑥～⑦市民安全課 ⑤危機管理課 ⑧～⑨地域振興課 ⑩商工観光課")
    assert rows[i][4:9] == ["-", "-", "0.3835", "-", "-"]


def test_one_native_line_chart_per_kpi_with_actuals_baseline_and_target(built):
    wb = openpyxl.load_workbook(built / R6)
    ds = load(DATA)
    s2 = ds.strategies[1]
    measures = [m for m in list(s2.measures.indicators) + list(s2.measures.kpis)
                if any(f.value is not None for f in m.actuals.values())]
    charts = wb["グラフ"]._charts
    assert len(charts) == len(measures) == 28  # 7 indicators and 21 KPIs
    data = wb["グラフデータ"]
    chart = charts[[c.title.tx.rich.p[0].r[0].t for c in charts].index("3-③ 学童保育室待機児童数")]
    refs = [s.val.numRef.f for s in chart.series]
    first_row = int(re.search(r"\$(\d+)", refs[0]).group(1))
    values = [[data.cell(row=first_row + k, column=c).value for c in range(2, 7)] for k in range(3)]
    assert values == [[21, 83, 35, None, None], [103.0] * 5, [0.0] * 5]
    assert [data.cell(row=first_row + k, column=1).value for k in range(3)] == ["実績", "現状値", "目標値"]


def test_suggested_ratings_are_shown_only_where_they_differ(built):
    rows = rc.sheet_rows(built / R6)["基本目標3"]
    waiting = next(r for r in rows if r[2] == "学童保育室待機児童数")
    assert waiting[10] == "3" and waiting[13] == ""  # 103 → 35 improving, latest change an improvement: 3
    births = next(r for r in rows if r[2] == "合計特殊出生率")
    assert births[10] == "1" and births[13] == ""


def test_print_setup(built):
    ws = sheet(built, 1)
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows.replace("$", "") == "9:10"


def test_a_kpi_form_filled_resaved_and_collected_reaches_data_and_the_rebuilt_workbook(tmp_path, data_copy, capsys):
    out = tmp_path / "out"
    build(data_copy, out, years=[parse_fy("R6")])
    form = out / "2024_R6/forms/KPI更新_令和6年度_青少年課.xlsx"
    wb = openpyxl.load_workbook(form)
    ws = wb.worksheets[0]
    (dv,) = ws.data_validations.dataValidation
    assert dv.formula1 == '"1,2,3,4"' and ws.protection.sheet
    filled = fill(form, tmp_path / "k.xlsx", {"kpi:3-③": {6: 30, 7: "4", 8: "待機児童が減少した。"}})
    returned = resave_with_libreoffice(filled, tmp_path / "lo")
    assert main(["collect", str(returned), "--data", str(data_copy), "--lang", "en"]) == 0
    assert "3 change(s)" in capsys.readouterr().out
    k = next(k for k in load(data_copy).strategies[1].measures.kpis if k.id == "3-③")
    assert str(k.actuals[parse_fy("R6")].value) == "30人" and k.ratings[parse_fy("R6")].rating == 4
    build(data_copy, out, years=[parse_fy("R6")])
    rows = rc.sheet_rows(out / R6)["基本目標3"]
    row = next(r for r in rows if r[2] == "学童保育室待機児童数")
    assert row[6] == "30人" and row[10] == "4" and row[11] == "待機児童が減少した。"


def test_a_kpi_value_that_is_not_a_number_in_the_unit_is_refused(tmp_path, data_copy, capsys):
    out = tmp_path / "out"
    build(data_copy, out, years=[parse_fy("R6")])
    form = out / "2024_R6/forms/KPI更新_令和6年度_青少年課.xlsx"
    filled = fill(form, tmp_path / "k.xlsx", {"kpi:3-③": {6: "30件", 7: "5"}})
    before = (data_copy / "strategies/2/kpis.yaml").read_bytes()
    assert main(["collect", str(filled), "--data", str(data_copy), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "expected a number in 人" in err and "'30件'" in err and "a rating 1–4" in err
    assert (data_copy / "strategies/2/kpis.yaml").read_bytes() == before


def test_a_kpi_form_for_a_measure_moved_to_another_department_is_refused(tmp_path, data_copy, capsys):
    out = tmp_path / "out"
    build(data_copy, out, years=[parse_fy("R6")])
    form = out / "2024_R6/forms/KPI更新_令和6年度_青少年課.xlsx"
    k = data_copy / "strategies/2/kpis.yaml"
    text = k.read_text(encoding="utf-8")
    i = text.index("name: 学童保育室待機児童数")
    j = text.index("departments: [青少年課]", i)
    k.write_text(text[:j] + "departments: [保育幼稚園課]" + text[j + len("departments: [青少年課]"):], encoding="utf-8")
    filled = fill(form, tmp_path / "k.xlsx", {"kpi:3-③": {6: 30}})
    assert main(["collect", str(filled), "--data", str(data_copy), "--lang", "en"]) == 1
    assert "a form of another department" in capsys.readouterr().err


def test_a_goal_without_indicators_starts_with_its_first_policy_row_and_keeps_its_frozen_header(tmp_path, data_copy):
    import yaml

    path = data_copy / "strategies" / "2" / "kpis.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["indicators"] = [i for i in doc["indicators"] if i["goal"] != 1]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    build(data_copy, tmp_path / "out", years=[parse_fy("R6")])
    ws = openpyxl.load_workbook(tmp_path / "out" / R6)["基本目標1"]
    head = next(r for r in range(1, 20) if ws.cell(row=r, column=4).value == "現状値")
    policy_row = next(m for m in ws.merged_cells.ranges if m.min_row == m.max_row == head + 1)
    assert policy_row.min_col == 1 and policy_row.max_col > 4  # the policy's name over the whole row
    assert ws.cell(row=head + 1, column=1).value and ws.cell(row=head + 2, column=1).value == "重要業績評価指標（KPI）"
    assert ws.freeze_panes == f"D{head + 1}"
