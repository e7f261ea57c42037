"""浦河町 (examples/urakawa): its data folder builds alone, and every cell of its published list
(examples/urakawa/source/targets.yaml: the expected texts are the publication's, not the code's) is in
the built Word document, row by row, under its goal's and its 施策's heading, in the list's order;
the one cell that differs is the publication's own slip, named here and in the README."""
from __future__ import annotations

import shutil

import pytest
import yaml
from support import ROOT, first_list_in_reading_order, squeeze

from reportgen.model.loader import load
from reportgen.rules.problems import DataError

EXAMPLE = ROOT / "examples" / "urakawa"
SOURCE = yaml.safe_load((EXAMPLE / "source" / "targets.yaml").read_text(encoding="utf-8"))
# What the list prints that no number can be: `4億3,0000万円` (five digits after 億3) is read as the
# 4億3,000万円 the 5-year target means (README.md, "What does not reproduce"). Nothing else differs.
SLIPS = {"4億3,0000万円": "4億3,000万円"}


@pytest.fixture(scope="module")
def document(tmp_path_factory) -> list[tuple[str, object]]:
    """The built list in reading order: ("p", text) for a paragraph, ("table", rows) for a table."""
    return first_list_in_reading_order(EXAMPLE, tmp_path_factory)


def test_the_data_folder_builds_alone_without_a_warning():
    ds = load(EXAMPLE / "data")
    assert ds.city.name == "浦河町" and ds.warnings == ()  # 1.4人/年 → 4組/年 acknowledged (checked)


def test_the_list_is_named_as_the_publication_names_it(document):
    paragraphs = [squeeze(t) for kind, t in document if kind == "p"]
    assert paragraphs[1] == squeeze(SOURCE["document"]["list"])


def test_every_line_is_printed_cell_for_cell_under_its_goal_and_policy(document):
    """The goal's heading and its 基本数値目標, then each 施策's heading and its KPI: exactly the list's
    lines, split at `:` and `→` (the tables' header rows are the list's own words, not compared)."""
    expected: list[tuple[str, object]] = []
    for goal in SOURCE["goals"]:
        expected += [("p", squeeze(goal["goal"])), ("table", [[squeeze(c) for c in r] for r in goal["indicators"]])]
        for policy in goal["policies"]:
            expected += [("p", squeeze(policy["policy"])), ("table", [[squeeze(c) for c in r] for r in policy["kpis"]])]
    expected = [(kind, [[squeeze(SLIPS.get(c, c)) for c in r] for r in v] if kind == "table" else v) for kind, v in expected]
    built = [(kind, [[squeeze(c) for c in r] for r in v[1:]] if kind == "table" else squeeze(v)) for kind, v in document][2:]
    assert built == expected


def test_the_only_cell_that_differs_is_the_publications_slip():
    printed = [c for g in SOURCE["goals"] for r in g["indicators"] + [r for p in g["policies"] for r in p["kpis"]] for c in r]
    assert [c for c in printed if c in SLIPS] == ["4億3,0000万円"]


def test_an_amount_is_one_number_and_the_slip_is_refused_at_its_line(tmp_path):
    """2億396万円 is 203,960,000 円 (a number, not text); the list's `4億3,0000万円` written as printed is
    refused at its line with what an amount looks like."""
    ds = load(EXAMPLE / "data")
    strawberries = ds.strategies[0].measures.indicators[0]
    assert (strawberries.baseline.value.number, strawberries.baseline.value.unit) == (203960000, "円")
    assert strawberries.target.value.number == 430000000
    data = tmp_path / "data"
    shutil.copytree(EXAMPLE / "data", data, ignore=shutil.ignore_patterns(".lock"))
    kpis = data / "strategies" / "1" / "kpis.yaml"
    text = kpis.read_text(encoding="utf-8")
    kpis.write_text(text.replace("    target: 4億3,000万円\n", '    target: "4億3,0000万円"\n'), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load(data)
    line = next(n for n, t in enumerate(kpis.read_text(encoding="utf-8").splitlines(), 1) if t.startswith('    target: "4億3,0000'))
    [problem] = err.value.problems
    assert (problem.line, problem.path) == (line, "indicators[0].target")
    assert problem.message.ja == "3桁ごとの桁区切り（例: 4億3,000万円）が必要です。書かれていた値: '4億3,0000万円'"
