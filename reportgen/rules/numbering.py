"""How a city numbers its goals, policies and measures: a pattern written as its first number prints (1, Ⅰ, ①, 第1, 施策①)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from reportgen.rules.problems import Invalid, Msg

# The counters a pattern may show, each written as its first value; the words around it are kept.
_ROMAN = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ"
_SMALL_ROMAN = "ⅰⅱⅲⅳⅴⅵⅶⅷⅸⅹⅺⅻ"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳㉑㉒㉓㉔㉕㉖㉗㉘㉙㉚㉛㉜㉝㉞㉟㊱㊲㊳㊴㊵㊶㊷㊸㊹㊺㊻㊼㊽㊾㊿"
_KANJI = "一二三四五六七八九"
_FULL_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")

EXPECTED = Msg(
    ja="番号の書式: 最初の番号の書き方（例: 1, Ⅰ, ①, 第1, 施策①, (1), １, A）、番号を付けないときは空文字列 \"\"",
    en="a numbering pattern written as its first number (1, Ⅰ, ①, 第1, 施策①, (1), １, A), or \"\" for none")

_COUNTER = re.compile(r"1|１|Ⅰ|ⅰ|①|一")
# letter marks (A, B, C …; Ａ …): a counter only in a pattern that has no other one, standing alone
# (a word written in Latin letters around a number stays a word)
_LETTER = re.compile(r"(?<![A-Za-zＡ-Ｚａ-ｚ])[AＡ](?![A-Za-zＡ-Ｚａ-ｚ])")
_LETTERS = {"A": "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "Ａ": "ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"}


def _counter(pattern: str):
    found = list(_COUNTER.finditer(pattern))
    return found if found else list(_LETTER.finditer(pattern))


def _kanji(n: int) -> str:
    if n < 10:
        return _KANJI[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _KANJI[tens - 1]) + "十" + (_KANJI[ones - 1] if ones else "")


@dataclass(frozen=True)
class Numbering:
    """A numbering pattern; `""` numbers nothing."""

    pattern: str = ""

    @property
    def numbered(self) -> bool:
        return bool(self.pattern)

    def __call__(self, n: int) -> str:
        """The label of the n-th item (n from 1): 1 → Ⅰ, 施策① → 施策②."""
        if not self.pattern:
            return ""
        m = _counter(self.pattern)[0]
        first = m.group()
        if first in _LETTERS:
            counter = _LETTERS[first][n - 1] if n <= 26 else f"({n})"
        elif first == "1":
            counter = str(n)
        elif first == "１":
            counter = str(n).translate(_FULL_DIGITS)
        elif first == "一":
            counter = _kanji(n)
        else:
            table = {"Ⅰ": _ROMAN, "ⅰ": _SMALL_ROMAN, "①": _CIRCLED}[first]
            counter = table[n - 1] if n <= len(table) else f"({n})"
        return self.pattern[:m.start()] + counter + self.pattern[m.end():]


def parse(value: object) -> Numbering:
    """A pattern as written in strategy.yaml's `numbering`; refused when it shows no counter or two."""
    if isinstance(value, Numbering):
        return value
    if not isinstance(value, str):
        raise Invalid(EXPECTED, value)
    if value == "":
        return Numbering("")
    found = _counter(value)
    if len(found) != 1:
        raise Invalid(EXPECTED, value)
    return Numbering(value)
