"""Test helpers for the office's registry workbook: issue it as `open` does, fill it as a planning officer would."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import support

from reportgen.deliverables import registry_form
from reportgen.model.loader import load
from reportgen.render.dispatch import render
from reportgen.rules import era


def issue(data: Path, year: str, dest: Path, strategy: str = "2") -> Path:
    """The registry of `strategy` for `year`, rendered the way the archive renders forms."""
    ds = load(data)
    fy = era.parse_fy(year)
    settings = support.year(fy, ds)
    job = next(j for j in registry_form.outputs(ds, settings) if j.context["strategy_id"] == strategy)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(render(job, settings, ds.city.name))
    return dest


def rows(ws) -> dict[str, int]:
    """Row number of each key (hidden column A)."""
    return {ws.cell(row=r, column=1).value: r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value}


def fill(src: Path, dest: Path, values: dict[str, dict[str, dict[str, object]]], delete: dict[str, str] | None = None) -> Path:
    """{sheet: {row key: {column letter: value}}} typed into a copy (openpyxl ignores protection, as the
    unlocked cells allow); `delete`: {sheet: row key} rows removed as a person deleting a row would."""
    wb = openpyxl.load_workbook(src)
    for sheet, by_key in values.items():
        ws = wb[sheet]
        where = rows(ws)
        for key, cells in by_key.items():
            for letter, v in cells.items():
                ws[f"{letter}{where[key]}"] = v
    for sheet, key in (delete or {}).items():
        ws = wb[sheet]
        ws.delete_rows(rows(ws)[key])
    wb.save(dest)
    return dest


