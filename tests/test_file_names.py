"""Names that become file names follow one rule at load; every writer keeps its files inside the folder it writes.

The names of issue 24: a department `../../../../../../PWNED_dept`, city.yaml's
`head: "../../../../../PWNED_head"`, `/`, the characters Windows refuses, U+202E (an extension-
spoofing name), a 100-character name; each refused at its line, nothing written anywhere.
"""
from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest
from support import tree

from reportgen.archive.build import build
from reportgen.cli import main
from reportgen.cycle import opening, sources
from reportgen.deliverables import kpi_trend
from reportgen.model.lock import inside
from reportgen.rules.era import FiscalYear, parse_fy
from reportgen.rules.filenames import path_problem
from reportgen.rules.problems import DataError


def every_file(root: Path) -> set[str]:
    return {p.name for p in root.rglob("*")}


RENAMED = "  - name: 商工観光課\n"  # departments.yaml line 15; referenced by the KPIs, so renamed everywhere


def rename_department(data: Path, name: str) -> None:
    """Give 商工観光課 another name in departments.yaml and in every file that names it."""
    quoted = json.dumps(name, ensure_ascii=True)  # the YAML double-quoted form: \u202e stays escaped
    for path in data.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if "商工観光課" in text:
            text = text.replace(RENAMED, f"  - name: {quoted}\n").replace("商工観光課", name.replace("\\", "\\\\"))
            path.write_text(text, encoding="utf-8")
    text = (data / "departments.yaml").read_text(encoding="utf-8")
    assert f"  - name: {quoted}\n" in text


