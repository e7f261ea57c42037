"""Strict YAML reading: every scalar as typed text, with the line and column of every value and key.

Policy (documented in docs/data.md): safe loading only; anchors, aliases, merge keys and explicit
tags are refused; duplicate keys are errors; no scalar is resolved by YAML 1.1 rules. A plain
`NO`, `1:20` or `0755` reaches the schema as that text, and the schema field decides whether the
text is acceptable, so nothing changes type behind the writer's back.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

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


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors, aliases and explicit tags while composing."""

    def compose_node(self, parent, index):  # noqa: D102 - PyYAML hook
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            raise YamlProblem(*_pos(event.start_mark), (), ALIAS_MESSAGE)
        if isinstance(event, (ScalarEvent, CollectionStartEvent)):
            if event.anchor is not None:
                raise YamlProblem(*_pos(event.start_mark), (), ALIAS_MESSAGE)
            tag = event.tag
            if tag is not None and tag not in ("!", "tag:yaml.org,2002:str") and not (
                isinstance(event, CollectionStartEvent) and event.implicit
            ):
                raise YamlProblem(*_pos(event.start_mark), (), f"explicit tags such as {tag} are not allowed")
        return super().compose_node(parent, index)


def _pos(mark) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


# Tags a plain or block node gets by implicit resolution; anything else was written explicitly.
_IMPLICIT = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq",
                                                 "merge", "value")}
ALIAS_MESSAGE = "anchors and aliases (&name, *name) are not allowed; write the value out"


def read_yaml(text: str) -> Located:
    """Parse one YAML document into plain values with locations; raise YamlProblem.

    libyaml composes the node tree where it is installed (ten times faster on large files); the
    same policy is then checked on the nodes: a node met twice is an alias, a tag outside the
    implicit ones was written explicitly.
    """
    strict = not yaml.__with_libyaml__
    loader = _StrictLoader(text) if strict else yaml.CSafeLoader(text)
    try:
        node = loader.get_single_node()
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
    located = Located(None)
    if node is None:
        return located
    located.value = _walk(node, (), located, set())
    return located


def _walk(node, path: tuple, located: Located, seen: set) -> Any:
    if id(node) in seen:
        raise YamlProblem(*_pos(node.start_mark), path, ALIAS_MESSAGE)
    seen.add(id(node))
    if node.tag not in _IMPLICIT and node.tag != "!":
        raise YamlProblem(*_pos(node.start_mark), path, f"explicit tags such as {node.tag} are not allowed")
    located.marks[path] = _pos(node.start_mark)
    if isinstance(node, ScalarNode):
        if not node.style and node.value in _NULLS:  # plain style is None (Python) or "" (libyaml)
            return None
        return node.value
    if isinstance(node, SequenceNode):
        return [_walk(child, path + (i,), located, seen) for i, child in enumerate(node.value)]
    if isinstance(node, MappingNode):
        out: dict[str, Any] = {}
        last = None  # the last key and value node, for the thousands separator of a flow mapping
        for key_node, value_node in node.value:
            if last and _continues_figure(node, last[1], key_node, value_node):
                # `{value: 3,324人}`: YAML splits at the comma (key `324人`, no value); the clerk wrote one figure
                out[last[0]] += "," + key_node.value
                last = (last[0], _Joined(key_node.end_mark))
                continue
            if not isinstance(key_node, ScalarNode):
                raise YamlProblem(*_pos(key_node.start_mark), path, "keys must be plain text")
            key = key_node.value
            if key == "<<" and not key_node.style:
                located.problems.append(
                    YamlProblem(*_pos(key_node.start_mark), path, "merge keys (<<) are not allowed"))
                continue
            if key in out:
                # Reported, not raised, so that every duplicate of a file shows in one run.
                first = located.key_marks[path + (key,)]
                located.problems.append(YamlProblem(
                    *_pos(key_node.start_mark), path + (key,),
                    f"duplicate key {key!r} (first at line {first[0]})",
                ))
                continue
            located.key_marks[path + (key,)] = _pos(key_node.start_mark)
            out[key] = _walk(value_node, path + (key,), located, seen)
            last = (key, value_node)
        return out
    raise YamlProblem(*_pos(node.start_mark), path, f"unsupported YAML node {type(node).__name__}")


@dataclass
class _Joined:
    """A figure rejoined across a comma: where it now ends (a further group may follow: 7,237,276人)."""

    end_mark: Any
    value: str = "0"
    style: Any = None


_GROUP = re.compile(r"[0-9]{3}(?![0-9])")  # a thousands group, then the figure's rest (324人, 276, 324.5)


def _continues_figure(mapping, previous, key_node, value_node) -> bool:
    """Whether a flow mapping's key is the rest of the figure before it, split off at a thousands
    separator: a plain key of three digits (and the rest), standing alone (no `:`, no value), right
    after a comma that follows a plain value ending in a digit (`3,324人` → `3` and key `324人`)."""
    return (bool(mapping.flow_style) and isinstance(key_node, ScalarNode) and not key_node.style
            and isinstance(value_node, ScalarNode) and not value_node.style and value_node.value == ""
            and value_node.start_mark.index == key_node.end_mark.index
            and isinstance(previous, (ScalarNode, _Joined)) and not previous.style
            and previous.value[-1:].isdigit() and previous.end_mark.index + 1 == key_node.start_mark.index
            and _GROUP.match(key_node.value) is not None)


def format_path(path: tuple) -> str:
    """kpis[3].target."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
