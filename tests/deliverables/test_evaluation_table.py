"""実施事業評価等入力表: the master shows every row of seed 001; department forms go out and come back safely."""
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
import realclient as rc
import yaml
from formfill import fill, resave_with_libreoffice
from support import DATA, seed

from reportgen.archive.build import build
from reportgen.cli import main
from reportgen.model.loader import load
from reportgen.rules.era import parse_fy

MASTER = "2017_H29/02_実施事業評価等入力表_平成29年度.xlsx"
FORMS = "2017_H29/forms"


def form_of(out: Path, department: str) -> Path:
    return out / FORMS / f"実施事業評価等入力表_平成29年度_{department}.xlsx"


def test_every_table_row_of_seed_001_appears_in_the_master_as_libreoffice_shows_it(built):
    shown = {rc.norm("".join(r)) for rows in rc.sheet_rows(built / MASTER).values() for r in rows}
    missing = []
    for line in seed("001").read_text(encoding="utf-8").splitlines():
        if "\t" not in line or line.startswith("---"):
            continue
        text = rc.norm(line.replace('<ul style="list-style-type: none">', "").replace("<p>", "").replace("</p>", "")
                       .replace("<li>", "").replace("</li>", "").replace("</ul>", ""))
        if text and text not in shown:
            missing.append(line[:60])
    assert missing == []


def test_the_master_title_label_note_and_print_setup(built):
    rows = rc.sheet_rows(built / MASTER)["実施事業評価等入力表"]
    assert rows[0][0] == "入間市まち・ひと・しごと創生総合戦略 実施事業評価等入力表" and rows[0][8] == "資料1"
    assert rows[1][0].startswith("※事業名欄のアルファベットは事業の実施状況を表し、事業内容と平成28、29年度の実施内容")
    assert "「継続」は平成28年度以前から" in rows[3][0] and "「新規」は平成29年度から" in rows[3][0]
    ws = openpyxl.load_workbook(built / MASTER).active
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows.replace("$", "") == "5:5" and ws.freeze_panes == "A6"
    assert "&P" in ws.oddFooter.center.text


def form_keys(path: Path) -> list[str]:
    ws = openpyxl.load_workbook(path).worksheets[0]
    return [ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value]


def test_one_form_per_department_with_only_its_projects(built):
    """The expected forms come from the data files read here with plain YAML (not the loader): every
    department named by a project running in the H29 round (first year H29 or before), a sub-unit
    replaced by the parent departments.yaml gives it."""
    parent = {d["name"]: d.get("parent") or d["name"]
              for d in yaml.safe_load((DATA / "departments.yaml").read_text(encoding="utf-8"))["departments"]}
    projects = [p for p in yaml.safe_load((DATA / "strategies/1/projects.yaml").read_text(encoding="utf-8"))["projects"]
                if int(re.fullmatch(r"H(\d+)(以前)?", p["first_year"]).group(1)) <= 29]
    assert len(projects) == 68
    expected: dict[str, set[str]] = {}
    for p in projects:
        for d in p["departments"]:
            expected.setdefault(parent[d], set()).add(p["id"])
    assert len(expected) == 13 and "青少年課（児童センター）" not in expected  # sub-units fill their parent's form
    forms = sorted(p.name for p in (built / FORMS).iterdir())
    assert forms == sorted(f"実施事業評価等入力表_平成29年度_{d}.xlsx" for d in expected)
    for department, ids in expected.items():
        keys = form_keys(form_of(built, department))
        assert len(keys) == len(set(keys)) and set(keys) == ids, department
    # hand-checked: 青少年課 gathers its own project and its two centres' (1 + 1 + 3);
    # 多世代居住支援事業 (都市計画課 and 企画課) is in both forms
    assert len(expected["青少年課"]) == 5
    both = next(p["id"] for p in projects if p["name"] == "多世代居住支援事業")
    assert both in form_keys(form_of(built, "都市計画課")) and both in form_keys(form_of(built, "企画課"))


