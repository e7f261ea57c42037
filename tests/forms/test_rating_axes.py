"""Rating axes declared in strategy.yaml (reportgen/ratings.py): the loader's rule, the forms' dropdown,
collect's check and write-back, legends, counts and suggestion rules follow the declaration.
The data here is synthetic (a copy of Iruma's or Etajima's folder with a declaration added), and says so."""
from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from formfill import fill
from support import ROOT

from reportgen.archive.build import build
from reportgen.cli import main
from reportgen.model.loader import load
from reportgen.model.measures import Figure, Measure
from reportgen.model.scalars import Target
from reportgen.rules import ratings
from reportgen.rules.era import parse_fy
from reportgen.rules.numbers import parse_quantity
from reportgen.rules.problems import DataError
from reportgen.rules.ratings import RatingAxis

ETAJIMA = ROOT / "examples" / "etajima" / "data"

# A 5-symbol axis on Iruma's data (synthetic): its 1–4 plus "-" (not rated), so its ratings stay valid
FIVE = """rating_axes:
  - id: rating
    label: 評価
    legend_title: 評価凡例
    symbols:
      - {symbol: "1", legend: かなり努力を要する}
      - {symbol: "2", legend: 努力を要する}
      - {symbol: "3", legend: 順調}
      - {symbol: "4", legend: 達成, achieved: true, colour: C6EFCE}
      - {symbol: "-", legend: 評価せず, not_rated: true}
    suggest: iruma_1_4
"""


@pytest.fixture()
def etajima(tmp_path) -> Path:
    dest = tmp_path / "etajima"
    shutil.copytree(ETAJIMA, dest)
    return dest


