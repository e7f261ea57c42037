"""A data folder's labels file over the shipped one, key by key: missing keys fall back, unknown keys are errors."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from reportgen.rules.problems import Msg, Problem

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _kind(value: Any) -> str:
    return "list" if isinstance(value, list) else "mapping" if isinstance(value, dict) else "text"


_KIND_JA = {"list": "並び（- で始まる行）", "mapping": "対応表（キー: 値）", "text": "文字列"}


def override_problems(base: bytes, own: bytes, shown: str) -> list[Problem]:
    """Every problem of labels file `own` (shown as `shown`) as an override of `base`: not YAML, not
    a mapping, a key the shipped file does not have (with its line), a value of another shape."""
    try:
        root = yaml.compose(own.decode("utf-8"), Loader=_LOADER)
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        return [Problem(shown, 1, 1, "", Msg(f"YAML として読めません（{exc}）", f"cannot be read as YAML ({exc})"))]
    if root is None:
        return []  # an empty file changes nothing
    if not isinstance(root, yaml.MappingNode):
        return [Problem(shown, root.start_mark.line + 1, root.start_mark.column + 1, "", Msg(
            "ラベルファイルは「キー: 値」の対応表です（標準のファイルと同じ形）",
            "a labels file is a mapping of keys to labels (the shape of the shipped file)"))]
    shipped = yaml.load(base.decode("utf-8"), Loader=_LOADER)
    problems = []
    seen: set[str] = set()
    for key_node, value_node in root.value:
        key = key_node.value
        line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
        if key in seen:
            problems.append(Problem(shown, line, col, key, Msg(f"キー {key} が重複しています", f"duplicate key {key!r}")))
        seen.add(key)
        if key not in shipped:
            known = ", ".join(shipped)
            problems.append(Problem(shown, line, col, key, Msg(
                f"標準のラベルファイルにないキーです（書かれていた値: {key}。使えるキー: {known}）",
                f"a key the shipped labels file does not have (got {key!r}; the keys are: {known})")))
            continue
        value = yaml.load(yaml.serialize(value_node), Loader=_LOADER)
        want, got = _kind(shipped[key]), _kind(value)
        if want != got:
            problems.append(Problem(shown, value_node.start_mark.line + 1, value_node.start_mark.column + 1, key, Msg(
                f"{_KIND_JA[want]}が必要です（標準のファイルと同じ形）。書かれていたのは{_KIND_JA[got]}",
                f"expected {want} (as in the shipped file), got {got}")))
    return problems


@lru_cache(maxsize=64)
def merged(base: bytes, own: bytes) -> bytes:
    """The shipped labels with the override's keys replacing theirs, in the shipped file's order,
    as the YAML a build reads and the archive keeps (so a year rebuilds from its copy alone)."""
    labels = yaml.load(base.decode("utf-8"), Loader=_LOADER)
    labels.update(yaml.load(own.decode("utf-8"), Loader=_LOADER) or {})
    header = "# このファイルは標準のラベルにデータフォルダの templates/ のラベルをキーごとに重ねたものです。\n"
    return (header + yaml.safe_dump(labels, allow_unicode=True, sort_keys=False, width=10_000)).encode("utf-8")
