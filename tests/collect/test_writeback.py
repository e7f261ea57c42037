"""The round-trip write-back: a data file loaded again in one process is written back as a fresh load writes it."""
from __future__ import annotations

import io

import pytest
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from support import ROOT

from reportgen.collect.yamltext import _yaml, loaded

FILES = sorted(ROOT.glob("data/**/*.yaml")) + sorted(ROOT.glob("examples/*/data/**/*.yaml"))
# SYNTHETIC: what a data file may also hold, a YAML directive or a tag directive is written back too
ODD = {"yaml-directive": "%YAML 1.2\n---\na: 1  # c\n", "yaml-1.1": "%YAML 1.1\n---\na: yes\n",
       "tag-directive": "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n",
       "comments": "# top\n\na:\n  - 1  # one\n  - '2'\n\n# end\n", "anchors": "a: &x {b: 1}\nc: *x\n"}
TEXTS = {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in FILES} | ODD


def fresh(text: str) -> str:
    """The text as the write-back wrote it before documents were kept: loaded and dumped by one YAML."""
    y = _yaml()
    doc = y.load(text)
    buf = io.StringIO()
    y.dump(doc, buf)
    return buf.getvalue()


def change_everything(node) -> None:
    """What a write-back could do to a document, everywhere at once: a key added and a comment set on
    every mapping (where it has none), an item added to every list, every value below changed likewise."""
    if isinstance(node, CommentedMap):
        for key in list(node):
            change_everything(node[key])
            if key not in node.ca.items:  # (ruamel sets a comment only where none is)
                node.yaml_add_eol_comment("changed", key)
        node["added"] = CommentedMap(x=1)
    elif isinstance(node, CommentedSeq):
        for item in node:
            change_everything(item)
        node.append("added")


def test_the_shipped_files_and_the_odd_ones_are_all_here():
    assert len(FILES) >= 40 and {"data/strategies/1/projects.yaml", "data/strategies/2/kpis.yaml"} <= set(TEXTS)


@pytest.mark.parametrize("name", list(TEXTS))
def test_a_text_loaded_again_after_its_first_copy_was_changed_writes_back_as_a_fresh_load_does(name):
    """The process keeps each text's document (collecting form after form); a collect changes its own
    copy, never the kept document, and each text is written back with its own directives."""
    text = TEXTS[name]
    y, doc = loaded(text)
    change_everything(doc)
    y.dump(doc, io.StringIO())
    y, doc = loaded(text)
    buf = io.StringIO()
    y.dump(doc, buf)
    assert buf.getvalue() == fresh(text)
