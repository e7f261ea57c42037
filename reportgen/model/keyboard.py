"""Japanese-keyboard slips in a data file's YAML: those NFKC gives one meaning (target：0人) mended, the others named on their line."""
from __future__ import annotations

import re
from dataclasses import dataclass

from reportgen.rules.problems import Msg

# A key as the data files write them (ASCII), then a full-width colon where YAML needs ": ".
_WIDE_COLON_KEY = re.compile(r"(?P<lead>[ ]*(?:[-－][ ]+)?)(?P<key>[A-Za-z_][A-Za-z0-9_]*)[ ]*：[ 　]?(?P<rest>.*)")
# A list item written with the full-width minus (NFKC gives "-"): "－ name: x".
_WIDE_DASH = re.compile(r"(?P<lead>[ ]*)－(?P<gap>[ 　])")
# A value that opens a block scalar (| or >, with its indicators, then perhaps a comment).
_BLOCK = re.compile(r".*(?::|^\s*-|^)\s+[|>][+-]?[0-9]?[+-]?\s*(?:#.*)?$")


@dataclass(frozen=True)
class Slip:
    """A character the YAML cannot take where it stands; line and column 1-based."""

    line: int
    column: int
    message: Msg


def mend(text: str) -> tuple[str, list[Slip]]:
    """The text with the slips of one meaning mended, and the slips that have more than one (named, not mended).

    A block scalar's lines (`description: |` …) are prose: a full-width space that starts a paragraph
    there is the writer's own and is left alone."""
    lines = text.split("\n")
    slips: list[Slip] = []
    block_indent: int | None = None
    for n, line in enumerate(lines):
        indent = len(line) - len(line.lstrip(" "))
        if block_indent is not None:
            if not line.strip() or indent > block_indent:
                continue
            block_indent = None
        lead = re.match(r"[ \t\u3000]*", line).group(0)
        if "\t" in lead:
            slips.append(Slip(n + 1, lead.index("\t") + 1, Msg(
                ja="行頭にタブ文字があります。字下げは半角スペースで書いてください",
                en="a tab in the indentation; indent with spaces")))
            continue
        if "\u3000" in lead:
            slips.append(Slip(n + 1, lead.index("\u3000") + 1, Msg(
                ja="行頭に全角スペースがあります。字下げは半角スペースで書いてください（全角スペース 1 つが半角 1 つか 2 つかは決められません）",
                en="a full-width space (U+3000) in the indentation; indent with ASCII spaces")))
            continue
        if line.lstrip().startswith("#"):
            continue
        m = _WIDE_DASH.match(line)
        if m:
            line = f"{m.group('lead')}- {line[m.end():]}"
        m = _WIDE_COLON_KEY.fullmatch(line)
        if m and ":" not in line[: line.index("：")]:
            line = f"{m.group('lead').replace('－', '-')}{m.group('key')}: {m.group('rest')}"
        lines[n] = line
        if _BLOCK.match(line):
            block_indent = indent
    return "\n".join(lines), slips


# PyYAML's problems (and reportgen.model.yamlsrc's own), in Japanese: a clerk never meets an English YAML error.
_YAML_JA = [
    (r"YAML syntax error: could not find expected ':'", "「:」（半角のコロンと空白）が見つかりません。「項目: 値」の形で書いてください"),
    (r"YAML syntax error: mapping values are not allowed (?:here|in this context)",
     "ここには「項目: 値」を書けません（字下げを確かめてください。値に「: 」を含めるなら引用符 \" \" で囲みます）"),
    (r"YAML syntax error: found character '\\t' that cannot start any token", "タブ文字は使えません。半角スペースで書いてください"),
    (r"YAML syntax error: found a tab character .*", "タブ文字は使えません。半角スペースで書いてください"),
    (r"YAML syntax error: expected <block end>, but found .*", "字下げがそろっていません（同じ階層の項目は同じ字下げで）"),
    (r"YAML syntax error: did not find expected key", "字下げがそろっていないか、「項目: 値」の形ではありません"),
    (r"YAML syntax error: did not find expected '-' indicator", "字下げがそろっていません（リストの項目は「- 」で始めます）"),
    (r"YAML syntax error: did not find expected node content", "値がありません（「- 」や「: 」の後に値を書いてください）"),
    (r"YAML syntax error: found unexpected end of stream", "引用符が閉じていません"),
    (r"YAML syntax error: found unexpected ':'", "「:」の位置が正しくありません（値に「:」を含めるなら引用符で囲みます）"),
    (r"YAML syntax error: found unknown escape character.*", "引用符 \" \" の中の「\\」の後の文字が正しくありません（「\\\\」と書くか ' ' で囲みます）"),
    (r"YAML syntax error: expected ',' or ']', but got .*", "[ ] のリストが閉じていません"),
    (r"YAML syntax error: expected ',' or '}', but got .*", "{ } の項目の並びが閉じていません"),
    (r"YAML syntax error: found character '(.)' that cannot start any token", r"「\1」で値を始めることはできません（引用符で囲んでください）"),
    (r"YAML syntax error: while scanning .*", "引用符や括弧が閉じていません"),
    (r"duplicate key '(.*)' \(first at line (\d+)\)", r"項目 \1 が2回あります（最初は \2 行目）"),
    (r"anchors and aliases .*", "アンカーとエイリアス（&名前, *名前）は使えません。値をそのまま書いてください"),
    (r"explicit tags such as (.*) are not allowed", r"タグ（\1）は使えません"),
    (r"keys must be plain text", "項目名は文字で書いてください"),
    (r"merge keys \(<<\) are not allowed", "マージキー（<<）は使えません"),
    (r"nested too deeply \(more than (\d+) levels of mappings and lists\)",
     r"入れ子が深すぎます（マッピングとリストが \1 段を超えています）"),
]


def yaml_message(text: str) -> Msg:
    """A YAML reader's problem in both languages (English as the reader said it)."""
    for pattern, ja in _YAML_JA:
        m = re.fullmatch(pattern, text, re.DOTALL)
        if m:
            return Msg(ja=f"YAML として読めません: {m.expand(ja)}", en=text)
    if not text.isascii():  # a message already written for the clerk
        return Msg(ja=f"YAML として読めません: {text}", en=text)
    return Msg(ja="YAML として読めません（書式の誤り。行と列の位置を確かめてください）", en=text)
