"""A returned file taken as bytes and its zip package checked before any of it is parsed whole: a regular
file, the zip limits, one member per name, no DTD in any part, every sheet's extent measured by streaming."""
from __future__ import annotations

import io
import os
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from openpyxl.utils import get_column_letter

from reportgen.collect.sheet import MAIN_NS, STRICT_NS, FormRefused, _parse, _sheet_part
from reportgen.rules.problems import Msg

# Limits checked on the zip directory before any XML is parsed (a zip bomb never gets inflated).
MAX_COMPRESSED = 20 * 1024 * 1024


MAX_UNCOMPRESSED = 200 * 1024 * 1024


MAX_RATIO = 200


MAX_ENTRIES = 5000


# Parts read whole (as a tree) by collect or openpyxl, each at most this large unpacked; a sheet is
# streamed instead and bounded by its cells (MAX_CELLS).
MAX_WHOLE_PART = 16 * 1024 * 1024


WHOLE_PARTS = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/sharedstrings.xml", "[content_types].xml")


# A sheet's extent, streamed before openpyxl builds the workbook: openpyxl keeps a Python object per
# cell (a 20 MB form of 3 million cells took 5.2 GB), and the rows of a sheet are read column by column
# up to its last column (one cell at XFD1048576 made that the whole grid). reportgen's largest form has
# a few thousand cells; a workbook may hold this many in all, and no sheet may reach beyond these.
MAX_CELLS = 200_000


MAX_ROW = 20_000


MAX_COLUMN = 256


# How far a form's input sheet may reach beyond its own rows and columns: rows a clerk inserted (each
# reported), notes typed beside the table (reported), formatting Excel counts in the used range.
ROW_MARGIN = 200


COLUMN_MARGIN = 30


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML and legacy .xls


# A document type declaration in any of the encodings an XML part may use (UTF-8, UTF-16 either way).
_DOCTYPES = (b"<!DOCTYPE", "<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"))


