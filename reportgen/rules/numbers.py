"""Figures as the documents print them: exact decimals, △ or minus, units, prefixes, differences (pure)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from reportgen.rules.problems import Invalid, Msg

TRIANGLE = "△"
MINUS = "-"

# A number figure: [prefix][sign]digits[.digits][unit]; prefix and unit hold no digits or signs.
# ASCII digits only: a full-width ４ is a transcription slip to report, not a digit to accept.
_FIGURE = re.compile(
    r"(?P<prefix>[^0-9０-９△\-−+.,]*?)"
    r"(?P<sign>[△▲\-−])?"
    r"(?P<int>[0-9]+(?:,[0-9]{3})*)"
    r"(?P<frac>\.[0-9]+)?"
    r"(?P<unit>[^0-9０-９△\-−+.,]*)"
)
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")
# An amount written with 億 and 万 as the documents print money (2億396万円, 4億3,000万円): a magnitude
# followed by more digits cannot be a unit, so the figure is read as one number (203,960,000円).
_DIGITS = r"[0-9]+(?:,[0-9]+)*"
_AMOUNT = re.compile(
    r"(?P<prefix>[^0-9０-９△\-−+.,]*?)"
    r"(?P<sign>[△▲\-−])?"
    rf"(?:(?P<oku>{_DIGITS})億)?(?:(?P<man>{_DIGITS})万)?(?P<rest>{_DIGITS})?"
    r"(?P<unit>[^0-9０-９△\-−+.,]*)"
)
OKU_MAN = "億万"  # Quantity.notation of an amount written with 億 and 万


# The Japanese keyboard's full-width forms of a figure's own characters: one meaning each (NFKC). Units and
# prefixes are left as written (NFKC would turn ㎡ into m2).
_WIDE = str.maketrans("０１２３４５６７８９，．－", "0123456789,.-")


def _with_wide_note(expected: Msg, text: str) -> Msg:
    """A refused figure that holds full-width letters or signs says so: they look like their ASCII twins."""
    wide = "".join(dict.fromkeys(c for c in str(text) if unicodedata.east_asian_width(c) == "F" and ord(c) not in _WIDE
                                 and unicodedata.normalize("NFKC", c).isascii()))
    if not wide:
        return expected
    return Msg(ja=f"{expected.ja}（全角の文字「{wide}」があります。半角で書いてください）",
               en=f"{expected.en} (the full-width character(s) {wide} look like ASCII but are not)")


class FigureError(Invalid):
    """Text that is not a number figure."""


EXPECTED_FIGURE = Msg(
    ja="数値（例: 4,986事業所, 年間15件, △258人, -0.033）",
    en="a number such as 4,986事業所, 年間15件, △258人 or -0.033",
)


@dataclass(frozen=True)
class Quantity:
    """A number with the unit, prefix and sign style it was written with.

    `number` is an exact Decimal that keeps its written precision (150.0 stays 150.0);
    `minus` is True where the source writes negatives with `-` (indices) rather than `△`.
    """

    number: Decimal
    unit: str = ""
    prefix: str = ""
    minus: bool = False
    # how the number is printed: "" (7,237,276) or OKU_MAN (2億396万); the same number either way
    notation: str = field(default="", compare=False)

    def __str__(self) -> str:
        return format_quantity(self)


def parse_quantity(text: str) -> Quantity:
    """Parse `年間20名`, `4,986事業所`, `△258人`, `-0.033`, `113.2ha` exactly; full-width digits, comma, point
    and minus (３，２７０人, typed with the Japanese keyboard) have one meaning and are read as their ASCII forms."""
    if not isinstance(text, str):
        raise FigureError(EXPECTED_FIGURE, text)
    s = text.strip().translate(_WIDE)
    m = _FIGURE.fullmatch(s)
    if not m:
        amount = _AMOUNT.fullmatch(s)
        if amount and (amount.group("oku") or amount.group("man")):
            return _amount(amount, text)
        raise FigureError(_with_wide_note(EXPECTED_FIGURE, text), text)
    digits = m.group("int")
    if "," in digits and not _GROUPED.fullmatch(digits):
        raise FigureError(Msg(ja="3桁ごとの桁区切り（例: 7,237,276）", en="thousands separators every three digits (7,237,276)"), text)
    plain = digits.replace(",", "")
    if len(plain) > 1 and plain.startswith("0"):
        raise FigureError(Msg(ja="先頭に0のない10進数", en="a decimal number without leading zeros"), text)
    sign = m.group("sign")
    number = Decimal(plain + (m.group("frac") or ""))
    if sign:
        number = -number
    return Quantity(number=number, unit=m.group("unit"), prefix=m.group("prefix"), minus=sign in (MINUS, "−"))


def _amount(m: re.Match, text: str) -> Quantity:
    """2億396万円 → 203,960,000円: whole numbers, each part grouped correctly, 万 and the rest below 10,000."""
    number = 0
    for name, scale in (("oku", 10**8), ("man", 10**4), ("rest", 1)):
        digits = m.group(name)
        if digits is None:
            continue
        if "," in digits and not _GROUPED.fullmatch(digits):
            raise FigureError(Msg(ja="3桁ごとの桁区切り（例: 4億3,000万円）", en="thousands separators every three digits (4億3,000万円)"), text)
        part = int(digits.replace(",", ""))
        if scale < 10**8 and part >= 10**4:
            raise FigureError(Msg(ja="億・万の金額（万の位も端数も9,999まで。例: 2億396万円）",
                                  en="an amount in 億 and 万 (each part up to 9,999, e.g. 2億396万円)"), text)
        number += part * scale
    sign = m.group("sign")
    return Quantity(number=Decimal(-number if sign else number), unit=m.group("unit"), prefix=m.group("prefix"),
                    minus=sign in (MINUS, "−"), notation=OKU_MAN)


def in_unit(q: Quantity, unit: str) -> Quantity:
    """A figure in 万 or 億 of a measure's unit (4億円, 5,000万円 where the unit is 円) as an amount in that
    unit, printed as written (4億円); any other figure as it is. Whole numbers only (1.5億円 stays 1.5 億円,
    which the unit check then refuses: 1億5,000万円 is how an amount is written)."""
    if not unit or q.notation or q.unit not in ("億" + unit, "万" + unit) or q.number != q.number.to_integral_value():
        return q
    scale = 10**8 if q.unit.startswith("億") else 10**4
    return Quantity(number=Decimal(int(q.number) * scale), unit=unit, prefix=q.prefix, minus=q.minus, notation=OKU_MAN)


def format_amount(number: Decimal) -> str:
    """203960000 → 2億396万, 430000000 → 4億3,000万 (each part grouped by thousands, zero parts left out)."""
    oku, rest = divmod(int(abs(number)), 10**8)
    man, ones = divmod(rest, 10**4)
    parts = [f"{n:,}{mark}" for n, mark in ((oku, "億"), (man, "万"), (ones, "")) if n]
    return "".join(parts) or "0"


def format_number(number: Decimal, minus: bool = False, grouping: bool = True) -> str:
    """7,237,276 / △24 / -0.033 / 150.0: thousands separators, the sign style, exact precision."""
    negative = number < 0
    text = format(abs(number), "f")
    whole, dot, frac = text.partition(".")
    if grouping:
        whole = f"{int(whole):,}"
    body = whole + (dot + frac if dot else "")
    if negative and number != 0:
        return (MINUS if minus else TRIANGLE) + body
    return body


def format_quantity(q: Quantity, prefix: bool = True) -> str:
    """年間15件, 7,237,276人, △258人; an amount as written, 2億396万円."""
    if q.notation == OKU_MAN and q.number == q.number.to_integral_value():
        sign = ((MINUS if q.minus else TRIANGLE) if q.number < 0 else "")
        return (q.prefix if prefix else "") + sign + format_amount(q.number) + q.unit
    return (q.prefix if prefix else "") + format_number(q.number, q.minus) + q.unit


def difference(base: Quantity, current: Quantity) -> Quantity:
    """current − base, exactly (1.19 − 1.18 = 0.01).

    A difference of percentages is in points and carries no unit (2.28% → 2.02% gives △0.26);
    it carries no prefix (年間15件 − 0 gives 15件); it uses a minus where either figure does.
    """
    unit = "" if current.unit == "%" else current.unit
    return Quantity(number=current.number - base.number, unit=unit, minus=base.minus or current.minus,
                    notation=current.notation or base.notation)  # an amount's difference as the city writes it


def parse_int(text: str, low: int | None = None, high: int | None = None) -> int:
    """A plain decimal integer (no sign, no leading zero, no YAML 1.1 octal or sexagesimal)."""
    s = text.strip() if isinstance(text, str) else text
    if not isinstance(s, str) or not re.fullmatch(r"0|[1-9]\d*", s):
        raise FigureError(Msg(ja="整数（例: 1, 12）", en="a whole number such as 1 or 12"), text)
    n = int(s)
    if (low is not None and n < low) or (high is not None and n > high):
        raise FigureError(Msg(ja=f"{low}～{high}の整数", en=f"a whole number from {low} to {high}"), text)
    return n
