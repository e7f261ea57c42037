"""Mail and file slips at collect (issue 25, item 5): an Outlook message, a LibreOffice .ods, a file still
syncing (0 bytes), an old .xls and an encrypted workbook each get their own advice; a 1904-date workbook's
date is quoted as the clerk typed it."""
from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904, to_excel
from support import tree

from reportgen.cli import main
from reportgen.collect import package, sheet


def ole(names: list[str]) -> bytes:
    """An OLE2 compound file's first bytes: the magic, then directory entries naming streams (UTF-16)."""
    return package.OLE_MAGIC + b"\0" * 504 + b"".join(n.encode("utf-16-le").ljust(128, b"\0") for n in names)


def ods(path) -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")


@pytest.mark.parametrize(("name", "make", "advice"), [
    ("様式.msg", lambda p: p.write_bytes(ole(["__substg1.0_0037001F", "__attach_version1.0_#00000000"])),
     "Outlook のメール（.msg）です。メールを開き、添付の様式（.xlsx）を「名前を付けて保存」してから、そのファイルを取り込んでください"),
    ("KPI実績値等入力表_令和7年度_企画課.ods", ods,
     "LibreOffice Calc の形式（.ods）で保存されています。「名前を付けて保存」で「Excel 2007-365 (.xlsx)」を選び、保存し直してから返送してください"),
    ("KPI実績値等入力表_令和7年度_企画課.xlsx", lambda p: p.write_bytes(b""),
     "ファイルが空です（0 バイト）。メールの添付の保存やクラウドの同期が終わっていないかもしれません。終わってから、もう一度取り込んでください"),
    ("KPI実績値等入力表_令和7年度_企画課.xls", lambda p: p.write_bytes(ole(["Workbook", "SummaryInformation"])),
     "旧形式の Excel ブック（.xls）です。Excel で開き、「Excel ブック (*.xlsx)」で保存し直してください"),
    ("KPI実績値等入力表_令和7年度_企画課.xlsx", lambda p: p.write_bytes(ole(["EncryptionInfo", "EncryptedPackage"])),
     "パスワード付き（暗号化）のブックです。Excel でパスワードを外して .xlsx で保存し直してください"),
])
def test_each_slip_gets_its_own_advice(capsys, monkeypatch, data_copy, tmp_path, name, make, advice):
    monkeypatch.delenv("REPORTGEN_LANG", raising=False)
    path = tmp_path / name
    make(path)
    before = tree(data_copy)  # every file, the lock any run takes aside
    assert main(["collect", str(path), "--data", str(data_copy)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"{path}: 受け付けません: {advice}"
    assert tree(data_copy) == before


def test_a_1904_workbooks_date_is_quoted_as_typed(tmp_path):
    """Excel for Mac's 1904 date system: 2025/4/1 typed in a cell of the Japanese built-in date format 31
    (yyyy年m月d日), which openpyxl leaves a number and collect reads as a date itself."""
    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws["A1"] = to_excel(dt.datetime(2025, 4, 1), CALENDAR_MAC_1904)
    ws["A1"].number_format = "0.00_);[Red]0.00"  # a placeholder custom format (id 164), made the built-in 31 below
    made = tmp_path / "made.xlsx"
    wb.save(made)
    path = tmp_path / "mac.xlsx"
    with zipfile.ZipFile(made) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/styles.xml":
                data = data.replace(b'numFmtId="164"', b'numFmtId="31"')
            dst.writestr(item, data)
    cell = openpyxl.load_workbook(path).active["A1"]
    assert isinstance(cell.value, (int, float))  # openpyxl does not know format 31 as a date
    with zipfile.ZipFile(path) as z:
        meta = sheet._cell_meta(z, "xl/worksheets/sheet1.xml")
    assert sheet._cell(cell, meta).text == "2025/4/1"
