"""安平町 (examples/abira/data): a town's real data folder builds from its data alone and reads in its own wording.

Expected texts are the town's, as its page prints them (examples/abira/source/progress-H30.yaml): the
plan 第2次 安平町総合計画 / 前期基本計画, the 政策分野 Ⅰ 子育て・教育 … Ⅵ 行財政運営. The head 町長 is
printed by the pledge list only, which the town's data does not have: tests/rules/test_wording.py checks it.
"""
import shutil
from pathlib import Path

import pytest
import realclient as rc
from support import ROOT

from reportgen.archive.build import build
from reportgen.model.loader import load
from reportgen.rules.era import parse_fy

ABIRA = ROOT / "examples" / "abira" / "data"
FIELDS = ["子育て・教育", "人づくり・コミュニティ", "経済・産業", "健康・福祉", "生活環境・生活基盤", "行財政運営"]
ROMAN = ["Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "Ⅵ"]


@pytest.fixture(scope="module")
def abira_out(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("abira")
    data = root / "data"  # a copy: the build takes its lock inside the data folder
    shutil.copytree(ABIRA, data)
    out = root / "out"
    build(data, out)  # no --year: the data says which year (the review 前期基本計画(H29-H30年度)の検証)
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["2018_H30"]
    return out / "2018_H30"


def test_the_review_dates_the_year_as_the_page_does():
    """平成30年度末: the review of H29–H30 is the town's H30 result; shares are rounded as the town's 21."""
    s = load(ABIRA).strategies[0].strategy
    assert [(r.id, r.from_, r.to) for r in s.reviews] == [(parse_fy("H30"), parse_fy("H29"), parse_fy("H30"))]
    assert s.rating_axes == [] and s.shares is not None


def test_the_folder_is_real_data_not_a_draft():
    assert not (ABIRA / "DRAFT.md").exists()
    assert "town.abira.lg.jp" in (ABIRA / "city.yaml").read_text(encoding="utf-8")
    assert "平成30年度末" in (ABIRA / "strategies" / "1" / "strategy.yaml").read_text(encoding="utf-8")
    ds = load(ABIRA)
    assert ds.city.head == "町長"


def test_no_project_document_is_built(abira_out):
    documents = sorted(p.name for p in abira_out.rglob("*") if p.suffix in (".docx", ".xlsx") and "templates" not in p.parts)
    assert documents == ["01_指標一覧_平成30年度.docx"]


@pytest.mark.libreoffice
def test_the_document_reads_in_the_towns_wording(abira_out):
    text = rc.word_text(abira_out / "01_指標一覧_平成30年度.docx")
    lines = [rc.norm(line).lstrip("\ufeff") for line in text.splitlines() if line.strip()]
    assert lines[0] == rc.norm("平成30年度第2次安平町総合計画 前期基本計画指標")
    headings = [line for line in lines if line.startswith("政策分野")]
    assert headings == [rc.norm(f"政策分野{n}：「{t}」") for n, t in zip(ROMAN, FIELDS)]
    whole = rc.norm(text)
    for absent in ("〈", "〉", "事業", "プロジェクト", "市長", "基本目標", "基本施策", "該当事業なし"):
        assert absent not in whole, absent
