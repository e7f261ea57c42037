"""Read a returned form (untrusted) without modifying it: package checks first, then openpyxl, read only."""
from __future__ import annotations

import datetime as _dt
import json
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .. import forms
from ..problems import Msg

# Limits checked on the zip directory before any XML is parsed (a zip bomb never gets inflated).
MAX_COMPRESSED = 20 * 1024 * 1024
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_ENTRIES = 5000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML and legacy .xls


class FormRefused(Exception):
    """A file collect will not read; the message says why."""

    def __init__(self, message: Msg):
        super().__init__(message.en)
        self.message = message


def check_defused() -> None:
    """openpyxl parses with defusedxml when it is installed; refuse to read forms otherwise."""
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:
        raise RuntimeError("defusedxml is not installed: returned forms cannot be read safely")


def check_package(path: Path) -> None:
    """Refuse what is not a plain .xlsx workbook, before parsing any of it."""
    try:
        size = path.stat().st_size
    except OSError:
        raise FormRefused(Msg(ja="ファイルがありません", en="no such file")) from None
    if size > MAX_COMPRESSED:
        raise FormRefused(Msg(ja=f"ファイルが大きすぎます（{size:,} バイト）", en=f"the file is too large ({size:,} bytes)"))
    with open(path, "rb") as f:
        head = f.read(8)
    if head == OLE_MAGIC:
        raise FormRefused(Msg(ja="暗号化（パスワード付き）または旧形式（.xls）のファイルです。パスワードを外して .xlsx で保存してください",
                              en="the file is encrypted (password-protected) or an old .xls; save it as .xlsx without a password"))
    if not zipfile.is_zipfile(path):
        raise FormRefused(Msg(ja="Excel ブック（.xlsx）ではありません（壊れているか別の形式です）",
                              en="not an Excel workbook (.xlsx): the file is damaged or of another kind"))
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
            total = sum(i.file_size for i in infos)
            if len(infos) > MAX_ENTRIES or total > MAX_UNCOMPRESSED:
                raise FormRefused(Msg(ja="展開後の大きさが上限を超えています（zip 爆弾の疑い）",
                                      en="the unpacked size exceeds the limit (a zip bomb?)"))
            for i in infos:
                if i.compress_size and i.file_size / i.compress_size > MAX_RATIO and i.file_size > 1024 * 1024:
                    raise FormRefused(Msg(ja=f"圧縮率が異常です（{i.filename}、zip 爆弾の疑い）",
                                          en=f"abnormal compression ratio in {i.filename} (a zip bomb?)"))
            bad = z.testzip()
            if bad is not None:
                raise FormRefused(Msg(ja=f"ファイルが壊れています（{bad}）", en=f"the file is damaged ({bad})"))
    except zipfile.BadZipFile:
        raise FormRefused(Msg(ja="ファイルが壊れています（途中で切れています）", en="the file is damaged (truncated)")) from None
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise FormRefused(Msg(ja="マクロ付きブック（.xlsm）は受け付けません。.xlsx で保存してください",
                              en="macro workbooks (.xlsm) are refused; save the form as .xlsx"))
    if "word/document.xml" in names:
        raise FormRefused(Msg(ja="Word 文書（.docx）です。返送された Excel の様式を指定してください",
                              en="this is a Word document (.docx), not a returned Excel form"))
    if "xl/workbook.xml" not in names:
        raise FormRefused(Msg(ja="Excel ブックではありません", en="not an Excel workbook"))


@dataclass
class Cell:
    """A returned cell as collect sees it: its text, or why it cannot be taken."""

    ref: str
    row: int
    column: int
    text: str
    formula: bool = False
    kind: str = "text"  # text, number, date, bool, error


@dataclass
class ReturnedForm:
    path: Path
    identity: dict
    sheet: str
    rows: dict[str, dict[str, Cell]] = field(default_factory=dict)  # key → column letter → cell
    row_numbers: dict[str, list[int]] = field(default_factory=dict)
    extra_keys: list[tuple[int, str]] = field(default_factory=list)