def replace(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_a_symbol_outside_its_axis_a_missing_axis_and_an_unknown_key_are_located_all_at_once(etajima):
    kpis = etajima / "strategies/1/kpis.yaml"
    replace(kpis, "        achievement: B", "        achievement: C")           # K03: not a symbol of 達成度
    replace(kpis, "        improvement: \"○\"\n        achievement: A\n", "        achievement: A\n")  # K01: 改善・悪化 missing
    replace(kpis, "        improvement: \"○\"\n        achievement: A\n", "        improvment: \"○\"\n        achievement: A\n")  # K02
    with pytest.raises(DataError) as exc:
        load(etajima)
    got = [(p.line, p.path, p.message.ja) for p in exc.value.problems]
    text = kpis.read_text(encoding="utf-8").splitlines()
    assert len(got) == 4, got
    c = next(g for g in got if "達成度" in g[2])
    assert c[1] == "kpis[2].ratings.H27.achievement" and "A, B, - のいずれか" in c[2] and "'C'" in c[2]
    assert "achievement: C" in text[c[0] - 1]
    assert any(g[1] == "kpis[0].ratings.H27" and "improvement がありません" in g[2] for g in got)
    unknown = next(g for g in got if "improvment" in g[2])
    assert "improvement の誤りでは" in unknown[2] and "improvment:" in text[unknown[0] - 1]
    assert any(g[1] == "kpis[1].ratings.H27" and "improvement がありません" in g[2] for g in got)


def test_iruma_declares_nothing_and_gets_the_1_to_4_axis():
    ds = load(ROOT / "data")
    s = ds.strategies[1].strategy
    assert s.rating_axes is None and s.axes == [ratings.DEFAULT_AXIS]
    assert ratings.DEFAULT_AXIS.typed == ["1", "2", "3", "4"]


def test_a_declared_axis_drives_the_form_dropdown_collect_and_the_write_back(tmp_path, data_copy, capsys):
    replace(data_copy / "strategies/2/strategy.yaml", "goals:\n", FIVE + "goals:\n")
    out = tmp_path / "out"
    build(data_copy, out, years=[parse_fy("R6")])
    form = out / "2024_R6/forms/KPI実績値等入力表_令和6年度_青少年課.xlsx"
    (dv,) = openpyxl.load_workbook(form).worksheets[0].data_validations.dataValidation
    assert dv.formula1 == '"1,2,3,4,-"'
    # a symbol outside the axis is refused with the axis's symbols
    bad = fill(form, tmp_path / "bad.xlsx", {"kpi:3-③": {7: "5"}})
    assert main(["collect", str(bad), "--data", str(data_copy)]) == 1
    assert "評価: 1, 2, 3, 4, - のいずれか" in capsys.readouterr().err
    # "-" (a text symbol, typed full-width) is taken and written back as text, quoted in YAML
    good = fill(form, tmp_path / "good.xlsx", {"kpi:3-③": {7: "－"}})
    assert main(["collect", str(good), "--data", str(data_copy)]) == 0
    k = next(k for k in load(data_copy).strategies[1].measures.kpis if k.id == "3-③")
    assert k.ratings[parse_fy("R6")].rating == "-"
    assert 'rating: "-"' in (data_copy / "strategies/2/kpis.yaml").read_text(encoding="utf-8")


def test_the_declared_legend_and_colour_are_printed(tmp_path, data_copy):
    replace(data_copy / "strategies/2/strategy.yaml", "goals:\n", FIVE + "goals:\n")
    out = tmp_path / "out"
    build(data_copy, out, years=[parse_fy("R6")])
    ws = openpyxl.load_workbook(out / "2024_R6/03_KPI目標値達成状況推移_令和6年度.xlsx")["基本目標3"]
    texts = [c.value for row in ws.iter_rows(max_row=9) for c in row if c.value]
    # read by a person off the declaration above: the title, then one line per symbol
    for line in ("評価凡例", "1：かなり努力を要する", "4：達成", "-：評価せず"):
        assert line in texts
    head = next(c for row in ws.iter_rows() for c in row if c.value == "評価")
    fours = [c for row in ws.iter_rows(min_row=head.row + 1) for c in row if c.value == "4" and c.column == head.column]
    assert fours and all(c.fill.fgColor.rgb.endswith("C6EFCE") for c in fours)


def test_etajimas_counts_per_symbol(tmp_path):
    out = tmp_path / "out"
    build(ETAJIMA, out)
    ws = openpyxl.load_workbook(next(out.glob("*/03_*.xlsx"))).worksheets[0]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    # read off the published table: 改善・悪化 ○ ○ ○; 達成度 A A B
    at = next(i for i, r in enumerate(rows) if r[2] == "改善・悪化" and r[3] == "○")
    assert rows[at][3:6] == ["○", "△", "×"] and rows[at + 1][3:6] == [3, 0, 0]
    assert rows[at + 3][3:6] == ["A", "B", "-"] and rows[at + 4][3:6] == [2, 1, 0]


# ---------------------------------------------------------------------------- suggestion rules


def measure(direction, baseline, target, actuals):
    return Measure(name="m", direction=direction, baseline=Figure(value=parse_quantity(baseline)),
                   target=Target(value=parse_quantity(target)),
                   actuals={parse_fy(y): Figure(value=parse_quantity(v)) for y, v in actuals.items()})


def axis(yaml_text: str) -> RatingAxis:
    import yaml
    return RatingAxis.model_validate(yaml.load(yaml_text, Loader=yaml.BaseLoader))


ETAJIMA_IMPROVEMENT = load(ETAJIMA).strategies[0].strategy.axes[0]

# 長与町 (webtown.nagayo.jp, legend as published; docs/other-cities.md): S above the target, A above the
# baseline, B within △10% of the baseline, C below, − not measurable
NAGAYO = axis("""id: numeric
label: 数値目標評価
suggest: rules
symbols:
  - {symbol: S, legend: 現在値が、目標値を超えている, achieved: "true", rule: {reached: target}}
  - {symbol: A, legend: 現在値が、基準値を超えている, rule: {better_than: baseline}}
  - {symbol: B, legend: 現在値が、基準値と同水準である(△10%以内), rule: {worse_than_baseline_by_at_most_percent: "10"}}
  - {symbol: "−", legend: 現在値が、把握できない等の理由により評価できない, not_rated: "true", rule: {no_value: "true"}}
  - {symbol: C, legend: 現在値が、基準値より下落している, rule: {otherwise: "true"}}
""")

# 富士市's bands of 進捗率 (source/achievement-H23-27.yaml, table 2), with its 四捨五入 rate declaration
FUJI_BANDS = axis("""id: band
suggest: rules
symbols:
  - {symbol: 80%以上, rule: {rate_at_least: "80"}}
  - {symbol: 50%以上80%未満, rule: {rate_at_least: "50", rate_below: "80"}}
  - {symbol: 50%未満, rule: {rate_at_least: "20", rate_below: "50"}}
  - {symbol: 20%未満, rule: {rate_below: "20"}}
  - {symbol: その他, not_rated: "true"}
""")
RATE = ratings.RateDeclaration(label="進捗率")


@pytest.mark.parametrize("ax, direction, baseline, target, actuals, expected", [
    # Etajima's 改善・悪化 against the baseline, in the measure's direction (被害額 going down is ○)
    (ETAJIMA_IMPROVEMENT, "down", "22,585", "20,000", {"H27": "20,563"}, "○"),
    (ETAJIMA_IMPROVEMENT, "up", "22.6", "35.0", {"H27": "24.6"}, "○"),
    (ETAJIMA_IMPROVEMENT, "up", "22.6", "35.0", {"H27": "22.6"}, "△"),
    (ETAJIMA_IMPROVEMENT, "up", "22.6", "35.0", {"H27": "20.0"}, "×"),
    (ETAJIMA_IMPROVEMENT, "up", "22.6", "35.0", {}, None),
    (NAGAYO, "up", "100", "120", {"R1": "121"}, "S"),
    (NAGAYO, "up", "100", "120", {"R1": "101"}, "A"),
    (NAGAYO, "up", "100", "120", {"R1": "90"}, "B"),         # exactly △10%
    (NAGAYO, "up", "100", "120", {"R1": "89.9"}, "C"),
    (NAGAYO, "down", "100", "80", {"R1": "110"}, "B"),       # worse by 10% in a down measure
    (NAGAYO, "up", "100", "120", {}, "−"),
    (FUJI_BANDS, "up", "0", "100", {"H27": "80"}, "80%以上"),
    (FUJI_BANDS, "up", "0", "100", {"H27": "79.96"}, "50%以上80%未満"),   # the band uses the exact rate
    (FUJI_BANDS, "up", "0", "100", {"H27": "20"}, "50%未満"),
    (FUJI_BANDS, "up", "0", "100", {"H27": "19"}, "20%未満"),
    (FUJI_BANDS, "up", "0", "100", {}, None),
])
def test_suggestion_rules(ax, direction, baseline, target, actuals, expected):
    assert ratings.suggest(ax, measure(direction, baseline, target, actuals), parse_fy("R6"), RATE) == expected


def test_symbols_must_be_distinct_and_fit_a_dropdown():
    with pytest.raises(Exception, match="distinct"):
        axis("id: x\nsymbols: [{symbol: A}, {symbol: A}]")
    with pytest.raises(Exception, match="distinct"):
        axis('id: x\nsymbols: [{symbol: "A,B"}]')


def test_a_measure_may_opt_out_of_the_rate():
    m = measure("up", "0", "100", {"H27": "50"})
    assert ratings.rate_text_of(m, parse_fy("H27"), RATE) == "50.0%"
    opted = m.model_copy(update={"achievement_rate": ratings.RateOverride(none=True)})
    assert ratings.rate_text_of(opted, parse_fy("H27"), RATE) == "—"
    down = m.model_copy(update={"achievement_rate": ratings.RateOverride(digits=0, rounding="down")})
    assert ratings.rate_text_of(down, parse_fy("H27"), RATE) == "50%"


def test_shares_of_counts_are_rounded_as_declared(tmp_path, etajima):
    # synthetic: Etajima's folder with 安平町's way of printing shares (四捨五入 to 0.1%)
    replace(etajima / "strategies/1/strategy.yaml", "reviews:\n", "shares: {digits: 1, rounding: half_up}\nreviews:\n")
    kpis = etajima / "strategies/1/kpis.yaml"
    text = kpis.read_text(encoding="utf-8")
    kpis.write_text("indicators: []\n" + text[text.index("kpis:"):], encoding="utf-8")  # the 3 KPIs only
    out = tmp_path / "out"
    build(etajima, out)
    ws = openpyxl.load_workbook(next(out.glob("*/03_*.xlsx"))).worksheets[0]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    at = next(i for i, r in enumerate(rows) if r[2] == "達成度" and r[3] == "A")
    # 2 of the goal's 3 measures are A: 66.666…% → 66.7%; 1 is B: 33.333…% → 33.3%
    assert rows[at + 1][3:6] == ["2 (66.7%)", "1 (33.3%)", "0 (0.0%)"]


def test_an_axis_and_a_text_may_not_share_an_id(etajima):
    replace(etajima / "strategies/1/strategy.yaml", "  - {id: review, label: ≪成果と見直し≫", "  - {id: achievement, label: ≪成果と見直し≫")
    with pytest.raises(DataError) as exc:
        load(etajima)
    assert any(p.path == "rating_texts[0].id" and "achievement が重複" in p.message.ja for p in exc.value.problems)
