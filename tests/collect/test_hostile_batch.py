"""Hostile returned files (SYNTHETIC) each in a batch next to a valid form: the hostile one is refused
with one Japanese line naming it and what is wrong, before openpyxl builds it; the valid one is taken."""
import os
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
from formfill import fill
from support import ROOT, tree

from reportgen.cli import main
from reportgen.collect import package

FORM = "実施事業評価等入力表_平成29年度_人権推進課.xlsx"
SHEET = "xl/worksheets/sheet1.xml"
IDENT = "xl/worksheets/sheet2.xml"


@pytest.fixture(scope="module")
def sent(built):
    out = built  # the default build's forms (the shared archive: read, never changed)
    return out / "2017_H29" / "forms" / FORM


def rewrite(form: Path, dest: Path, change: dict | None = None, extra: tuple[tuple[str, bytes], ...] | list = ()) -> Path:
    change = change or {}
    with zipfile.ZipFile(form) as src, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as dst, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of a duplicate name: that is the point
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item.filename, change[item.filename](data) if item.filename in change else data)
        for name, data in extra:
            dst.writestr(name, data)
    return dest


def before_end(xml: bytes, rows: bytes) -> bytes:
    return xml.replace(b"</sheetData>", rows + b"</sheetData>")


def far_cell(form, tmp):
    return rewrite(form, tmp / "far.xlsx", {SHEET: lambda x: before_end(x, b'<row r="1048576"><c r="XFD1048576"/></row>')})


def row_5000(form, tmp):  # within any sheet's absolute reach, far beyond this form's 10 rows
    return rewrite(form, tmp / "r5000.xlsx", {SHEET: lambda x: before_end(x, b'<row r="5000"><c r="K5000"/></row>')})


def far_in_identity(form, tmp):  # a sheet with no rows of the form to be measured against
    return rewrite(form, tmp / "farid.xlsx", {IDENT: lambda x: before_end(x, b'<row r="1048576"><c r="XFD1048576"/></row>')})


def far_dimension(form, tmp):
    return rewrite(form, tmp / "dim.xlsx", {SHEET: lambda x: x.replace(b'<dimension ref="A1:K10"/>', b'<dimension ref="A1:XFD1048576"/>')})


def many_cells(form, tmp):
    # tiny cells inside every zip limit and inside the sheets' absolute reach (the identity sheet
    # has no rows of the form to be measured against): refused by their count alone
    rows = b"".join(b'<row r="%d">' % r + b"".join(b'<c r="%s%d"/>' % (openpyxl.utils.get_column_letter(c).encode(), r)
                                                     for c in range(1, 202)) + b"</row>" for r in range(3, 1003))
    return rewrite(form, tmp / "cells.xlsx", {IDENT: lambda x: before_end(x, rows)})


def doctype_in_styles(form, tmp):
    decl = b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x "x">]>'  # harmless, yet defusedxml's error escaped
    return rewrite(form, tmp / "dtd.xlsx", {"xl/styles.xml": lambda x: decl + (x.split(b"?>", 1)[1] if x.startswith(b"<?xml") else x)})


def twice(form, tmp):
    with zipfile.ZipFile(form) as z:
        sheet = z.read(SHEET)
    return rewrite(form, tmp / "twice.xlsx", extra=[(SHEET, sheet)])


def folder(form, tmp):
    (tmp / "folder.xlsx").mkdir()
    return tmp / "folder.xlsx"


CASES = {  # the file, and the words of its line after 「受け付けません: 」
    "a cell at XFD1048576": (far_cell, "シート「入力表」の範囲が様式より大きすぎます（XFD1048576 まで"),
    "a cell at K5000": (row_5000, "シート「入力表」の範囲が様式より大きすぎます（K5000 まで。様式の行と列を大きく超えています: 上限 2"),
    "a cell at XFD1048576 in the identity sheet": (far_in_identity, "シート「_reportgen」の範囲が様式より大きすぎます（XFD1048576 まで。"
                                                                    "様式の行と列を大きく超えています: 上限 20,000 行、256 列）"),
    "a dimension to XFD1048576": (far_dimension, "シート「入力表」の範囲が様式より大きすぎます（XFD1048576 まで"),
    "201,000 tiny cells": (many_cells, "セルの数が多すぎます（200,000 個を超えています）"),
    "a DOCTYPE in styles.xml": (doctype_in_styles, "文書型宣言（<!DOCTYPE>）を含む部品があります（xl/styles.xml）"),
    "sheet1.xml twice": (twice, "ファイルの中に同じ名前の部品が二つあります（xl/worksheets/sheet1.xml）"),
    "a folder named .xlsx": (folder, "フォルダです（返送された様式のファイルを指定してください）"),
}