@pytest.mark.parametrize("name, expected", [
    ("../../../../../../PWNED_dept", "フォルダの区切り（/ \\）を含まない名前（ファイル名になります）"),
    ("商工/観光課", "フォルダの区切り（/ \\）を含まない名前（ファイル名になります）"),
    ("商工\\観光課", "フォルダの区切り（/ \\）を含まない名前（ファイル名になります）"),
    ("商工:観光課", "Windows がファイル名に使えない文字（: ? * \" < > |）を含まない名前"),
    ("商工観光課?", "Windows がファイル名に使えない文字（: ? * \" < > |）を含まない名前"),
    ("商工<観光>課", "Windows がファイル名に使えない文字（: ? * \" < > |）を含まない名前"),
    ("商工観光課\u202exslx.exe", "制御文字や書式文字（文字の向きを変える U+202E など）を含まない名前（U+202E があります）"),
    ("商工\u200b観光課", "制御文字や書式文字（文字の向きを変える U+202E など）を含まない名前（U+200B があります）"),
    (".商工観光課", "先頭と末尾が点（.）や空白でない名前（Windows が消したり拒んだりします）"),
    ("商工観光課.", "先頭と末尾が点（.）や空白でない名前（Windows が消したり拒んだりします）"),
    ("商工観光課\u3000", "先頭と末尾が点（.）や空白でない名前（Windows が消したり拒んだりします）"),
    ("商" * 100, "64文字以内の名前（ファイル名になるため、Windows のパスの長さの上限に収まるように。100文字あります）"),
])
def test_a_department_name_that_cannot_be_a_file_name_is_refused_at_its_line(data_copy, tmp_path, monkeypatch, capsys,
                                                                              name, expected):
    monkeypatch.chdir(tmp_path)
    rename_department(data_copy, name)
    before = tree(data_copy)
    assert main(["--data", "data", "--out", "out"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"data/departments.yaml:15:11: departments[9].name: {expected}が必要です。書かれていた値: "), err
    assert err[-1].startswith("エラー ")
    assert tree(data_copy) == before and not (tmp_path / "out").exists()
    assert not {"PWNED_dept"} & every_file(tmp_path.parent)


def test_a_head_climbing_out_of_the_archive_is_refused_at_its_line(data_copy, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    city = data_copy / "city.yaml"
    city.write_text(city.read_text(encoding="utf-8") + 'head: "../../../../../PWNED_head"\n', encoding="utf-8")
    line = city.read_text(encoding="utf-8").count("\n")
    assert main(["--data", "data", "--out", "out", "--lang", "en"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [f"data/city.yaml:{line}:7: head: expected a name without a folder separator (/ \\), as it becomes a "
                   "file name, got '../../../../../PWNED_head'", "1 error(s): nothing was written."]
    assert not (tmp_path / "out").exists()


def test_init_refuses_a_head_that_cannot_be_a_file_name(tmp_path, capsys):
    assert main(["init", str(tmp_path / "new"), "--city", "安平町", "--head", "町長/../x"]) == 2
    assert "--head: フォルダの区切り（/ \\）を含まない名前" in capsys.readouterr().err
    assert not (tmp_path / "new").exists()


def test_a_document_name_escaping_its_year_folder_is_refused_before_out_is_touched(data_copy, tmp_path, monkeypatch):
    # a file name the load rule cannot see (code, or a name that slipped past it): the writers' own guard
    monkeypatch.setattr(kpi_trend, "DOCUMENT", "x/../../ESCAPED")
    with pytest.raises(DataError) as exc:
        build(data_copy, tmp_path / "out", [FiscalYear(2016)])
    assert exc.value.render("en") == ("03_x/../../ESCAPED_平成28年度.xlsx: refused file name: expected a relative path that "
                                      f"stays inside the folder (no .. or .) (the folder written: {tmp_path / 'out' / '2016_H28'})")
    assert not (tmp_path / "out").exists() and not list(tmp_path.rglob("*ESCAPED*"))


def test_a_form_name_escaping_the_sent_folder_is_refused_before_anything_is_written(data_copy, tmp_path):
    def escaping(ds, year):
        return [replace(job, filename="forms/..") for job in sources.department_forms(ds, year)[:1]]

    before = tree(data_copy)
    with pytest.raises(DataError) as exc:
        opening.open_year(data_copy, tmp_path / "out", parse_fy("R7"), sources=(escaping,))
    assert exc.value.render("en").startswith("..: refused file name: expected a relative path that stays inside the folder")
    assert tree(data_copy) == before and not (tmp_path / "out").exists()


def test_a_path_through_a_link_out_of_the_folder_is_refused(tmp_path):
    (tmp_path / "year").mkdir()
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", tmp_path / "year" / "forms")
    assert inside(tmp_path / "year", "a/b.xlsx") == tmp_path / "year" / "a" / "b.xlsx"
    with pytest.raises(DataError) as exc:
        inside(tmp_path / "year", "forms/x.xlsx")
    assert "a path that stays inside the folder (a folder on the way links outside it)" in exc.value.render("en")


def test_the_manifest_records_only_paths_inside_the_year_folder(data_copy, tmp_path):
    result = build(data_copy, tmp_path / "out", [FiscalYear(2016)])
    manifest = json.loads((tmp_path / "out" / result.years[0].folder / "manifest.json").read_text(encoding="utf-8"))
    paths = [e["path"] for e in manifest["files"] + manifest["data"]["files"] + manifest["templates"]]
    assert len(paths) > 5 and [p for p in paths if path_problem(p) is not None] == []


def test_a_name_at_the_limit_builds_and_its_longest_file_name_fits_linux_and_windows(data_copy, tmp_path):
    # 64 kanji: the longest file name it reaches (the evaluation form) is 243 bytes of the 255 Linux
    # and macOS allow, 105 of the 255 characters NTFS allows
    rename_department(data_copy, "商" * 64)
    build(data_copy, tmp_path / "out", [FiscalYear(2017)])
    names = [p.name for p in (tmp_path / "out" / "2017_H29" / "forms").iterdir() if "商" * 64 in p.name]
    assert names == [f"実施事業評価等入力表_平成29年度_{'商' * 64}.xlsx"]
    assert len(names[0].encode("utf-8")) == 243


def test_a_file_name_over_255_bytes_is_refused_by_the_writers_not_by_the_system(tmp_path):
    with pytest.raises(DataError) as exc:
        inside(tmp_path, "forms/" + "商" * 85 + ".xlsx")
    assert "a file name of at most 255 bytes in UTF-8 (it has 260)" in exc.value.render("en")