def test_a_form_has_a_status_dropdown_unlocked_tinted_inputs_locked_rest_and_protection(built):
    wb = openpyxl.load_workbook(form_of(built, "人権推進課"))
    ws = wb.worksheets[0]
    assert ws.protection.sheet and wb[ "_reportgen"].sheet_state == "veryHidden"
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list" and dv.formula1 == '"A,B,C,D"' and str(dv.sqref).startswith("F")
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "s1-001")
    for col in (6, 7, 8, 9, 11):
        cell = ws.cell(row=row, column=col)
        assert cell.protection.locked is False and cell.fill.fgColor.rgb.endswith("FFF2CC")
    for col in (2, 3, 4, 5, 10):
        assert ws.cell(row=row, column=col).protection.locked is True
    assert ws.column_dimensions["A"].hidden
    assert ws.cell(row=row, column=3).value == "女性就労情報提供・支援事業"
    # the header, and each row's goal, policy and project name, stay in view while the clerk scrolls
    first = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value)
    assert ws.freeze_panes == f"D{first}"
    assert "【記入のお願い】人権推進課" in ws["B2"].value


def collect(*args) -> int:
    return main(["collect", *map(str, args), "--lang", "en"])


@pytest.fixture()
def sent(tmp_path, data_copy, built):
    """A copy of the shipped data and H29 as a build of it writes (copied from the run's shared build: the
    same bytes, a year's archive keeping only what it reads) with its forms, for the clerk to fill."""
    out = tmp_path / "out"
    shutil.copytree(built / "2017_H29", out / "2017_H29")
    return data_copy, out


def test_a_filled_form_resaved_by_libreoffice_is_collected_into_data_and_the_rebuilt_master(sent, tmp_path, capsys):
    data, out = sent
    filled = fill(form_of(out, "人権推進課"), tmp_path / "filled.xlsx",
                  {"s1-002": {6: "a", 7: "講座を2回実施した。\n<小学生> & 保護者", 11: "確認済み"}})
    returned = resave_with_libreoffice(filled, tmp_path / "lo")
    assert collect(returned, "--data", data) == 0
    report = capsys.readouterr().out
    assert "3 change(s)" in report and "status: B → A" in report
    ev = next(p for p in load(data).strategies[0].projects.projects if p.id == "s1-002").evaluations[parse_fy("H29")]
    assert (ev.status, ev.done, ev.memo) == ("A", "講座を2回実施した。\n<小学生> & 保護者", "確認済み")
    build(data, out, years=[parse_fy("H29")])
    rows = rc.sheet_rows(out / MASTER)["実施事業評価等入力表"]
    row = next(r for r in rows if r[2].startswith("女性の再就職・キャリアアップ支援事業"))
    assert row[2] == "女性の再就職・キャリアアップ支援事業 A・新規" and row[4] == "講座を2回実施した。\n<小学生> & 保護者"
    # collecting the same form again changes nothing
    before = (data / "strategies/1/projects.yaml").read_bytes()
    assert collect(returned, "--data", data) == 0
    assert "0 change(s)" in capsys.readouterr().out
    assert (data / "strategies/1/projects.yaml").read_bytes() == before


def test_collect_keeps_comments_and_order_of_untouched_parts_and_a_backup(sent, tmp_path):
    data, out = sent
    original = (data / "strategies/1/projects.yaml").read_text(encoding="utf-8")
    filled = fill(form_of(out, "人権推進課"), tmp_path / "f.xlsx", {"s1-001": {11: "メモ"}})
    assert collect(filled, "--data", data) == 0
    new = (data / "strategies/1/projects.yaml").read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(original.splitlines(), new.splitlines()) if a != b]
    assert changed == [('        memo: ""', '        memo: "メモ"')] or changed == [('        memo: ""', "        memo: メモ")]
    assert original.splitlines()[0] in new and "# policy: judged from meaning" in new
    backups = list((data / ".backups").rglob("projects.yaml"))
    assert len(backups) == 1 and backups[0].read_text(encoding="utf-8") == original


def test_tampering_with_a_locked_cell_is_refused_with_the_cell(sent, tmp_path, capsys):
    data, out = sent
    before = (data / "strategies/1/projects.yaml").read_bytes()
    filled = fill(form_of(out, "人権推進課"), tmp_path / "t.xlsx", {"s1-001": {3: "別の事業名", 7: "実施した"}})
    assert collect(filled, "--data", data) == 1
    err = capsys.readouterr().err
    assert "入力表!C" in err and "a locked cell was changed (tampering)" in err
    assert (data / "strategies/1/projects.yaml").read_bytes() == before


@pytest.mark.parametrize("value, expected", [("=1+1", "formulas are not accepted"), ("E", "expected one of A, B, C, D")])
def test_formulas_and_values_outside_the_dropdown_are_refused(sent, tmp_path, capsys, value, expected):
    data, out = sent
    before = (data / "strategies/1/projects.yaml").read_bytes()
    col = 7 if value.startswith("=") else 6
    filled = fill(form_of(out, "人権推進課"), tmp_path / "v.xlsx", {"s1-001": {col: value}})
    assert collect(filled, "--data", data) == 1
    assert expected in capsys.readouterr().err
    assert (data / "strategies/1/projects.yaml").read_bytes() == before


