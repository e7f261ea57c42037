"""The loader's problems: a data file as it is read, every file's problems gathered before any is
reported, and the validator's problems (rules/typed.py) turned into located messages."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from reportgen.model.scalars import EXPECTED_TEXT
from reportgen.model.yamlsrc import Located, format_path
from reportgen.rules.problems import Invalid, Msg, Problem, expected_got
from reportgen.rules.typed import Record, known_keys


@dataclass
class File:
    """A data file being loaded: its path in the data folder, its name in messages, its parse and its model."""

    relpath: str
    display: str
    located: Located | None = None
    obj: Any = None


@dataclass
class Collector:
    """Gathers problems from every file before anything is reported."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def add(self, f: File, path: tuple, message: Msg, *, key: bool = False, warning: bool = False) -> None:
        if f.located is None:
            line, col = 1, 1
        else:
            line, col = f.located.where_key(path) if key else f.located.where(path)
        p = Problem(f.display, line, col, format_path(path), message, warning)
        (self.warnings if warning else self.problems).append(p)


# ---------------------------------------------------------------------------- the validator's problems


# What to write when a required key has no value to give yet (a new KPI has no baseline).
MISSING_HINTS = {
    "baseline": Msg(ja="（基準値がまだない新しい KPI なら baseline: {none: 新規} と書きます）",
                    en=" (a new KPI without a baseline yet: baseline: {none: 新規})"),
}


def report(out: Collector, f: File, model_cls: type[Record], err: dict) -> None:
    loc = tuple(err["loc"])
    kind = err["type"]
    if loc and loc[-1] == "[key]":  # a bad key of a per-year mapping: point at the key
        loc = loc[:-1]
        is_key = True
    else:
        is_key = False
    got = err.get("input")
    if kind == "value_error" and isinstance(err["ctx"]["error"], Invalid):
        exc = err["ctx"]["error"]
        out.add(f, loc, expected_got(exc.expected, exc.got), key=is_key)
    elif kind == "missing":
        hint = MISSING_HINTS.get(str(loc[-1]), Msg(ja="", en=""))
        out.add(f, loc[:-1], Msg(ja=f"必須の項目 {loc[-1]} がありません{hint.ja}", en=f"required key {loc[-1]!r} is missing{hint.en}"))
    elif kind == "extra_forbidden":
        known = sorted(known_keys(model_cls, loc[:-1]))
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint_ja = f"（{close[0]} の誤りでは？）" if close else ""
        hint_en = f" (did you mean {close[0]!r}?)" if close else ""
        if got is None and _SPLIT_FIGURE.match(str(loc[-1])):
            # `{value: 3, 324人}`: a blank after the comma makes YAML split the figure; say how to write it
            hint_ja = (f"（{{ }} の中の数字が桁区切りのカンマで分かれています: カンマの後に空白を入れず"
                       f" …,{loc[-1]} のように続けて書いてください）")
            hint_en = (f" (a figure inside {{ }} was split at its thousands separator: write it without a blank"
                       f" after the comma, …,{loc[-1]})")
        out.add(f, loc, Msg(
            ja=f"未知の項目 {loc[-1]} です{hint_ja}。使える項目: {', '.join(known)}",
            en=f"unknown key {loc[-1]!r}{hint_en}; expected one of: {', '.join(known)}"), key=True)
    elif kind == "dict_type":
        out.add(f, loc, expected_got(Msg(ja="項目の並び（key: value）", en="a mapping (key: value)"), got))
    elif kind == "list_type":
        out.add(f, loc, expected_got(Msg(ja="リスト（- で始まる行）", en="a list (lines starting with -)"), got))
    elif kind == "literal_error":
        allowed = err["ctx"]["expected"]
        out.add(f, loc, expected_got(Msg(ja=f"{allowed} のいずれか", en=f"one of {allowed}"), got))
    elif kind == "too_short":
        out.add(f, loc, expected_got(Msg(ja="1件以上の項目", en="at least one entry"), got))
    elif kind == "string_type":
        out.add(f, loc, expected_got(EXPECTED_TEXT, got))
    else:
        out.add(f, loc, Msg(ja=err["msg"], en=err["msg"]))


# A key that is the rest of a figure split at a thousands separator (324人 of `3, 324人`)
_SPLIT_FIGURE = re.compile(r"[0-9]{3}(?![0-9])")

