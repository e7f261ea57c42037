"""What Excel's stored cells mean as the clerk typed them (pure): `_xHHHH_` escapes, line ends, date and percent formats."""
from __future__ import annotations

import re
from decimal import Decimal

# Excel writes a character XML cannot hold (a carriage return, a control character) as _xHHHH_,
# and a literal "_x" followed by four hex digits as _x005F_x…
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")

# Built-in number formats that are dates or times: 14–22 everywhere, 45–47 (times), and the
# East Asian ids Japanese Excel uses (27–36, 50–58), which carry no format code in the file.
DATE_FORMAT_IDS = frozenset(range(14, 23)) | frozenset(range(27, 37)) | frozenset(range(45, 48)) | frozenset(range(50, 59))
PERCENT_FORMAT_IDS = frozenset((9, 10))
SIGNIFICANT_DIGITS = 15  # Excel keeps (and shows) at most 15 significant digits of what is typed


def unescape(text: str) -> str:
    """Decode Excel's _xHHHH_ escapes (one pass: _x005F_x000D_ is the literal text _x000D_)."""
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def newlines(text: str) -> str:
    """CRLF and a lone CR (Excel on Windows, _x000D_) become LF, the data's line end."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def cell_text(text: str) -> str:
    """A string cell as the clerk sees it."""
    return newlines(unescape(text))


def _outside_quotes(code: str) -> str:
    """A format code without its quoted literals, escaped characters and [colour/locale] parts."""
    return re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code)


def is_date_format(format_id: int | None, code: str | None) -> bool:
    """Whether a number in a cell of this format is a date or a time, as Excel shows it."""
    if format_id is not None and format_id in DATE_FORMAT_IDS:
        return True
    if not code:
        return False
    bare = re.sub(r"e[+-]", "", _outside_quotes(code).split(";")[0].lower())
    return bool(re.search(r"[ymdhsge]", bare.replace("general", "")))


def is_percent_format(format_id: int | None, code: str | None) -> bool:
    if format_id is not None and format_id in PERCENT_FORMAT_IDS:
        return True
    return bool(code) and "%" in _outside_quotes(code).split(";")[0]


def typed_number(stored: float | int | str) -> Decimal:
    """The number the clerk typed: the stored double to Excel's 15 significant digits, so 0.00047
    stored as 4.7000000000000004E-4 is 0.00047 again."""
    if isinstance(stored, int) and not isinstance(stored, bool):
        return Decimal(stored)
    d = Decimal(format(float(stored), f".{SIGNIFICANT_DIGITS}g"))
    return d


def number_text(stored: float | int | str, percent: bool) -> str:
    """A number cell as text with the digits typed, never the display's rounding: 0.00047 in a
    `0.00%` cell is 0.047%, 0.985 is 98.5% (not 98.50%), 12 is 12."""
    d = typed_number(stored)
    if percent:
        d = d * 100
    d = d.normalize()
    text = format(d, "f")
    return text + "%" if percent else text
