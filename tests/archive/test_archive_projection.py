"""A year's archive keeps the data its documents read: the projection rebuilds every document byte for byte, comments kept."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from reportgen.archive.projection import later_entries, without, year_dataset
from reportgen.deliverables import outputs_for, present_years
from reportgen.model.loader import load
from reportgen.model.yamlsrc import read_yaml
from reportgen.render.dispatch import render
from reportgen.rules import era
from reportgen.templating import templateset
from reportgen.templating.year import year_settings

from support import DATA, ROOT

FOLDERS = [DATA, *sorted(ROOT.glob("examples/*/data"))]


def _rendered(ds, year, issued_from) -> dict[str, bytes]:
    """Every document of the year as a build renders it, its forms issued as from `issued_from`'s files."""
    jobs = outputs_for(dataclasses.replace(ds, sources=issued_from.sources), year)
    return {job.filename: render(job, year, ds.city.name) for job in jobs}


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.parent.name if p != DATA else "data")
def test_each_year_rebuilt_from_its_archived_data_gives_the_bytes_the_whole_data_gives(folder, tmp_path):
    ds = load(folder)
    tset = templateset.for_data(folder)
    for fy in present_years(ds):
        year = year_settings(fy, ds.city.fy2019, tset)
        own = year_dataset(ds, year)
        # the year's data copy written out and read back, as verify reads an archive
        copy = tmp_path / year.folder / "data"
        for src in own.sources:
            (copy / src.relpath).parent.mkdir(parents=True, exist_ok=True)
            (copy / src.relpath).write_bytes(src.content)
        archived = load(copy)
        # the build id the year's forms carry is its own data's, whichever data renders them
        whole = _rendered(ds, year, archived)
        assert whole and _rendered(archived, year, archived) == whole, (folder, year.folder)


def _subsequence(part: list[str], whole: list[str]) -> bool:
    it = iter(whole)
    return all(line in it for line in part)


def test_a_years_copy_is_its_data_files_less_whole_lines_of_later_years_comments_kept():
    ds = load(DATA)
    original = (DATA / "strategies/2/kpis.yaml").read_text(encoding="utf-8")
    r4 = year_dataset(ds, year_settings(era.parse_fy("R4"), ds.city.fy2019, templateset.for_data(DATA)))
    copy = next(s for s in r4.sources if s.relpath == "strategies/2/kpis.yaml").content.decode("utf-8")
    # R5's and R6's actuals are gone from R4's copy; R6's review ratings, which R4's forms show
    # (the review R4–R6 holds R4), stay
    assert "R6: 77.8%" in original and "R6: 77.8%" not in copy and "R5: 0.95" not in copy
    assert copy.count("    ratings:\n      R6:") == original.count("    ratings:\n      R6:") > 0
    # every line kept as written, in order, and the headings between goals too
    assert _subsequence(copy.splitlines(), original.splitlines())
    headings = re.findall(r"^  # ---- 基本目標.*$", original, re.M)
    assert headings and re.findall(r"^  # ---- 基本目標.*$", copy, re.M) == headings


def test_later_entries_go_as_whole_lines_and_the_comment_heading_what_follows_stays():
    text = (
        "indicators:\n"
        "  - goal: 1\n"
        "    actuals:\n"
        "      R4: 1   # kept as written\n"
        "      R5: 2\n"
        "    revisions:\n"
        "      # R6's review renamed it\n"
        "      - since: R6\n"
        "        set:\n"
        "          name: y\n"
        "\n"
        "  # ---- 基本目標2\n"
        "  - goal: 2\n"
        "    actuals:\n"
        "      R6: 3\n")
    located = read_yaml(text)
    paths = [p for group in later_entries(located, era.parse_fy("R4")).values() for p in group]
    assert without(text, located, paths) == (
        "indicators:\n"
        "  - goal: 1\n"
        "    actuals:\n"
        "      R4: 1   # kept as written\n"
        "\n"
        "  # ---- 基本目標2\n"
        "  - goal: 2\n")
