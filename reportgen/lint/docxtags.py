"""A Word template's Jinja tags as docxtpl reads them, each with its place and the problems of its writing.

Read paragraph by paragraph as a person sees it (the text of its runs), so each problem names the
table, row and column (or paragraph) and the text around it: a tag Word split into runs of
different formatting or across a link's edge, a tag not closed in its paragraph, text a
`{%tr %}`/`{%p %}` tag would silently drop (templatecheck.py checks the rest).
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from reportgen.lint.templatesyntax import Tag
from reportgen.rules.problems import Msg, Problem

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")
_OPENER = re.compile(r"\{[{%#]")
_CLOSER = {"{{": "}}", "{%": "%}", "{#": "#}"}
_LEVEL = re.compile(r"(tr|tc|p|r) ")
# Run properties that change nothing a reader sees (spell-check language, proofing, font hints):
# runs that differ only in these are mended by docxtpl into the same output.
_INVISIBLE = {W + "lang", W + "noProof", W + "rPrChange", W + "specVanish", W + "webHidden"}


@dataclass(frozen=True)
class TemplateProblem(Problem):
    """A problem in a Word template: the file, where in it (table, row, column or paragraph), what."""

    where: Msg = field(default_factory=lambda: Msg("", ""))
    order: tuple = ()

    def render(self, lang: str = "ja") -> str:
        where = self.where(lang)
        return f"{self.file}: {where}: {self.message(lang)}" if where else f"{self.file}: {self.message(lang)}"


def _part_label(name: str) -> Msg:
    kind = re.sub(r"\d+$", "", Path(name).stem)
    ja = {"header": "ヘッダー", "footer": "フッター", "footnotes": "脚注", "endnotes": "文末脚注"}.get(kind)
    return Msg(ja or "", "" if ja is None else kind)


def _grid_column(row, cell) -> int:
    col = 1
    for tc in row.iterchildren(W + "tc"):
        if tc is cell:
            return col
        span = tc.find(f"{W}tcPr/{W}gridSpan")
        col += int(span.get(W + "val", "1")) if span is not None else 1
    return col


class _Part:
    """One part of a template: its paragraphs in order, each with its runs, location and text."""

    def __init__(self, name: str, xml: bytes) -> None:
        self.name, self.label = name, _part_label(name)
        root = etree.fromstring(xml)
        self.tables = {t: i for i, t in enumerate(root.iter(W + "tbl"), 1)}
        self.paragraphs = []
        body_no = 0
        for p in root.iter(W + "p"):
            chain = self._chain(p)
            if not chain:
                body_no += 1
            runs = [r for r in p.iter(W + "r") if next(r.iterancestors(W + "p"), None) is p]
            texts = ["".join(t.text or "" for t in r.iterchildren(W + "t")) for r in runs]
            self.paragraphs.append((p, chain, body_no, runs, texts))

    def _chain(self, p) -> list:
        """(table, row, cell) from the outermost table in, for a paragraph inside tables."""
        chain, row, cell = [], None, None
        for anc in p.iterancestors():
            if anc.tag == W + "tc":
                cell = anc
            elif anc.tag == W + "tr":
                row = anc
            elif anc.tag == W + "tbl":
                chain.append((anc, row, cell))
                row = cell = None
        return chain[::-1]

    def where(self, chain: list, body_no: int) -> Msg:
        ja, en = [], []
        for tbl, row, cell in chain:
            r = list(tbl.iterchildren(W + "tr")).index(row) + 1 if row is not None else 0
            c = _grid_column(row, cell) if row is not None and cell is not None else 0
            ja.append(f"表{self.tables[tbl]}・{r}行目・{c}列目")
            en.append(f"table {self.tables[tbl]}, row {r}, column {c}")
        if not chain:
            ja.append(f"段落{body_no}")
            en.append(f"paragraph {body_no}")
        prefix = self.label
        return Msg(" ".join(filter(None, [prefix.ja, "の中の".join(ja)])), " ".join(filter(None, [prefix.en, " in ".join(en)])))


def _unit_text(element) -> str:
    """A paragraph's, a cell's or a row's text as a person reads it (cells separated by |)."""
    if element.tag == W + "tr":
        return " | ".join(_unit_text(tc) for tc in element.iterchildren(W + "tc"))
    return " ".join("".join(t.text or "" for t in p.iter(W + "t")) for p in element.iter(W + "p")).strip()


