"""The Jinja tags of a Word template, one by one: balanced blocks, each tag readable, and the source Jinja sees."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import jinja2
from jinja2 import nodes

from reportgen.rules.problems import Msg
from reportgen.templating.sandbox import environment

# Blocks that need an end tag, and the middle tags each allows.
_BLOCKS = {"for": {"else"}, "if": {"elif", "else"}, "macro": set(), "call": set(), "filter": set(), "with": set(),
           "block": set(), "autoescape": set(), "raw": set(), "trans": {"pluralize"}, "set": set()}
# What stands for an opener when one tag is parsed on its own.
_DUMMY = {"for": "{% for _ in _ %}", "if": "{% if _ %}", "macro": "{% macro _m() %}", "call": "{% call _m() %}",
          "filter": "{% filter upper %}", "with": "{% with %}", "block": "{% block _b %}",
          "autoescape": "{% autoescape true %}", "raw": "{% raw %}", "trans": "{% trans %}", "set": "{% set _ %}"}
# What stands for an unreadable tag when the rest of the template is read for its names.
_STAND_IN = {"for": "{% for _ in [] %}", "if": "{% if true %}", "elif": "{% elif true %}", "else": "{% else %}",
             "with": "{% with %}", "set": "{% set _ = none %}"}
_DOCXTPL_VALUE = re.compile(r"\s*(?:colspan|cellbg)\s+(.*)", re.DOTALL)  # docxtpl makes these {{ … }}
_DOCXTPL_MARK = re.compile(r"\s*(?:vm|hm)\s*")  # docxtpl's merge marks: no Jinja of their own
# One environment for parsing and for the lists of filters and tests: the renderers' own kind, the sandbox.
ENV = environment(autoescape=True)


@lru_cache(maxsize=4096)
def parsed(text: str) -> nodes.Template:
    """ENV's parse of `text`, once per process for each text: a build checks its templates and labels
    before it writes (verify before each year it rebuilds, `close` both), and the texts are the same
    each time. The tree is only read (templatenames.NameCheck); a text Jinja cannot read raises
    TemplateSyntaxError each time, as ENV.parse does (an exception is not kept)."""
    return ENV.parse(text)


_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "\n": " ", "\r": " "})  # as docxtpl reads them


@dataclass(frozen=True)
class Tag:
    """One tag as written in the template: `{{`/`{%`/`{#`, its Jinja text, docxtpl's level (p, tr, tc,
    r or none), the tag as written, where it is and the text around it, and its place in order."""

    opener: str
    inner: str
    level: str
    written: str
    where: Msg
    context: Callable[[], str]  # the text of its paragraph or row, worked out only for a report
    order: tuple

    @property
    def around(self) -> str:
        text, width = self.context(), 24
        i = text.find(self.written)
        if i < 0:
            return text[:2 * width + len(self.written)]
        start, end = max(0, i - width), min(len(text), i + len(self.written) + width)
        return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")

    @property
    def jinja(self) -> str:
        """The tag as Jinja reads it after docxtpl's clean-up ('' for comments and merge marks)."""
        inner = self.inner.translate(_QUOTES)
        if self.opener == "{#":
            return ""
        if self.opener == "{{":
            return "{{" + inner + "}}"
        if (m := _DOCXTPL_VALUE.fullmatch(inner)) is not None:
            return "{{ " + m.group(1) + " }}"
        if _DOCXTPL_MARK.fullmatch(inner):
            return ""
        return "{%" + inner + "%}"

    @property
    def keyword(self) -> str:
        if self.opener != "{%" or not self.jinja.startswith("{%"):
            return ""
        words = self.inner.translate(_QUOTES).strip().strip("-+").split()
        return words[0] if words else ""


Bad = Callable[[Tag, str, str], None]


