"""The archive: byte-identical rebuilds, a manifest that verifies, atomic years, bad data writes nothing."""
import hashlib
import json
from pathlib import Path

import pytest

from reportgen.archive import verify
from reportgen.build import build
from reportgen.cli import main

from conftest import DATA


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_default_archive_has_one_folder_per_fiscal_year_in_the_data(built):
    assert sorted(p.name for p in built.iterdir() if p.is_dir()) == ["2016_H28", "2017_H29", "2022_R4", "2023_R5", "2024_R6"]


def test_a_second_build_is_byte_identical(built, tmp_path):
    again = tmp_path / "out"
    build(DATA, again)
    first, second = snapshot(built), snapshot(again)
    first.pop(".lock", None), second.pop(".lock", None)
    assert first == second and len(first) > 60


def test_building_in_two_processes_gives_the_same_bytes_and_the_same_manifest_order(built, tmp_path):
    parallel = tmp_path / "out"
    build(DATA, parallel, jobs=2)
    first, second = snapshot(built), snapshot(parallel)
    first.pop(".lock", None), second.pop(".lock", None)
    assert first == second and len(first) > 60  # manifest.json included: files listed in the same order


def test_the_workers_are_forked_before_any_other_thread_starts(tmp_path, monkeypatch):
    """A fork copies only the forking thread: a lock another thread held would stay held in the child."""
    import os
    import threading

    threads_at_fork = []
    real_fork = os.fork

    def fork():
        threads_at_fork.append(threading.active_count())
        return real_fork()

    monkeypatch.setattr(os, "fork", fork)
    build(DATA, tmp_path / "out", jobs=2)
    assert threads_at_fork and set(threads_at_fork) == {1}


def _record_fsyncs(monkeypatch, root: Path) -> list[str]:
    """The paths (relative to `root`) that archive fsyncs, in order."""
    from reportgen import archive

    synced, opened = [], {}
    real_open, real_fsync = archive.os.open, archive.os.fsync

    def fake_open(path, flags, *a):
        fd = real_open(path, flags, *a)
        opened[fd] = Path(path).relative_to(root).as_posix()
        return fd

    monkeypatch.setattr(archive.os, "open", fake_open)
    monkeypatch.setattr(archive.os, "fsync", lambda fd: (synced.append(opened[fd]), real_fsync(fd)))
    return synced


def test_every_staged_file_is_fsynced_and_then_every_folder_sub_folders_first(tmp_path, monkeypatch):
    """Files are fsynced in the background as they are written; settling waits for them, then syncs folders."""
    from reportgen.archive import Durable

    tree = tmp_path / "stage"
    synced = _record_fsyncs(monkeypatch, tmp_path)
    durable = Durable()
    try:
        for name in ("a.xlsx", "forms/b.xlsx"):
            durable.write(tree / name, b"x")
        durable.settle(tree)
    finally:
        durable.close()
    assert sorted(synced[:2]) == ["stage/a.xlsx", "stage/forms/b.xlsx"]
    assert synced[2:] == ["stage/forms", "stage"]
    assert (tree / "forms" / "b.xlsx").read_bytes() == b"x"


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_build_syncs_every_file_it_publishes_before_the_year_appears(tmp_path, monkeypatch, jobs):
    """In 2 processes the workers write the documents, and the parent syncs them."""
    out = tmp_path / "out"
    synced = _record_fsyncs(monkeypatch, tmp_path)
    build(DATA, out, years=None, jobs=jobs)
    files = {f"out/{p.relative_to(out).as_posix()}" for p in out.rglob("*") if p.is_file() and p.name != ".lock"}
    # out/.staging-2017_H29-xyz/forms/a.xlsx is published as out/2017_H29/forms/a.xlsx
    staged = {"out/" + s.split("/")[1][len(".staging-"):].rsplit("-", 1)[0] + "/" + s.split("/", 2)[2]
              for s in synced if s.startswith("out/.staging-") and s.count("/") >= 2}
    assert files <= staged and len(files) > 60


def test_a_document_that_fails_in_a_worker_stops_the_build_and_leaves_out_untouched(tmp_path, monkeypatch):
    from reportgen import build as build_module

    out = tmp_path / "out"
    build(DATA, out, years=None)
    before = snapshot(out)
    real_render = build_module.render
    victim = sorted(out.glob("*/forms/*.xlsx"))[-1].name  # one form among many

    def render(job, *args):
        if job.filename.endswith(victim):
            raise RuntimeError("renderer crashed")
        return real_render(job, *args)

    monkeypatch.setattr(build_module, "render", render)  # the workers are forked with it
    with pytest.raises(RuntimeError, match="renderer crashed"):
        build(DATA, out, years=None, jobs=2)
    assert snapshot(out) == before
    assert not list(out.glob(".staging-*"))


