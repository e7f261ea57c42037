"""江田島市 (examples/etajima): its data folder builds alone, and every cell of its published table
(examples/etajima/source, loaded here: the expected texts are the publication's, not the code's)
is on the KPI sheet's page as LibreOffice prints it, each table row on one printed line."""
from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import unicodedata

import pytest
import realclient as rc
import yaml
from support import ROOT

from reportgen.archive import pdf
from reportgen.archive.build import build
from reportgen.model.loader import load

EXAMPLE = ROOT / "examples" / "etajima"
SOURCE = yaml.safe_load((EXAMPLE / "source" / "kpi-evaluation-H27.yaml").read_text(encoding="utf-8"))

def published_cells() -> list[str]:
    """Every text of the published page's tables, as transcribed."""
    doc, goal = SOURCE["document"], SOURCE["basic_goal"]
    cells = [doc["label"], doc["title"], *doc["notes"], *(lg["printed"] for lg in doc["legends"].values()),
             goal["title"], *goal["goal_indicators"]["columns"]]
    for row in goal["goal_indicators"]["rows"]:
        cells += row
    for table in SOURCE["kpi_tables"]:
        cells += [table["policy"], *table["header_top"], *table["header_bottom"], table["full_width_row"],
                  "".join(table["row_group_label"])]
        for row in table["rows"]:
            cells += [row["name"], row["baseline"], row["actual_H27"], row["improvement"], row["achievement"],
                      row["target"], *row["review"]]
    return list(dict.fromkeys(cells))


