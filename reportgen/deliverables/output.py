"""A render job (Output) and a deliverable (what builds a year's jobs of one document kind)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


@dataclass(frozen=True)
class Output:
    """One file to render: where it goes, how it is rendered, and the pure context it needs.

    kind "docx": `layout` names a docxtpl template in templates/; kind "xlsx": a workbook
    layout in reportgen/render/xlsx.py. `publish`: also converted to PDF with --pdf.
    """

    filename: str
    kind: str
    layout: str
    title: str
    context: dict
    publish: bool = True
    deliverable: str = ""


@dataclass(frozen=True)
class Deliverable:
    """The small interface every deliverable module exposes."""

    key: str
    applies: Callable  # (dataset, fy) -> bool
    outputs: Callable  # (dataset, year: YearSettings) -> list[Output]
    years: Callable = field(default=lambda ds: set())  # (dataset) -> years its own data dates
