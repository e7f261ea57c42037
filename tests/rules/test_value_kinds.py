"""What a KPI value is (issue 17 item 3): its kind of year, bounds, running totals and yearly sums,
no baseline. Expected values are a person's reading of the figures (SYNTHETIC data, tests/valuedata.py)."""
import pytest
import valuedata
from support import year

from reportgen.archive.build import build
from reportgen.deliverables import kpi_trend, target_list
from reportgen.model.loader import load
from reportgen.model.measures import Kpi
from reportgen.rules import era, eradays, ratings, valuekinds
from reportgen.rules.era import NATIONAL, EraError, FiscalYear
from reportgen.rules.problems import DataError


def kpi(**fields) -> Kpi:
    return Kpi.model_validate({"id": "1-①", "policies": ["1-1"], "name": "試験", "direction": "up", **fields})


# ---------------------------------------------------------------------------- calendar vs fiscal years

def test_a_year_written_with_nen_is_not_read_as_a_fiscal_year():
    with pytest.raises(EraError) as info:
        era.parse_fy("平成25年")
    assert "暦年" in info.value.expected.ja and "平成25年度" in info.value.expected.ja
    assert era.parse_fy("平成25年度") == FiscalYear(2013)


@pytest.mark.parametrize("text, kind, year", [
    ("平成27年", eradays.CalendarYear, 2015), ("H27年", eradays.CalendarYear, 2015), ("2015年", eradays.CalendarYear, 2015),
    ("CY2015", eradays.CalendarYear, 2015), ("平成27年度", FiscalYear, 2015), ("H27", FiscalYear, 2015),
    ("2003-09-30", eradays.Day, 2003), ("平成15年9月30日", eradays.Day, 2003),
])
def test_each_spelling_keeps_its_kind(text, kind, year):
    when = eradays.parse_when(text)
    assert type(when) is kind and when.year == year


def test_a_measure_says_which_kind_of_year_its_values_have_and_every_mismatch_is_reported_at_once(tmp_path):
    data = valuedata.write(tmp_path, """\
        kpis:
          - id: "1"
            policies: ["1-1"]
            name: 婚姻率
            unit: "‰"
            direction: up
            period: calendar_year
            baseline: {value: 5.5‰, as_of: R2}
            target: 5.9‰
            actuals: {R4: 5.4‰}
          - id: "2"
            policies: ["1-1"]
            name: 満足度
            unit: "%"
            direction: up
            baseline: {value: 15.8%, as_of: 令和2年}
            target: 28.0%
            actuals: {令和4年: 20.0%}
        """)
    with pytest.raises(DataError) as info:
        load(data)
    text = info.value.render("ja")
    where = {(p.line, p.path) for p in info.value.problems}
    assert (valuedata.line_of(data, "actuals: {R4"), "kpis[0].actuals.R4") in where
    assert (valuedata.line_of(data, "as_of: R2"), "kpis[0].baseline.as_of") in where
    assert (valuedata.line_of(data, "actuals: {令和4年"), "kpis[1].actuals.令和4年") in where
    assert (valuedata.line_of(data, "as_of: 令和2年"), "kpis[1].baseline.as_of") in where
    assert "暦年（例: 平成27年" in text and "書かれていた値: '令和4年度'" in text  # expected, found
    assert "年度（例: H27, 平成27年度）" in text and "書かれていた値: '令和4年'" in text


CALENDAR = """\
    kpis:
      - id: "1"
        policies: ["1-1"]
        name: 出生数
        unit: 人
        direction: up
        period: calendar_year
        baseline: {value: "1,000人", as_of: 令和2年}
        target: {value: "1,100人", year: 令和8年}
        actuals: {令和4年: 990人, 令和5年: "1,010人"}
    """


def test_a_calendar_years_statistics_appear_from_the_fiscal_year_after_it(tmp_path):
    ds = load(valuedata.write(tmp_path, CALENDAR))
    # 令和5年 (January–December 2023) ends inside FY R5: its figure is first printed in R6's documents
    assert [era.short(y, fy2019=NATIONAL) for y in sorted(kpi_trend.years(ds))] == ["R5", "R6"]
    r5 = kpi_trend.context(ds, year("R5", ds))
    r6 = kpi_trend.context(ds, year("R6", ds))
    assert r5["years"][:3] == ["R4", "R5", "R6"]  # no 末: a calendar year's figure is not an end-of-year value
    assert r5["goals"][0]["rows"][1]["values"][:3] == ["990人", "-", "-"]
    assert r6["goals"][0]["rows"][1]["values"][:3] == ["990人", "1,010人", "-"]


def test_calendar_years_print_as_years_and_keep_their_kind_beside_the_figure(tmp_path):
    ds = load(valuedata.write(tmp_path, CALENDAR))
    row = target_list.context(ds, year("R6", ds))["goals"][0]["groups"][0]["kpis"]["rows"][0]
    # the R6 list's "R5末現在" column shows the latest statistics by then, 令和5年's, with its year
    assert row["current"] == "1,010人 (R5)" and row["diff"] == "10人"
    assert row["baseline"] == "1,000人 (R2)" and row["target"] == "1,100人 (R8)"


# ---------------------------------------------------------------------------- bounds

