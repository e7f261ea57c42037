"""Each form kind's columns as data (letter, width, input or locked, the field it holds) and its row keys."""
from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils import column_index_from_string

EVALUATION, KPI, PLEDGE = "evaluation", "kpi", "pledge"


@dataclass(frozen=True)
class Column:
    """One column of a form: the writer lays it out, the reader reads it back by the same letter."""

    name: str          # the row field it holds (a model field for inputs)
    letter: str
    width: float
    input: bool = False

    @property
    def index(self) -> int:
        return column_index_from_string(self.letter)


# Column A, hidden, holds each row's key; the headers come from templates/<kind>_form.labels.yaml (B on).
COLUMNS: dict[str, tuple[Column, ...]] = {
    EVALUATION: (
        Column("key", "A", 4), Column("group", "B", 18), Column("name", "C", 24), Column("new", "D", 8),
        Column("description", "E", 34), Column("status", "F", 9, input=True), Column("done", "G", 40, input=True),
        Column("assessment", "H", 40, input=True), Column("plan", "I", 34, input=True),
        Column("departments", "J", 12), Column("memo", "K", 16, input=True),
    ),
    KPI: (
        Column("key", "A", 4), Column("label", "B", 34), Column("baseline", "C", 16), Column("history", "D", 26),
        Column("target", "E", 14), Column("value", "F", 18, input=True), Column("rating", "G", 9, input=True),
        Column("reason", "H", 50, input=True), Column("departments", "I", 16),
    ),
    # a pledge progress form (reportgen.forms.pledge_form): the items of one pledge list
    PLEDGE: (
        Column("key", "A", 4), Column("chapter", "B", 16), Column("pledge", "C", 28), Column("item", "D", 24),
        Column("content", "E", 40), Column("progress", "F", 60, input=True), Column("pledge_status", "G", 9, input=True),
        Column("department", "H", 14),
    ),
}
FIELDS = {kind: tuple(c.name for c in cols if c.input) for kind, cols in COLUMNS.items()}


def column(kind: str, name: str) -> Column:
    return next(c for c in COLUMNS[kind] if c.name == name)


def widths(kind: str) -> dict[int, float]:
    return {c.index: c.width for c in COLUMNS[kind]}


def inputs(kind: str) -> dict[str, str]:
    """Input field → column letter."""
    return {c.name: c.letter for c in COLUMNS[kind] if c.input}


def last_index(kind: str) -> int:
    return max(c.index for c in COLUMNS[kind])


# ---------------------------------------------------------------------------- row keys


@dataclass(frozen=True)
class MeasureKey:
    """A KPI form row: `kpi:<id>`, `indicator:<goal>:<n>` (n-th of its goal), `…:sub:<i>` (1-based)."""

    kind: str                 # "kpi" or "indicator"
    id: str = ""              # a KPI's id
    goal: str = ""            # an indicator's goal number
    number: int = 0           # an indicator's number within its goal
    sub: int | None = None    # 0-based sub-item index

    def __str__(self) -> str:
        base = f"kpi:{self.id}" if self.kind == "kpi" else f"indicator:{self.goal}:{self.number}"
        return base if self.sub is None else f"{base}:sub:{self.sub + 1}"


def measure_key(kind: str, *, id: str = "", goal: object = "", number: int = 0, sub: int | None = None) -> str:
    return str(MeasureKey(kind, id, str(goal), number, sub))


def parse_measure_key(key: str) -> MeasureKey | None:
    """The key a KPI form row carries, or None when it is not one reportgen makes."""
    head, sep, tail = key.partition(":sub:")
    sub = None
    if sep:
        if not tail.isdigit() or int(tail) < 1:
            return None
        sub = int(tail) - 1
    parts = head.split(":")
    if len(parts) == 2 and parts[0] == "kpi" and parts[1]:
        return MeasureKey("kpi", id=parts[1], sub=sub)
    if len(parts) == 3 and parts[0] == "indicator" and parts[2].isdigit() and int(parts[2]) > 0:
        return MeasureKey("indicator", goal=parts[1], number=int(parts[2]), sub=sub)
    return None


def sub_key(key: str, index: int) -> str:
    """The row of a composite KPI's sub-item (0-based `index`) under the KPI's key."""
    return f"{key}:sub:{index + 1}"


# The registry workbook's sheets (reportgen.forms.registry_layout) are read like the department forms.
from .registry_layout import COLUMNS as _REGISTRY_COLUMNS  # noqa: E402 (it builds on Column above)

COLUMNS.update(_REGISTRY_COLUMNS)
FIELDS.update({kind: tuple(c.name for c in cols if c.input) for kind, cols in _REGISTRY_COLUMNS.items()})
