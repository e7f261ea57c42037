from types import SimpleNamespace

"""Figures keep their written precision, sign style, unit and prefix; differences are exact."""
from decimal import Decimal

import pytest

from reportgen.model.figures import figure_text, measure_diff_text, target_text
from reportgen.model.measures import Figure
from reportgen.model.scalars import Target
from reportgen.rules.era import NATIONAL
from reportgen.rules.numbers import FigureError, difference, format_number, format_quantity, parse_int, parse_quantity


@pytest.mark.parametrize("text", ["4,986事業所", "年間20名", "△258人", "-0.033", "113.2ha", "0.3045", "150.0ha",
                                  "78.1%", "7,237,276人", "0", "年4件", "100%", "△0.26"])
def test_a_figure_prints_exactly_as_it_was_written(text):
    assert format_quantity(parse_quantity(text)) == text


def diff_text(baseline, current):
    """What a difference column prints for a measure with this baseline (no running total)."""
    return measure_diff_text(SimpleNamespace(baseline=baseline, cumulative=None), current)


def test_thousands_separators_are_added_when_missing():
    assert format_quantity(parse_quantity("7237276人")) == "7,237,276人"


@pytest.mark.parametrize("text", ["0755", "1:20", "4,98,6", "1e3", ".5", "NaN", "", "12,34", "1.2.3", "△", "１，２３"])
def test_yaml_11_surprises_and_malformed_numbers_are_refused(text):
    with pytest.raises(FigureError):
        parse_quantity(text)


def test_precision_is_never_lost_to_floats():
    q = parse_quantity("0.3045")
    assert q.number == Decimal("0.3045") and str(q.number) == "0.3045"


@pytest.mark.parametrize("base, current, expected", [
    ("1.18", "1.19", "0.01"), ("4,986事業所", "4,962事業所", "△24事業所"), ("2.28%", "2.02%", "△0.26"),
    ("80%", "80%", "0"), ("△321人", "△358人", "△37人"), ("32人", "△45人", "△77人"),
    ("7,237,276人", "7,316,532人", "79,256人"), ("-0.033", "0.048", "0.081"), ("0.048", "-0.033", "-0.081"),
])
def test_differences_are_exact_with_the_unit_rule_and_sign_style(base, current, expected):
    assert format_quantity(difference(parse_quantity(base), parse_quantity(current))) == expected


def test_negative_zero_prints_as_zero_and_minus_style_is_kept():
    assert format_number(Decimal("-0")) == "0"
    assert format_number(Decimal("-0.0381"), minus=True) == "-0.0381"
    assert format_number(Decimal("-258")) == "△258"


def test_difference_from_a_state_that_means_zero_takes_the_current_unit_and_no_prefix():
    base = Figure(state="—", means_zero=True)
    assert diff_text(base, Figure(value=parse_quantity("年間15件"))) == "15件"
    assert diff_text(base, Figure(state="—")) == "—"
    assert diff_text(Figure(state="—"), Figure(value=parse_quantity("5件"))) == "—"


def test_figure_annotations():
    from reportgen.model.measures import Reference
    from reportgen.rules.era import parse_fy
    assert figure_text(Figure(value=parse_quantity("4,743事業所"), as_of=parse_fy("R03")), as_of="note", fy2019=NATIONAL) == "4,743事業所 (R03)"
    ref = Reference(source="市政意向調査", value=parse_quantity("82.1%"))
    assert figure_text(Figure(state="—", reference=ref), fy2019=NATIONAL) == "— (参考:市政意向調査82.1%)"
    assert figure_text(Figure(state="-", remark="新規"), fy2019=NATIONAL) == "- (新規)"
    assert figure_text(Figure(value=parse_quantity("4,962事業所"), footnote="速報値"), fy2019=NATIONAL) == "4,962事業所※"


def test_targets():
    assert target_text(Target(value=parse_quantity("2.0%"), bound="以内"), fy2019=NATIONAL) == "2.0%以内"
    assert target_text(Target(relation="現状値以上"), fy2019=NATIONAL) == "現状値以上"
    assert target_text(Target(state="調整中"), fy2019=NATIONAL) == "調整中"


@pytest.mark.parametrize("text, ok", [("1", True), ("12", True), ("0755", False), ("1:20", False), ("-1", False), ("1.0", False)])
def test_whole_numbers(text, ok):
    if ok:
        assert parse_int(text) == int(text)
    else:
        with pytest.raises(FigureError):
            parse_int(text)