def read_regular(path: Path) -> bytes:
    """The bytes of `path` when it is a regular file of at most MAX_COMPRESSED bytes.

    Checked before opening (a named pipe would block the open, and the data lock with it) and again
    on the open file (opened without blocking, in case the name was swapped in between)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise FormRefused(Msg(ja="ファイルがありません", en="no such file")) from None
    except OSError as exc:
        raise FormRefused(Msg(ja=f"ファイルを開けません（{exc.strerror}）", en=f"cannot open the file ({exc.strerror})")) from None
    _regular(st.st_mode)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise FormRefused(Msg(ja=f"ファイルを開けません（{exc.strerror}）", en=f"cannot open the file ({exc.strerror})")) from None
    try:
        st = os.fstat(fd)
        _regular(st.st_mode)
        if st.st_size > MAX_COMPRESSED:
            raise FormRefused(Msg(ja=f"ファイルが大きすぎます（{st.st_size:,} バイト）",
                                  en=f"the file is too large ({st.st_size:,} bytes)"))
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(MAX_COMPRESSED + 1)
    except OSError as exc:
        raise FormRefused(Msg(ja=f"ファイルを読めません（{exc.strerror}）", en=f"cannot read the file ({exc.strerror})")) from None
    finally:
        os.close(fd)
    if len(data) > MAX_COMPRESSED:  # grew while being read
        raise FormRefused(Msg(ja="ファイルが大きすぎます", en="the file is too large"))
    return data


def _regular(mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise FormRefused(Msg(ja="フォルダです（返送された様式のファイルを指定してください）",
                              en="a folder, not a file (name the returned form's file)"))
    if not stat.S_ISREG(mode):
        raise FormRefused(Msg(ja="通常のファイルではありません（名前付きパイプや装置など）",
                              en="not a regular file (a named pipe, a device or the like)"))


# An OLE2 compound file (D0 CF 11 E0) is an Outlook message, an encrypted workbook or an old .xls: its
# directory names the streams (UTF-16), which tell the three apart; each gets its own advice.
OLE_SCAN = 256 * 1024


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _ole_advice(suffix: str, head: bytes) -> Msg:
    if _utf16("__substg1.0_") in head or suffix == ".msg":
        return Msg(ja="Outlook のメール（.msg）です。メールを開き、添付の様式（.xlsx）を「名前を付けて保存」してから、"
                      "そのファイルを取り込んでください",
                   en="this is an Outlook message (.msg): open it, save the attached form (.xlsx) and collect that file")
    if _utf16("EncryptionInfo") in head or _utf16("EncryptedPackage") in head:
        return Msg(ja="パスワード付き（暗号化）のブックです。Excel でパスワードを外して .xlsx で保存し直してください",
                   en="the workbook is password-protected (encrypted); remove the password in Excel and save it as .xlsx")
    if _utf16("Workbook") in head or _utf16("Book") in head or suffix == ".xls":
        return Msg(ja="旧形式の Excel ブック（.xls）です。Excel で開き、「Excel ブック (*.xlsx)」で保存し直してください",
                   en="an old Excel workbook (.xls); open it in Excel and save it as \"Excel Workbook (*.xlsx)\"")
    return Msg(ja="暗号化（パスワード付き）または旧形式（.xls）のファイルです。パスワードを外して .xlsx で保存してください",
               en="the file is encrypted (password-protected) or an old .xls; save it as .xlsx without a password")


def check_package(data: bytes, path: Path | None = None) -> None:
    """Refuse what is not a plain .xlsx workbook, before parsing any of it (`path` only names its kind)."""
    suffix = path.suffix.lower() if path is not None else ""
    if not data:
        raise FormRefused(Msg(
            ja="ファイルが空です（0 バイト）。メールの添付の保存やクラウドの同期が終わっていないかもしれません。"
               "終わってから、もう一度取り込んでください",
            en="the file is empty (0 bytes): saving the attachment or the cloud sync may not have finished; "
               "collect it again when it has"))
    if data[:8] == OLE_MAGIC:
        raise FormRefused(_ole_advice(suffix, data[:OLE_SCAN]))
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise FormRefused(Msg(ja="Excel ブック（.xlsx）ではありません（壊れているか別の形式です）",
                              en="not an Excel workbook (.xlsx): the file is damaged or of another kind"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            total = sum(i.file_size for i in infos)
            if len(infos) > MAX_ENTRIES or total > MAX_UNCOMPRESSED:
                raise FormRefused(Msg(ja="展開後の大きさが上限を超えています（zip 爆弾の疑い）",
                                      en="the unpacked size exceeds the limit (a zip bomb?)"))
            for i in infos:
                if i.compress_size and i.file_size / i.compress_size > MAX_RATIO and i.file_size > 1024 * 1024:
                    raise FormRefused(Msg(ja=f"圧縮率が異常です（{i.filename}、zip 爆弾の疑い）",
                                          en=f"abnormal compression ratio in {i.filename} (a zip bomb?)"))
            _one_member_per_name(infos)
            for i in infos:
                if i.filename.lower() in WHOLE_PARTS and i.file_size > MAX_WHOLE_PART:
                    raise FormRefused(Msg(ja=f"部品が大きすぎます（{i.filename}、{i.file_size:,} バイト）",
                                          en=f"a part is too large ({i.filename}, {i.file_size:,} bytes)"))
            for i in infos:  # every member inflated once: its checksum, and no DTD in it
                _scan(z, i)
            names = set(z.namelist())
            start = z.open("xl/workbook.xml").read(4096) if "xl/workbook.xml" in names else b""
            mimetype = z.read("mimetype")[:100] if "mimetype" in names else b""
    except zipfile.BadZipFile:
        raise FormRefused(Msg(ja="ファイルが壊れています（途中で切れています）", en="the file is damaged (truncated)")) from None
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise FormRefused(Msg(ja="マクロ付きブック（.xlsm）は受け付けません。.xlsx で保存してください",
                              en="macro workbooks (.xlsm) are refused; save the form as .xlsx"))
    if "word/document.xml" in names:
        raise FormRefused(Msg(ja="Word 文書（.docx）です。返送された Excel の様式を指定してください",
                              en="this is a Word document (.docx), not a returned Excel form"))
    if "mimetype" in names and "xl/workbook.xml" not in names and b"opendocument.spreadsheet" in mimetype:
        raise FormRefused(Msg(
            ja="LibreOffice Calc の形式（.ods）で保存されています。「名前を付けて保存」で「Excel 2007-365 (.xlsx)」を選び、"
               "保存し直してから返送してください",
            en="the form was saved as LibreOffice Calc (.ods); use Save As with \"Excel 2007-365 (.xlsx)\" and return that file"))
    if "xl/workbook.xml" not in names:
        raise FormRefused(Msg(ja="Excel ブックではありません", en="not an Excel workbook"))
    if STRICT_NS.encode() in start:
        raise FormRefused(Msg(
            ja="「Strict Open XML スプレッドシート」形式で保存されています。Excel で開き、「ファイルの種類」を"
               "「Excel ブック (*.xlsx)」にして保存し直してから返送してください",
            en="the file was saved as a \"Strict Open XML Spreadsheet\"; open it in Excel and save it again as an "
               "ordinary \"Excel Workbook (*.xlsx)\""))


def _one_member_per_name(infos: list[zipfile.ZipInfo]) -> None:
    """Two members of one name are read differently by different programs (Python's zipfile takes the
    last, Gnumeric the first): the clerk and collect would not see the same form. Part names are
    compared as OPC compares them, ignoring case."""
    seen: set[str] = set()
    for i in infos:
        key = i.filename.lower()
        if key in seen:
            raise FormRefused(Msg(ja=f"ファイルの中に同じ名前の部品が二つあります（{i.filename}）。壊れているか、作り替えられています",
                                  en=f"the package holds two parts named {i.filename}: damaged or tampered with"))
        seen.add(key)


def _scan(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Inflate one member in chunks (zipfile checks its CRC at the end) looking for a DTD: no part of a
    workbook has one, and a DTD's entities are how XML expands or reaches outside."""
    tail = b""
    with z.open(info) as f:
        while chunk := f.read(1 << 20):
            window = tail + chunk
            if any(d in window for d in _DOCTYPES):
                raise FormRefused(Msg(ja=f"文書型宣言（<!DOCTYPE>）を含む部品があります（{info.filename}）。Excel の様式にはないものです",
                                      en=f"a part holds a document type declaration (<!DOCTYPE>): {info.filename}; "
                                         f"no Excel form has one"))
            tail = window[-32:]


