"""KPI目標値達成状況推移: every row of seed 003 in the R6 workbook, colours by direction, charts, KPI forms."""
import re
import shutil

import openpyxl
import pytest
import realclient as rc
import yaml
from formfill import fill, resave_with_libreoffice
from support import DATA, ROOT, seed, year

from reportgen.archive.build import build
from reportgen.cli import main
from reportgen.deliverables import kpi_trend
from reportgen.model.loader import load
from reportgen.model.measures import Measure
from reportgen.rules.era import parse_fy
from reportgen.rules.ratings import iruma_1_4

R6 = "2024_R6/03_KPI目標値達成状況推移_令和6年度.xlsx"
KINDS = ("重要業績評価指標(KPI)", "指標")
SEINEN_FORM = "2024_R6/forms/KPI実績値等入力表_令和6年度_青少年課.xlsx"  # the run's shared build (`built`): read only


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


def measure(direction, baseline, target, actuals, unit="人"):
    return Measure.model_validate({"name": "x", "unit": unit, "direction": direction, "baseline": baseline,
                                   "target": target, "actuals": actuals})


# README "Suggested rating (算定評価)", case by case; each expected value worked out by hand from the rule
@pytest.mark.parametrize("direction, baseline, target, actuals, expected", [
    # 4: the target reached in the KPI's direction (exactly reached counts)
    ("up", "100人", "200人", {"R4": "150人", "R5": "210人"}, 4),
    ("up", "100人", "200人", {"R4": "200人"}, 4),
    ("down", "103人", "0人", {"R4": "21人", "R5": "0人"}, 4),
    # 3: better than the baseline and the latest change not a worsening (no change is not a worsening)
    ("up", "100人", "200人", {"R4": "120人", "R5": "150人"}, 3),
    ("up", "100人", "200人", {"R4": "150人", "R5": "150人"}, 3),
    ("up", "100人", "200人", {"R4": "150人"}, 3),
    ("down", "103人", "0人", {"R4": "21人", "R5": "83人", "R6": "35人"}, 3),
    # 2: better than the baseline but the latest change a worsening, or no better than the baseline
    ("up", "100人", "200人", {"R4": "160人", "R5": "150人"}, 2),
    ("down", "103人", "0人", {"R4": "21人", "R5": "83人"}, 2),
    ("up", "100人", "200人", {"R4": "100人"}, 2),
    ("up", "100人", "200人", {"R4": "80人", "R5": "100人"}, 2),
    # 1: worse than the baseline, even while improving
    ("up", "100人", "200人", {"R4": "90人"}, 1),
    ("up", "100人", "200人", {"R4": "80人", "R5": "90人"}, 1),
    ("down", "103人", "0人", {"R4": "104人"}, 1),
    # △ numbers: −321 → −176 → −150 reaches −160
    ("up", "△321人", "△160人", {"R4": "△176人", "R5": "△150人"}, 4),
    ("up", "△321人", "△160人", {"R4": "△358人"}, 1),
    ("up", "△321人", "△160人", {"R4": "△176人", "R5": "△200人"}, 2),
    # a …以内 target is reached from below (2.0%以内: 2.0% and 1.9% reach it, 2.1% does not)
    ("down", "2.28%", "2.0%以内", {"R4": "2.0%"}, 4),
    ("down", "2.28%", "2.0%以内", {"R4": "1.9%"}, 4),
    ("down", "2.28%", "2.0%以内", {"R4": "2.1%"}, 3),
    ("down", "2.28%", "2.0%以内", {"R4": "2.5%"}, 1),
    # …from below whatever the direction; better or worse than the baseline still in the KPI's direction
    ("up", "100人", "150人以内", {"R4": "140人"}, 4),
    ("up", "100人", "150人以内", {"R4": "160人"}, 3),
    ("up", "100人", "150人以内", {"R4": "90人"}, 4),  # within 150: reached (4 comes first)
    # a relation to the baseline counts as the baseline
    ("up", "596件", "基準値以上", {"R4": "596件"}, 4),
    ("up", "596件", "基準値以上", {"R4": "600件"}, 4),
    ("up", "596件", "基準値以上", {"R4": "526件"}, 1),
    ("up", "95.6%", "現状維持", {"R4": "93.2%", "R5": "57.1%", "R6": "93.0%"}, 1),
    ("up", "78.1%", "現状値以上", {"R6": "78.1%"}, 4),
    # keep: 4 when the value equals the baseline, else 2 (either way)
    ("keep", "100人", "現状維持", {"R4": "100人"}, 4),
    ("keep", "100人", "現状維持", {"R4": "101人"}, 2),
    ("keep", "100人", "現状維持", {"R4": "99人"}, 2),
    # the latest reported value: a year not reported is passed over, a year after the review ignored
    ("up", "100人", "200人", {"R4": "150人", "R5": {"state": "未発表"}, "R6": "140人"}, 2),
    ("up", "100人", "200人", {"R4": "150人", "R7": "90人"}, 3),
    ("up", "100人", "200人", {"R4": "150人", "R7": "250人"}, 3),
    # nothing suggested without a baseline, a target or a number
    ("up", {"state": "調査中"}, "200人", {"R4": "150人"}, None),
    ("up", "100人", {"state": "調整中"}, {"R4": "150人"}, None),
    ("up", "100人", "200人", {"R4": {"state": "未発表"}}, None),
    ("up", "100人", "200人", {}, None),
    ("up", "100人", "200人", {"R7": "150人"}, None),
])
def test_the_suggested_rating_follows_the_readme_rule(direction, baseline, target, actuals, expected):
    unit = "%" if "%" in str(baseline) else "件" if "件" in str(baseline) else "人"
    assert iruma_1_4(measure(direction, baseline, target, actuals, unit), parse_fy("R6")) == expected