def test_a_disk_that_fails_to_sync_stops_the_build_and_leaves_out_untouched(tmp_path, monkeypatch):
    from reportgen import archive

    out = tmp_path / "out"
    build(DATA, out, years=None)
    before = snapshot(out)

    def failing(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(archive.os, "fsync", failing)
    with pytest.raises(OSError, match="Input/output error"):
        build(DATA, out, years=None)
    assert snapshot(out) == before
    assert not list(out.glob(".staging-*"))


def test_the_manifest_lists_every_file_with_its_hash_the_data_hash_and_the_version(built):
    folder = built / "2017_H29"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tool"]["version"] and manifest["fiscal_year"] == {"code": "H29", "western": 2017, "label": "平成29年度"}
    listed = {f["path"]: f["sha256"] for f in manifest["files"] + manifest["data"]["files"]}
    on_disk = snapshot(folder)
    on_disk.pop("manifest.json")
    assert listed == on_disk
    assert len(manifest["data"]["sha256"]) == 64


def test_verify_passes_on_a_fresh_archive_and_names_a_file_changed_by_one_byte(tmp_path, capsys):
    out = tmp_path / "out"
    build(DATA, out, years=None)
    assert main(["verify", str(out)]) == 0
    victim = out / "2024_R6" / "03_KPI目標値達成状況推移_令和6年度.xlsx"
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 1
    victim.write_bytes(bytes(data))
    assert main(["verify", str(out), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "2024_R6/03_KPI目標値達成状況推移_令和6年度.xlsx: content differs from the manifest" in err
    assert "2017_H29" not in err


def test_verify_names_a_changed_data_snapshot_and_an_extra_file(tmp_path):
    out = tmp_path / "out"
    build(DATA, out)
    year = out / "2017_H29"
    with open(year / "data" / "city.yaml", "a", encoding="utf-8") as f:
        f.write("# edited\n")
    (year / "extra.txt").write_text("x")
    _, findings = verify(year)
    paths = {f.path for f in findings}
    assert paths == {"data/city.yaml", "extra.txt"}


@pytest.mark.parametrize("breakage", ["syntax", "duplicate", "unknown"])
def test_bad_data_exits_1_with_file_and_line_and_leaves_out_untouched(tmp_path, data_copy, capsys, breakage):
    out = tmp_path / "out"
    build(data_copy, out, years=None)
    before = snapshot(out)
    f = data_copy / "strategies" / "1" / "projects.yaml"
    text = f.read_text(encoding="utf-8")
    if breakage == "syntax":
        text = text.replace("    policy: \"1-1\"", "    policy: [\"1-1\"", 1)
    elif breakage == "duplicate":
        text = text.replace("    policy: \"1-1\"", "    policy: \"1-1\"\n    policy: \"1-2\"", 1)
    else:
        text = text.replace("    policy: \"1-1\"", "    policy: \"1-1\"\n    polcy: \"1-2\"", 1)
    f.write_text(text, encoding="utf-8")
    assert main(["--data", str(data_copy), "--out", str(out), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "strategies/1/projects.yaml:" in err and "nothing was written" in err
    line = int(err.split("projects.yaml:")[1].split(":")[0])
    assert line > 1
    assert snapshot(out) == before


def test_a_failure_while_rendering_leaves_the_previous_archive_intact(tmp_path, monkeypatch):
    out = tmp_path / "out"
    build(DATA, out)
    before = snapshot(out)
    import reportgen.build as building

    real = building.render
    calls = {"n": 0}

    def failing(job, *a, **k):
        calls["n"] += 1
        if calls["n"] == 20:
            raise RuntimeError("disk full")
        return real(job, *a, **k)

    monkeypatch.setattr(building, "render", failing)
    with pytest.raises(RuntimeError):
        build(DATA, out)
    assert snapshot(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".staging")]


def test_requested_years_accept_any_spelling_and_unknown_years_are_usage_errors(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["--year", "令和6年度", "--year", "FY2017", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["2017_H29", "2024_R6"]
    assert main(["--year", "H20", "--out", str(out)]) == 2
    assert main(["--year", "R0", "--out", str(out)]) == 2
    assert "R0" in capsys.readouterr().err


def test_a_second_strategy_year_without_projects_still_builds(tmp_path):
    out = tmp_path / "out"
    build(DATA, out, years=[__import__("reportgen.era", fromlist=["x"]).parse_fy("R7")])
    assert (out / "2025_R7" / "01_対象事業一覧_令和7年度.docx").is_file()


def test_source_date_epoch_sets_the_document_date(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = tmp_path / "out"
    build(DATA, out, years=[__import__("reportgen.era", fromlist=["x"]).parse_fy("H29")])
    import zipfile
    with zipfile.ZipFile(out / "2017_H29" / "01_対象事業一覧_平成29年度.docx") as z:
        assert "2023-11-14T22:13:20Z" in z.read("docProps/core.xml").decode()
        assert {i.date_time for i in z.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    assert main(["verify", str(out)]) == 0


def test_help_on_every_verb_has_examples(capsys):
    for verb in ([], ["collect"], ["verify"]):
        assert main(verb + ["--help"]) == 0
        assert "examples:" in capsys.readouterr().out
