"""A data folder's labels file over the shipped one, key by key: missing keys fall back, unknown keys are errors."""
from __future__ import annotations

from functools import lru_cache
from pathlib import PurePath
from typing import Any

import yaml

from reportgen.model.yamlsrc import YamlProblem, format_path, read_yaml
from reportgen.rules.problems import Msg, Problem


def _kind(value: Any) -> str:
    return "list" if isinstance(value, list) else "mapping" if isinstance(value, dict) else "text"


_KIND_JA = {"list": "並び（- で始まる行）", "mapping": "対応表（キー: 値）", "text": "文字列"}


def _read(content: bytes) -> Any:
    """A labels file's value, read as the data is (yamlsrc: no anchors, aliases or tags, a nesting limit)."""
    located = read_yaml(content.decode("utf-8"))
    if located.problems:
        raise located.problems[0]
    return located.value


# Labels that choose rather than print, per labels file: the words each may be.
CHOICES = {("target_list.labels.yaml", "baseline_column_when_none"): ("omit", "print")}


def override_problems(base: bytes, own: bytes, shown: str) -> list[Problem]:
    """Every problem of labels file `own` (shown as `shown`) as an override of `base`: not YAML, not
    a mapping, a key the shipped file does not have (with its line), a value of another shape."""
    try:
        located = read_yaml(own.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return [Problem(shown, 1, 1, "", Msg(f"YAML として読めません（{exc}）", f"cannot be read as YAML ({exc})"))]
    except YamlProblem as exc:
        return [Problem(shown, exc.line, exc.column, format_path(exc.path),
                        Msg(f"YAML として読めません（{exc.message}）", f"cannot be read as YAML ({exc.message})"))]
    root = located.value
    if root is None:
        return []  # an empty file changes nothing
    if not isinstance(root, dict):
        line, col = located.where(())
        return [Problem(shown, line, col, "", Msg(
            "ラベルファイルは「キー: 値」の対応表です（標準のファイルと同じ形）",
            "a labels file is a mapping of keys to labels (the shape of the shipped file)"))]
    shipped = _read(base)
    problems = []
    for p in located.problems:  # a key twice, a merge key
        key = format_path(p.path)
        ja = f"キー {key} が重複しています" if p.message.startswith("duplicate key") else f"使えない書き方です（{p.message}）"
        problems.append(Problem(shown, p.line, p.column, key, Msg(ja, p.message)))
    for key, value in root.items():
        line, col = located.where_key((key,))
        if key not in shipped:
            known = ", ".join(shipped)
            problems.append(Problem(shown, line, col, key, Msg(
                f"標準のラベルファイルにないキーです（書かれていた値: {key}。使えるキー: {known}）",
                f"a key the shipped labels file does not have (got {key!r}; the keys are: {known})")))
            continue
        want, got = _kind(shipped[key]), _kind(value)
        choices = CHOICES.get((PurePath(shown).name, key))
        if choices is not None and value not in choices:
            line, col = located.where((key,))
            words = ", ".join(choices)
            problems.append(Problem(shown, line, col, key, Msg(
                f"{words} のどれかが必要です。書かれていた値: {value}", f"expected one of {words}, got {value!r}")))
            continue
        if want != got:
            line, col = located.where((key,))
            problems.append(Problem(shown, line, col, key, Msg(
                f"{_KIND_JA[want]}が必要です（標準のファイルと同じ形）。書かれていたのは{_KIND_JA[got]}",
                f"expected {want} (as in the shipped file), got {got}")))
        elif want == "mapping" and _headers(key):
            problems += _column_problems(shipped[key], value, shown, located.where((key,)), key)
    return sorted(problems, key=lambda p: (p.line, p.column))


def _headers(key) -> bool:
    """A form's column headers, keyed by column (`columns`, the registry's `projects_columns`)."""
    return str(key) == "columns" or str(key).endswith("_columns")


def _column_problems(shipped: dict, own: dict, shown: str, at: tuple[int, int], key) -> list[Problem]:
    """A form's headers replace the shipped ones whole: every column needs its header, and no other key."""
    missing = [str(k) for k in shipped if k not in own]
    extra = [str(k) for k in own if k not in shipped]
    if not missing and not extra:
        return []
    known = ", ".join(str(k) for k in shipped)
    return [Problem(shown, at[0], at[1], key, Msg(
        f"列の見出しは全部の列について書いてください（見出しのない列: {', '.join(missing) or 'なし'}、"
        f"様式にない列: {', '.join(extra) or 'なし'}。列: {known}）",
        f"a form's headers name every column (without a header: {', '.join(missing) or 'none'}; "
        f"no such column: {', '.join(extra) or 'none'}; the columns: {known})"))]


@lru_cache(maxsize=64)
def merged(base: bytes, own: bytes) -> bytes:
    """The shipped labels with the override's keys replacing theirs, in the shipped file's order,
    as the YAML a build reads and the archive keeps (so a year rebuilds from its copy alone)."""
    labels = _read(base)
    labels.update(_read(own) or {})
    header = "# このファイルは標準のラベルにデータフォルダの templates/ のラベルをキーごとに重ねたものです。\n"
    return (header + yaml.safe_dump(labels, allow_unicode=True, sort_keys=False, width=10_000)).encode("utf-8")
