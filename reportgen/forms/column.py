"""A form's column as data: its letter, width, header key, whether a person writes in it, the field it holds."""
from __future__ import annotations

from dataclasses import dataclass

from reportgen.rules.columns import column_number


@dataclass(frozen=True)
class Column:
    """One column of a form: the writer lays it out, the reader reads it back by the same letter."""

    name: str          # the row field it holds (a model field for inputs)
    letter: str
    width: float
    input: bool = False
    role: str = ""     # "mark" (a rating axis) or "text" (a rating text) of the KPI form, `ref` its id
    ref: str = ""

    @property
    def index(self) -> int:
        return column_number(self.letter)
