"""Property-based tests: era spellings and figure formatting round-trip for every value."""
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen.rules import era
from reportgen.rules.era import NATIONAL, FiscalYear
from reportgen.rules.numbers import Quantity, difference, format_number, format_quantity, parse_quantity

years = st.integers(min_value=1926, max_value=2117)


@given(years)
def test_every_fiscal_year_round_trips_through_each_spelling(year):
    fy = FiscalYear(year)
    n = {"fy2019": NATIONAL}
    for text in (str(year), f"FY{year}", era.short(fy, **n), era.long(fy, **n), era.short(fy, pad=2, **n)):
        assert era.parse_fy(text) == fy
    assert ("元" in era.long(fy, **n)) == (era.era_year(fy, **n) == 1)


@given(st.integers(min_value=1989, max_value=2020))
def test_heisei_spellings_of_any_heisei_year_name_heisei_years_and_reiwa_from_fy2019(year):
    fy = era.parse_fy(f"H{year - 1988}")  # H31 (FY2019) and H32 (FY2020) are printed as Reiwa years by default
    assert fy.year == year and era.short(fy, fy2019=NATIONAL) == (f"H{year - 1988}" if year < 2019 else f"R{year - 2018}")


@given(years, years)
def test_spans_name_both_ends(a, b):
    first, last = sorted((FiscalYear(a), FiscalYear(b)))
    text = era.span_long(first, last, fy2019=NATIONAL)
    if first == last:
        assert text == era.long(first, fy2019=NATIONAL)
        return
    head, tail = text.split("～")  # 令和4～6年度, 平成30年度～令和2年度: each end read back is its year
    head = head if head.endswith("年度") else head + "年度"
    tail = tail if tail[0] in "明大昭平令" else era.era_name(first, fy2019=NATIONAL) + tail
    assert (era.parse_fy(head), era.parse_fy(tail)) == (first, last)


units = st.sampled_from(["", "人", "件", "事業所", "%", "ha", "名", "店舗"])
prefixes = st.sampled_from(["", "年間", "年"])
decimals = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), allow_nan=False, allow_infinity=False, places=4)


@given(decimals, units, prefixes, st.booleans())
def test_a_quantity_round_trips_exactly_through_its_printed_form(number, unit, prefix, minus):
    q = Quantity(number, unit, prefix, minus and number < 0)
    back = parse_quantity(format_quantity(q))
    assert back.number == q.number and str(back.number) == str(abs(q.number) if q.number == 0 else q.number)
    assert (back.unit, back.prefix) == (unit, prefix)
    assert back.minus == (q.minus and q.number < 0)


@given(decimals)
def test_thousands_separators_group_every_three_digits(number):
    text = format_number(number)
    whole = text.lstrip("△").split(".")[0]
    groups = whole.split(",")
    assert all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3


@given(decimals, decimals, units)
@settings(max_examples=200)
def test_differences_are_exact_and_percent_differences_have_no_unit(a, b, unit):
    d = difference(Quantity(a, unit), Quantity(b, unit))
    assert d.number == b - a
    assert d.unit == ("" if unit == "%" else unit)