@pytest.fixture()
def loads(monkeypatch):
    """The bytes of every workbook openpyxl is asked to build."""
    seen: list[bytes] = []
    real = openpyxl.load_workbook

    def load(f, *a, **k):
        seen.append(f.getvalue() if hasattr(f, "getvalue") else Path(f).read_bytes())
        return real(f, *a, **k)

    monkeypatch.setattr(openpyxl, "load_workbook", load)
    return seen


def run_batch(hostile: Path, valid: Path, data: Path, capsys) -> tuple[int, str]:
    code = main(["collect", str(hostile), str(valid), "--data", str(data)])
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.mark.parametrize("name", list(CASES))
def test_a_hostile_file_is_refused_before_openpyxl_and_the_valid_form_beside_it_is_taken(
        name, sent, tmp_path, data_copy, loads, capsys):
    make, words = CASES[name]
    hostile = make(sent, tmp_path)
    valid = fill(sent, tmp_path / "ok.xlsx", {"s1-001": {11: "確認済み"}})
    before = tree(data_copy, "*.yaml", backups=False)
    loads.clear()  # fill built the valid form with openpyxl too
    code, output = run_batch(hostile, valid, data_copy, capsys)
    assert f"{hostile}: 受け付けません: {words}" in output, output
    assert "Traceback" not in output
    assert "様式 2 件: 取り込み 1 件、受け付けず 1 件" in output, output
    assert code == 1
    after = tree(data_copy, "*.yaml", backups=False)
    assert [k for k in after if after[k] != before.get(k)] == ["strategies/1/projects.yaml"]
    assert "確認済み" in (data_copy / "strategies/1/projects.yaml").read_text(encoding="utf-8")
    hostile_bytes = hostile.read_bytes() if hostile.is_file() else None
    assert loads == [valid.read_bytes()] and hostile_bytes not in loads  # openpyxl built the valid form only


@pytest.mark.parametrize("error", [MemoryError, RecursionError])
def test_memory_or_recursion_running_out_on_one_form_refuses_that_form_only(
        error, sent, tmp_path, data_copy, monkeypatch, capsys):
    hostile = rewrite(sent, tmp_path / "heavy.xlsx", {SHEET: lambda x: x.replace(b"<sheetData>", b"<sheetData> ")})
    valid = fill(sent, tmp_path / "ok.xlsx", {"s1-001": {11: "確認済み"}})
    marker = hostile.read_bytes()
    real = openpyxl.load_workbook

    def load(f, *a, **k):  # as when a workbook exhausts memory or nests too deep while being built
        if f.getvalue() == marker:
            raise error()
        return real(f, *a, **k)

    monkeypatch.setattr(openpyxl, "load_workbook", load)
    code, output = run_batch(hostile, valid, data_copy, capsys)
    assert (f"{hostile}: 受け付けません: ファイルが大きすぎるか複雑すぎて読めません（メモリか入れ子の上限を超えました）"
            in output), output
    assert "様式 2 件: 取り込み 1 件、受け付けず 1 件" in output and code == 1
    assert "確認済み" in (data_copy / "strategies/1/projects.yaml").read_text(encoding="utf-8")


def test_a_named_pipe_called_xlsx_is_refused_without_being_opened(sent, tmp_path, data_copy):
    pipe = tmp_path / "pipe.xlsx"
    os.mkfifo(pipe)
    valid = fill(sent, tmp_path / "ok.xlsx", {"s1-001": {11: "確認済み"}})
    # in a process of its own: opening the pipe would wait for a writer forever (the timeout only
    # ends the test then, it measures nothing)
    proc = subprocess.run([sys.executable, str(ROOT / "generate.py"), "collect", str(pipe), str(valid),
                           "--data", str(data_copy)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    output = proc.stdout + proc.stderr
    assert f"{pipe}: 受け付けません: 通常のファイルではありません（名前付きパイプや装置など）" in output, output
    assert proc.returncode == 1 and "Traceback" not in output
    assert "確認済み" in (data_copy / "strategies/1/projects.yaml").read_text(encoding="utf-8")


def test_a_regular_file_is_opened_without_blocking_and_checked_again_once_open(tmp_path, monkeypatch):
    """The second guard: a name swapped for a pipe between the check and the open is caught on the open file."""
    pipe = tmp_path / "swapped.xlsx"
    os.mkfifo(pipe)
    real_stat = os.stat
    monkeypatch.setattr(os, "stat", lambda p, *a, **k: real_stat(__file__) if Path(p) == pipe else real_stat(p, *a, **k))
    with pytest.raises(package.FormRefused) as exc:
        package.read_regular(pipe)
    assert exc.value.message.ja == "通常のファイルではありません（名前付きパイプや装置など）"
