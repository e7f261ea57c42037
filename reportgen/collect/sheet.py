"""A returned workbook's parts read without trusting them: cells as the clerk typed them, a sheet's rows (the package's limits: collect.package)."""
from __future__ import annotations

import datetime as _dt
import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import column_index_from_string

from reportgen.collect import excel
from reportgen.forms import layout
from reportgen.forms.identity import digest, row_text
from reportgen.rules.problems import Refusal

STRICT_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"


MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


class FormRefused(Refusal):
    """A file collect will not read; the message says why."""


def check_defused() -> None:
    """openpyxl parses with defusedxml when it is installed; refuse to read forms otherwise."""
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:
        raise RuntimeError("defusedxml is not installed: returned forms cannot be read safely")


@dataclass
class Cell:
    """A returned cell as collect sees it: its text as the clerk sees it, or why it cannot be taken."""

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
    kind: str
    rows: dict[str, dict[str, Cell]] = field(default_factory=dict)  # key → column letter → cell
    row_numbers: dict[str, list[int]] = field(default_factory=dict)
    extra_keys: list[tuple[int, str]] = field(default_factory=list)
    stray: list[Cell] = field(default_factory=list)  # text in inserted rows or beyond the form's columns
    columns: tuple = ()  # the form's columns as its identity records them, else its kind's fixed ones (layout)
    sha256: str = ""  # of the bytes read, which the cycle's record names

    def __post_init__(self) -> None:
        if not self.columns:
            self.columns = layout.COLUMNS[self.kind]

    def column(self, name: str) -> layout.Column:
        return next(c for c in self.columns if c.name == name)


@dataclass(frozen=True)
class _Meta:
    """What openpyxl does not tell about a cell: its number format id and code, the stored number,
    and a string cell's text exactly as stored (openpyxl half-decodes shared strings' escapes)."""

    format_id: int | None
    code: str | None
    stored: str | None
    text: str | None = None


def _parse(z: zipfile.ZipFile, name: str):
    from defusedxml.ElementTree import fromstring

    return fromstring(z.read(name))


def _sheet_part(z: zipfile.ZipFile, sheet: str) -> str | None:
    wb = _parse(z, "xl/workbook.xml")
    rid = next((s.get(f"{{{REL_NS}}}id") for s in wb.iter(f"{{{MAIN_NS}}}sheet") if s.get("name") == sheet), None)
    rels = _parse(z, "xl/_rels/workbook.xml.rels")
    target = next((r.get("Target") for r in rels.iter(f"{{{PKG_REL_NS}}}Relationship") if r.get("Id") == rid), None)
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def _styles(z: zipfile.ZipFile) -> list[tuple[int | None, str | None]]:
    """(number format id, its code) of each cell format (xf) in order; ids below 164 are built in and
    may have no code in the file (Japanese Excel's dates 27–36 and 50–58 never do)."""
    if "xl/styles.xml" not in z.namelist():
        return []
    root = _parse(z, "xl/styles.xml")
    codes = {int(n.get("numFmtId", "-1")): n.get("formatCode") for n in root.iter(f"{{{MAIN_NS}}}numFmt")}
    xfs = root.find(f"{{{MAIN_NS}}}cellXfs")
    out = []
    for xf in xfs if xfs is not None else []:
        fid = xf.get("numFmtId")
        fid = int(fid) if fid is not None and fid.isdigit() else None
        out.append((fid, codes.get(fid) if fid is not None else None))
    return out


def _shared_strings(z: zipfile.ZipFile) -> list[str]:
    """The shared strings as stored: plain or rich runs joined, furigana (rPh) left out."""
    names = {n.lower(): n for n in z.namelist()}
    name = names.get("xl/sharedstrings.xml")
    if name is None:
        return []
    out = []
    for si in _parse(z, name).iter(f"{{{MAIN_NS}}}si"):
        parts = [t.text or "" for t in si.findall(f"{{{MAIN_NS}}}t")]
        parts += [t.text or "" for r in si.findall(f"{{{MAIN_NS}}}r") for t in r.findall(f"{{{MAIN_NS}}}t")]
        out.append("".join(parts))
    return out


def _inline(el) -> str:
    is_ = el.find(f"{{{MAIN_NS}}}is")
    if is_ is None:
        return ""
    parts = [t.text or "" for t in is_.findall(f"{{{MAIN_NS}}}t")]
    parts += [t.text or "" for r in is_.findall(f"{{{MAIN_NS}}}r") for t in r.findall(f"{{{MAIN_NS}}}t")]
    return "".join(parts)


