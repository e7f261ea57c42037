"""The form round trip's rules, one table each (pure): Excel's stored cells, each input cell judged with
the model's rules, the three-way merge, the row keys."""
from __future__ import annotations

from decimal import Decimal

import pytest

from reportgen.collect import cells, excel
from reportgen.collect.merge import APPLY, CONFLICT, UNCHANGED, decide
from reportgen.collect.sheet import Cell
from reportgen.forms import layout
from reportgen.forms.identity import digest
from reportgen.model import measures, scalars, schema
from reportgen.model.measures import Figure, Kpi
from reportgen.rules.era import NATIONAL
from reportgen.rules.problems import Msg


@pytest.mark.parametrize("stored, seen", [
    ("a_x000D_\nb", "a\nb"),                    # Excel's CR in a cell, then CRLF → LF
    ("a_x000D_b", "a\nb"),                      # a lone CR → LF
    ("a\r\nb", "a\nb"),
    ("_x005F_x000D_", "_x000D_"),               # a literal _x000D_ the clerk typed
    ("_x005F_x005F_", "_x005F_"),
    ("tab_x0009_", "tab\t"),
    ("ctl_x0001_", "ctl\x01"),                  # decoded, then refused by the text rule
    ("_x00e9_", "é"),                           # lower-case hex too
    ("_x12_", "_x12_"),                         # not an escape
    ("plain", "plain"),
])
def test_excel_escapes_and_line_ends(stored, seen):
    assert excel.cell_text(stored) == seen


@pytest.mark.parametrize("format_id, code, is_date", [
    (14, None, True), (22, None, True), (0, None, False), (9, None, False), (10, None, False), (49, None, False),
    *[(i, None, True) for i in range(27, 37)], *[(i, None, True) for i in range(50, 59)],
    (164, "yyyy/mm/dd", True), (165, '[$-411]ggge"年"m"月"d"日"', True), (166, '#,##0"人"', False),
    (167, "0.00%", False), (168, "0.0E+00", False), (169, '"date"0', False), (170, "h:mm", True),
])
def test_date_formats_built_in_japanese_ones_without_a_code_included(format_id, code, is_date):
    assert excel.is_date_format(format_id, code) is is_date


@pytest.mark.parametrize("stored, percent, text", [
    ("4.7000000000000004E-4", True, "0.047%"),  # 0.047% typed: Excel applies 0.00% by itself
    (0.00047, True, "0.047%"),
    (0.985, True, "98.5%"),                     # not the display's 98.50%
    (0.5, True, "50%"),
    (12.0, False, "12"), (12, False, "12"), (-380.0, False, "-380"),
    (0.1 + 0.2, False, "0.3"),                  # Excel keeps 15 significant digits
    (1234567.891, False, "1234567.891"),
])
def test_numbers_are_the_digits_typed(stored, percent, text):
    assert excel.number_text(stored, percent) == text


def cell(text="", kind="text", formula=False) -> Cell:
    return Cell("F9", 9, 6, text, formula=formula, kind=kind)


@pytest.mark.parametrize("rule, given, expected", [
    (cells.text, cell("実施した。\n  "), "実施した。"),
    (cells.text, cell("a\u2028b"), "制御文字を含まない文字列"),
    (cells.text, cell("a\x7fb"), "制御文字を含まない文字列"),
    (cells.text, cell("x" * 32768), "32,767文字以内"),
    (cells.text, cell("2024/4/1", kind="date"), "日付"),
    (cells.text, cell("=1+1", formula=True), "計算式は使えません"),
    (cells.text, cell("TRUE", kind="bool"), "文字"),
    (cells.text, cell("#DIV/0!", kind="error"), "文字"),
    (cells.status, cell("Ｂ"), "B"), (cells.status, cell(" a "), "A"), (cells.status, cell(""), ""),
    (cells.status, cell("E"), "A, B, C, D のいずれか"),
    (cells.rating, cell("４"), "4"), (cells.rating, cell("3", kind="number"), "3"), (cells.rating, cell(""), ""),
    (cells.rating, cell("5"), "評価: 1, 2, 3, 4 のいずれか"), (cells.rating, cell("0"), "評価: 1, 2, 3, 4 のいずれか"),
])
def test_a_cell_in_gives_a_value_or_what_was_expected(rule, given, expected):
    got = rule(given)
    if isinstance(got, Msg):
        assert expected in got.ja
    else:
        assert got == expected


