"""The tests' LibreOffice views are the same through the running LibreOffice (lo_server.py) as through a cold
`soffice --convert-to`: every target realclient and formfill use, read as the tests read them."""
from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pdfcheck
import pikepdf
import pytest
import realclient as rc

YEAR = "2025_R7"


@pytest.fixture(scope="module")
def persistent():
    """Both paths: the running one must be available (CI fails in rc.persistent() when python3-uno is missing)."""
    rc.need_soffice()
    if not rc.persistent():
        pytest.skip("the system Python has no uno (python3-uno): only the cold path exists here")
    return rc.convert


def docx(built: Path) -> Path:
    return next((built / YEAR).glob("01_*.docx"))


def xlsx(built: Path) -> Path:
    return next((built / YEAR).glob("03_*.xlsx"))


def pdf_seen(path: Path) -> dict:
    """What a reader meets in a PDF: each page's text, the faces (without the subset prefix), every string's
    size and marking (tagged / artifact / untagged)."""
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    with pikepdf.open(path) as pdf:
        shown = [(s.page, s.glyphs, round(s.size, 2), s.mark) for s in pdfcheck.shown(pdf)]
    return {"pages": pdfcheck.raw_text(path),
            "fonts": sorted({re.sub(r"^[A-Z]{6}\+", "", line.split()[0]) for line in fonts if line.strip()}),
            "shown": shown}


def workbook_seen(path: Path) -> dict:
    """A re-saved form as the next reader meets it: each sheet's cells (value, number format, locked) and dropdowns."""
    wb = openpyxl.load_workbook(path)
    return {ws.title: {
        "cells": [(c.coordinate, c.value, c.number_format, c.protection.locked)
                  for row in ws.iter_rows() for c in row if c.value is not None],
        "dropdowns": sorted((str(v.sqref), v.type, v.formula1) for v in ws.data_validations.dataValidation),
        "protected": ws.protection.sheet} for ws in wb.worksheets}


def test_word_rows_and_text_the_same_both_ways(built, persistent):
    path = docx(built)
    rows = rc.read_word_rows(path, persistent)
    assert rows and rows == rc.read_word_rows(path, rc.cold_convert)
    text = rc.read_word_text(path, persistent)
    assert text.strip() and text == rc.read_word_text(path, rc.cold_convert)


def test_sheet_rows_the_same_both_ways(built, persistent):
    """All sheets (one CSV each, named after the sheet), each cell as displayed."""
    path = xlsx(built)
    sheets = rc.read_sheet_rows(path, persistent)
    assert len(sheets) > 1 and all(sheets.values())
    assert sheets == rc.read_sheet_rows(path, rc.cold_convert)


@pytest.fixture(scope="module")
def cold_pdfs(built, persistent, tmp_path_factory) -> Path:
    """The Word document's and the workbook's PDFs by one cold `soffice --convert-to pdf` of both (a start less)."""
    folder = tmp_path_factory.mktemp("cold-pdfs")
    assert [p.name for p in rc.cold_convert_all([docx(built), xlsx(built)], "pdf", folder)] == sorted(
        f"{p.stem}.pdf" for p in (docx(built), xlsx(built)))
    return folder


@pytest.mark.parametrize("pick", [docx, xlsx], ids=["docx", "xlsx"])
def test_pdf_the_same_both_ways(built, persistent, pick, cold_pdfs, tmp_path):
    path = pick(built)
    warm = rc.pdf(path, tmp_path, persistent)
    cold = cold_pdfs / f"{path.stem}.pdf"
    assert warm.name == cold.name == f"{path.stem}.pdf"
    seen = pdf_seen(warm)
    assert seen["pages"] and "".join(seen["pages"]).strip()
    assert seen == pdf_seen(cold)


def test_resaved_form_the_same_both_ways(built, persistent, tmp_path):
    """formfill's re-save (xlsx:Calc MS Excel 2007 XML): the same parts, cells, formats, locks and dropdowns."""
    form = next((built / YEAR / "forms").glob("*.xlsx"))
    outs = {}
    for way, conv in (("warm", persistent), ("cold", rc.cold_convert)):
        (tmp_path / way / "src").mkdir(parents=True)
        src = tmp_path / way / "src" / form.name
        src.write_bytes(form.read_bytes())
        out = [p for p in conv(src, "xlsx:Calc MS Excel 2007 XML", tmp_path / way) if p.suffix == ".xlsx"]
        assert [p.name for p in out] == [form.name]
        outs[way] = out[0]
    assert outs["warm"].read_bytes() != form.read_bytes()  # LibreOffice wrote it, not a copy
    with zipfile.ZipFile(outs["warm"]) as w, zipfile.ZipFile(outs["cold"]) as c:
        assert w.namelist() == c.namelist()
    assert workbook_seen(outs["warm"]) == workbook_seen(outs["cold"])


def test_a_file_libreoffice_cannot_read_is_said(persistent, tmp_path):
    """A conversion that fails names the file and the target, instead of returning nothing."""
    with pytest.raises(RuntimeError, match=r"missing\.docx.*'pdf'"):
        persistent(tmp_path / "missing.docx", "pdf", tmp_path)
