"""Returned forms written the way Excel on Windows writes them (SYNTHETIC, for tests; no Excel needed).

Takes a form reportgen issued and rewrites its package as Excel saves it after a clerk typed into
it: every text in the shared strings table, `_xHHHH_` escapes (a carriage return as `_x000D_`, a
literal `_x` as `_x005F_x`), numbers with the built-in number format id Excel picks by itself and
no format code (0.047% → 0.00047 with id 10; a date → id 14 or Japanese 27–36/50–58), quote
prefixes, rich text runs with furigana (rPh), rows inserted (shifting the rows below), and
"Strict Open XML" saving.
"""
from __future__ import annotations

import copy
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
STRICT_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships"
ET.register_namespace("", MAIN)
ET.register_namespace("r", REL)
Q = f"{{{MAIN}}}"


@dataclass(frozen=True)
class Number:
    """A number as Excel stores it: the text of <v> and the built-in format id it applied (no code)."""

    stored: str
    format_id: int = 0


@dataclass(frozen=True)
class Quoted:
    """Text typed with a leading apostrophe ('0123): stored as text with quotePrefix."""

    text: str


@dataclass(frozen=True)
class Rich:
    """Rich text: runs of (text, furigana or None), as Japanese IME input leaves them (rPh)."""

    runs: tuple


@dataclass(frozen=True)
class Formula:
    formula: str
    cached: str = ""


@dataclass(frozen=True)
class Bool:
    value: bool


CLEARED = None  # the Delete key: the cell keeps its style, loses its value


def escape(text: str) -> str:
    """How Excel writes a string into XML: a literal _xHHHH_ protected as _x005F_xHHHH_, CR and
    control characters as _xHHHH_."""
    text = re.sub(r"_(x[0-9A-Fa-f]{4}_)", r"_x005F_\1", text)
    return "".join(f"_x{ord(ch):04X}_" if (ord(ch) < 32 and ch not in "\n\t") or ch == "\r" else ch for ch in text)


def _col(ref: str) -> str:
    return re.match(r"[A-Z]+", ref).group()


def _rownum(ref: str) -> int:
    return int(re.search(r"\d+", ref).group())


def _shift_ref(ref: str, at: int, by: int) -> str:
    def one(m):
        n = int(m.group(2))
        return f"{m.group(1)}{n + by if n >= at else n}"
    return re.sub(r"([A-Z]+)(\d+)", one, ref)


