"""A form asks only for what its year takes (issue 25, item 2): a KPI form of a year no review covers (R7)
does not ask for a rating; a year a review covers (R6) does."""
from __future__ import annotations

import openpyxl

ASK = "・評価は一覧から 1～4 を選び、評価理由を記入してください（1 かなり努力を要する、2 努力を要する、3 順調、4 達成）。"


def texts(path) -> list[str]:
    ws = openpyxl.load_workbook(path).worksheets[0]
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def test_a_kpi_form_asks_for_a_rating_only_where_a_review_covers_the_year(built):
    r7 = sorted((built / "2025_R7" / "forms").glob("KPI更新_*.xlsx"))
    r6 = sorted((built / "2024_R6" / "forms").glob("KPI更新_*.xlsx"))
    assert r7 and r6
    for form in r7:
        shown = texts(form)
        assert ASK not in shown, form.name
        assert any(t.startswith("・計算式") for t in shown)  # the other instructions stay
    assert any(ASK in texts(form) for form in r6)