def kpi(prefix="", unit="人", actuals=None, baseline="100人") -> Kpi:
    return Kpi.model_validate({"id": "1-①", "name": "x", "unit": unit, "prefix": prefix, "direction": "up",
                               "baseline": baseline, "target": f"{prefix}200{unit}", "policies": ["1"],
                               "actuals": actuals or {}})


@pytest.mark.parametrize("meas, typed, shown", [
    (kpi("年間", "名", {"R5": "年間11名"}, "年間8名"), cell("12", kind="number"), "年間12名"),
    (kpi("年間", "名", {"R5": "年間11名"}, "年間8名"), cell("12名"), "年間12名"),
    (kpi("年", "件", {"R5": "2件"}, "0件"), cell("3", kind="number"), "3件"),
    (kpi(actuals={"R5": "△371人"}, baseline="△258人"), cell("-380"), "△380人"),
    (kpi(unit="", actuals={"R5": "-0.0381"}, baseline="-0.01"), cell("-0.05", kind="number"), "-0.05"),
    (kpi(unit="%", baseline="98.5%"), cell("98.5%", kind="number"), "98.5%"),
    (kpi(unit="事業所", baseline="4,743事業所"), cell("4,800 事業所"), "4,800事業所"),
    (kpi(unit="事業所", baseline="4,743事業所"), cell("４，８００事業所"), "4,800事業所"),
    (kpi(), cell("－"), "-"), (kpi(), cell("―"), "-"), (kpi(), cell("ー"), "-"), (kpi(), cell("未発表"), "未発表"),
])
def test_a_value_keeps_the_measures_way_of_writing(meas, typed, shown):
    from reportgen.model.figures import figure_text

    got = cells.value(typed, meas)
    assert isinstance(got, Figure), got
    assert figure_text(got, as_of="note", fy2019=NATIONAL) == shown


@pytest.mark.parametrize("typed", [cell("30件"), cell("1 234人"), cell("年間12人"), cell("abc"),
                                   cell("2024/4/1", kind="date"), cell("=A1", formula=True)])
def test_a_value_that_is_not_the_measures_is_refused(typed):
    assert isinstance(cells.value(typed, kpi("年間", "名", {"R5": "年間11名"}, "年間8名")), Msg)


def test_the_loader_and_collect_share_one_rule_for_texts_and_numbers():
    # the loader's types are built on the very functions collect calls
    assert scalars.Text.__metadata__[0] is scalars.parse_text
    assert scalars.Status.__metadata__[0] is scalars.parse_status
    # a rating: the axis's own rule (Iruma's 1–4 unless the strategy declares its axes), loader and forms alike
    assert cells.rating.__defaults__[0] is schema.DEFAULT_AXIS
    q = measures.Quantity(Decimal(3), "件", "年間")
    assert measures.quantity_problems(q, kpi("年間", "名")) != [] and measures.quantity_problems(
        measures.Quantity(Decimal(3), "名", "年間"), kpi("年間", "名")) == []


S = digest("sent")
# sent (digest), returned, data now, --force → decision
@pytest.mark.parametrize("sent, returned, now, force, decision", [
    (S, "sent", "sent", False, UNCHANGED),         # returned as sent
    (S, "sent", "office edit", False, UNCHANGED),  # the department did not touch it: the office's edit stays
    (S, "dept", "sent", False, APPLY),             # only the department changed it
    (S, "dept", "dept", False, UNCHANGED),         # both wrote the same
    (S, "dept", "office", False, CONFLICT),        # both changed it differently
    (S, "dept", "office", True, APPLY),            # --force takes the department's
    (digest(""), "new", "", False, APPLY),          # an empty cell filled in
])
def test_three_way_merge(sent, returned, now, force, decision):
    assert decide(sent, returned, now, force) == decision


@pytest.mark.parametrize("key", ["kpi:1-①", "indicator:2:1", "indicator:2:1:sub:3", "kpi:4-①:sub:10"])
def test_row_keys_are_made_and_parsed_in_one_place(key):
    k = layout.parse_measure_key(key)
    assert k is not None and str(k) == key


@pytest.mark.parametrize("key", ["", "kpi:", "indicator:2", "indicator:2:0", "kpi:1:sub:0", "project:1", "kpi:1:sub:x"])
def test_keys_reportgen_never_makes_are_not_parsed(key):
    assert layout.parse_measure_key(key) is None


def test_the_form_columns_are_one_table_for_writer_and_reader():
    assert layout.inputs(layout.EVALUATION) == {"status": "F", "done": "G", "assessment": "H", "plan": "I", "memo": "K"}
    assert layout.inputs(layout.KPI) == {"value": "F", "rating": "G", "reason": "H"}
