"""鯖江市 (examples/sabae): its data folder builds alone, and every cell of its published table
(examples/sabae/source/targets.yaml: the expected texts are the publication's, not the code's) is in
the built Word document, row by row, under its ターゲット's heading, in the page's order."""
from __future__ import annotations

import re
import shutil
import unicodedata

import docx
import pytest
import yaml
from docx.oxml.ns import qn
from support import ROOT

from reportgen.archive.build import build
from reportgen.model.loader import load

EXAMPLE = ROOT / "examples" / "sabae"
SOURCE = yaml.safe_load((EXAMPLE / "source" / "targets.yaml").read_text(encoding="utf-8"))


def squeeze(text: str) -> str:
    """The same characters, whatever the width and the blanks of the PDF's text layer (590 人(2014 年))."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.fixture(scope="module")
def document(tmp_path_factory) -> list[tuple[str, object]]:
    """The built list in reading order: ("p", text) for a paragraph, ("row", [cells]) for a table row."""
    data = tmp_path_factory.mktemp("sabae") / "data"
    shutil.copytree(EXAMPLE / "data", data, ignore=shutil.ignore_patterns(".lock"))
    out = data.parent / "out"
    build(data, out)
    # no actual yet: the plan's first year only (baseline → target)
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["2015_H27"]
    body = docx.Document(str(out / "2015_H27" / "01_指標一覧_平成27年度.docx")).element.body
    items: list[tuple[str, object]] = []
    for el in body.iterchildren():
        if el.tag == qn("w:p"):
            text = "".join(t.text or "" for t in el.iter(qn("w:t")))
            if text.strip():
                items.append(("p", text))
        elif el.tag == qn("w:tbl"):
            for tr in el.iter(qn("w:tr")):
                items.append(("row", ["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.iter(qn("w:tc"))]))
    return items


def test_the_data_folder_builds_alone_without_a_warning():
    ds = load(EXAMPLE / "data")
    assert ds.city.name == "鯖江市" and ds.warnings == ()  # 81% below 83.1% is acknowledged (checked)


def test_the_chapter_and_section_headings_open_the_document(document):
    paragraphs = [squeeze(t) for kind, t in document if kind == "p"]
    assert paragraphs[:2] == [squeeze(SOURCE["document"]["chapter"]), squeeze(SOURCE["document"]["section"])]


def test_every_row_is_printed_cell_for_cell_under_its_target(document):
    """Each ターゲット's heading, then the table's header and its rows, exactly the page's cells."""
    expected: list[tuple[str, object]] = []
    for group in SOURCE["targets"]:
        expected.append(("p", squeeze(group["target"])))
        expected.append(("row", [squeeze(c) for c in SOURCE["columns"][1:]]))
        expected += [("row", [squeeze(c) for c in row]) for row in group["rows"]]
    built = [(kind, squeeze(v) if kind == "p" else [squeeze(c) for c in v]) for kind, v in document][2:]
    assert built == expected


def test_no_column_with_nothing_to_show(document):
    """No actual yet: no …末現在 column and no 増減 column, only 成果指標 | 現状値 | 目標値."""
    rows = [v for kind, v in document if kind == "row"]
    assert all(len(r) == 3 for r in rows)
    assert not any("末現在" in c or "増減" in c for r in rows for c in r)
