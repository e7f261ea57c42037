"""Strict YAML reading: every scalar as typed text, with the line and column of every value and key.

Policy (documented in docs/data.md): safe loading only; anchors, aliases, merge keys and explicit
tags are refused; duplicate keys are errors; no scalar is resolved by YAML 1.1 rules. A plain
`NO`, `1:20` or `0755` reaches the schema as that text, and the schema field decides whether the
text is acceptable, so nothing changes type behind the writer's back.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import re

import yaml
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from reportgen.rules.problems import ReportgenError

_NULLS = {"", "~", "null", "Null", "NULL"}


@dataclass
class Located:
    """A YAML document as plain values plus where each value and key stands in the file."""

    value: Any
    marks: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    problems: list["YamlProblem"] = field(default_factory=list)

    def where(self, path: tuple) -> tuple[int, int]:
        """The line and column (1-based) of the value at path, or of its nearest located parent."""
        p = tuple(path)
        while True:
            if p in self.marks:
                return self.marks[p]
            if p in self.key_marks:
                return self.key_marks[p]
            if not p:
                return (1, 1)
            p = p[:-1]

    def where_key(self, path: tuple) -> tuple[int, int]:
        return self.key_marks.get(tuple(path)) or self.where(path)


class YamlProblem(ReportgenError):
    """A YAML file that cannot be read; line and column are 1-based (the loader turns it into a located Problem)."""

    def __init__(self, line: int, column: int, path: tuple, message: str):
        super().__init__(message)
        self.line, self.column, self.path, self.message = line, column, path, message


def _pos(mark) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


# Tags a plain or block node gets by implicit resolution; anything else was written explicitly.
_IMPLICIT = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq",
                                                 "merge", "value")}
ALIAS_MESSAGE = "anchors and aliases (&name, *name) are not allowed; write the value out"
# No data, labels or record file nests deeper than a dozen levels. The limit is checked on the parser's
# events, before anything is built: composing a node tree recursed once per level (a value nested
# 1,000 deep raised RecursionError, 100,000 deep crashed libyaml's composer).
MAX_DEPTH = 64


@dataclass
class _Frame:
    """A mapping or sequence being built: its value, path, the key waiting for its value."""

    value: Any
    path: tuple
    keep: bool                 # False inside a duplicate key's or a merge key's value: read, then dropped
    key: str | None = None
    key_kept: bool = True
    flow: bool = False         # a flow mapping ({value: 3,324人}), where a figure's comma splits it
    last: tuple | None = None  # (key, end index) of the last plain value ending in a digit
    split: Any = None          # a key that may be the rest of that figure, until its value shows


def read_yaml(text: str) -> Located:
    """Parse one YAML document into plain values with locations; raise YamlProblem.

    The values are built straight from the parser's events (libyaml's where installed), without a
    node tree, so the policy (no anchors, aliases or explicit tags, MAX_DEPTH) is checked at each
    event, before anything deeper is read.
    """
    loader = yaml.CSafeLoader(text) if yaml.__with_libyaml__ else yaml.SafeLoader(text)
    located = Located(None)
    try:
        loader.get_event()  # stream start
        if not loader.check_event(StreamEndEvent):
            loader.get_event()  # document start
            located.value = _compose(loader, located)
            loader.get_event()  # document end
            if not loader.check_event(StreamEndEvent):
                raise YamlProblem(*_pos(loader.get_event().start_mark), (), "YAML syntax error: but found another document")
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = _pos(mark) if mark else (1, 1)
        raise YamlProblem(line, col, (), f"YAML syntax error: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:  # e.g. a byte the reader cannot decode
        raise YamlProblem(1, 1, (), f"YAML error: {exc}") from None
    finally:
        loader.dispose()
    return located


def _compose(loader, located: Located) -> Any:
    """One document's value from its events, iteratively (no recursion however deep the text)."""
    stack: list[_Frame] = []
    while True:
        event = loader.get_event()
        if isinstance(event, (MappingEndEvent, SequenceEndEvent)):
            done = stack.pop()
            value, keep = done.value, done.keep
        else:
            parent = stack[-1] if stack else None
            if parent is not None and parent.split is not None:
                candidate, parent.split = parent.split, None
                if _rejoins(candidate, event):
                    # `{value: 3,324人}`: YAML splits at the comma (key `324人`, no value); the clerk wrote one figure
                    key, _ = parent.last
                    if parent.keep and parent.key_kept:
                        parent.value[key] += "," + candidate.value
                    parent.last = (key, candidate.end_mark.index)
                    continue
                _key(candidate, parent, located)  # a key after all: this event is its value
            elif parent is not None and isinstance(parent.value, dict) and parent.key is None:
                if _may_continue(parent, event):
                    parent.split = event
                    continue
                _key(event, parent, located)  # a key: its value comes next
                continue
            path, keep = _place(parent)
            if isinstance(event, AliasEvent) or event.anchor is not None:
                raise YamlProblem(*_pos(event.start_mark), path, ALIAS_MESSAGE)
            if event.tag is not None and event.tag != "!" and event.tag not in _IMPLICIT:
                raise YamlProblem(*_pos(event.start_mark), path, f"explicit tags such as {event.tag} are not allowed")
            if keep:
                located.marks[path] = _pos(event.start_mark)
            if isinstance(event, (MappingStartEvent, SequenceStartEvent)):
                if len(stack) >= MAX_DEPTH:
                    raise YamlProblem(*_pos(event.start_mark), path,
                                      f"nested too deeply (more than {MAX_DEPTH} levels of mappings and lists)")
                stack.append(_Frame({} if isinstance(event, MappingStartEvent) else [], path, keep,
                                     flow=isinstance(event, MappingStartEvent) and bool(event.flow_style)))
                continue
            if not isinstance(event, ScalarEvent):
                raise YamlProblem(*_pos(event.start_mark), path, f"unsupported YAML event {type(event).__name__}")
            # a plain empty, ~ or null is no value; style is None (Python) or "" (libyaml) when plain
            value = None if not event.style and event.value in _NULLS else event.value
        if not stack:
            return value
        parent = stack[-1]
        if keep:
            if isinstance(parent.value, list):
                parent.value.append(value)
            else:
                parent.value[parent.key] = value
        if isinstance(parent.value, dict):
            plain_figure = (isinstance(event, ScalarEvent) and not event.style and isinstance(value, str)
                            and value[-1:].isdigit())
            parent.last = (parent.key, event.end_mark.index) if plain_figure and parent.flow else None
            parent.key = None


