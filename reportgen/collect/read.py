"""Read a returned form (untrusted) without modifying it: package checks first, then openpyxl, read only."""
from __future__ import annotations

import json
import warnings
import zipfile
from pathlib import Path

from reportgen.collect import excel
from reportgen.collect.registry_read import recognise
from reportgen.collect.sheet import FormRefused, ReturnedForm, _cell_meta, _rows, _sheet_part, check_defused, check_package
from reportgen.forms import layout
from reportgen.forms.identity import FORMAT, IDENTITY_SHEET
from reportgen.rules.problems import Msg


def read_form(path: Path) -> ReturnedForm:
    """Check the package, recognise the form and read its rows; never writes the file."""
    check_defused()
    check_package(path)
    import openpyxl

    with open(path, "rb") as fh:  # ours to close: openpyxl leaves the file open when it fails
        try:
            with warnings.catch_warnings():  # e.g. a Gnumeric file's missing default style: nothing for the clerk
                warnings.simplefilter("ignore")
                wb = openpyxl.load_workbook(fh, data_only=False, keep_links=False)
        except Exception as exc:  # noqa: BLE001 - any parser failure means: not a readable workbook
            raise FormRefused(Msg(ja=f"Excel ブックとして読めません（{type(exc).__name__}）",
                                  en=f"cannot be read as a workbook ({type(exc).__name__})")) from None
        return _recognise(path, wb)


def _recognise(path: Path, wb) -> ReturnedForm:
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
            if isinstance(ident, dict) and ident.get("kind") == "registry":  # the office's registry: two sheets

                return recognise(path, wb, ident)
            sheet, kind = ident["sheet"], ident["kind"]
            keys = [row["key"] for row in ident["rows"]]
            fixed = set(ident["fixed"])
            if kind not in layout.COLUMNS:
                raise KeyError(kind)
            # a KPI form's columns follow its strategy's rating axes (layout.kpi_columns); a form sent with the
            # fixed columns (Iruma's, or before they followed the declaration) records none
            columns = layout.columns_of(ident["columns"]) if "columns" in ident else layout.COLUMNS[kind]
        except (ValueError, KeyError, TypeError):
            raise FormRefused(Msg(ja="様式の識別情報が壊れています", en="the form identity is damaged")) from None
        if sheet not in wb.sheetnames:
            raise FormRefused(Msg(ja=f"入力シート「{sheet}」がありません", en=f"the input sheet {sheet!r} is missing"))
        ws = wb[sheet]
        with zipfile.ZipFile(path) as z:
            part = _sheet_part(z, sheet)
            meta = _cell_meta(z, part) if part and part in z.namelist() else {}
        return _rows(ReturnedForm(path, ident, sheet, kind, columns=columns), ws, set(keys), fixed, meta)
    finally:
        wb.close()