def _cell_meta(z: zipfile.ZipFile, part: str) -> dict[str, _Meta]:
    """Style and stored value of every number cell, and the stored text of every string cell, by reference."""
    from defusedxml.ElementTree import iterparse
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.cell import coordinate_from_string

    styles = _styles(z)
    strings = _shared_strings(z)
    meta: dict[str, _Meta] = {}
    row = col = 0
    with z.open(part) as f:
        for event, el in iterparse(f, events=("start", "end")):
            tag = el.tag.rpartition("}")[2]
            if event == "start":
                if tag == "row":
                    row = int(el.get("r") or row + 1)
                    col = 0
                continue
            if tag == "c":
                ref = el.get("r")
                if ref:
                    letters, row = coordinate_from_string(ref)
                    col = column_index_from_string(letters)
                else:
                    col += 1
                    ref = f"{get_column_letter(col)}{row}"
                t = el.get("t", "n")
                v = el.find(f"{{{MAIN_NS}}}v")
                if t == "n":
                    s = el.get("s")
                    fid, code = styles[int(s)] if s and s.isdigit() and int(s) < len(styles) else (0, None)
                    meta[ref] = _Meta(fid, code, v.text if v is not None else None)
                elif t == "s" and v is not None and (v.text or "").strip().isdigit() and int(v.text) < len(strings):
                    meta[ref] = _Meta(None, None, None, strings[int(v.text)])
                elif t == "inlineStr":
                    meta[ref] = _Meta(None, None, None, _inline(el))
                el.clear()
            elif tag == "row":
                el.clear()
    return meta


def _date_text(value) -> str:
    if isinstance(value, _dt.datetime) and value.time() == _dt.time(0):
        value = value.date()
    if isinstance(value, _dt.datetime):
        return f"{value.year}/{value.month}/{value.day} {value:%H:%M}"
    if isinstance(value, _dt.date):
        return f"{value.year}/{value.month}/{value.day}"
    return f"{value:%H:%M}"


def _cell(c, meta: dict[str, _Meta]) -> Cell:
    v = c.value
    ref = c.coordinate
    if c.data_type == "f" or (hasattr(v, "text") and type(v).__name__ in ("ArrayFormula", "DataTableFormula")):
        return Cell(ref, c.row, c.column, str(getattr(v, "text", v)), formula=True)
    if v is None:
        return Cell(ref, c.row, c.column, "")
    if isinstance(v, bool):
        return Cell(ref, c.row, c.column, str(v).upper(), kind="bool")
    if isinstance(v, (int, float)):
        m = meta.get(ref, _Meta(None, c.number_format, None))
        if excel.is_date_format(m.format_id, m.code):
            from openpyxl.utils.datetime import from_excel

            # a workbook saved with the 1904 date system (Excel for Mac) counts its days from 1904: read with
            # 1900's, 2025/4/1 would be quoted as 2021/3/31
            workbook = getattr(getattr(c, "parent", None), "parent", None)
            epoch = getattr(workbook, "epoch", None)
            try:
                return Cell(ref, c.row, c.column, _date_text(from_excel(v, epoch) if epoch else from_excel(v)), kind="date")
            except (ValueError, OverflowError):
                return Cell(ref, c.row, c.column, str(v), kind="date")
        percent = excel.is_percent_format(m.format_id, m.code or c.number_format)
        return Cell(ref, c.row, c.column, excel.number_text(v, percent), kind="number")
    if isinstance(v, (_dt.datetime, _dt.date, _dt.time)):
        return Cell(ref, c.row, c.column, _date_text(v), kind="date")
    if c.data_type == "e":
        return Cell(ref, c.row, c.column, str(v), kind="error")
    stored = meta.get(ref)
    return Cell(ref, c.row, c.column, excel.cell_text(stored.text if stored and stored.text is not None else str(v)))


def _rows(form: ReturnedForm, ws, wanted: set[str], fixed: set[str], meta: dict[str, _Meta]) -> ReturnedForm:
    """Every row of the sheet: a form row by its key, or a row the clerk inserted (its text reported)."""
    last = max(c.index for c in form.columns)
    letters = [c.letter for c in form.columns][1:]
    for cells in ws.iter_rows(min_row=1, max_row=ws.max_row or 1):
        if not cells:
            continue
        row = cells[0].row
        read = [_cell(c, meta) for c in cells if getattr(c, "column", None)]
        by_col = {c.column: c for c in read}
        key_cell = by_col.get(1)
        key = key_cell.text.strip() if key_cell else ""
        beyond = [c for c in read if c.column > last and (c.text.strip() or c.formula)]
        if not key:
            texts = [by_col[i].text if i in by_col else "" for i in range(2, max(by_col, default=1) + 1)]
            if any(t.strip() for t in texts) and digest(row_text(texts)) not in fixed:
                form.stray.extend(c for c in read if c.column > 1 and (c.text.strip() or c.formula))
            continue
        form.stray.extend(beyond)
        if key not in wanted:
            form.extra_keys.append((row, key))
            continue
        form.row_numbers.setdefault(key, []).append(row)
        form.rows[key] = {letter: by_col.get(column_index_from_string(letter)) or
                          Cell(f"{letter}{row}", row, column_index_from_string(letter), "")
                          for letter in letters}
    return form
