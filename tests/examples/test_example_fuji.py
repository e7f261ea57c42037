"""富士市 (examples/fuji): its data folder builds alone, and the KPI sheet computes the 進捗率 (B)/(A) of
every row of its published 投資的事業費の実績 exactly as printed (expected values read from
examples/fuji/source, the publication; the rates are not in the data), as LibreOffice prints it."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import openpyxl
import pytest
import realclient as rc
import yaml
from support import ROOT

from reportgen.archive.build import build
from reportgen.model.loader import load

EXAMPLE = ROOT / "examples" / "fuji"
SOURCE = yaml.safe_load((EXAMPLE / "source" / "achievement-H23-27.yaml").read_text(encoding="utf-8"))
ROWS = SOURCE["investment"]["rows"]  # 章, 会計, 事業数, 事業費 (A), 事業数, 事業費 (B), 進捗率 (B)/(A)
RATE_HEADER = SOURCE["investment"]["columns"][6]


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("fuji") / "out"
    build(EXAMPLE / "data", out)
    [xlsx] = sorted(out.glob("*/03_KPI*.xlsx"))
    return xlsx


def test_the_data_folder_builds_alone_and_types_no_rate():
    ds = load(EXAMPLE / "data")
    assert ds.city.name == "富士市" and not (EXAMPLE / "data" / "DRAFT.md").exists()
    typed = "".join(p.read_text(encoding="utf-8") for p in (EXAMPLE / "data").rglob("*.yaml"))
    assert not any(row[6] in typed for row in ROWS)  # computed, never typed


def _sheet_rows(workbook: Path) -> list[tuple[str, list[str]]]:
    """(chapter printed above, the row's cell texts) of every measure row of every goal's sheet."""
    wb = openpyxl.load_workbook(workbook)
    out = []
    for ws in wb.worksheets:
        if not ws.title.startswith("基本目標"):
            continue
        header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "章・会計")
        chapter = ""
        for r in ws.iter_rows(values_only=True):
            cells = ["" if v is None else str(v) for v in r]
            if cells[0] and not any(cells[1:]) and cells[0] in {row[0] for row in ROWS}:
                chapter = cells[0]
            elif cells[2] and chapter and r is not header:
                out.append((chapter, dict(zip([str(h) for h in header], cells)) | {"_name": cells[2]}))
    return out


def test_every_row_shows_its_published_rate_beside_its_figures(workbook):
    rows = _sheet_rows(workbook)
    got = [(ch, r["_name"], r["H27末"], r[next(k for k in r if k.startswith("前期実施計画"))], r[RATE_HEADER])
           for ch, r in rows]
    assert got == [(row[0], row[1], row[5], row[3], row[6]) for row in ROWS]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def test_libreoffice_prints_every_rate_on_its_rows_line(workbook, request):
    rc.need_soffice()
    if not shutil.which("pdftotext"):
        if os.environ.get("CI"):
            pytest.fail("poppler-utils (pdftotext) are required in CI")
        pytest.skip("poppler-utils are not installed")
    # the PDF --pdf made of this very workbook, in the run's --pdf build of the same data (shared with test_pdf_publishable)
    [printed] = sorted(request.getfixturevalue("built_pdf_fuji").glob("*/03_KPI*.xlsx"))
    assert printed.read_bytes() == workbook.read_bytes()
    text = subprocess.run(["pdftotext", "-layout", str(printed.with_suffix(".pdf")), "-"], capture_output=True, text=True,
                          check=True).stdout
    lines = [unicodedata.normalize("NFKC", ln).split() for ln in text.splitlines()]
    assert any(squeeze(RATE_HEADER) in "".join(ln) for ln in lines)
    def in_order(line: list[str], cells: list[str]) -> bool:
        at = [line.index(c) if c in line else -1 for c in cells]
        return -1 not in at and at == sorted(at)

    for row in ROWS:
        cells = [row[1], row[5], row[3], row[6]]  # 会計, (B), (A), 進捗率, in the sheet's column order
        assert any(in_order(ln, cells) for ln in lines), row