class _Book:
    def __init__(self, form: Path):
        with zipfile.ZipFile(form) as z:
            self.parts = {i.filename: z.read(i) for i in z.infolist()}
        self.sheet = ET.fromstring(self.parts["xl/worksheets/sheet1.xml"])
        self.styles = ET.fromstring(self.parts["xl/styles.xml"])
        self.strings: list[ET.Element] = []
        self.index: dict[str, int] = {}
        self.xfs = self.styles.find(f"{Q}cellXfs")
        self.derived: dict[tuple, int] = {}
        for c in self.sheet.iter(f"{Q}c"):  # Excel keeps every text in the shared strings table
            if c.get("t") == "inlineStr":
                text = "".join(t.text or "" for t in c.iter(f"{Q}t"))
                for child in list(c):
                    c.remove(child)
                self._set_shared(c, self._plain(escape(text)))

    # shared strings
    def _plain(self, escaped: str) -> ET.Element:
        si = ET.Element(f"{Q}si")
        t = ET.SubElement(si, f"{Q}t")
        t.text = escaped
        if escaped != escaped.strip() or "\n" in escaped:
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        return si

    def _set_shared(self, c: ET.Element, si: ET.Element) -> None:
        key = ET.tostring(si, encoding="unicode")
        if key not in self.index:
            self.index[key] = len(self.strings)
            self.strings.append(si)
        c.set("t", "s")
        ET.SubElement(c, f"{Q}v").text = str(self.index[key])

    def _style(self, c: ET.Element, **changes) -> None:
        """The cell's format with Excel's changes (a number format id, a quote prefix) as a new xf."""
        base = int(c.get("s", "0"))
        key = (base, tuple(sorted(changes.items())))
        if key not in self.derived:
            xf = copy.deepcopy(self.xfs[base])
            for k, v in changes.items():
                xf.set(k, str(v))
            if "numFmtId" in changes:
                xf.set("applyNumberFormat", "1")
            self.xfs.append(xf)
            self.xfs.set("count", str(len(self.xfs)))
            self.derived[key] = len(self.xfs) - 1
        c.set("s", str(self.derived[key]))

    # cells
    def rows(self) -> dict[int, ET.Element]:
        return {int(r.get("r")): r for r in self.sheet.find(f"{Q}sheetData")}

    def row_of(self, key: str) -> int:
        for n, row in self.rows().items():
            for c in row:
                if c.get("r") == f"A{n}" and self.text(c) == key:
                    return n
        raise KeyError(key)

    def text(self, c: ET.Element) -> str:
        if c.get("t") == "s":
            si = self.strings[int(c.find(f"{Q}v").text)]
            return "".join(t.text or "" for t in si.iter(f"{Q}t"))
        v = c.find(f"{Q}v")
        return v.text if v is not None else ""

    def cell(self, ref: str) -> ET.Element:
        n = _rownum(ref)
        rows = self.rows()
        if n not in rows:
            data = self.sheet.find(f"{Q}sheetData")
            row = ET.Element(f"{Q}row", r=str(n))
            after = [i for i, r in enumerate(data) if int(r.get("r")) < n]
            data.insert(len(after), row)
            rows[n] = row
        row = rows[n]
        for c in row:
            if c.get("r") == ref:
                return c
        c = ET.Element(f"{Q}c", r=ref)
        cols = [c2 for c2 in row if len(_col(c2.get("r"))) < len(_col(ref)) or
                (len(_col(c2.get("r"))) == len(_col(ref)) and _col(c2.get("r")) < _col(ref))]
        row.insert(len(cols), c)
        return c

    def put(self, ref: str, value) -> None:
        c = self.cell(ref)
        for child in list(c):
            c.remove(child)
        c.attrib.pop("t", None)
        if value is CLEARED:
            return
        if isinstance(value, Number):
            ET.SubElement(c, f"{Q}v").text = value.stored
            self._style(c, numFmtId=value.format_id)
        elif isinstance(value, Quoted):
            self._set_shared(c, self._plain(escape(value.text)))
            self._style(c, quotePrefix=1)
        elif isinstance(value, Rich):
            si = ET.Element(f"{Q}si")
            runs, phonetics, at = [], [], 0
            for text, ruby in value.runs:
                r = ET.SubElement(si, f"{Q}r")
                rpr = ET.SubElement(r, f"{Q}rPr")
                ET.SubElement(rpr, f"{Q}sz", val="10")
                ET.SubElement(rpr, f"{Q}rFont", val="ＭＳ Ｐゴシック")
                ET.SubElement(rpr, f"{Q}charset", val="128")
                ET.SubElement(r, f"{Q}t").text = escape(text)
                if ruby:
                    phonetics.append((at, at + len(text), ruby))
                at += len(text)
            for sb, eb, ruby in phonetics:
                ph = ET.SubElement(si, f"{Q}rPh", sb=str(sb), eb=str(eb))
                ET.SubElement(ph, f"{Q}t").text = ruby
            ET.SubElement(si, f"{Q}phoneticPr", fontId="1")
            self._set_shared(c, si)
        elif isinstance(value, Formula):
            ET.SubElement(c, f"{Q}f").text = value.formula.lstrip("=")
            c.set("t", "str")
            ET.SubElement(c, f"{Q}v").text = value.cached
        elif isinstance(value, Bool):
            c.set("t", "b")
            ET.SubElement(c, f"{Q}v").text = "1" if value.value else "0"
        else:
            self._set_shared(c, self._plain(escape(str(value))))

    def insert_row(self, at: int) -> None:
        """Excel's 行の挿入: the rows from `at` on move down one, with every reference to them."""
        for row in sorted(self.rows().values(), key=lambda r: -int(r.get("r"))):
            n = int(row.get("r"))
            if n >= at:
                row.set("r", str(n + 1))
                for c in row:
                    c.set("r", _shift_ref(c.get("r"), at, 1))
        for el in self.sheet.iter():
            for attr in ("sqref", "ref", "topLeftCell"):
                if el.get(attr) and el.tag != f"{Q}c":
                    el.set(attr, _shift_ref(el.get(attr), at, 1))

    def save(self, dest: Path, strict: bool = False) -> Path:
        parts = dict(self.parts)
        parts["xl/worksheets/sheet1.xml"] = ET.tostring(self.sheet, xml_declaration=True, encoding="UTF-8")
        parts["xl/styles.xml"] = ET.tostring(self.styles, xml_declaration=True, encoding="UTF-8")
        sst = ET.Element(f"{Q}sst", count=str(len(self.strings)), uniqueCount=str(len(self.strings)))
        sst.extend(self.strings)
        parts["xl/sharedStrings.xml"] = ET.tostring(sst, xml_declaration=True, encoding="UTF-8")
        ct = parts["[Content_Types].xml"].decode()
        if "sharedStrings" not in ct:
            ct = ct.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            parts["[Content_Types].xml"] = ct.encode()
        rels = parts["xl/_rels/workbook.xml.rels"].decode()
        if "sharedStrings" not in rels:
            rels = rels.replace("</Relationships>", '<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/'
                                'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
            parts["xl/_rels/workbook.xml.rels"] = rels.encode()
        if strict:
            for name in list(parts):
                if name.startswith("xl/") and name.endswith(".xml"):
                    parts[name] = parts[name].replace(MAIN.encode(), STRICT_MAIN.encode()).replace(REL.encode(), STRICT_REL.encode())
        with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in parts.items():
                z.writestr(name, data)
        return dest


def excel_save(form: Path, dest: Path, values: dict[str, dict[str, object]] | None = None, *,
               inserted: list[tuple[str, dict[str, object]]] = (), strict: bool = False) -> Path:
    """`form` as Excel saves it after a clerk typed `values` ({row key: {column letter: value}}) and
    inserted rows ([(row key to insert above, {column letter: value})]; the sheet unprotected)."""
    book = _Book(form)
    for key, cells in (values or {}).items():
        n = book.row_of(key)
        for letter, value in cells.items():
            book.put(f"{letter}{n}", value)
    for above, cells in inserted:
        n = book.row_of(above) if above else max(book.rows()) + 1
        if above:
            book.insert_row(n)
        for letter, value in cells.items():
            book.put(f"{letter}{n}", value)
    return book.save(dest, strict=strict)
