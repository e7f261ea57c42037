"""Test helpers that act as a department: fill a form, re-save it through LibreOffice."""
from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

import realclient as rc


def fill(form: Path, dest: Path, values: dict[str, dict[int, object]], sheet: str | None = None) -> Path:
    """Write `values` ({row key: {column: value}}) into a copy of `form` (openpyxl ignores protection,
    as a clerk's unlocked cells would allow)."""
    wb = openpyxl.load_workbook(form)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    seen = set()
    for row in range(1, ws.max_row + 1):
        key = ws.cell(row=row, column=1).value
        if key in values:
            for col, v in values[key].items():
                ws.cell(row=row, column=col).value = v
            seen.add(key)
    assert seen == set(values), f"rows not found: {set(values) - seen}"
    wb.save(dest)
    return dest


def resave_with_libreoffice(path: Path, outdir: Path) -> Path:
    """Open and save the workbook in LibreOffice (shared strings, its own styles and structure)."""
    rc.need_soffice()
    (outdir / "src").mkdir(parents=True, exist_ok=True)
    src = outdir / "src" / path.name
    shutil.copyfile(path, src)
    out = [p for p in rc.convert(src, "xlsx:Calc MS Excel 2007 XML", outdir) if p.suffix == ".xlsx"]
    assert out, "LibreOffice did not save the workbook"
    assert out[0].read_bytes() != path.read_bytes()
    return out[0]
