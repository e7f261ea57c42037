"""The YAML write-back: accepted changes into the data files' texts, comments and order of untouched parts kept."""
from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path

from reportgen.collect.merge import Change
from reportgen.collect.yamltext import _figure_yaml, _key_for, _yaml_text, loaded
from reportgen.forms.kind import Kinds
from reportgen.forms.layout import parse_measure_key
from reportgen.model.loader import load
from reportgen.rules.problems import DataError


def write_project(doc, c: Change) -> None:
    """A project's evaluation field of a year (the evaluation form's write-back)."""
    from ruamel.yaml.comments import CommentedMap

    _, pid, fy, fld = c.target
    project = next(p for p in doc["projects"] if str(p["id"]) == pid)
    evs = project.setdefault("evaluations", CommentedMap())
    ev = evs.setdefault(_key_for(evs, fy), CommentedMap())
    ev[fld] = _yaml_text(c.written)


def write_measure(doc, c: Change) -> None:
    """A measure's actual or rating of a year (the KPI form's write-back)."""
    from ruamel.yaml.comments import CommentedMap

    _, key, what, fy, sub = c.target
    k = parse_measure_key(key)
    if k.kind == "kpi":
        meas = next(m for m in doc["kpis"] if str(m["id"]) == k.id)
    else:
        meas = [m for m in doc["indicators"] if str(m["goal"]) == k.goal][k.number - 1]
    if what == "actual":
        actuals = meas.setdefault("actuals", CommentedMap())
        actuals[_key_for(actuals, fy)] = _figure_yaml(c.written)
        return
    holder = meas if sub is None else meas["sub_items"][sub]
    ratings = holder.setdefault("ratings", CommentedMap())
    r = ratings.setdefault(_key_for(ratings, fy), CommentedMap())
    kind, _, name = what.partition(":")
    if kind == "mark" and c.written.isdigit() and str(int(c.written)) == c.written:
        r[name] = int(c.written)  # Iruma's 1–4 as its data writes them (rating: 4)
    else:
        r[name] = _yaml_text(c.written)  # a symbol (○, A, -) or a text


def texts_with(data: Path, changes: list[Change], kinds: Kinds, base: dict[str, str] | None = None) -> dict[str, str]:
    """The new text of every file the changes touch (on top of `base`, texts already changed this run),
    each change written by the kind that owns its target (FormKind.write)."""
    by_file: dict[str, list[Change]] = {}
    for c in changes:
        by_file.setdefault(c.file, []).append(c)
    out = dict(base or {})
    for rel, items in by_file.items():
        text = out[rel] if rel in out else (data / rel).read_text(encoding="utf-8")
        y, doc = loaded(text)  # each file written back with its own directives
        for c in items:
            kinds.writing(c.target[0]).write(doc, c)
        buf = io.StringIO()
        y.dump(doc, buf)
        out[rel] = buf.getvalue()
    return out


def validate(data: Path, texts: dict[str, str]) -> None:
    """Load data/ as it would be with `texts` written (in a scratch copy): raise DataError if it is not valid data."""
    with tempfile.TemporaryDirectory(prefix="reportgen-collect-") as tmp:
        copy = Path(tmp) / "data"
        shutil.copytree(data, copy, ignore=shutil.ignore_patterns(".*"))
        for rel, text in texts.items():
            (copy / rel).write_text(text, encoding="utf-8")
        try:
            load(copy)
        except DataError as exc:
            for i, p in enumerate(exc.problems):
                exc.problems[i] = type(p)(p.file.replace(str(copy), str(data)).replace(str(Path(tmp)), str(data.parent)),
                                          p.line, p.column, p.path, p.message, p.warning)
            raise