def test_the_suggested_ratings_a_person_sees_in_the_r6_workbook(built):
    """Each worked out by hand from data/strategies/2/kpis.yaml (baseline → target, R4–R6) and the
    README's rule; shown only where it differs from the department's rating, blank elsewhere."""
    expected = {
        ("基本目標1", "市内工業団地の事業所数"): ("3", "1"),  # 264 → 270; 262 < 264: worse
        ("基本目標1", "創業支援による創業者数"): ("2", "1"),  # 20 → 25; 11 < 20
        ("基本目標2", "定住意向"): ("2", "1"),  # 78.1% → 現状値以上 (78.1%); 77.8% < 78.1%
        ("基本目標3", "婚活イベント支援件数"): ("1", "2"),  # 0 → 4; 6, 3, 2: better, last change worse
        ("基本目標3", "保育所等の低年齢児の入所と待機児童の割合"): ("3", "1"),  # 98.5% → 100%; 98.0%
        ("基本目標3", "今後も入間市で子育てしていきたい方の割合"): ("2", "1"),  # up, 95.6% → 現状維持; 93.0%
        ("基本目標3", "中1ギャップ問題の状況（不安の解消率）"): ("2", "1"),  # 84.0% → 90.0%; 75.0%
        ("基本目標4", "住みよいと感じる人の割合"): ("2", "1"),  # 77.7% → 80.0%; 77.5%
        ("基本目標4", "入間市に対する誇りや愛着を感じる割合"): ("2", "1"),  # 41.8% → 45.0%; 41.7%
        ("基本目標4", "防災に関する都市間協定締結数"): ("3", "2"),  # 4 → 5; 4: no better
    }
    shown = {}
    blanks = {}
    for name, rows in rc.sheet_rows(built / R6).items():
        if not name.startswith("基本目標"):
            continue
        head = next(i for i, r in enumerate(rows) if r[3] == "現状値")
        assert rows[head][13] == "算定評価（参考）"
        for r in rows[head + 1:]:
            if len(r) > 13 and r[13]:
                shown[(name, r[2].split("（※")[0])] = (r[10], r[13])
            elif len(r) > 13 and r[2]:
                blanks[(name, r[2])] = r[10]
    assert shown == expected
    # where the rule agrees with the department, nothing is shown: 103 → 35 (21, 83, 35) is 3;
    # 1.15 → 0.95 is worse, 1
    assert blanks[("基本目標3", "学童保育室待機児童数")] == "3"
    assert blanks[("基本目標3", "合計特殊出生率")] == "1"