def _memo(fn, arg):
    done = []

    def once():
        if not done:
            done.append(fn(arg))
        return done[0]
    return once


def _signature(run) -> tuple:
    """The formatting of a run that shows in print."""
    rpr = run.find(W + "rPr")
    if rpr is None:
        return ()
    out = []
    for child in rpr:
        if child.tag in _INVISIBLE:
            continue
        attrs = {k: v for k, v in child.attrib.items() if not k.endswith("}hint")}
        if child.tag == W + "rFonts" and not attrs:
            continue
        out.append((child.tag, tuple(sorted(attrs.items()))))
    return tuple(sorted(out))


def scan(part: _Part, file: str, order0: int, problems: list) -> list[Tag]:
    """The tags of one part in order; problems of their writing (splits, unclosed, dropped text)."""
    units: list[tuple[Tag, dict]] = []  # each tag, with its paragraph, row and cell
    owner_of: dict = {}  # paragraph, row or cell -> the {%p/tr/tc %} tag docxtpl replaces it with

    def bad(where, order, ja, en):
        problems.append(TemplateProblem(file, 0, 0, "", Msg(ja, en), where=where, order=(order0, *order)))

    for pi, (p, chain, body_no, runs, texts) in enumerate(part.paragraphs):
        text = "".join(texts)
        if "{" not in text:
            continue
        owner = [ri for ri, t in enumerate(texts) for _ in t]
        where = part.where(chain, body_no)
        unit = chain[-1][1] if chain and chain[-1][1] is not None else p
        context = _memo(_unit_text, unit)
        pos = 0
        while (m := _OPENER.search(text, pos)) is not None:
            i, opener = m.start(), m.group()
            j = text.find(_CLOSER[opener], i + 2)
            if j < 0:
                shown = text[i:i + 30]
                around = Tag(opener, "", "", shown, where, context, ()).around
                bad(where, (pi, i), f"タグ「{shown}」が同じ段落の中で閉じていません（「{_CLOSER[opener]}」がありません）。"
                                    f"周りの文字: 「{around}」",
                    f"tag \"{shown}\" is not closed within its paragraph (no \"{_CLOSER[opener]}\"); "
                    f"text around it: \"{around}\"")
                pos = i + 2
                continue
            written = text[i:j + 2]
            pos = j + 2
            used = sorted(set(owner[i:j + 2]))
            if len(used) > 1:
                around = Tag(opener, "", "", written, where, context, ()).around
                parts = [texts[k] if k not in (used[0], used[-1]) else
                         (text[i:sum(map(len, texts[:k + 1]))] if k == used[0] else text[sum(map(len, texts[:k])):j + 2])
                         for k in used]
                pieces, pieces_en = "」「".join(parts), '", "'.join(parts)
                if len({runs[k].getparent() for k in used}) > 1:
                    bad(where, (pi, i), f"タグ「{written}」の途中に、リンク・変更履歴・フィールドなどの境目があります（「{pieces}」）。"
                                        f"タグを消して一度に入力し直してください。周りの文字: 「{around}」",
                        f"tag \"{written}\" crosses the edge of a link, tracked change or field (\"{pieces_en}\"); "
                        f"delete it and type it again in one go; text around it: \"{around}\"")
                elif len({_signature(runs[k]) for k in used}) > 1:
                    bad(where, (pi, i), f"タグ「{written}」の途中で書式が変わっています（「{pieces}」）。出力は最初の部分の書式になり、"
                                        f"見た目がテンプレートと変わります。タグ全体を選んで書式をそろえてください。周りの文字: 「{around}」",
                        f"the formatting changes inside tag \"{written}\" (\"{pieces_en}\"): the output takes the first "
                        f"part's formatting; select the whole tag and give it one formatting; text around it: \"{around}\"")
                # runs split only by spell-check marks or revision ids: docxtpl joins them, output as written
            raw = written[2:-2]
            level = ""
            lv = _LEVEL.match(raw)  # docxtpl's {%p %}, {%tr %}, {%tc %}, {{r }} (no {#r #})
            if lv is not None and not (opener == "{#" and lv.group(1) == "r"):
                level, raw = lv.group(1), raw[lv.end():]
            tag = Tag(opener, raw, level, written, where, context, (order0, pi, i))
            row, cell = (chain[-1][1], chain[-1][2]) if chain else (None, None)
            units.append((tag, {"p": p, "tr": row, "tc": cell}))
            if level in ("p", "tr", "tc"):
                _dropped(tag, p, chain, bad, (pi, i))
                owner_of.setdefault(units[-1][1][level], tag)
    # what docxtpl drops with its paragraph, row or cell is not part of the template Jinja reads
    return [t for t, where_is in units
            if all(owner_of.get(where_is[lv], t) is t for lv in ("tr", "tc", "p") if where_is[lv] is not None)]


