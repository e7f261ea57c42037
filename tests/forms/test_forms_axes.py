"""The KPI form follows the strategy's rating axes and texts: one input column per axis (its dropdown,
its header) and per text, read back by the columns the form's identity records, each axis checked with
its own rule and written back under its id; Iruma's forms (one default axis) are byte for byte as before.

The two-axis strategy here is SYNTHETIC: a copy of Iruma's data/ whose strategy 2 declares
改善・悪化 (○ △ ×), 達成度 (A B -) and the text ≪成果と見直し≫, its R6 ratings rewritten into them."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from formfill import fill, resave_with_libreoffice
from support import DATA, year

from reportgen.archive.build import build
from reportgen.cli import main
from reportgen.model.loader import load
from reportgen.rules.era import NATIONAL, parse_fy

R6 = parse_fy("R6")
FORM = "2024_R6/forms/KPI実績値等入力表_令和6年度_青少年課.xlsx"
KPI = "kpi:3-③"  # 学童保育室待機児童数, 青少年課's; its R6 rating is removed in the copy: sent empty

DECLARATION = """rating_axes:
  - id: improvement
    label: 改善・悪化
    symbols:
      - {symbol: "○", legend: 改善}
      - {symbol: "△", legend: 維持}
      - {symbol: "×", legend: 悪化}
  - id: achievement
    label: 達成度
    symbols:
      - {symbol: A, legend: 順調, achieved: true, colour: C6EFCE}
      - {symbol: B, legend: 要改善}
      - {symbol: "-", legend: 未実施, not_rated: true}
rating_texts:
  - {id: review, label: ≪成果と見直し≫}
