"""Each form kind's columns as data (letter, width, input or locked, the field it holds) and its row keys."""
from __future__ import annotations

from dataclasses import dataclass

from reportgen.forms.column import Column
from reportgen.forms.registry_layout import COLUMNS as _REGISTRY_COLUMNS
from reportgen.rules.columns import column_letter

EVALUATION, KPI, PLEDGE = "evaluation", "kpi", "pledge"


# Column A, hidden, holds each row's key; the headers come from templates/<kind>_form.labels.yaml (B on).
COLUMNS: dict[str, tuple[Column, ...]] = {
    EVALUATION: (
        Column("key", "A", 4), Column("group", "B", 18), Column("name", "C", 24), Column("new", "D", 8),
        Column("description", "E", 34), Column("status", "F", 9, input=True), Column("done", "G", 40, input=True),
        Column("assessment", "H", 40, input=True), Column("plan", "I", 34, input=True),
        Column("departments", "J", 12), Column("memo", "K", 16, input=True),
    ),
    # a KPI form of a strategy that declares no rating axes (Iruma's): kpi_columns(default axis, default text);
    # also the layout of a form whose identity records no columns (sent before the columns followed the declaration)
    KPI: (
        Column("key", "A", 4), Column("label", "B", 34), Column("baseline", "C", 16), Column("history", "D", 26),
        Column("target", "E", 14), Column("value", "F", 18, input=True),
        Column("rating", "G", 9, input=True, role="mark", ref="rating"),
        Column("reason", "H", 50, input=True, role="text", ref="reason"), Column("departments", "I", 16),
    ),
    # a pledge progress form (reportgen.deliverables.pledge_form): the items of one pledge list
    PLEDGE: (
        Column("key", "A", 4), Column("chapter", "B", 16), Column("pledge", "C", 28), Column("item", "D", 24),
        Column("content", "E", 40), Column("progress", "F", 60, input=True), Column("pledge_status", "G", 9, input=True),
        Column("department", "H", 14),
    ),
}
FIELDS = {kind: tuple(c.name for c in cols if c.input) for kind, cols in COLUMNS.items()}
KPI_HEAD = 6          # key … value: the KPI form's columns before its rating axes and texts
MARK_WIDTH, TEXT_WIDTH = 9, 50


def kpi_columns(axes, texts) -> tuple[Column, ...]:
    """The KPI form's columns for a strategy's rating axes and texts (anything with an `id`), in the
    declared order: the fixed columns to the value, one input per axis, one per text, then 担当課.
    The one definition the writer, the identity and the reader use. A field is the axis's or text's
    id (Iruma's `rating`, `reason`), prefixed by its role where it would clash with another column's."""
    cols = list(COLUMNS[KPI][:KPI_HEAD])
    taken = {c.name for c in COLUMNS[KPI] if not c.role}
    for role, items, width in (("mark", axes, MARK_WIDTH), ("text", texts, TEXT_WIDTH)):
        for item in items:
            name = item.id if item.id not in taken else f"{role}:{item.id}"
            taken.add(name)
            cols.append(Column(name, column_letter(len(cols) + 1), width, input=True, role=role, ref=item.id))
    cols.append(Column("departments", column_letter(len(cols) + 1), 16))
    return tuple(cols)


def columns_record(cols: tuple[Column, ...]) -> list[dict]:
    """The columns as a form's identity records them (what the reader reads back)."""
    return [{"name": c.name, "letter": c.letter, "input": c.input, "role": c.role, "ref": c.ref} for c in cols]


def columns_of(record) -> tuple[Column, ...]:
    """A form identity's columns back (ValueError, TypeError or KeyError where they are damaged)."""
    if not isinstance(record, list) or not record:
        raise ValueError("columns")
    cols = []
    for c in record:
        letter = str(c["letter"])
        if not letter.isalpha() or not letter.isupper() or len(letter) > 3:
            raise ValueError(letter)
        cols.append(Column(str(c["name"]), letter, 0, bool(c["input"]), str(c.get("role", "")), str(c.get("ref", ""))))
    if cols[0].letter != "A" or len({c.letter for c in cols}) != len(cols) or len({c.name for c in cols}) != len(cols):
        raise ValueError("columns")
    return tuple(cols)


def column(kind: str, name: str) -> Column:
    return next(c for c in COLUMNS[kind] if c.name == name)


def widths(kind: str) -> dict[int, float]:
    return {c.index: c.width for c in COLUMNS[kind]}


def inputs(kind: str) -> dict[str, str]:
    """Input field → column letter."""
    return {c.name: c.letter for c in COLUMNS[kind] if c.input}


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
COLUMNS.update(_REGISTRY_COLUMNS)
FIELDS.update({kind: tuple(c.name for c in cols if c.input) for kind, cols in _REGISTRY_COLUMNS.items()})