_GROUP = re.compile(r"[0-9]{3}(?![0-9])")  # a thousands group, then the figure's rest (324人, 276, 324.5)


def _may_continue(parent: _Frame, event) -> bool:
    """Whether a flow mapping's key may be the rest of the figure before it, split off at a thousands
    separator: a plain key of three digits (and the rest) right after the comma that follows a plain
    value ending in a digit (`3,324人` → value `3` and key `324人`). Its value decides (_rejoins)."""
    return (parent.flow and parent.last is not None and isinstance(event, ScalarEvent) and not event.style
            and parent.last[1] + 1 == event.start_mark.index and _GROUP.match(event.value) is not None)


def _rejoins(candidate, event) -> bool:
    """The key stands alone (no `:`, no value): YAML gives it an empty plain value where it ends."""
    return (isinstance(event, ScalarEvent) and not event.style and event.value == ""
            and event.start_mark.index == candidate.end_mark.index)


def _place(parent: _Frame | None) -> tuple[tuple, bool]:
    """The path of the next value of `parent`, and whether it is kept."""
    if parent is None:
        return (), True
    if isinstance(parent.value, list):
        return parent.path + (len(parent.value),), parent.keep
    return parent.path + (parent.key,), parent.keep and parent.key_kept


def _key(event, parent: _Frame, located: Located) -> None:
    if not isinstance(event, ScalarEvent):
        raise YamlProblem(*_pos(event.start_mark), parent.path, "keys must be plain text")
    if event.anchor is not None:
        raise YamlProblem(*_pos(event.start_mark), parent.path, ALIAS_MESSAGE)
    key, path = event.value, parent.path + (event.value,)
    parent.key, parent.key_kept = key, True
    if not parent.keep:
        return
    if key == "<<" and not event.style:
        located.problems.append(YamlProblem(*_pos(event.start_mark), parent.path, "merge keys (<<) are not allowed"))
        parent.key_kept = False
    elif key in parent.value:
        # Reported, not raised, so that every duplicate of a file shows in one run.
        first = located.key_marks[path]
        located.problems.append(YamlProblem(*_pos(event.start_mark), path, f"duplicate key {key!r} (first at line {first[0]})"))
        parent.key_kept = False
    else:
        located.key_marks[path] = _pos(event.start_mark)


def format_path(path: tuple) -> str:
    """kpis[3].target."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