def _cell(c) -> Cell:
    v = c.value
    ref = c.coordinate
    if c.data_type == "f" or (hasattr(v, "text") and type(v).__name__ in ("ArrayFormula", "DataTableFormula")):
        return Cell(ref, c.row, c.column, str(getattr(v, "text", v)), formula=True)
    if v is None:
        return Cell(ref, c.row, c.column, "")
    if isinstance(v, bool):
        return Cell(ref, c.row, c.column, str(v).upper(), kind="bool")
    if isinstance(v, (int, float)):
        fmt = c.number_format or ""
        d = Decimal(repr(v)) if isinstance(v, float) else Decimal(v)
        if "%" in fmt:  # Excel stores 78.1% as 0.781 with a percent format
            places = len(fmt.split(".")[1].split("%")[0]) if "." in fmt else 0
            d = (d * 100).quantize(Decimal(1).scaleb(-places))
            return Cell(ref, c.row, c.column, f"{d}%", kind="number")
        text = format(d.normalize(), "f") if d == d.to_integral_value() else str(d)
        return Cell(ref, c.row, c.column, text, kind="number")
    if isinstance(v, (_dt.datetime, _dt.date, _dt.time)):
        return Cell(ref, c.row, c.column, str(v), kind="date")
    text = str(v)
    if c.data_type == "e":
        return Cell(ref, c.row, c.column, text, kind="error")
    return Cell(ref, c.row, c.column, text.replace("\r\n", "\n").replace("\r", "\n"))


def read_form(path: Path) -> ReturnedForm:
    """Check the package, recognise the form and read its rows; never writes the file."""
    check_defused()
    check_package(path)
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, data_only=False, keep_links=False)
    except Exception as exc:  # noqa: BLE001 - any parser failure means: not a readable workbook
        raise FormRefused(Msg(ja=f"Excel ブックとして読めません: {type(exc).__name__}",
                              en=f"cannot be read as a workbook: {type(exc).__name__}: {exc}")) from None
    try:
        if forms.IDENTITY_SHEET not in wb.sheetnames:
            raise FormRefused(Msg(ja="reportgen が作成した様式ではありません（識別情報がありません）",
                                  en="not a reportgen form (it carries no form identity)"))
        ident_ws = wb[forms.IDENTITY_SHEET]
        if ident_ws.cell(row=1, column=1).value != forms.FORMAT:
            raise FormRefused(Msg(ja="様式の識別情報が読めません", en="the form identity is not readable"))
        chunks = []
        r = 2
        while ident_ws.cell(row=r, column=1).value:
            chunks.append(str(ident_ws.cell(row=r, column=1).value))
            r += 1
        try:
            ident = json.loads("".join(chunks))
            sheet, header_row, columns = ident["sheet"], int(ident["header_row"]), ident["columns"]
            keys = [row["key"] for row in ident["rows"]]
        except (ValueError, KeyError, TypeError):
            raise FormRefused(Msg(ja="様式の識別情報が壊れています", en="the form identity is damaged")) from None
        if sheet not in wb.sheetnames:
            raise FormRefused(Msg(ja=f"入力シート「{sheet}」がありません", en=f"the input sheet {sheet!r} is missing"))
        ws = wb[sheet]
        form = ReturnedForm(path, ident, sheet)
        wanted = set(keys)
        letters = sorted({c for row in ident["rows"] for c in row.get("locked", {})} | set(columns.values()))
        for row in range(header_row + 1, (ws.max_row or header_row) + 1):
            key = ws.cell(row=row, column=1).value
            if key is None or str(key).strip() == "":
                continue
            key = str(key)
            if key not in wanted:
                form.extra_keys.append((row, key))
                continue
            form.row_numbers.setdefault(key, []).append(row)
            form.rows[key] = {letter: _cell(ws[f"{letter}{row}"]) for letter in letters}
        return form
    finally:
        wb.close()
