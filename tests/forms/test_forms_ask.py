"""A form asks only for what its year takes (issue 25, item 2): a KPI form of a year no review covers (R7)
neither asks for a rating nor has its columns; a year a review covers (R6) does; and every unlocked cell
of every sent form is one collect reads."""
from __future__ import annotations

import openpyxl
from cyclekit import identity

from reportgen.forms.layout import column

ASK = "・評価は一覧から 1～4 を選び、評価理由を記入してください（1 かなり努力を要する、2 努力を要する、3 順調、4 達成）。"


def texts(path) -> list[str]:
    ws = openpyxl.load_workbook(path).worksheets[0]
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def test_a_kpi_form_asks_for_a_rating_only_where_a_review_covers_the_year(built):
    r7 = sorted((built / "2025_R7" / "forms").glob("KPI実績値等入力表_*.xlsx"))
    r6 = sorted((built / "2024_R6" / "forms").glob("KPI実績値等入力表_*.xlsx"))
    assert r7 and r6
    for form in r7:
        shown = texts(form)
        assert ASK not in shown, form.name
        assert any(t.startswith("・計算式") for t in shown)  # the other instructions stay
    assert any(ASK in texts(form) for form in r6)


HEADERS = ("評価(1～4)", "評価理由")


def header_row(path) -> list[str]:
    ws = openpyxl.load_workbook(path).worksheets[0]
    return [str(c.value) for c in ws[identity(path)["header_row"]] if c.value is not None]


def test_a_kpi_form_of_a_year_no_review_covers_has_no_rating_columns(built):
    # issue 25 item 2: R7's form kept the 評価 / 評価理由 headers over locked cells; a clerk who unprotected the
    # sheet and filled them was told 改ざん. R8's forms follow the same rule (no review covers it either).
    for year in ("2025_R7", "2024_R6"):
        forms = sorted((built / year / "forms").glob("KPI実績値等入力表_*.xlsx"))
        assert forms
        for form in forms:
            shown = header_row(form)
            assert shown[:5] == ["指標・KPI", "現状値", "これまでの実績", "目標値", f"{'R7' if year == '2025_R7' else 'R6'}末の実績値"]
            if year == "2025_R7":
                assert not any(h in shown for h in HEADERS), (form.name, shown)
            else:
                assert all(h in shown for h in HEADERS), (form.name, shown)


def test_every_unlocked_cell_of_every_sent_form_is_one_collect_reads(built):
    """An unlocked cell is an input of a listed row (its key in column A, the field among the row's sent
    values, which collect judges): nothing is offered that collect refuses or ignores."""
    forms = sorted(built.glob("*/forms/*.xlsx"))
    assert any("実施事業評価等入力表" in f.name for f in forms) and any(f.name.startswith("KPI実績値等入力表_") for f in forms)
    for form in forms:
        wb = openpyxl.load_workbook(form)
        ident = identity(form)
        parts = {k: {**p, "kind": k} for k, p in ident["parts"].items()} if "parts" in ident else {ident["kind"]: ident}
        for part in parts.values():
            ws = wb[part["sheet"]] if "sheet" in part else wb.worksheets[0]
            sheet = ws.title
            letters = {c["name"]: c["letter"] for c in part["columns"]} if part.get("columns") else None
            rows = {ws.cell(row=r, column=1).value: r for r in range(1, ws.max_row + 1)}
            read = set()
            for row in part["rows"]:
                for name in row["base"]:
                    letter = letters[name] if letters else column(part["kind"], name).letter
                    read.add(f"{letter}{rows[row['key']]}")
            unlocked = {c.coordinate for r in ws.iter_rows() for c in r if not c.protection.locked}
            assert unlocked and unlocked <= read, (form.name, sheet, sorted(unlocked - read)[:5])