def _dropped(tag: Tag, p, chain: list, bad, order) -> None:
    """docxtpl replaces the whole paragraph, row or cell of a `{%p %}`, `{%tr %}`, `{%tc %}` tag by
    the tag: whatever else is written there is never printed."""
    ja_unit, en_unit = {"p": ("段落", "paragraph"), "tr": ("行", "row"), "tc": ("セル", "cell")}[tag.level]
    if tag.level == "p":
        unit = p
    elif not chain:
        bad(tag.where, order, f"「{tag.written}」は表の中にありません（{{%{tag.level} … %}} は表の{ja_unit}に置きます）",
            f"\"{tag.written}\" is not inside a table ({{%{tag.level} … %}} belongs in a table {en_unit})")
        return
    else:
        unit = chain[-1][1] if tag.level == "tr" else chain[-1][2]
    rest = _unit_text(unit).replace(tag.written, "", 1).replace("|", "").strip()
    if rest:
        bad(tag.where, order, f"「{tag.written}」のある{ja_unit}の他の文字「{rest[:40]}」は出力されません"
                              f"（docxtplはこの{ja_unit}全体をタグに置き換えます）。別の{ja_unit}に移してください",
            f"the other text of the {en_unit} holding \"{tag.written}\" (\"{rest[:40]}\") is never printed "
            f"(docxtpl replaces the whole {en_unit} with the tag): move it to another {en_unit}")


# The document properties docxtpl renders as templates too (DocxTemplate.render_properties), by element.
_DC, _CP = "{http://purl.org/dc/elements/1.1/}", "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
_PROPERTIES = {_DC + "creator": "author", _DC + "description": "comments", _DC + "identifier": "identifier",
               _DC + "language": "language", _DC + "subject": "subject", _DC + "title": "title"}


def docx_parts(content: bytes) -> tuple[list[_Part], list[tuple[str, str]]]:
    """The parts docxtpl renders, and the (property, text) of each document property it renders."""
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        names = sorted((n for n in z.namelist() if _PARTS.fullmatch(n)), key=lambda n: (not n.endswith("document.xml"), n))
        parts = [_Part(n, z.read(n)) for n in names]
        props = []
        if "docProps/core.xml" in z.namelist():
            for el in etree.fromstring(z.read("docProps/core.xml")):
                if el.tag in _PROPERTIES and "{" in (el.text or ""):
                    props.append((_PROPERTIES[el.tag], el.text))
        return parts, props
