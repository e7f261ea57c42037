"""Test helpers that act as a department: fill a form, re-save it through LibreOffice or Gnumeric."""
from __future__ import annotations

import shutil
import subprocess
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


def resave_all_with_libreoffice(paths: list[Path], outdir: Path) -> dict[Path, Path]:
    """Open and save several workbooks in one LibreOffice run (their names must differ); source → re-saved."""
    src = outdir / "src"
    src.mkdir(parents=True, exist_ok=True)
    copies = []
    for p in paths:
        shutil.copyfile(p, src / p.name)
        copies.append(src / p.name)
    if rc.persistent():  # the running LibreOffice, one file after the other
        for c in copies:
            rc.convert(c, "xlsx:Calc MS Excel 2007 XML", outdir)
    else:  # one cold soffice for all of them
        rc.soffice("--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(outdir), *map(str, copies), timeout=600)
    out = {p: outdir / p.name for p in paths}
    for p, q in out.items():
        assert q.is_file() and q.read_bytes() != p.read_bytes(), f"LibreOffice did not save {p.name}"
    return out


def resave_with_gnumeric(path: Path, dest: Path) -> Path:
    """Open and save the workbook with Gnumeric's ssconvert (its own package, no default cell style)."""
    exe = rc.need_ssconvert()
    subprocess.run([exe, "--export-type=Gnumeric_Excel:xlsx2", str(path), str(dest)], check=True,
                   capture_output=True, timeout=120)
    return dest
