"""達成率 and shares (reportgen/rates.py) against figures a city published: 富士市's 23 進捗率 (B)/(A)
and 安平町's 21 shares, read from the transcriptions in examples/*/source (never from the code)."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
import yaml
from support import ROOT

from reportgen.rules import rates
from reportgen.rules.rates import RateRule, Rounding, rate_text, ratio, share_text

EXAMPLES = ROOT / "examples"


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def fuji_rows():
    src = yaml.safe_load((EXAMPLES / "fuji/source/achievement-H23-27.yaml").read_text(encoding="utf-8"))
    return [(f"{r[0]} {r[1]}", _number(r[3]), _number(r[5]), r[6]) for r in src["investment"]["rows"]]


def abira_cells():
    src = yaml.safe_load((EXAMPLES / "abira/source/progress-H30.yaml").read_text(encoding="utf-8"))
    out = []
    for row in src["table"]["rows"]:
        total = int(row[1])
        for cell in row[2:5]:
            m = re.fullmatch(r"(\d+) \((.+)\)", cell)
            out.append((f"{row[0] or '合計'} {cell}", int(m.group(1)), total, m.group(2)))
    return out


# Fuji's declaration: (B) ÷ (A), 四捨五入 to 0.1%, the trailing zero kept, above 100% shown
FUJI = RateRule(digits=1, rounding="half_up", keep_trailing_zero=True, percent=True, over_100="show")


def test_the_sources_hold_what_the_tests_expect():
    assert len(fuji_rows()) == 23 and len(abira_cells()) == 21


@pytest.mark.parametrize("name, planned, actual, printed", fuji_rows(), ids=[r[0] for r in fuji_rows()])
def test_fujis_published_rates(name, planned, actual, printed):
    assert rate_text(ratio(actual, planned, formula=FUJI.formula), FUJI) == printed


def test_truncation_would_not_print_fujis_rates():
    """The rounding is what the declaration says: 切り捨て misses 9 of the 23 published rates."""
    down = RateRule(digits=1, rounding="down")
    same = sum(rate_text(ratio(a, p), down) == printed for _, p, a, printed in fuji_rows())
    assert same == 14


@pytest.mark.parametrize("name, count, total, printed", abira_cells(), ids=[c[0] for c in abira_cells()])
def test_abiras_published_shares(name, count, total, printed):
    assert share_text(count, total, Rounding(digits=1, rounding="half_up")) == printed


@pytest.mark.parametrize("value, rule, expected", [
    # read by a person: 2/3 = 66.666…%
    (Decimal(2) / Decimal(3), Rounding(digits=1, rounding="down"), "66.6%"),
    (Decimal(2) / Decimal(3), Rounding(digits=1, rounding="half_up"), "66.7%"),
    (Decimal(2) / Decimal(3), Rounding(digits=0, rounding="half_up"), "67%"),
    (Decimal("1.1"), Rounding(digits=1, keep_trailing_zero=False), "110%"),
    (Decimal("1.1"), Rounding(digits=1), "110.0%"),
    (Decimal("3.5"), Rounding(digits=0, over_100="cap"), "100%"),
    (Decimal("3.5"), Rounding(digits=0), "350%"),          # 小矢部市: 7箇所 against 2箇所
    (Decimal("0.125"), Rounding(digits=2, rounding="half_even"), "12.50%"),
    (Decimal("0.00125"), Rounding(digits=1, rounding="half_even"), "0.1%"),
    (Decimal("0.00125"), Rounding(digits=2, rounding="half_even"), "0.12%"),
    (Decimal("-0.25"), Rounding(digits=0), "△25%"),
])
def test_rounding_as_declared(value, rule, expected):
    assert rate_text(value, rule) == expected


@pytest.mark.parametrize("actual, target, baseline, direction, formula, expected", [
    # up: actual ÷ target; down: target ÷ actual (a damage of 20,563 against a target of 20,000)
    ("24.6", "35.0", None, "up", "actual_over_target", "70.3%"),
    ("20563", "20000", None, "down", "actual_over_target", "97.3%"),
    ("0", "0", None, "down", "actual_over_target", "100.0%"),
    # progress from the baseline: 22.6 → 24.6 of the way to 35.0 is 2/12.4 = 16.129…%
    ("24.6", "35.0", "22.6", "up", "progress_from_baseline", "16.1%"),
    # down: 22,585 → 20,563 of the way to 20,000: 2,022/2,585 = 78.22…%
    ("20563", "20000", "22585", "down", "progress_from_baseline", "78.2%"),
    ("5", "5", "5", "up", "progress_from_baseline", "—"),
    ("5", "0", None, "up", "actual_over_target", "—"),
])
def test_formulas(actual, target, baseline, direction, formula, expected):
    b = Decimal(baseline) if baseline is not None else None
    assert rate_text(ratio(Decimal(actual), Decimal(target), b, direction, formula), Rounding()) == expected


def test_the_declared_names():
    assert set(rates.ROUNDINGS) == {"half_up", "down", "half_even"}
