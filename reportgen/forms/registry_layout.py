"""The registry workbook's two tables as data (事業 and KPI): their columns, spare rows and the words of closed sets."""
from __future__ import annotations

from reportgen.forms.column import Column

REGISTRY = "registry"                         # the workbook's kind, in its identity
PROJECTS, KPIS = "registry_projects", "registry_kpis"  # its two sheets' kinds (columns below)
PARTS = (PROJECTS, KPIS)
SPARE_ROWS = 20                               # unlocked empty rows per sheet for new projects / KPIs
NEW_PREFIX = "new:"                           # the hidden key of a spare row: new:1 … new:20

# Column A, hidden, holds each row's key (the id, or new:n); column B shows the id, locked.
COLUMNS: dict[str, tuple[Column, ...]] = {
    PROJECTS: (
        Column("key", "A", 4), Column("id", "B", 10), Column("name", "C", 30, input=True),
        Column("description", "D", 44, input=True), Column("policy", "E", 9, input=True),
        Column("departments", "F", 20, input=True), Column("first_year", "G", 10, input=True),
        Column("work", "H", 44, input=True), Column("ended", "I", 8, input=True),
    ),
    KPIS: (
        Column("key", "A", 4), Column("id", "B", 8), Column("policies", "C", 10, input=True),
        Column("name", "D", 36, input=True), Column("unit", "E", 8, input=True), Column("prefix", "F", 7, input=True),
        Column("direction", "G", 12, input=True), Column("baseline", "H", 18, input=True),
        Column("target", "I", 16, input=True), Column("departments", "J", 20, input=True),
        Column("ended", "K", 8, input=True),
    ),
}
FIELDS = {kind: tuple(c.name for c in cols if c.input) for kind, cols in COLUMNS.items()}

# Fields a registered item must have (a cleared cell is refused); the others may be emptied.
REQUIRED = {PROJECTS: ("name", "description", "policy", "departments", "first_year"),
            KPIS: ("policies", "name", "direction", "baseline", "target")}

# Fields a new row must have (the others have defaults: first year and 取組内容 from the year and the description).
REQUIRED_NEW = {PROJECTS: ("name", "policy", "departments"), KPIS: REQUIRED[KPIS]}

# How the registry prints a KPI's direction (the model's up/down/keep are accepted too).
DIRECTIONS = {"up": "増えると改善", "down": "減ると改善", "keep": "維持が目標"}

# Names in a cell holding several (departments, policies): a line each, or separated by 、 or ,
SEPARATORS = "\n、,，"


def spare_key(n: int) -> str:
    return f"{NEW_PREFIX}{n}"


def is_spare(key: str) -> bool:
    return key.startswith(NEW_PREFIX)