"""
# Iruma's 1–4 mapped onto the two axes (synthetic)
MAPPED = {"4": ('"○"', "A"), "3": ('"○"', "B"), "2": ('"△"', "B"), "1": ('"×"', "B")}


def two_axes(dest: Path) -> Path:
    shutil.copytree(DATA, dest)
    s = dest / "strategies/2/strategy.yaml"
    s.write_text(s.read_text(encoding="utf-8").replace("goals:\n", DECLARATION + "goals:\n", 1), encoding="utf-8")
    k = dest / "strategies/2/kpis.yaml"
    t = k.read_text(encoding="utf-8")
    t = re.sub(r"^(\s+)rating: (\d)\s*$",
               lambda m: f"{m[1]}improvement: {MAPPED[m[2]][0]}\n{m[1]}achievement: {MAPPED[m[2]][1]}", t, flags=re.M)
    t = re.sub(r"\{rating: (\d), reason:",
               lambda m: f"{{improvement: {MAPPED[m[1]][0]}, achievement: {MAPPED[m[1]][1]}, review:", t)
    t = re.sub(r"^(\s+)reason:", r"\1review:", t, flags=re.M)
    from ruamel.yaml import YAML

    y = YAML()
    y.width = 4096
    doc = y.load(t)
    del next(m for m in doc["kpis"] if str(m["id"]) == "3-③")["ratings"]
    with open(k, "w", encoding="utf-8") as f:
        y.dump(doc, f)
    load(dest)  # valid data
    return dest


@pytest.fixture(scope="module")
def sent(tmp_path_factory) -> tuple[Path, Path]:
    """(the synthetic data as the forms were sent from, the built archive)."""
    root = tmp_path_factory.mktemp("axes")
    data = two_axes(root / "data")
    build(data, root / "out", years=[R6])
    return data, root / "out"


@pytest.fixture()
def data(sent, tmp_path) -> Path:
    dest = tmp_path / "data"
    shutil.copytree(sent[0], dest)
    return dest


def _row(ws, key: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == key)


def test_the_form_has_one_dropdown_column_per_axis_and_one_column_per_text(sent):
    ws = openpyxl.load_workbook(sent[1] / FORM).worksheets[0]
    head = next(r for r in range(1, 20) if ws.cell(row=r, column=2).value == "指標・KPI")
    headers = [ws.cell(row=head, column=c).value for c in range(2, 11)]
    # read off the declaration: the value, then 改善・悪化, 達成度, ≪成果と見直し≫, then 担当課
    assert headers == ["指標・KPI", "現状値", "これまでの実績", "目標値", "R6末の実績値", "改善・悪化", "達成度",
                       "≪成果と見直し≫", "担当課・室"]
    assert ws.cell(row=head, column=11).value is None
    instructions = [ws.cell(row=r, column=2).value for r in range(2, head)]
    assert any(line and "改善・悪化、達成度" in line and "≪成果と見直し≫" in line for line in instructions)
    assert not any(line and "1～4" in line for line in instructions)
    rows = [r for r in range(head + 1, ws.max_row + 1) if ws.cell(row=r, column=1).value]
    assert len(rows) == 2
    dvs = {dv.formula1: dv for dv in ws.data_validations.dataValidation}
    assert set(dvs) == {'"○,△,×"', '"A,B,-"'}
    assert str(dvs['"○,△,×"'].sqref) == " ".join(f"G{r}" for r in rows)
    assert str(dvs['"A,B,-"'].sqref) == " ".join(f"H{r}" for r in rows)
    assert dvs['"○,△,×"'].promptTitle == "改善・悪化" and "○、△、×" in dvs['"○,△,×"'].error
    assert dvs['"A,B,-"'].promptTitle == "達成度" and "A、B、-" in dvs['"A,B,-"'].error
    assert ws.protection.sheet
    for r in rows:
        for c in "FGHI":  # the value, both axes and the text: unlocked and tinted
            cell = ws[f"{c}{r}"]
            assert cell.protection.locked is False and cell.fill.fgColor.rgb.endswith("FFF2CC"), cell.coordinate
        for c in "BCDEJ":
            assert ws[f"{c}{r}"].protection.locked is not False, f"{c}{r}"
    first = _row(ws, KPI)
    assert [ws[f"{c}{first}"].value or "" for c in "GHI"] == ["", "", ""]  # not rated yet: sent empty
    other = _row(ws, "kpi:3-⑧")
    assert ws[f"G{other}"].value == "○" and ws[f"H{other}"].value == "A" and ws[f"I{other}"].value


def _trend_row(out: Path, name: str) -> dict:
    wb = openpyxl.load_workbook(next(out.glob("2024_R6/03_*.xlsx")))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            if any(isinstance(c.value, str) and name in c.value for c in row):
                head = next(r for r in ws.iter_rows(max_row=row[0].row) if any(c.value == "改善・悪化" for c in r))
                return {h.value: ws.cell(row=row[0].row, column=h.column).value for h in head if h.value}
    raise AssertionError(name)


def _round_trip(form: Path, data: Path, tmp_path: Path, capsys) -> None:
    assert main(["collect", str(form), "--data", str(data)]) == 0, capsys.readouterr().err
    said = capsys.readouterr().out  # the report names each change by the form's header
    assert "学童保育室待機児童数 / 改善・悪化" in said and "学童保育室待機児童数 / 達成度" in said, said
    text = (data / "strategies/2/kpis.yaml").read_text(encoding="utf-8")
    block = text[text.index('id: "3-③"') if 'id: "3-③"' in text else text.index("id: 3-③"):]
    block = block[:block.index("\n  - ")]
    assert "improvement: ×" in block and 'achievement: "-"' in block and "review: 学童保育室の定員を見直す" in block
    k = next(k for k in load(data).strategies[1].measures.kpis if k.id == "3-③")
    assert k.ratings[R6].values == {"improvement": "×", "achievement": "-", "review": "学童保育室の定員を見直す"}
    build(data, tmp_path / "after", years=[R6])
    row = _trend_row(tmp_path / "after", "学童保育室待機児童数")
    assert (row["改善・悪化"], row["達成度"], row["≪成果と見直し≫"]) == ("×", "-", "学童保育室の定員を見直す")


FILLED = {KPI: {7: "×", 8: "－", 9: "学童保育室の定員を見直す"}}  # 8: a full-width dash, read as "-"


def test_both_axes_and_the_text_go_round_trip_into_kpis_yaml_and_the_trend_sheet(sent, data, tmp_path, capsys):
    form = fill(sent[1] / FORM, tmp_path / "filled.xlsx", FILLED)
    _round_trip(form, data, tmp_path, capsys)


def test_a_form_resaved_by_libreoffice_goes_round_trip(sent, data, tmp_path, capsys):
    form = fill(sent[1] / FORM, tmp_path / "filled.xlsx", FILLED)
    resaved = resave_with_libreoffice(form, tmp_path / "lo")
    _round_trip(resaved, data, tmp_path, capsys)


def test_a_wrong_symbol_is_refused_at_its_cell_with_its_axis_symbols(sent, data, tmp_path, capsys):
    before = (data / "strategies/2/kpis.yaml").read_bytes()
    ws = openpyxl.load_workbook(sent[1] / FORM).worksheets[0]
    r = _row(ws, KPI)
    # A is a symbol, but of 達成度; ○ one of 改善・悪化
    form = fill(sent[1] / FORM, tmp_path / "bad.xlsx", {KPI: {7: "A", 8: "○", 9: "理由"}})
    assert main(["collect", str(form), "--data", str(data)]) == 1
    err = capsys.readouterr().err
    assert re.search(rf"KPI更新!G{r}: .*改善・悪化: ○, △, × のいずれか.*'A'", err), err
    assert re.search(rf"KPI更新!H{r}: .*達成度: A, B, - のいずれか.*'○'", err), err
    assert (data / "strategies/2/kpis.yaml").read_bytes() == before


def test_an_axis_left_empty_beside_another_is_located(sent, data, tmp_path, capsys):
    ws = openpyxl.load_workbook(sent[1] / FORM).worksheets[0]
    r = _row(ws, KPI)
    form = fill(sent[1] / FORM, tmp_path / "half.xlsx", {KPI: {7: "○"}})
    assert main(["collect", str(form), "--data", str(data)]) == 1
    err = capsys.readouterr().err
    assert re.search(rf"KPI更新!H{r}: .*達成度が選ばれていません: A, B, - のいずれか", err), err
    assert f"KPI更新!G{r}" not in err


def test_the_identity_records_the_columns_it_was_sent_with(sent):
    wb = openpyxl.load_workbook(sent[1] / FORM)
    ws = wb["_reportgen"]
    ident = json.loads("".join(ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)))
    cols = {c["name"]: c["letter"] for c in ident["columns"]}
    assert cols == {"key": "A", "label": "B", "baseline": "C", "history": "D", "target": "E", "value": "F",
                    "improvement": "G", "achievement": "H", "review": "I", "departments": "J"}


# SHA-256 of Iruma's R6 KPI forms as built from data/ before the forms followed the declaration
# (main at 7e2b3e4). They change only when data/ or the KPI form itself is meant to change: then
# re-record them from a build of the branch that made the change, checked by eye first.
# Re-recorded for issue 23: a year is built from its own data files, so the build id in each form's
# hidden identity is the hash of R6's files (its archive's data.sha256); no visible cell changed.
IRUMA_R6 = {
    "こども支援課": "0601ba7ccb49fdcaadf2435b3a63167ca4e356982720ce3fe4b04a6ffe98b694",
    "上下水道経営課": "4e786b2c026a49aae67027f8b32f0f5a197956b04e6aaba8598f925394d988d1",
    "人権推進課": "81073a302b27f0999b3b9f88a37bf550bde7167be93979a0e18d80e954161b2d",
    "企画課": "faac47b8326fe04cb42c11a68098d2f96f4c70e228dab3d03430ed22ccd0cc14",
    "保育幼稚園課": "9a6c31caa15cf900f4e931ac19c4d1c94b203a7b2a80df0de1044df67f3c2648",
    "危機管理課": "0ca8b26bee8384e3e71689df28a5cc0507e3f691cf38882549e6516eeb9b2c66",
    "商工観光課": "c4da64164d141d3b6766c1cdb2b3fb6117db74f2605e626521e087f7bd737300",
    "地域振興課": "b05b56f4d20b4ecc777b0947ea2ff83a0f08c2ae7079bd0dd67f5d2b013b7245",
    "学校教育課": "0de8264d11cae82f7a347be9161c15028b05bfca250d6e4bdd217148ae1a5d20",
    "市民安全課": "4557f3d87defd1aacd4e9b3aa8512740cac376447408b11d64c70def6abaea02",
    "教育総務課": "e3b0a88edcf1b1e31fac81fbacbb912cf52ee00b37d9f7b2977db2bd31ac755b",
    "社会教育課": "79172eedffd2acc671e52e2a2fbb93a74ba3b7c9a4c0083b4bf855810388b9de",
    "農業振興課": "ed8f91a0a50feaa1b33b40b6edbcff650a77ea104582266ee61487e545c611a6",
    "都市計画課": "c4b922a1469a424ec4e78b13189107e994bb7de22e9f5dd4532367cf55b40b96",
    "青少年課": "f090e3202f881c6d5dea43ddd2b41f3e3bc3397be544da3249eab38c38ebf70b",
}


def test_irumas_kpi_forms_are_byte_identical(built):
    got = {p.stem.rpartition("_")[2]: hashlib.sha256(p.read_bytes()).hexdigest()
           for p in (built / "2024_R6/forms").glob("KPI実績値等入力表_*.xlsx")}
    assert got == IRUMA_R6


def _legacy_form(data: Path, dest: Path) -> Path:
    """青少年課's form as the writer made it before the columns followed the declaration: the fixed
    columns (value F, 評価 G the first axis, 評価理由 H the first text, 担当課 I), no columns recorded."""
    from reportgen import forms
    from reportgen.deliverables import kpi_trend
    from reportgen.render.xlsx_forms import kpi_form

    ds = load(data)
    sd = ds.strategy_for(R6)
    ctx = kpi_trend.form_context(ds, year(R6, ds), "青少年課", kpi_trend.form_departments(ds, sd, R6)["青少年課"])
    rows = [{**{k: v for k, v in r.items() if k not in ("improvement", "achievement", "review")},
             "rating": r["improvement"], "reason": r["review"]} for r in ctx["rows"]]
    ctx = {**ctx, "rows": rows, "columns": forms.COLUMNS[forms.KPI],
           "rated": {"rating": ctx["rated"]["improvement"], "reason": ctx["rated"]["review"]}}
    ctx["identity"] = forms.identity(forms.KPI, ds, sd.strategy.id, R6, "青少年課", rows, forms.KPI_FIELDS, fy2019=NATIONAL)
    assert "columns" not in ctx["identity"]
    kpi_form(ctx, templates=year(R6, ds).templates).save(dest)
    return dest


def test_a_form_sent_with_the_fixed_columns_is_read_as_the_first_axis_and_text(data, tmp_path, capsys):
    form = _legacy_form(data, tmp_path / "legacy.xlsx")
    filled = fill(form, tmp_path / "KPI実績値等入力表_old.xlsx", {"kpi:3-⑧": {7: "×", 8: "見直した理由"}})
    assert main(["collect", str(filled), "--data", str(data)]) == 0, capsys.readouterr().err
    k = next(k for k in load(data).strategies[1].measures.kpis if k.id == "3-⑧")
    # 改善・悪化 and ≪成果と見直し≫ from G and H; 達成度, which that form did not carry, kept
    assert k.ratings[R6].values == {"improvement": "×", "achievement": "A", "review": "見直した理由"}


def test_damaged_recorded_columns_refuse_the_form(sent, data, tmp_path, capsys):
    wb = openpyxl.load_workbook(sent[1] / FORM)
    ws = wb["_reportgen"]
    text = "".join(ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1))
    ident = json.loads(text)
    ident["columns"][7]["letter"] = "G"  # two columns at G
    ws.cell(row=2, column=1).value = json.dumps(ident, ensure_ascii=False, sort_keys=True)
    for r in range(3, ws.max_row + 1):
        ws.cell(row=r, column=1).value = None
    wb.save(tmp_path / "damaged.xlsx")
    assert main(["collect", str(tmp_path / "damaged.xlsx"), "--data", str(data)]) == 1
    assert "様式の識別情報が壊れています" in capsys.readouterr().err


def test_a_strategy_rating_nothing_has_no_rating_column_but_its_text(tmp_path, capsys):
    data = two_axes(tmp_path / "data")  # then (synthetic) no axes: only the text ≪成果と見直し≫
    s = data / "strategies/2/strategy.yaml"
    text = s.read_text(encoding="utf-8")
    s.write_text(text[:text.index("rating_axes:")] + "rating_axes: []\n" + text[text.index("rating_texts:"):],
                 encoding="utf-8")
    k = data / "strategies/2/kpis.yaml"
    t = re.sub(r"^\s+(improvement|achievement): .*\n", "", k.read_text(encoding="utf-8"), flags=re.M)
    k.write_text(re.sub(r"improvement: \S+, achievement: \S+, ", "", t), encoding="utf-8")
    build(data, tmp_path / "out", years=[R6])
    ws = openpyxl.load_workbook(tmp_path / "out" / FORM).worksheets[0]
    head = next(r for r in range(1, 20) if ws.cell(row=r, column=2).value == "指標・KPI")
    assert [ws.cell(row=head, column=c).value for c in range(6, 10)] == ["R6末の実績値", "≪成果と見直し≫", "担当課・室", None]
    assert not ws.data_validations.dataValidation
    instructions = [ws.cell(row=r, column=2).value for r in range(2, head)]
    assert "・≪成果と見直し≫を記入してください。" in instructions and not any("1～4" in (x or "") for x in instructions)
    r = _row(ws, KPI)
    assert ws[f"G{r}"].protection.locked is False and ws[f"G{r}"].fill.fgColor.rgb.endswith("FFF2CC")
    filled = fill(tmp_path / "out" / FORM, tmp_path / "filled.xlsx", {KPI: {7: "定員を見直す"}})
    assert main(["collect", str(filled), "--data", str(data)]) == 0, capsys.readouterr().err
    got = next(k for k in load(data).strategies[1].measures.kpis if k.id == "3-③")
    assert got.ratings[R6].values == {"review": "定員を見直す"}
