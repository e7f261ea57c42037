"""達成率 and shares as exact decimals: the formula in the measure's direction, the declared rounding, the printed text (pure)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext

ROUNDINGS = {"half_up": ROUND_HALF_UP, "down": ROUND_DOWN, "half_even": ROUND_HALF_EVEN}
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Rounding:
    """How a rate or share is printed: digits after the point, 四捨五入 (half_up) or 切り捨て (down),
    the trailing zero kept (110.0%) or not (110%), a % sign, above 100% shown or capped."""

    digits: int = 1
    rounding: str = "half_up"
    keep_trailing_zero: bool = True
    percent: bool = True
    over_100: str = "show"


@dataclass(frozen=True)
class RateRule(Rounding):
    """A 達成率 as a strategy (or one measure) declares it: a formula and its rounding."""

    formula: str = "actual_over_target"


def ratio(actual: Decimal, target: Decimal, baseline: Decimal | None = None, direction: str = "up",
          formula: str = "actual_over_target") -> Decimal | None:
    """The rate as an exact fraction (1 = 100%), or None where it cannot be computed.

    actual_over_target: actual ÷ target for `up` (and `keep`); target ÷ actual for `down`, so that
    a smaller actual gives a higher rate (0 with a 0 target: 100%).
    progress_from_baseline: (actual − baseline) ÷ (target − baseline), which already follows the
    direction (a `down` measure moves toward a target below its baseline).
    """
    with localcontext() as ctx:
        ctx.prec = 60  # exact enough that rounding to the printed digits happens once, at the end
        if formula == "progress_from_baseline":
            if baseline is None or target == baseline:
                return None
            return (actual - baseline) / (target - baseline)
        if direction == "down":
            if actual == 0:
                return Decimal(1) if target == 0 else None
            return target / actual
        if target == 0:
            return None
        return actual / target


def rounded(value: Decimal, rule: Rounding) -> Decimal:
    """`value` (a fraction, or a plain number when rule.percent is False) rounded as declared,
    in the printed scale (percent: 0.9337… → 93.4)."""
    scaled = value * HUNDRED if rule.percent else value
    if rule.over_100 == "cap" and rule.percent and scaled > HUNDRED:
        scaled = HUNDRED
    with localcontext() as ctx:
        ctx.prec = 60
        return scaled.quantize(Decimal(1).scaleb(-rule.digits), rounding=ROUNDINGS[rule.rounding])


def rate_text(value: Decimal | None, rule: Rounding, none: str = "—") -> str:
    """93.4%, 110.0%, 193.2% (or 110% without the trailing zero); `none` where there is no rate."""
    if value is None:
        return none
    number = rounded(value, rule)
    text = format(number, "f")
    if not rule.keep_trailing_zero and "." in text:
        text = text.rstrip("0").rstrip(".")
    if text.startswith("-"):
        text = "△" + text[1:]
    return text + ("%" if rule.percent else "")


def share_text(count: int, total: int, rule: Rounding, none: str = "—") -> str:
    """A count's share of a total (安平町's 7 of 22 → 31.8%), rounded with the same code as rates."""
    if total == 0:
        return none
    with localcontext() as ctx:
        ctx.prec = 60
        return rate_text(Decimal(count) / Decimal(total), rule, none)
