"""Values as the data files write them: the round-trip YAML, a year's key, texts and figures (comments kept)."""
from __future__ import annotations

import functools
import pickle
import re

from reportgen.model.figures import figure_text
from reportgen.model.measures import Figure
from reportgen.rules import era
from reportgen.rules.era import FiscalYear
from reportgen.rules.problems import Invalid


def _yaml():
    from ruamel.yaml import YAML

    y = YAML()  # round trip: comments, order and quoting of untouched parts are kept
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    y.allow_unicode = True
    return y


def loaded(text: str):
    """`text` loaded round trip, as (the YAML that writes it back as it was read: its %YAML and %TAG
    directives too, the document: the caller's own to change; comments, order and quoting kept)."""
    kept, version, tags = _kept(text)
    y = _yaml()
    y.version, y.tags = version, dict(tags)
    return y, pickle.loads(kept)  # bytes this process pickled from the document it loaded


# A round-trip load is most of a collect's own time (ruamel parses in pure Python: 0.1 s for Iruma's
# projects.yaml); unpickling the document loaded before takes 4 ms. A process that collects form after
# form into the same data (the inbox, the suite) parses each unchanged text once. Each caller gets a
# document of its own, which shares nothing with the one kept (a few texts of tens of KB, as bytes).
@functools.lru_cache(maxsize=4)
def _kept(text: str) -> tuple[bytes, tuple | None, dict]:
    y = _yaml()
    doc = y.load(text)
    return pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL), y.version, dict(y.tags or {})


def _key_for(mapping, fy: FiscalYear):
    for k in mapping:
        try:
            if era.parse_fy(str(k)) == fy:
                return k
        except Invalid:
            pass
    return era.short(fy, fy2019=era.NATIONAL)


def _yaml_text(text: str):
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

    if "\n" in text:
        return LiteralScalarString(text)
    return DoubleQuotedScalarString(text) if text == "" or text[0] in "-?:,[]{}#&*!|>'\"%@`・●" or ": " in text or " #" in text else text


def _number_or_text(text: str):
    """A figure's text; a bare decimal (0.050, 12) written plain, as the data files write theirs (`R4: 0.164`),
    not quoted beside unquoted neighbours: the round-trip scalar keeps its digits (trailing zeros too)."""
    if re.fullmatch(r"-?(?:0|[1-9]\d*)(?:\.\d+)?", text):
        return _yaml().load(f"v: {text}")["v"]
    return _yaml_text(text)


def _figure_yaml(fig: Figure):
    from ruamel.yaml.comments import CommentedMap

    if fig.state is not None or fig.as_of is not None:
        m = CommentedMap()
        if fig.state is not None:
            m["state"] = _yaml_text(fig.state)
        else:
            m["value"] = _number_or_text(figure_text(fig, as_of="never", fy2019=era.NATIONAL))
            m["as_of"] = era.short(fig.as_of, pad=2, fy2019=era.NATIONAL)
        m.fa.set_flow_style()
        return m
    return _number_or_text(figure_text(fig, as_of="never", fy2019=era.NATIONAL))
