"""Read a returned form (untrusted) without modifying it: its bytes taken once, package checks first, then openpyxl, read only."""
from __future__ import annotations

import hashlib
import io
import json
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.etree.ElementTree import ParseError

import openpyxl
from defusedxml import DefusedXmlException

from reportgen.collect import excel
from reportgen.collect.package import Extent, check_extent, check_package, read_regular, sheet_extents, sheet_parts
from reportgen.collect.sheet import FormRefused, ReturnedForm, _cell_meta, _rows, _sheet_part, check_defused
from reportgen.forms import layout
from reportgen.forms.column import Column
from reportgen.forms.identity import FORMAT, IDENTITY_SHEET
from reportgen.forms.kind import Kinds
from reportgen.rules.problems import Msg


def read_form(path: Path, kinds: Kinds) -> ReturnedForm:
    """Check the package, recognise the form and read its rows (with its kind's reader); never writes the file.

    Whatever the file holds, the answer is a form or FormRefused: a parser's failure, and memory or
    recursion running out on one form, refuse that form and leave the batch to go on."""
    check_defused()
    data = read_regular(path)
    check_package(data, Path(path))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            parts = sheet_parts(z)
            extents = sheet_extents(z, parts)
            # the form's own extent, from its identity read by streaming: a sheet far beyond it is
            # refused before openpyxl builds it (an identity unreadable here is refused by _recognise)
            for sheet, rows, columns in _own_extent(_streamed_identity(z, parts), kinds):
                check_extent(sheet, extents.get(sheet, Extent()), rows, columns)
        with warnings.catch_warnings():  # e.g. a Gnumeric file's missing default style: nothing for the clerk
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(data), data_only=False, keep_links=False)
        form = _recognise(path, data, wb, kinds)
    except FormRefused:
        raise
    except (MemoryError, RecursionError):
        raise FormRefused(Msg(ja="ファイルが大きすぎるか複雑すぎて読めません（メモリか入れ子の上限を超えました）",
                              en="the file is too large or too deeply nested to read (memory or nesting ran out)")) from None
    except DefusedXmlException:
        raise FormRefused(Msg(ja="文書型宣言や実体参照（<!DOCTYPE>、<!ENTITY>）を含む部品があります。Excel の様式にはないものです",
                              en="a part holds a document type declaration or entities (<!DOCTYPE>, <!ENTITY>); no Excel form has one")) from None
    except (zipfile.BadZipFile, ParseError, KeyError):
        raise FormRefused(Msg(ja="Excel ブックとして読めません（中の XML が壊れています）",
                              en="cannot be read as a workbook (its XML is damaged)")) from None
    except Exception as exc:  # noqa: BLE001 - any parser failure means: not a readable workbook
        raise FormRefused(Msg(ja=f"Excel ブックとして読めません（{type(exc).__name__}）",
                              en=f"cannot be read as a workbook ({type(exc).__name__})")) from None
    form.sha256 = hashlib.sha256(data).hexdigest()
    return form


def _streamed_identity(z: zipfile.ZipFile, parts: dict[str, str]) -> dict | None:
    """The form's identity as stored in its identity sheet's column A, or None where it is not readable."""
    if IDENTITY_SHEET not in parts:
        return None
    meta = _cell_meta(z, parts[IDENTITY_SHEET])
    if (meta.get("A1") and meta["A1"].text) != FORMAT:
        return None
    chunks, r = [], 2
    while (m := meta.get(f"A{r}")) is not None and m.text:
        chunks.append(excel.unescape(m.text))
        r += 1
    try:
        ident = json.loads("".join(chunks))
    except ValueError:
        return None
    return ident if isinstance(ident, dict) else None


def _own_extent(ident: dict | None, kinds: Kinds) -> list[tuple[str, int, int]]:
    """(sheet, rows, columns) the form's identity gives each of its input sheets; none where it says nothing usable."""
    try:
        if ident is None:
            return []
        kind = kinds.get(ident.get("kind"))
        return kind.extent(ident) if kind is not None else []
    except (KeyError, TypeError, AttributeError):
        return []


def sheet_extent(columns: tuple[Column, ...]) -> Callable[[dict], list[tuple[str, int, int]]]:
    """A department form's one input sheet, as its identity gives it (FormKind.extent); `columns`: its kind's,
    where the identity records none."""
    def extent(ident: dict) -> list[tuple[str, int, int]]:
        return [(str(ident["sheet"]), len(ident["rows"]) + len(ident["fixed"]), len(ident["columns"]) if "columns" in ident else len(columns))]
    return extent


def _recognise(path: Path, data: bytes, wb, kinds: Kinds) -> ReturnedForm:
    try:
        if IDENTITY_SHEET not in wb.sheetnames:
            raise FormRefused(Msg(ja="reportgen が作成した様式ではありません（識別情報がありません）",
                                  en="not a reportgen form (it carries no form identity)"))
        ident_ws = wb[IDENTITY_SHEET]
        if ident_ws.cell(row=1, column=1).value != FORMAT:
            raise FormRefused(Msg(ja="様式の識別情報が読めません（古い版の reportgen の様式か、壊れています）",
                                  en="the form identity is not readable (a form of an older reportgen, or damaged)"))
        chunks = []
        r = 2
        while ident_ws.cell(row=r, column=1).value:
            chunks.append(excel.unescape(str(ident_ws.cell(row=r, column=1).value)))
            r += 1
        try:
            ident = json.loads("".join(chunks))
            kind = kinds.get(ident.get("kind")) if isinstance(ident, dict) else None
            if kind is None:  # a kind no module declares (reportgen.formkinds)
                raise KeyError("kind")
        except (ValueError, KeyError, TypeError):
            raise FormRefused(DAMAGED) from None
        return kind.read(path, data, wb, ident)
    finally:
        wb.close()


DAMAGED = Msg(ja="様式の識別情報が壊れています", en="the form identity is damaged")


def sheet_form(columns: tuple[Column, ...]) -> Callable[..., ReturnedForm]:
    """A department form's reader (FormKind.read): its one input sheet read row by row, by the columns its
    identity records, else its kind's `columns` (a form sent before the columns followed the declaration)."""
    def read(path: Path, data: bytes, wb, ident: dict) -> ReturnedForm:
        try:
            sheet, kind = ident["sheet"], ident["kind"]
            keys = [row["key"] for row in ident["rows"]]
            fixed = set(ident["fixed"])
            # a KPI form's columns follow its strategy's rating axes (layout.kpi_columns); a form sent with the
            # fixed columns (Iruma's, or before they followed the declaration) records none
            cols = layout.columns_of(ident["columns"]) if "columns" in ident else columns
        except (ValueError, KeyError, TypeError):
            raise FormRefused(DAMAGED) from None
        if sheet not in wb.sheetnames:
            raise FormRefused(Msg(ja=f"入力シート「{sheet}」がありません", en=f"the input sheet {sheet!r} is missing"))
        ws = wb[sheet]
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            part = _sheet_part(z, sheet)
            meta = _cell_meta(z, part) if part and part in z.namelist() else {}
        return _rows(ReturnedForm(path, ident, sheet, kind, columns=cols), ws, set(keys), fixed, meta)
    return read
