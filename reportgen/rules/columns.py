"""A worksheet column's letters and its number, both ways, as Excel writes them (A = 1, Z = 26, AA = 27 … XFD = 16384).

Here rather than openpyxl.utils: a form's columns are data the pure layers read, and importing
openpyxl (numpy with it where installed) would cost every process that writes only Word documents
a quarter of a second at start (docs/performance.md, "Cold start"). tests/cli/test_cold_start.py holds
these to openpyxl's own answers for every column."""
from __future__ import annotations

import re

MAX_COLUMN = 18278  # ZZZ: three letters, as far as openpyxl's letters go (Excel stops at XFD, 16384)
_LETTERS = re.compile(r"[A-Z]{1,3}")


def column_letter(number: int) -> str:
    """1 → "A", 27 → "AA"."""
    if not 1 <= number <= MAX_COLUMN:
        raise ValueError(f"Invalid column index {number}")
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def column_number(letters: str) -> int:
    """"A" → 1, "aa" → 27 (case as the sheet's reference gives it)."""
    if not isinstance(letters, str) or not _LETTERS.fullmatch(letters.upper()):
        raise ValueError(f"{letters!r} is not a valid column name. Column names are from A to ZZZ")
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - ord("A") + 1
    return number