@pytest.mark.parametrize("target, direction, value, reached", [
    ("10件以下", "up", "10", True), ("10件以下", "up", "11", False),
    ("75%以上", "down", "80", True), ("75%以上", "down", "70", False),
    ("2.0%以内", "down", "2.0", True), ("5件未満", "down", "5", False), ("5件未満", "down", "4", True),
    ("100件", "up", "100", True), ("100件", "down", "99", True), ("100件", "down", "101", False),
])
def test_a_bounded_target_is_reached_when_its_bound_holds(target, direction, value, reached):
    unit = "%" if "%" in target else "件"
    meas = kpi(unit=unit, direction=direction, baseline=f"50{unit}", target=target)
    from decimal import Decimal
    assert valuekinds.reached(meas, Decimal(value)) is reached


def test_the_suggested_rating_follows_the_bound_not_the_direction_alone():
    # a share that should stay at least 75%: falling from 90% to 80% keeps the bound (reached: 4)
    meas = kpi(unit="%", direction="down", baseline="90%", target="75%以上", actuals={"R4": "80%"})
    assert ratings.iruma_1_4(meas, era.parse_fy("R4")) == 4


# ---------------------------------------------------------------------------- running totals, yearly sums

def test_a_running_totals_difference_counts_from_a_total_baseline_and_keeps_its_label():
    meas = kpi(unit="人", prefix="延べ", cumulative={"kind": "running_total"}, baseline="延べ2人", target="延べ8人",
               actuals={"R4": "延べ6人"})
    q = valuekinds.difference_quantity(meas, meas.actuals[era.parse_fy("R4")])
    assert str(q) == "延べ4人"


def test_a_running_total_against_a_one_year_baseline_has_no_difference_nor_colour():
    meas = kpi(unit="人", cumulative={"kind": "running_total", "baseline": "yearly"}, baseline="20人", target="100人",
               actuals={"R4": "15人"})
    fig = meas.actuals[era.parse_fy("R4")]
    assert valuekinds.difference_quantity(meas, fig) is None and valuekinds.change(meas, fig) == 0


def test_a_yearly_sum_is_compared_with_its_multi_year_target():
    # 5年間で100人: 30 + 30 + 45 = 105 reaches 100, though no single year comes near it
    meas = kpi(unit="人", cumulative={"kind": "yearly_sum"}, baseline="20人", target="100人",
               actuals={"R4": "30人", "R5": "30人", "R6": "45人"})
    assert valuekinds.compared_value(meas, era.parse_fy("R6")) == 105
    assert valuekinds.compared_value(meas, era.parse_fy("R5")) == 60
    assert ratings.iruma_1_4(meas, era.parse_fy("R6")) == 4
    assert ratings.iruma_1_4(meas, era.parse_fy("R5")) == 3


# ---------------------------------------------------------------------------- no baseline

def test_a_new_measure_says_so_in_its_baseline_cell_and_has_no_difference_colour_or_suggestion(tmp_path):
    ds = load(valuedata.write(tmp_path, """\
        kpis:
          - id: "1"
            policies: ["1-1"]
            name: 新しい指標
            unit: 件
            direction: up
            baseline: {none: 新規}
            target: 10件
            actuals: {R4: 3件, R5: 5件}
        """))
    row = target_list.context(ds, year("R6", ds))["goals"][0]["groups"][0]["kpis"]["rows"][0]
    assert (row["baseline"], row["current"], row["diff"]) == ("新規", "5件", "—")
    trend = kpi_trend.context(ds, year("R5", ds))["goals"][0]["rows"][1]
    assert trend["baseline"] == "新規" and trend["changes"][:2] == [0, 0]
    assert ratings.iruma_1_4(ds.strategies[0].measures.kpis[0], era.parse_fy("R5")) is None


def test_a_new_measures_baseline_is_value_state_or_none_never_two(tmp_path):
    with pytest.raises(DataError) as info:
        load(valuedata.write(tmp_path, """\
            kpis:
              - id: "1"
                policies: ["1-1"]
                name: x
                direction: up
                baseline: {none: 新規, value: "3"}
                target: "10"
            """))
    assert "value, state, none のどれか1つ" in info.value.render("ja")


# ---------------------------------------------------------------------------- references, definitions

def test_references_are_notes_never_a_value_column(tmp_path):
    out = tmp_path / "out"
    data = valuedata.write(tmp_path, CALENDAR.replace("\n        actuals:", "\n        definition: 出生数=出生届の件数"
                                                            "\n        references: [{year: 令和3年, value: 995人}]\n        actuals:"),
                           strategy=valuedata.STRATEGY + "value_tables: per_measure\n")
    ds = load(data)
    ctx = __import__("reportgen.deliverables.value_tables", fromlist=["context"]).context(ds, year("R6", ds))
    table = ctx["goals"][0]["tables"][0]
    assert table["headers"] == ["令和2 (基準値)", "令和4", "令和5 (現状値)", "令和8 (目標値)"]
    assert table["values"] == ["1,000人", "990人", "1,010人", "1,100人"]
    assert table["notes"] == ["出生数=出生届の件数", "R3 995人"]
    build(data, out)


def test_the_data_may_say_which_document_first_shows_a_value(tmp_path):
    # 令和5年's statistics published early, in R5's own documents (the data says so with `published`)
    ds = load(valuedata.write(tmp_path, CALENDAR.replace('令和5年: "1,010人"', '令和5年: {value: "1,010人", published: R5}')))
    assert [era.short(y, fy2019=NATIONAL) for y in sorted(kpi_trend.years(ds))] == ["R5"]
    assert kpi_trend.context(ds, year("R5", ds))["goals"][0]["rows"][1]["values"][:2] == ["990人", "1,010人"]
