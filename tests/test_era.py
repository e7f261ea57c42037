"""Fiscal years: every accepted spelling parses, nonsense is refused, each format reads as documents print it."""
import pytest

from reportgen.rules import era
from reportgen.rules.era import NATIONAL, EraError, FiscalYear, YearMonth


@pytest.mark.parametrize("text, year", [
    ("2024", 2024), ("FY2024", 2024), ("fy2024", 2024), ("R6", 2024), ("R06", 2024), ("r6", 2024),
    ("令和6", 2024), ("令和6年度", 2024), ("令和６年度", 2024), ("令和元年度", 2019), ("R1", 2019),
    ("H29", 2017), ("平成29年度", 2017), ("H31", 2019), ("平成31年度", 2019), ("平成元年度", 1989),
    ("S63", 1988), (" R6 ", 2024), ("H32", 2020), ("平成32年度", 2020), ("2019", 2019),
])
def test_every_documented_spelling_parses_to_its_western_fiscal_year(text, year):
    assert era.parse_fy(text).year == year


SPELLINGS_2019 = ["H31", "R1", "令和元年度", "平成31年度", "2019", "FY2019", "R01", "平成３１年度"]


@pytest.mark.parametrize("text", SPELLINGS_2019)
def test_fy2019_carries_one_name_whatever_its_spelling_reiwa_by_default(text):
    fy = era.parse_fy(text)
    assert fy == FiscalYear(2019) and hash(fy) == hash(FiscalYear(2019))
    n = {"fy2019": NATIONAL}
    assert (era.long(fy, **n), era.short(fy, **n), era.year_end(fy, **n), era.as_of_note(fy, **n)) == ("令和元年度", "R1", "R1末", "(R01)")
    assert era.span_long(era.parse_fy("H27"), fy, **n) == "平成27年度～令和元年度"
    assert str(fy) == "R1"  # the neutral form messages use


@pytest.mark.parametrize("text", SPELLINGS_2019)
def test_fy2019_carries_the_heisei_name_where_the_city_asks_for_it(text):
    fy = era.parse_fy(text)
    h = {"fy2019": "平成31年度"}
    assert (era.long(fy, **h), era.short(fy, **h), era.year_end(fy, **h)) == ("平成31年度", "H31", "H31末")
    assert era.span_long(era.parse_fy("H27"), fy, **h) == "平成27～31年度"
    assert era.span_long(fy, era.parse_fy("R2"), **h) == "平成31年度～令和2年度"
    assert era.long(era.parse_fy("H32"), **h) == "令和2年度" and era.long(era.parse_fy("H30"), **h) == "平成30年度"
    assert era.long(fy, fy2019=NATIONAL) == "令和元年度"  # nothing remembers the choice


def test_h32_is_read_as_fy2020_and_printed_as_reiwa():
    n = {"fy2019": NATIONAL}
    assert era.long(era.parse_fy("H32"), **n) == "令和2年度" and era.short(era.parse_fy("平成32年度"), **n) == "R2"


@pytest.mark.parametrize("text", ["R0", "H33", "令和100", "H0", "平成33年度", "S64", "x", "", "R", "2024年", "1:20", "12"])
def test_nonsense_years_are_refused_with_what_was_expected(text):
    with pytest.raises(EraError) as info:
        era.parse_fy(text)
    assert repr(text) in str(info.value) and "expected" in str(info.value)


def test_non_text_is_refused():
    with pytest.raises(EraError):
        era.parse_fy(2024)


@pytest.mark.parametrize("year, long, short, end, note", [
    (2024, "令和6年度", "R6", "R6末", "(R06)"),
    (2019, "令和元年度", "R1", "R1末", "(R01)"),
    (2017, "平成29年度", "H29", "H29末", "(H29)"),
    (2021, "令和3年度", "R3", "R3末", "(R03)"),
])
def test_formats_of_a_fiscal_year(year, long, short, end, note):
    fy = FiscalYear(year)
    n = {"fy2019": NATIONAL}
    assert (era.long(fy, **n), era.short(fy, **n), era.year_end(fy, **n), era.as_of_note(fy, **n)) == (long, short, end, note)


def test_current_column_and_spans_read_as_the_documents_print_them():
    assert era.year_end_current(era.parse_fy("H28"), fy2019=NATIONAL) == "H28末現在"
    assert era.span_long(era.parse_fy("R4"), era.parse_fy("R6"), fy2019=NATIONAL) == "令和4～6年度"
    assert era.span_long(era.parse_fy("H30"), era.parse_fy("R2"), fy2019=NATIONAL) == "平成30年度～令和2年度"
    assert era.list_long([era.parse_fy("H28"), era.parse_fy("H29")], fy2019=NATIONAL) == "平成28、29年度"
    assert era.era_year_only(era.parse_fy("H29"), fy2019=NATIONAL) == "29年度"


@pytest.mark.parametrize("text, out", [("2023-09", "令和5年9月末"), ("令和5年9月", "令和5年9月末"),
                                       ("2019-04", "平成31年4月末"), ("2019-05", "令和元年5月末"),
                                       ("2018-03", "平成30年3月末")])
def test_month_ends(text, out):
    assert era.month_end(era.parse_year_month(text)) == out


def test_a_month_belongs_to_the_fiscal_year_it_falls_in():
    assert YearMonth(2023, 9).fiscal_year.year == 2023
    assert YearMonth(2024, 3).fiscal_year.year == 2023


@pytest.mark.parametrize("text", ["2023-13", "2023/09", "令和5年13月", "x"])
def test_bad_months_are_refused(text):
    with pytest.raises(EraError):
        era.parse_year_month(text)
