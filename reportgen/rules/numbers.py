"""Figures as the documents print them: exact decimals, △ or minus, units, prefixes, differences (pure)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
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
    """年間15件, 7,237,276人, △258人."""
    return (q.prefix if prefix else "") + format_number(q.number, q.minus) + q.unit


def difference(base: Quantity, current: Quantity) -> Quantity:
    """current − base, exactly (1.19 − 1.18 = 0.01).

    A difference of percentages is in points and carries no unit (2.28% → 2.02% gives △0.26);
    it carries no prefix (年間15件 − 0 gives 15件); it uses a minus where either figure does.
    """
    unit = "" if current.unit == "%" else current.unit
    return Quantity(number=current.number - base.number, unit=unit, minus=base.minus or current.minus)


def parse_int(text: str, low: int | None = None, high: int | None = None) -> int:
    """A plain decimal integer (no sign, no leading zero, no YAML 1.1 octal or sexagesimal)."""
    s = text.strip() if isinstance(text, str) else text
    if not isinstance(s, str) or not re.fullmatch(r"0|[1-9]\d*", s):
        raise FigureError(Msg(ja="整数（例: 1, 12）", en="a whole number such as 1 or 12"), text)
    n = int(s)
    if (low is not None and n < low) or (high is not None and n > high):
        raise FigureError(Msg(ja=f"{low}～{high}の整数", en=f"a whole number from {low} to {high}"), text)
    return n
