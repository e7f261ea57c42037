"""筑西市 (examples/chikusei): its data folder builds alone, and the heading block of the first 平成28年度
施策評価シート (examples/chikusei/source/sheet.yaml: the expected texts are the sheet's, not the code's) is
in the built Word list as a person reads it: the sheet's title line, 基本構想 Ⅱ, the 施策, and under the
施策, on lines of their own, its 主管課 and its two 関係課 in the sheet's order; a 関係課 written wrong in
the folder is refused at its line."""
from __future__ import annotations

import shutil

import docx
import pytest
import yaml
from docx.oxml.ns import qn
from support import ROOT, once_a_run, squeeze

from reportgen.archive.build import build
from reportgen.model.loader import load
from reportgen.rules.problems import DataError

EXAMPLE = ROOT / "examples" / "chikusei"
SHEET = yaml.safe_load((EXAMPLE / "source" / "sheet.yaml").read_text(encoding="utf-8"))["sheet"]
# the sheet is 平成28年度's: its list is that year's
LIST = "2016_H28/01_指標一覧_平成28年度.docx"


def _lines(paragraph) -> list[str]:
    """A paragraph's lines as Word shows them: a line break (w:br) starts a line; a newline inside a
    text run does not (Word prints it as a blank), so it is read as one."""
    text = ""
    for el in paragraph._p.iter(qn("w:t"), qn("w:br")):
        text += "\n" if el.tag == qn("w:br") else (el.text or "").replace("\n", " ")
    return text.split("\n")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return once_a_run(tmp_path_factory, "chikusei-out", lambda folder: build(EXAMPLE / "data", folder))


@pytest.fixture(scope="module")
def paragraphs(built) -> list:
    """The built list's paragraphs that print something, in reading order."""
    return [p for p in docx.Document(str(built / LIST)).paragraphs if p.text.strip()]


def test_the_data_folder_builds_alone_without_a_warning():
    ds = load(EXAMPLE / "data")
    assert ds.city.name == "筑西市" and ds.warnings == ()


def test_the_sheets_year_alone_is_built(built):
    assert sorted(p.name for p in built.iterdir() if p.is_dir()) == ["2016_H28"]


def test_the_title_line_is_the_sheets(paragraphs):
    """平成28年度 施策評価シート (平成27年度実績評価): the year built and the year before it, in the city's words."""
    assert squeeze(paragraphs[0].text) == squeeze(SHEET["year"] + SHEET["title"] + SHEET["evaluates"])


def test_the_goal_is_headed_as_the_sheet_heads_its_基本構想(paragraphs):
    """基本構想 Ⅱ豊かさを…: numbered Ⅱ as in the plan (no goal Ⅰ invented), a level-1 heading."""
    [goal] = [p for p in paragraphs if p.style.name == "Heading 1"]
    assert squeeze(goal.text) == squeeze("基本構想" + SHEET["基本構想"])


def test_the_施策_then_its_主管課_and_関係課_each_on_a_line_of_its_own(paragraphs):
    """The sheet's heading block: 施策 1交流型産業の創出, then 主管課 農政課, then 関係課 企画課 and
    商工観光課 (two cells of the sheet, in its order; reportgen joins a heading's departments with 、)."""
    [policy] = [p for p in paragraphs if p.style.name == "Heading 2"]
    lines = [squeeze(line) for line in _lines(policy)]
    assert lines == [squeeze("施策" + SHEET["施策"]),
                     squeeze("主管課" + "、".join(SHEET["主管課"])),
                     squeeze("関係課" + "、".join(SHEET["関係課"]))]
    assert lines[2].removeprefix("関係課").split("、") == SHEET["関係課"]


def test_no_table_is_invented_for_the_indicators_the_copy_does_not_hold(built):
    """目標指標・成果指標の推移: none of its cells is in the stored copy, so the list prints no table."""
    body = docx.Document(str(built / LIST)).element.body
    assert not list(body.iter(qn("w:tbl")))


@pytest.mark.parametrize("related, message", [
    ("[農政課, 商工観光課]", "担当課（departments）以外の部署が必要です。書かれていた値: '農政課'"),
    ("[企画課, 商工課]", "未登録の部署（departments.yaml）です（商工観光課 の誤りでは？）: '商工課'"),
], ids=["the-shukanka-again", "not-in-departments-yaml"])
def test_a_関係課_written_wrong_is_refused_at_its_line(tmp_path, related, message):
    """The 主管課 written again as a 関係課, or a 関係課 departments.yaml does not name (商工課 for
    商工観光課): one located line in Japanese, at the `related:` line of strategy.yaml."""
    data = tmp_path / "data"
    shutil.copytree(EXAMPLE / "data", data)
    strategy = data / "strategies" / "1" / "strategy.yaml"
    text = strategy.read_text(encoding="utf-8")
    strategy.write_text(text.replace("related: [企画課, 商工観光課]", f"related: {related}"), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load(data)
    [problem] = err.value.problems
    line = next(n for n, t in enumerate(strategy.read_text(encoding="utf-8").splitlines(), 1) if "related:" in t)
    assert (problem.file.endswith("strategy.yaml"), problem.line) == (True, line)
    assert problem.path.startswith("goals[0].policies[0].related") and problem.message.ja == message