@dataclass
class Extent:
    """How far a sheet reaches: its declared range (`<dimension ref>`) and its last cell, and its cell count."""

    rows: int = 0
    columns: int = 0
    cells: int = 0


_REF = re.compile(r"\$?([A-Za-z]{1,4})\$?([0-9]{1,9})")


def _ref(ref: str) -> tuple[int, int]:
    """(row, column) of a cell reference such as XFD1048576 (absolute marks allowed); (0, 0) if unreadable."""
    m = _REF.fullmatch(ref)
    if m is None:
        return (0, 0)
    column = 0
    for ch in m.group(1).upper():
        column = column * 26 + ord(ch) - 64
    return int(m.group(2)), column


def sheet_extents(z: zipfile.ZipFile, parts: dict[str, str]) -> dict[str, Extent]:
    """Each sheet's extent (by sheet name, from its part in `parts`), streamed with expat and no tree
    built (no DTD: check_package refused any, and the parser refuses one again): refused at once when
    a sheet reaches beyond MAX_ROW or MAX_COLUMN or the workbook passes MAX_CELLS."""
    out: dict[str, Extent] = {}
    total = [0]
    for sheet, part in parts.items():
        ext = out[sheet] = Extent()
        row = [0]

        def start(name: str, attrs: dict, ext=ext, row=row, sheet=sheet) -> None:
            tag = name.rpartition(" ")[2]
            if tag == "c":
                total[0] += 1
                ext.cells += 1
                r, c = _ref(attrs.get("r") or "")
                ext.rows, ext.columns = max(ext.rows, r or row[0]), max(ext.columns, c)
                if total[0] > MAX_CELLS:
                    raise FormRefused(Msg(ja=f"セルの数が多すぎます（{MAX_CELLS:,} 個を超えています）",
                                          en=f"too many cells (more than {MAX_CELLS:,})"))
            elif tag == "row":
                got = attrs.get("r") or ""
                row[0] = int(got) if got.isdigit() and len(got) < 9 else row[0] + 1  # a row without cells builds nothing
                return
            elif tag == "dimension":
                r, c = _ref((attrs.get("ref") or "").rpartition(":")[2])
                ext.rows, ext.columns = max(ext.rows, r), max(ext.columns, c)
            else:
                return
            if ext.rows > MAX_ROW or ext.columns > MAX_COLUMN:
                raise _beyond(sheet, ext, MAX_ROW, MAX_COLUMN)

        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = start
        parser.StartDoctypeDeclHandler = _no_doctype
        parser.EntityDeclHandler = _no_doctype
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        with z.open(part) as f:
            while chunk := f.read(1 << 16):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    return out


def _no_doctype(*_args) -> None:
    raise FormRefused(Msg(ja="文書型宣言（<!DOCTYPE>）を含むシートがあります。Excel の様式にはないものです",
                          en="a sheet holds a document type declaration (<!DOCTYPE>); no Excel form has one"))


def check_extent(sheet: str, ext: Extent, rows: int, columns: int) -> None:
    """Refuse a sheet reaching beyond the form's own `rows` and `columns` plus the margins."""
    if ext.rows > rows + ROW_MARGIN or ext.columns > columns + COLUMN_MARGIN:
        raise _beyond(sheet, ext, rows + ROW_MARGIN, columns + COLUMN_MARGIN)


def _beyond(sheet: str, ext: Extent, rows: int, columns: int) -> FormRefused:
    far = f"{get_column_letter(min(ext.columns, 18278) or 1)}{ext.rows}"
    return FormRefused(Msg(
        ja=f"シート「{sheet}」の範囲が様式より大きすぎます（{far} まで。様式の行と列を大きく超えています: 上限 {rows:,} 行、{columns} 列）",
        en=f"the sheet {sheet!r} reaches far beyond the form (to {far}; the limit is {rows:,} rows and {columns} columns)"))


def sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Every sheet's part, by sheet name (sheets whose part is missing are left to the reader)."""
    names = set(z.namelist())
    out = {}
    for s in _parse(z, "xl/workbook.xml").iter(f"{{{MAIN_NS}}}sheet"):
        part = _sheet_part(z, s.get("name") or "")
        if part and part in names:
            out[s.get("name") or ""] = part
    return out
