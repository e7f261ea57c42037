"""The office's registry workbook as a planning officer sees it: headers, what is locked and what is editable,
the dropdowns of closed sets, the spare rows, and the row of a KPI as the published table prints it."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import realclient as rc
from registry_helpers import issue, rows
from support import DATA, year

from reportgen.deliverables import registry_form
from reportgen.model.loader import load


@pytest.fixture(scope="module")
def registry(tmp_path_factory) -> Path:
    return issue(DATA, "R7", tmp_path_factory.mktemp("reg") / "registry_R7.xlsx")


def test_one_registry_per_strategy_whose_period_holds_the_year():
    ds = load(DATA)
    # 第1期 runs H27–H31, 第2期 R4–R8 (seeds 000/002): R7 is the 2nd strategy's only, H29 the 1st's
    assert [j.context["strategy_id"] for j in registry_form.outputs(ds, year("R7", ds))] == ["2"]
    assert [j.context["strategy_id"] for j in registry_form.outputs(ds, year("H29", ds))] == ["1"]
    assert registry_form.outputs(ds, year("R10", ds)) == []
    job = registry_form.outputs(ds, year("R7", ds))[0]
    assert job.filename == "forms/事業・KPI登録簿_令和7年度_戦略2.xlsx" and not job.publish


def test_sheets_headers_and_the_kpi_rows_as_the_published_table_prints_them(registry):
    wb = openpyxl.load_workbook(registry)
    assert [(ws.title, ws.sheet_state) for ws in wb.worksheets] == [
        ("事業", "visible"), ("KPI", "visible"), ("選択肢", "hidden"), ("_reportgen", "veryHidden")]
    kpi = wb["KPI"]
    head = next(r for r in range(1, 20) if kpi.cell(row=r, column=2).value == "ID")
    assert [kpi.cell(row=head, column=c).value for c in range(2, 12)] == [
        "ID", "施策", "指標名", "単位", "接頭語", "方向", "現状値", "目標値", "担当課・室", "廃止"]
    proj = wb["事業"]
    phead = next(r for r in range(1, 20) if proj.cell(row=r, column=2).value == "ID")
    assert [proj.cell(row=phead, column=c).value for c in range(2, 10)] == [
        "ID", "事業名", "事業内容", "施策", "担当課", "開始年度", "令和7年度の取組内容（対象事業一覧）", "廃止"]
    r = rows(kpi)["1-①"]
    # seed 003: 1-① 市内工業団地の事業所数 | 264件 (R02) | 270件 | 商工観光課
    assert [kpi[f"{c}{r}"].value for c in "BCDEFGHIJK"] == [
        "1-①", "1-1", "市内工業団地の事業所数", "件", None, "増えると改善", "264件 (R02)", "270件", "商工観光課", None]
    r = rows(kpi)["1-⑤"]  # revised at the R6 review: 市の支援を受けて活用された空き店舗の数, - (新規), 8件
    assert [kpi[f"{c}{r}"].value for c in "DHI"] == ["市の支援を受けて活用された空き店舗の数", "- (新規)", "8件"]
    # strategy 2 registers no projects (projects: []): only the spare rows
    assert [proj.cell(row=r, column=2).value for r in range(phead + 1, proj.max_row + 1)] == [None] * 20


def test_id_column_locked_edit_cells_unlocked_and_tinted_sheet_protected(registry):
    wb = openpyxl.load_workbook(registry)
    for ws in (wb["事業"], wb["KPI"]):
        assert ws.protection.sheet and ws.column_dimensions["A"].hidden
        keyed = rows(ws)
        for key, r in keyed.items():
            if not (key.startswith("new:") or key[0].isdigit() or key.startswith("s")):
                continue
            assert ws[f"B{r}"].protection.locked, f"{ws.title}!B{r}"
            last = ws.max_column
            for c in range(3, last + 1):
                cell = ws.cell(row=r, column=c)
                assert not cell.protection.locked, f"{ws.title}!{cell.coordinate}"
                assert cell.fill.fgColor.rgb == "00FFF2CC", f"{ws.title}!{cell.coordinate}"
                # formatted as text: Excel keeps a typed 1-1 a policy, not the date 1月1日
                assert cell.number_format == "@", f"{ws.title}!{cell.coordinate}"
        assert sum(1 for k in keyed if str(k).startswith("new:")) == 20


def _lists(wb) -> dict[str, list[str]]:
    ws = wb["選択肢"]
    return {ws.cell(row=1, column=c).value: [ws.cell(row=r, column=c).value for r in range(2, ws.max_row + 1)
                                            if ws.cell(row=r, column=c).value] for c in range(1, 5)}


def _dropdown(ws, letter: str, row: int):
    col = openpyxl.utils.column_index_from_string(letter)
    found = [dv for dv in ws.data_validations.dataValidation
             if any(r.min_col <= col <= r.max_col and r.min_row <= row <= r.max_row for r in dv.sqref.ranges)]
    assert len(found) == 1, f"{ws.title}!{letter}{row}"
    return found[0]


def test_dropdowns_where_the_model_has_a_closed_set(registry):
    wb = openpyxl.load_workbook(registry)
    lists = _lists(wb)
    # strategy.yaml of the 2nd strategy: policies 1-1 … 4-3, period R4–R8
    assert lists["施策ID"] == ["1-1", "1-2", "1-3", "2-1", "2-2", "2-3", "3-1", "3-2", "3-3", "3-4", "4-1", "4-2", "4-3"]
    assert lists["年度"] == ["R4", "R5", "R6", "R7", "R8"]
    assert lists["方向"] == ["増えると改善", "減ると改善", "維持が目標"]
    assert "商工観光課" in lists["担当課"] and len(lists["担当課"]) == 25
    kpi = wb["KPI"]
    r = rows(kpi)["new:1"]
    direction = _dropdown(kpi, "G", r)
    assert direction.type == "list" and direction.showErrorMessage and direction.formula1 == "'選択肢'!$D$2:$D$4"
    ended = _dropdown(kpi, "K", r)
    assert ended.formula1 == "'選択肢'!$C$2:$C$6" and ended.showErrorMessage
    assert _dropdown(kpi, "C", r).formula1 == "'選択肢'!$A$2:$A$14"
    # several departments may be typed into one cell: the list suggests, it does not refuse
    assert not _dropdown(kpi, "J", r).showErrorMessage
    proj = wb["事業"]
    r = rows(proj)["new:20"]
    assert _dropdown(proj, "I", r).formula1 == "'選択肢'!$C$2:$C$6"
    assert _dropdown(proj, "E", r).formula1 == "'選択肢'!$A$2:$A$14"


def test_libreoffice_shows_the_registry_as_written(registry):
    sheets = rc.sheet_rows(registry)
    kpi = [rc.norm_row(r) for r in sheets["KPI"]]
    # compared as a person reads (NFKC: ① reads 1); the hidden key column comes first in the export
    assert ("2-1", "2-1", "2-1", "20歳から29歳までの社会移動数", "人", "増えると改善", "△258人(R02)", "△140人",
            "企画課未来共創政策推進室") in kpi
    assert kpi[0] == ("第2期入間市まち・ひと・しごと創生総合戦略事業・KPI登録簿(令和7年度)",)
