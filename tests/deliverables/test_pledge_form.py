"""Pledge progress forms as a person sees them: who gets which items, the texts, the tinted and unlocked cells, the A–D dropdown."""
import openpyxl
import pytest
import realclient as rc
import yaml
from support import DATA, with_departments

from reportgen.archive.build import build
from reportgen.model.loader import load
from reportgen.rules.era import parse_fy
from reportgen.rules.problems import DataError

R5_FORMS = "2023_R5/forms"
PLANNING = "市長公約進捗状況記入票_令和5年9月末_企画課.xlsx"


def items_of_the_list():
    """(pledge no, item title, progress, status) in order, read from the data file with plain YAML."""
    doc = yaml.load((DATA / "pledges/2023-09.yaml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    return [(p["no"], it["title"], it.get("progress") or [], it.get("status", ""))
            for ch in doc["chapters"] for p in ch["pledges"] for it in p["items"]]


def rows_by_key(path):
    ws = openpyxl.load_workbook(path).worksheets[0]
    return ws, {ws.cell(row=r, column=1).value: r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value}


def test_without_departments_in_the_list_one_form_for_the_planning_office_with_every_item(built):
    forms = sorted(p.name for p in (built / R5_FORMS).iterdir() if "公約" in p.name)
    assert forms == [PLANNING]
    ws, keys = rows_by_key(built / R5_FORMS / PLANNING)
    items = items_of_the_list()
    assert len(items) == 60 and len(keys) == 60
    # one row per item, in the list's order: the progress lines and status as the list holds them
    for (no, title, progress, status), (key, row) in zip(items, keys.items()):
        assert key.startswith(f"pledge:{no}:")
        assert ws.cell(row=row, column=4).value[1:] == title  # after ①, ②
        assert (ws.cell(row=row, column=6).value or "") == "\n".join(progress)
        assert (ws.cell(row=row, column=7).value or "") == status


def test_the_form_as_libreoffice_shows_it(built):
    rows = rc.sheet_rows(built / R5_FORMS / PLANNING)["記入票"]
    assert rows[0][1] == "市長公約（政策宣言）進捗状況 記入票【令和5年9月末現在】（企画課）"
    text = "\n".join(",".join(r) for r in rows)
    assert "A 完了　B 実施中　C 着手　D 未着手" in text  # the statuses as the list prints them
    head = next(i for i, r in enumerate(rows) if r[1:8] == ["章", "公約", "項目", "内容", "取組状況", "評価", "担当課"])
    first = rows[head + 1]
    assert first[1:5] == ["第1章 デジタル未来都市", "1:【デジタル】デジタル未来都市推進部門の設置と特命人材の公募",
                          "①デジタル未来都市推進部門の設置",
                          "入間市政のデジタル化を実現させるため、市役所にデジタル未来都市推進部門を設置し、総合的な計画を作成することで、着実に推進していきます。"]
    assert first[5] == "・令和4年4月にデジタル行政推進課を設置\n・DXを推進するために「入間市DXビジョン」を令和4年4月に策定"
    assert first[6:8] == ["A", "企画課"]
    empty = next(r for r in rows if r[3] == "②働きたい女性に対する支援")
    assert empty[5] == "" and empty[6] == "B"


def test_only_progress_and_status_are_unlocked_tinted_the_status_a_dropdown_a_to_d(built):
    wb = openpyxl.load_workbook(built / R5_FORMS / PLANNING)
    ws, keys = rows_by_key(built / R5_FORMS / PLANNING)
    ws = wb.worksheets[0]
    assert ws.protection.sheet and wb["_reportgen"].sheet_state == "veryHidden" and ws.column_dimensions["A"].hidden
    for row in keys.values():
        for col in (6, 7):
            cell = ws.cell(row=row, column=col)
            assert cell.protection.locked is False and cell.fill.fgColor.rgb.endswith("FFF2CC"), cell.coordinate
        for col in (1, 2, 3, 4, 5, 8):
            assert ws.cell(row=row, column=col).protection.locked is True
    (dv,) = ws.data_validations.dataValidation
    first, last = min(keys.values()), max(keys.values())
    assert dv.type == "list" and dv.formula1 == '"A,B,C,D"' and str(dv.sqref) == f"G{first}:G{last}"
    assert dv.showErrorMessage and "A 完了　B 実施中　C 着手　D 未着手" in dv.prompt
    assert ws.freeze_panes == f"E{first}"  # the item stays in view while the clerk scrolls to its cells


def test_items_that_name_a_department_go_to_its_form(data_copy, tmp_path):
    with_departments(data_copy)
    out = tmp_path / "out"
    build(data_copy, out, years=[parse_fy("R5")])
    forms = sorted(p.name for p in (out / R5_FORMS).iterdir() if "公約" in p.name)
    assert forms == ["市長公約進捗状況記入票_令和5年9月末_企画課.xlsx", "市長公約進捗状況記入票_令和5年9月末_商工観光課.xlsx"]
    _, shoko = rows_by_key(out / R5_FORMS / forms[1])
    # pledge 3 has two items (read in the data file)
    assert list(shoko) == ["pledge:3:1", "pledge:3:2"]
    ws, planning = rows_by_key(out / R5_FORMS / forms[0])
    assert len(planning) == 58 and "pledge:3:1" not in planning and "pledge:1:1" in planning
    assert ws.cell(row=planning["pledge:1:1"], column=8).value == "企画課未来共創政策推進室"
    assert ws.cell(row=planning["pledge:1:2"], column=8).value == "企画課"


def test_a_department_the_data_does_not_know_is_refused_at_its_line(data_copy):
    f = data_copy / "pledges" / "2023-09.yaml"
    text = f.read_text(encoding="utf-8")
    f.write_text(text.replace("            status: A\n", "            status: A\n            department: デジタル行政推進課\n", 1),
                 encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load(data_copy)
    (p,) = exc.value.problems
    line = text.splitlines().index("            status: A") + 2  # the line added under it
    assert (p.file.endswith("pledges/2023-09.yaml"), p.line, p.path) == (True, line, "chapters[0].pledges[0].items[0].department")
    assert "未登録の部署（departments.yaml）です" in p.message.ja and "デジタル行政推進課" in p.message.ja


def test_a_planning_office_the_data_does_not_know_is_refused_and_one_it_knows_gets_the_form(data_copy, tmp_path):
    city = data_copy / "city.yaml"
    city.write_text(city.read_text(encoding="utf-8") + "planning_office: 政策企画課\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load(data_copy)
    assert [(p.path, "政策企画課" in p.message.ja) for p in exc.value.problems] == [("planning_office", True)]
    city.write_text(city.read_text(encoding="utf-8").replace("政策企画課", "市民安全課"), encoding="utf-8")
    out = tmp_path / "out"
    build(data_copy, out, years=[parse_fy("R5")])
    assert [p.name for p in (out / R5_FORMS).iterdir() if "公約" in p.name] == ["市長公約進捗状況記入票_令和5年9月末_市民安全課.xlsx"]
    ws = openpyxl.load_workbook(out / R5_FORMS / "市長公約進捗状況記入票_令和5年9月末_市民安全課.xlsx").worksheets[0]
    assert any("市民安全課へ返送してください" in (ws.cell(row=r, column=2).value or "") for r in range(1, 8))


def test_a_progress_line_holding_a_line_break_is_refused_at_load(data_copy):
    f = data_copy / "pledges" / "2023-09.yaml"
    text = f.read_text(encoding="utf-8")
    f.write_text(text.replace("              - ・令和4年4月にデジタル行政推進課を設置\n",
                              "              - |\n                ・令和4年4月に\n                デジタル行政推進課を設置\n", 1), encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load(data_copy)
    (p,) = exc.value.problems
    assert p.path == "chapters[0].pledges[0].items[0].progress[0]" and "1行の文字列" in p.message.ja