def squeeze(text: str) -> str:
    """What a reader compares: the same characters, whatever the width (（ vs () and the blanks."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _pattern(needle: str) -> str:
    """A figure only as a whole figure (3 is not the 3 of 35.0)."""
    n = squeeze(needle)
    return ((r"(?<![0-9.,])" if n[:1].isdigit() else "") + re.escape(n)
            + (r"(?![0-9.,])" if n[-1:].isdigit() else ""))


def shown(needle: str, text: str) -> bool:
    """`needle` in `text`, both squeezed."""
    return re.search(_pattern(needle), squeeze(text)) is not None


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> dict[str, str]:
    rc.need_soffice()
    if not shutil.which("pdftotext"):
        if os.environ.get("CI"):
            pytest.fail("poppler-utils (pdftotext) are required in CI")
        pytest.skip("poppler-utils are not installed")
    out = tmp_path_factory.mktemp("etajima") / "out"
    build(EXAMPLE / "data", out)
    # 資料4 reports H27 and was made in FY2016 or later: the H28 sheet (the year after the last actual)
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["2015_H27", "2016_H28"]
    [xlsx] = sorted(out.glob("2016_H28/03_KPI*.xlsx"))
    [data] = pdf.convert_batch([xlsx])
    path = out / "kpi.pdf"
    path.write_bytes(data)
    # the goal's sheet is the first page; the charts follow on their own pages (their legends say
    # 実績 and 目標値 too, which must not stand in for the table's cells)
    # two readings of the page: in reading order (a wrapped cell's text stays together) and as laid
    # out (a table row stays on one line)
    read = {mode: subprocess.run(["pdftotext", *flags, "-f", "1", "-l", "1", str(path), "-"],
                                 capture_output=True, text=True, check=True).stdout
            for mode, flags in (("text", []), ("layout", ["-layout"]), ("bbox", ["-bbox"]))}
    read["cells"] = "\n".join(_cells(read.pop("bbox")))
    # the year's list of goals, indicators and KPIs (a city without project lists: 01_指標一覧)
    [listing] = sorted(out.glob("2016_H28/01_*.docx"))
    read["list_name"], read["list"] = listing.name, rc.word_text(listing)
    return read


def _cells(bbox: str) -> list[str]:
    """The page's words joined into the cells they wrap in: a word continues the one above it when
    it starts at the same x on the next line (reading order puts a neighbouring cell in between)."""
    words = [(float(m[1]), float(m[2]), float(m[4]) - float(m[2]), html.unescape(m[5])) for m in re.finditer(
        r'<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">(.*?)</word>', bbox)]
    cells: list[list] = []  # [x, y of the last line, height, text]
    for x, y, h, text in sorted(words, key=lambda w: (w[1], w[0])):
        above = next((c for c in cells if abs(c[0] - x) < 0.5 and 0 < y - c[1] < 1.3 * h), None)
        if above:
            above[1], above[3] = y, above[3] + text
        else:
            cells.append([x, y, h, text])
    return [c[3] for c in cells]


def test_the_data_folder_builds_alone_and_is_no_draft():
    ds = load(EXAMPLE / "data")
    assert ds.city.name == "江田島市" and not (EXAMPLE / "data" / "DRAFT.md").exists()
    kpis = ds.strategies[0].measures.kpis
    assert [k.ratings[next(iter(k.ratings))].get("achievement") for k in kpis] == ["A", "A", "B"]


@pytest.mark.parametrize("cell", published_cells())
def test_every_published_cell_is_on_the_page(page, cell):
    # a line's last word may end in "-" (未実施-), which reading order takes for a hyphenation: the
    # layout reading keeps it
    assert shown(cell, page["text"]) or shown(cell, page["cells"]) or shown(cell, page["layout"]), \
        f"{cell!r} is not on the printed page"


def test_each_table_has_its_own_header_above_its_rows(page):
    """The goal's table under 基準値 (H26) | 実績値 (H27), then ■施策①, then the KPI table under its own
    header 現状値 (H26) | H27 / 実績, as the page prints them (strategy.yaml's table_labels, numbering)."""
    lines = [squeeze(ln) for ln in page["layout"].splitlines()]

    def at(text: str) -> int:
        return next(i for i, ln in enumerate(lines) if squeeze(text) in ln)

    goal_rows, kpi_rows = SOURCE["basic_goal"]["goal_indicators"]["rows"], SOURCE["kpi_tables"][0]["rows"]
    # a header cell may wrap inside its cell (実績値 / (H27)): the header row starts on one line
    assert at("基準値") == at("実績値") < at(goal_rows[0][0]) < at(goal_rows[1][0][:10])
    assert at(goal_rows[1][0][:10]) < at("■施策① 農林業の振興") < at("現状値 (H26)") < at(kpi_rows[0]["name"][:10])
    header = lines[at("■施策① 農林業の振興") + 1:at(kpi_rows[0]["name"][:10])]
    assert any("H27" in ln for ln in header) and any("実績" in ln for ln in header)


def test_no_empty_project_brackets_and_no_project_wording(page):
    """The city names no project: the year's list prints no 〈〉 and no project section (no goal
    `project`, projects: false), and the goals and policies as the page numbers them."""
    assert page["list_name"] == "01_指標一覧_平成28年度.docx"
    text = squeeze(page["list"])
    for absent in ("〈", "〉", "事業", "プロジェクト"):
        assert absent not in text, absent
    assert squeeze("①地域で暮らすためのしごとをつくる") in text and squeeze("■施策① 農林業の振興") in text
    # the policy by the page's own mark only: no second marker before it (issue 26: ◇基本施策：■施策①)
    assert "◇" not in text and "：「" not in text
    s = load(EXAMPLE / "data").strategies[0].strategy
    assert not s.projects and all(g.project is None for g in s.goals)


def test_nobe_is_a_running_total_not_a_printed_word_only():
    """延べ (the plan period's total, the page's note) is what the measure is, not only how it is written."""
    ms = load(EXAMPLE / "data").strategies[0].measures
    nobe = [m.name for m in [*ms.indicators, *ms.kpis] if m.cumulative and m.cumulative.kind == "running_total"]
    assert nobe == ["農・水産業の後継者・担い手の育成(人)", "農業の後継者・担い手の育成(人)"]


def _line_of(page: str, name: str) -> str:
    """The printed line holding the start of a row's name (a long name wraps in its cell)."""
    lines = [ln for ln in page["layout"].splitlines() if squeeze(name)[:10] in squeeze(ln)]
    assert len(lines) == 1, (name, lines)
    return squeeze(lines[0])


def _in_order(line: str, cells: list[str]) -> bool:
    pattern = ".*".join(_pattern(c) for c in cells)
    return re.search(pattern, line) is not None


@pytest.mark.parametrize("row", SOURCE["basic_goal"]["goal_indicators"]["rows"], ids=lambda r: r[0])
def test_each_goal_indicator_is_one_printed_row(page, row):
    name, baseline, actual, target = row
    assert _in_order(_line_of(page, name), [baseline, actual, target])


@pytest.mark.parametrize("row", SOURCE["kpi_tables"][0]["rows"], ids=lambda r: r["name"])
def test_each_kpi_is_one_printed_row_with_both_ratings(page, row):
    # the sheet's column order: 現状値, the years, 目標値, then the review's two rating columns
    assert _in_order(_line_of(page, row["name"]),
                     [row["baseline"], row["actual_H27"], row["target"], row["improvement"], row["achievement"]])


def test_the_review_text_is_a_full_width_row_under_its_kpi(page):
    lines = [squeeze(ln) for ln in page["layout"].splitlines()]
    for row in SOURCE["kpi_tables"][0]["rows"]:
        at = next(i for i, ln in enumerate(lines) if squeeze(row["name"])[:10] in ln)
        heading = next(i for i in range(at + 1, len(lines)) if "≪成果と見直し≫" in lines[i])
        first = squeeze(row["review"][0])[:15]
        assert any(first in ln for ln in lines[heading:heading + 3]), row["name"]


def test_a_misspelt_header_name_is_an_error_at_its_line(tmp_path):
    """table_labels' header patterns name only {label} and {year}: a misspelt one is refused at load,
    with the file, line and field, and nothing is built."""
    data = tmp_path / "data"
    shutil.copytree(EXAMPLE / "data", data, ignore=shutil.ignore_patterns(".lock"))
    path = data / "strategies" / "1" / "strategy.yaml"
    text = path.read_text(encoding="utf-8")
    assert '"実績値 ({year})"' in text
    path.write_text(text.replace('"実績値 ({year})"', '"実績値 ({yaer})"'), encoding="utf-8")
    line = next(i for i, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "yaer" in ln)
    run = subprocess.run([sys.executable, str(ROOT / "generate.py"), "--data", str(data), "--out", str(tmp_path / "out")],
                         capture_output=True, text=True)
    assert run.returncode != 0 and not (tmp_path / "out").exists()
    assert f"strategy.yaml:{line}:" in run.stderr and "table_labels.kpi_trend.actual_column" in run.stderr
    assert "{yaer}" in run.stderr