def test_a_conflict_is_shown_and_not_overwritten_unless_forced(sent, tmp_path, capsys):
    data, out = sent
    f = data / "strategies/1/projects.yaml"
    text = f.read_text(encoding="utf-8")
    plan = "平成30年度以降も事業を継続し、"
    f.write_text(text.replace(plan, "（企画課で修正）" + plan, 1), encoding="utf-8")
    filled = fill(form_of(out, "人権推進課"), tmp_path / "c.xlsx", {"s1-001": {9: "部署の方針"}})
    assert collect(filled, "--data", data) == 1
    assert "conflict" in capsys.readouterr().err
    assert "（企画課で修正）" in f.read_text(encoding="utf-8")
    assert collect(filled, "--data", data, "--force") == 0
    assert "部署の方針" in f.read_text(encoding="utf-8")


def test_two_departments_changing_one_shared_project_differently_conflict(sent, tmp_path, capsys):
    data, out = sent
    ds = load(data)
    shared = next(p for p in ds.strategies[0].projects.projects if p.departments == ["都市計画課", "企画課"])
    a = fill(form_of(out, "都市計画課"), tmp_path / "a.xlsx", {shared.id: {11: "都市計画課の記入"}})
    b = fill(form_of(out, "企画課"), tmp_path / "b.xlsx", {shared.id: {11: "企画課の記入"}})
    assert collect(a, b, "--data", data) == 1
    captured = capsys.readouterr()
    assert "conflict" in captured.err
    memo = next(p for p in load(data).strategies[0].projects.projects if p.id == shared.id).evaluations[parse_fy("H29")].memo
    assert memo == "都市計画課の記入"


def test_a_form_of_another_department_for_a_project_moved_away_is_refused(sent, tmp_path, capsys):
    data, out = sent
    f = data / "strategies/1/projects.yaml"
    text = f.read_text(encoding="utf-8")
    i = text.index("id: s1-001")
    j = text.index("departments: [人権推進課]", i)
    f.write_text(text[:j] + "departments: [商工観光課]" + text[j + len("departments: [人権推進課]"):], encoding="utf-8")
    filled = fill(form_of(out, "人権推進課"), tmp_path / "w.xlsx", {"s1-001": {11: "x"}})
    assert collect(filled, "--data", data) == 1
    assert "a form of another department" in capsys.readouterr().err


def test_files_that_are_not_forms_are_refused(sent, tmp_path, capsys):
    data, out = sent
    before = (data / "strategies/1/projects.yaml").read_bytes()
    wb = openpyxl.Workbook()
    wb.active["A1"] = "unrelated"
    wb.save(tmp_path / "unrelated.xlsx")
    docx_renamed = tmp_path / "letter.xlsx"
    shutil.copyfile(next(out.glob("2017_H29/*.docx")), docx_renamed)
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(form_of(out, "人権推進課").read_bytes()[:3000])
    encrypted = tmp_path / "encrypted.xlsx"
    encrypted.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    macro = tmp_path / "macro.xlsx"
    with zipfile.ZipFile(form_of(out, "人権推進課")) as src, zipfile.ZipFile(macro, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("xl/vbaProject.bin", b"\0" * 100)
    assert collect(tmp_path / "unrelated.xlsx", docx_renamed, truncated, encrypted, macro, "--data", data) == 1
    err = capsys.readouterr().err
    assert "not a reportgen form" in err and "Word document" in err and "damaged" in err
    assert "encrypted" in err and "macro" in err
    assert (data / "strategies/1/projects.yaml").read_bytes() == before


def test_a_form_of_another_year_is_refused(sent, tmp_path, capsys):
    data, out = sent
    f = data / "strategies/1/strategy.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("- id: H29", "- id: H30").replace("to: H29", "to: H30"), encoding="utf-8")
    pf = data / "strategies/1/projects.yaml"
    pf.write_text(pf.read_text(encoding="utf-8").replace("    evaluations:\n      H29:", "    evaluations:\n      H30:"), encoding="utf-8")
    filled = fill(form_of(out, "人権推進課"), tmp_path / "y.xlsx", {"s1-001": {11: "x"}})
    assert collect(filled, "--data", data) == 1
    assert "a form of another year" in capsys.readouterr().err
