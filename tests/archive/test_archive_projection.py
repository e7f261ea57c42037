"""A year's archive keeps the data its documents read: the projection rebuilds every document byte for byte, comments kept."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from support import DATA, ROOT

from reportgen.archive.projection import cut, later_entries, without, year_dataset
from reportgen.deliverables import outputs_for, present_years
from reportgen.model.loader import load
from reportgen.model.yamlsrc import read_yaml
from reportgen.render.dispatch import render
from reportgen.rules import era
from reportgen.templating import templateset
from reportgen.templating.year import year_settings

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
    headings = re.findall(r"^  # ---- 基本目標.*$", original, re.MULTILINE)
    assert headings and re.findall(r"^  # ---- 基本目標.*$", copy, re.MULTILINE) == headings


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


def test_a_list_written_at_its_keys_own_indent_goes_whole_with_its_key():
    """PyYAML writes a list under a key without indenting it (`reviews:` then `- id: R6`); when every
    element goes, the key goes with its whole list, and the rest still reads."""
    text = (
        "rounds: []\n"
        "reviews:\n"
        "- id: R6\n"
        "  from: R4\n"
        "  to: R6\n"
        "- id: R9\n"
        "  from: R7\n"
        "  to: R9\n"
        "name: x\n")
    located = read_yaml(text)
    paths = [p for group in later_entries(located, era.parse_fy("R4")).values() for p in group]
    assert without(text, located, paths) == "rounds: []\nname: x\n"
    one = [p for (shape, year), group in later_entries(located, era.parse_fy("R4")).items() if year == 2027 for p in group]
    assert without(text, located, one) == text.replace("- id: R9\n  from: R7\n  to: R9\n", "")


def _redumped(folder: Path, dest: Path) -> Path:
    """`folder`'s data written again as PyYAML writes it (lists at their key's indent), as bench/synth.py does."""
    import yaml

    for path in folder.rglob("*.yaml"):
        out = dest / path.relative_to(folder)
        out.parent.mkdir(parents=True, exist_ok=True)
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        out.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=4096), encoding="utf-8")
    return dest


@pytest.mark.parametrize("folder", [*FOLDERS, "redumped"], ids=lambda p: p if isinstance(p, str) else
                         p.parent.name if p != DATA else "data")
def test_the_values_a_trial_takes_for_a_cut_file_are_those_its_cut_text_reads_as(folder, tmp_path):
    """A year's trials take a cut file's values as cut (cut) rather than parse the text cut (without):
    for every group of later entries of every year, the cut text reads, and as exactly those values."""
    many = folder in (DATA, "redumped")  # the examples date few entries after their years
    folder = _redumped(DATA, tmp_path / "data") if folder == "redumped" else folder
    ds = load(folder)
    checked = 0
    for fy in present_years(ds):
        for src in ds.sources:
            text = src.content.decode("utf-8")
            located = read_yaml(text)
            for group, paths in later_entries(located, fy).items():
                new = without(text, located, paths)
                if new is not None:
                    assert read_yaml(new).value == cut(located, paths).value, (src.relpath, fy, group)
                    checked += 1
    assert checked > 20 or not many


def test_what_trials_on_cut_values_choose_is_loaded_from_its_text_and_compared_before_it_is_kept(monkeypatch):
    """Should the values a trial takes for a cut file ever differ from its text's (here: every cut
    taken as no cut at all, so every trial passes), the files chosen fail their load-and-compare
    as a whole, and the year is worked out again parsing each trial's files: the same year data."""
    from reportgen.archive import projection

    ds = load(DATA)
    year = year_settings(era.parse_fy("R4"), ds.city.fy2019, templateset.for_data(DATA))
    right = year_dataset(ds, year)
    monkeypatch.setattr(projection, "cut", lambda located, paths: located)
    assert [(s.relpath, s.content) for s in year_dataset(ds, year).sources] == [(s.relpath, s.content) for s in right.sources]