def source(tags: list[Tag], fixes: dict[int, str] | None = None) -> str:
    """The template as Jinja sees it, one tag a line (line n is tags[n - 1]); `fixes` replaces the
    lines of some tags (balance() and isolated() say how to read past their problems)."""
    fixes = fixes or {}
    return "\n".join(fixes.get(i, t.jinja) for i, t in enumerate(tags))


def _opens(tag: Tag) -> bool:
    kw = tag.keyword
    # `{% set x = … %}` is a statement; `{% set x %}…{% endset %}` a block
    return kw in _BLOCKS and not (kw == "set" and "=" in tag.inner)


def balance(tags: list[Tag], bad: Bad) -> dict[int, str]:
    """Each block tag closed by its own end tag, each middle tag inside its block. Returns how to
    read past what is wrong (a stray tag left out, the missing end tags added) so that the names
    of the rest can still be checked."""
    stack: list[Tag] = []
    fixes: dict[int, str] = {}

    def unclosed(t: Tag, before: Tag | None) -> None:
        kw = t.keyword
        if before is None:
            bad(t, f"「{t.written}」が閉じられていません（{{% end{kw} %}} がありません）。",
                f"\"{t.written}\" is never closed (no {{% end{kw} %}})")
        else:
            bad(t, f"「{t.written}」が閉じられないまま「{before.written}」（{before.where.ja}）が来ています"
                   f"（{{% end{kw} %}} が足りません）。",
                f"\"{t.written}\" is still open when \"{before.written}\" ({before.where.en}) comes (missing {{% end{kw} %}})")

    for i, t in enumerate(tags):
        kw = t.keyword
        if not kw:
            continue
        if _opens(t):
            stack.append(t)
        elif kw.startswith("end") and kw[3:] in _BLOCKS:
            want = kw[3:]
            if not any(s.keyword == want for s in stack):
                bad(t, f"「{t.written}」に対応する {{% {want} … %}} がありません。",
                    f"\"{t.written}\" has no {{% {want} … %}} to close")
                fixes[i] = ""
                continue
            ends = ""
            while stack[-1].keyword != want:
                ends += "{% end" + stack[-1].keyword + " %}"
                unclosed(stack.pop(), t)
            stack.pop()
            if ends:
                fixes[i] = ends + t.jinja
        elif any(kw in middles for middles in _BLOCKS.values()):
            if not stack or kw not in _BLOCKS[stack[-1].keyword]:
                inside = " / ".join(f"{{% {b} %}}" for b, m in _BLOCKS.items() if kw in m)
                bad(t, f"「{t.written}」が {inside} の中にありません。", f"\"{t.written}\" is not inside {inside}")
                fixes[i] = ""
    for t in stack:
        unclosed(t, None)
    if stack and tags:
        last = len(tags) - 1
        fixes[last] = fixes.get(last, tags[last].jinja) + "".join("{% end" + t.keyword + " %}" for t in reversed(stack))
    return fixes


def stand_in(tag: Tag) -> str:
    """A readable tag of the same kind, for reading past an unreadable one ('' for values)."""
    return _STAND_IN.get(tag.keyword, "")


def isolated(env: jinja2.Environment, tag: Tag, bad: Bad) -> bool:
    """Parse one tag on its own (with a dummy opener or end around it), so every bad tag is found;
    whether Jinja reads it."""
    text, kw = tag.jinja, tag.keyword
    if not text:
        return True
    if kw.startswith("end") and kw[3:] in _BLOCKS:
        text = _DUMMY[kw[3:]] + text
    elif _opens(tag):
        text = text + "{% end" + kw + " %}"
    else:
        for block, middles in _BLOCKS.items():
            if kw in middles:
                text = _DUMMY[block] + text + "{% end" + block + " %}"
                break
    try:
        env.parse(text)
    except jinja2.TemplateSyntaxError as exc:
        bad(tag, f"「{tag.written}」を Jinja が読めません: {exc.message}", f"Jinja cannot read \"{tag.written}\": {exc.message}")
        return False
    return True