def test_print_setup(built):
    ws = sheet(built, 1)
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows.replace("$", "") == "9:10"


def test_a_kpi_form_filled_resaved_and_collected_reaches_data_and_the_rebuilt_workbook(tmp_path, data_copy, built, capsys):
    out = tmp_path / "out"
    form = built / SEINEN_FORM  # the form a build of the shipped data sends (data_copy is that data)
    wb = openpyxl.load_workbook(form)
    ws = wb.worksheets[0]
    (dv,) = ws.data_validations.dataValidation
    assert dv.formula1 == '"1,2,3,4"' and ws.protection.sheet
    filled = fill(form, tmp_path / "k.xlsx", {"kpi:3-③": {6: 30, 7: "4", 8: "待機児童が減少した。"}})
    returned = resave_with_libreoffice(filled, tmp_path / "lo")
    assert main(["collect", str(returned), "--data", str(data_copy), "--lang", "en"]) == 0
    assert "3 change(s)" in capsys.readouterr().out
    k = next(k for k in load(data_copy).strategies[1].measures.kpis if k.id == "3-③")
    assert str(k.actuals[parse_fy("R6")].value) == "30人" and k.ratings[parse_fy("R6")].rating == "4"
    build(data_copy, out, years=[parse_fy("R6")])
    rows = rc.sheet_rows(out / R6)["基本目標3"]
    row = next(r for r in rows if r[2] == "学童保育室待機児童数")
    assert row[6] == "30人" and row[10] == "4" and row[11] == "待機児童が減少した。"


def test_a_kpi_value_that_is_not_a_number_in_the_unit_is_refused(tmp_path, data_copy, built, capsys):
    form = built / SEINEN_FORM
    filled = fill(form, tmp_path / "k.xlsx", {"kpi:3-③": {6: "30件", 7: "5"}})
    before = (data_copy / "strategies/2/kpis.yaml").read_bytes()
    assert main(["collect", str(filled), "--data", str(data_copy), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "expected a number in 人" in err and "'30件'" in err and "a rating: one of 1, 2, 3, 4" in err
    assert (data_copy / "strategies/2/kpis.yaml").read_bytes() == before


def test_a_kpi_form_for_a_measure_moved_to_another_department_is_refused(tmp_path, data_copy, built, capsys):
    form = built / SEINEN_FORM  # sent before the measure moved
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


def test_a_kpi_forms_file_is_named_as_its_title_names_it_and_an_older_archive_keeps_its_names(tmp_path):
    """The file a department receives says what its title says (KPI実績値等入力表_令和6年度_商工観光課.xlsx),
    the name the shipped labels give (`file`); a year archived with labels from before that key rebuilds
    under the name its forms were sent with (KPI更新_…), so `verify` still finds them byte for byte."""
    ds = load(DATA)
    forms = [o for o in kpi_trend.outputs(ds, year("R6", ds)) if o.filename.startswith("forms/")]
    assert forms and all(o.filename.startswith("forms/KPI実績値等入力表_令和6年度_") for o in forms)
    old = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", old)
    words = yaml.safe_load((old / "kpi_form.labels.yaml").read_text(encoding="utf-8"))
    del words["file"]
    (old / "kpi_form.labels.yaml").write_text(yaml.safe_dump(words, allow_unicode=True, sort_keys=False), encoding="utf-8")
    archived = [o for o in kpi_trend.outputs(ds, year("R6", ds, old)) if o.filename.startswith("forms/")]
    assert [o.filename.replace("KPI更新_", "KPI実績値等入力表_") for o in archived] == [o.filename for o in forms]
