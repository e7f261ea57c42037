"""The YAML write-back: accepted changes into the data files' texts, comments and order of untouched parts kept."""
from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path

from .. import era
from ..era import FiscalYear
from ..figures import figure_text
from ..loader import load
from ..model import Figure
from ..problems import DataError, Invalid
from .layout import parse_measure_key
from .merge import Change


def _yaml():
    from ruamel.yaml import YAML

    y = YAML()  # round trip: comments, order and quoting of untouched parts are kept
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    y.allow_unicode = True
    return y


def _key_for(mapping, fy: FiscalYear):
    for k in mapping:
        try:
            if era.parse_fy(str(k)) == fy:
                return k
        except Invalid:
            pass
    return era.short(fy)


def _yaml_text(text: str):
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

    if "\n" in text:
        return LiteralScalarString(text)
    return DoubleQuotedScalarString(text) if text == "" or text[0] in "-?:,[]{}#&*!|>'\"%@`・●" or ": " in text or " #" in text else text


def _figure_yaml(fig: Figure):
    from ruamel.yaml.comments import CommentedMap

    if fig.state is not None or fig.as_of is not None:
        m = CommentedMap()
        if fig.state is not None:
            m["state"] = _yaml_text(fig.state)
        else:
            m["value"] = _yaml_text(figure_text(fig, as_of="never"))
            m["as_of"] = era.short(fig.as_of, pad=2)
        m.fa.set_flow_style()
        return m
    return _yaml_text(figure_text(fig, as_of="never"))


def _apply(doc, c: Change) -> None:
    from ruamel.yaml.comments import CommentedMap

    if c.target[0] == "registry":  # the office's registry (reportgen.forms.registry_writeback)
        from .registry_writeback import apply

        apply(doc, c)
        return
    if c.target[0] == "pledge":
        from .pledge_form_rows import apply

        return apply(doc, c)
    if c.target[0] == "project":
        _, pid, fy, fld = c.target
        project = next(p for p in doc["projects"] if str(p["id"]) == pid)
        evs = project.setdefault("evaluations", CommentedMap())
        ev = evs.setdefault(_key_for(evs, fy), CommentedMap())
        ev[fld] = _yaml_text(c.written)
        return
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


def texts_with(data: Path, changes: list[Change], base: dict[str, str] | None = None) -> dict[str, str]:
    """The new text of every file the changes touch (on top of `base`, texts already changed this run)."""
    y = _yaml()
    by_file: dict[str, list[Change]] = {}
    for c in changes:
        by_file.setdefault(c.file, []).append(c)
    out = dict(base or {})
    for rel, items in by_file.items():
        text = out[rel] if rel in out else (data / rel).read_text(encoding="utf-8")
        doc = y.load(text)
        for c in items:
            _apply(doc, c)
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
