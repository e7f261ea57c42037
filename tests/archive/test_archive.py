"""The archive: byte-identical rebuilds, a manifest that verifies, atomic years, bad data writes nothing."""
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from support import DATA, ROOT, tree

from reportgen.archive.build import build
from reportgen.archive.verification import verify
from reportgen.cli import main
from reportgen.rules.era import parse_fy

# Mechanisms that act per year (determinism, workers, syncing, a failure before publishing) are shown on one
# year: R5, the year with every document kind (the pledge list and its form included), 35 files of the 6 years' 158.
R5, R5_FOLDER = parse_fy("R5"), "2023_R5"


def test_the_default_archive_has_one_folder_per_fiscal_year_in_the_data(built):
    # R7: the year after the 2nd strategy's last actuals (R6), whose 対象事業一覧 shows them (issue 17 item 6)
    assert sorted(p.name for p in built.iterdir() if p.is_dir()) == ["2016_H28", "2017_H29", "2022_R4", "2023_R5",
                                                                     "2024_R6", "2025_R7"]


def test_a_second_build_is_byte_identical(built, tmp_path):
    again = tmp_path / "out"
    build(DATA, again, years=[R5])
    first, second = tree(built / R5_FOLDER), tree(again / R5_FOLDER)
    assert first == second and len(first) > 30


def test_building_in_two_processes_gives_the_same_bytes_and_the_same_manifest_order(built, tmp_path):
    parallel = tmp_path / "out"
    build(DATA, parallel, years=[R5], jobs=2)
    first, second = tree(built / R5_FOLDER), tree(parallel / R5_FOLDER)
    assert first == second and len(first) > 30  # manifest.json included: files listed in the same order


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
    build(DATA, tmp_path / "out", years=[R5], jobs=2)
    assert threads_at_fork and set(threads_at_fork) == {1}


def _record_fsyncs(monkeypatch, root: Path) -> list[str]:
    """The paths (relative to `root`) that archive fsyncs, in order."""
    from reportgen.archive import publish as archive

    synced, opened = [], {}
    real_open, real_fsync = archive.os.open, archive.os.fsync

    def fake_open(path, flags, *a, **kw):  # shutil.rmtree opens with dir_fd: the loader's temporary folders
        fd = real_open(path, flags, *a, **kw)
        opened[fd] = Path(path).relative_to(root).as_posix() if "dir_fd" not in kw and Path(path).is_relative_to(root) else None
        return fd

    monkeypatch.setattr(archive.os, "open", fake_open)
    monkeypatch.setattr(archive.os, "fsync", lambda fd: (synced.append(opened[fd]), real_fsync(fd)))
    return synced


def test_every_staged_file_is_fsynced_and_then_every_folder_sub_folders_first(tmp_path, monkeypatch):
    """Files are fsynced in the background as they are written; settling waits for them, then syncs folders."""
    from reportgen.archive.publish import Durable

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
    build(DATA, out, years=[R5], jobs=jobs)
    files = {f"out/{p.relative_to(out).as_posix()}" for p in out.rglob("*") if p.is_file() and p.name != ".lock"}
    # out/.staging-2023_R5-xyz/forms/a.xlsx is published as out/2023_R5/forms/a.xlsx
    staged = {"out/" + s.split("/")[1][len(".staging-"):].rsplit("-", 1)[0] + "/" + s.split("/", 2)[2]
              for s in synced if s.startswith("out/.staging-") and s.count("/") >= 2}
    assert files <= staged and len(files) > 30


def test_a_document_that_fails_in_a_worker_stops_the_build_and_leaves_out_untouched(built_copy, monkeypatch):
    from reportgen.archive import build as build_module

    out = built_copy
    before = tree(out)
    real_render = build_module.render
    victim = sorted(out.glob(f"{R5_FOLDER}/forms/*.xlsx"))[-1].name  # one form among many

    def render(job, *args):
        if job.filename.endswith(victim):
            raise RuntimeError("renderer crashed")
        return real_render(job, *args)

    monkeypatch.setattr(build_module, "render", render)  # the workers are forked with it
    with pytest.raises(RuntimeError, match="renderer crashed"):
        build(DATA, out, years=[R5], jobs=2)
    assert tree(out) == before
    assert not list(out.glob(".staging-*"))


def test_a_disk_that_fails_to_sync_stops_the_build_and_leaves_out_untouched(built_copy, monkeypatch):
    from reportgen.archive import publish as archive

    out = built_copy
    before = tree(out)

    def failing(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(archive.os, "fsync", failing)
    with pytest.raises(OSError, match="Input/output error"):
        build(DATA, out, years=[R5])
    assert tree(out) == before
    assert not list(out.glob(".staging-*"))


def test_the_manifest_lists_every_file_with_its_hash_the_data_hash_and_the_version(built):
    folder = built / "2017_H29"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tool"]["version"] and manifest["fiscal_year"] == {"code": "H29", "western": 2017, "label": "平成29年度"}
    listed = {f["path"]: f["sha256"] for f in manifest["files"] + manifest["data"]["files"] + manifest["templates"]}
    on_disk = tree(folder)
    on_disk.pop("manifest.json")
    assert listed == on_disk
    assert len(manifest["data"]["sha256"]) == 64


def test_verify_passes_on_a_fresh_archive_and_names_a_file_changed_by_one_byte(built_copy, capsys):
    out = built_copy
    assert main(["verify", str(out)]) == 0
    victim = out / "2024_R6" / "03_KPI目標値達成状況推移_令和6年度.xlsx"
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 1
    victim.write_bytes(bytes(data))
    assert main(["verify", str(out), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "2024_R6/03_KPI目標値達成状況推移_令和6年度.xlsx: content differs from the manifest" in err
    assert "2017_H29" not in err


def test_verify_names_a_changed_data_snapshot_and_an_extra_file(built_copy):
    out = built_copy
    year = out / "2017_H29"
    with open(year / "data" / "city.yaml", "a", encoding="utf-8") as f:
        f.write("# edited\n")
    (year / "extra.txt").write_text("x")
    _, findings = verify(year)
    assert {f.path for f in findings if f.kind == "hash"} == {"data/city.yaml", "extra.txt"}
    assert [(f.kind, f.path) for f in findings if f.kind != "hash"] == [("rebuild", "")]  # not rebuilt from changed data


@pytest.mark.parametrize("breakage", ["syntax", "duplicate", "unknown"])
def test_bad_data_exits_1_with_file_and_line_and_leaves_out_untouched(built_copy, data_copy, capsys, breakage):
    out = built_copy  # what build(data_copy) writes before the data is broken
    before = tree(out)
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
    assert tree(out) == before


def test_a_failure_while_rendering_leaves_the_previous_archive_intact(built_copy, monkeypatch):
    out = built_copy
    before = tree(out)
    import reportgen.archive.build as building

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
    assert tree(out) == before
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
    build(DATA, out, years=[__import__("reportgen.rules.era", fromlist=["x"]).parse_fy("R7")])
    assert (out / "2025_R7" / "01_対象事業一覧_令和7年度.docx").is_file()


def test_source_date_epoch_sets_the_document_date(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = tmp_path / "out"
    build(DATA, out, years=[__import__("reportgen.rules.era", fromlist=["x"]).parse_fy("H29")])
    import zipfile
    with zipfile.ZipFile(out / "2017_H29" / "01_対象事業一覧_平成29年度.docx") as z:
        assert "2023-11-14T22:13:20Z" in z.read("docProps/core.xml").decode()
        assert {i.date_time for i in z.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    assert main(["verify", str(out)]) == 0


def test_help_on_every_verb_has_examples(capsys):
    for verb in ([], ["collect"], ["verify"]):
        assert main(verb + ["--help"]) == 0
        assert "例:" in capsys.readouterr().out  # Japanese by default, help included (issue 25)


# ---------------------------------------------------------------------------- issue 16: recorded, verified, one FY2019

import zipfile
from importlib.metadata import version as installed_version

from reportgen.archive.verification import HASH, REBUILD
from reportgen.rules import era as era_module

TEMPLATES = ROOT / "templates"


def manifest_of(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def test_the_manifest_records_python_zlib_and_the_exact_library_versions(built):
    import platform
    import zlib

    env = manifest_of(built / "2017_H29")["environment"]
    assert env["python"] == platform.python_version() and env["zlib"] == zlib.ZLIB_RUNTIME_VERSION
    for name in ("openpyxl", "python-docx", "docxtpl", "jinja2", "lxml", "pyyaml", "markupsafe", "et-xmlfile"):
        assert env["libraries"][name] == installed_version(name), name


def test_each_year_keeps_a_copy_and_the_sha256_of_every_template_and_labels_file_it_used(built):
    for year, expected in {"2017_H29": ["evaluation_form.labels.yaml", "evaluation_table.labels.yaml", "kpi_trend.labels.yaml",
                                        "target_list.docx", "target_list.labels.yaml"],
                           # H28's list is left out (no project listed, no H27末 actual: only 該当事業なし; issue 25 item 9)
                           "2016_H28": ["kpi_trend.labels.yaml"]}.items():
        folder = built / year
        entries = manifest_of(folder)["templates"]
        assert [e["path"] for e in entries] == [f"templates/{n}" for n in expected]
        for e in entries:
            shipped = (TEMPLATES / Path(e["path"]).name).read_bytes()
            assert e["sha256"] == hashlib.sha256(shipped).hexdigest() and e["source"] == "reportgen"
            assert (folder / e["path"]).read_bytes() == shipped
        assert sorted(p.name for p in (folder / "templates").iterdir()) == expected


def test_app_properties_are_reportgens_own_and_name_no_library_version(built):
    apps = set()
    for doc in list(built.glob("*/*.xlsx")) + list(built.glob("*/*.docx")) + list(built.glob("*/forms/*.xlsx")):
        with zipfile.ZipFile(doc) as z:
            app = z.read("docProps/app.xml").decode()
        assert "<Application>reportgen</Application>" in app and "<Company>入間市</Company>" in app, doc.name
        assert "penpyxl" not in app and "Microsoft" not in app and "AppVersion" not in app, doc.name
        apps.add(app)
    assert len(apps) == 1  # one text for every document, whatever library wrote it


def test_app_properties_are_the_same_through_the_libraries_own_writers(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTGEN_REFERENCE_PATHS", "1")
    import subprocess
    import sys

    code = ("import zipfile,sys; from pathlib import Path; from reportgen.archive.build import build; from reportgen.rules.era import parse_fy;"
            f"build(Path({str(DATA)!r}), Path({str(tmp_path / 'out')!r}), years=[parse_fy('H29')]);"
            f"print(zipfile.ZipFile(Path({str(tmp_path / 'out' / '2017_H29')!r}) / '03_KPI目標値達成状況推移_平成29年度.xlsx').read('docProps/app.xml').decode())")
    app = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=ROOT).stdout
    assert "<Application>reportgen</Application>" in app and "penpyxl" not in app


def restyle(templates: Path) -> None:
    """What a clerk does today: a new font size in the Word template, a new wording in a labels file."""
    import docx

    doc = docx.Document(templates / "target_list.docx")
    for style in doc.styles:
        if getattr(style, "font", None) is not None and style.name == "Normal":
            style.font.size = docx.shared.Pt(13)
    doc.save(templates / "target_list.docx")
    labels = templates / "kpi_trend.labels.yaml"
    text = labels.read_text(encoding="utf-8")
    assert "評価" in text
    labels.write_text(text.replace("評価", "評定"), encoding="utf-8")


def test_an_archive_built_today_still_verifies_after_the_templates_are_restyled(tmp_path, data_copy, capsys):
    out = tmp_path / "out"
    build(data_copy, out, years=[era_module.parse_fy("H29")])
    before = tree(out / "2017_H29")
    own = data_copy / "templates"
    own.mkdir()
    for name in ("target_list.docx", "kpi_trend.labels.yaml"):
        shutil.copy(TEMPLATES / name, own / name)
    restyle(own)
    build(data_copy, out, years=[era_module.parse_fy("R6")])
    assert main(["verify", str(out)]) == 0, capsys.readouterr().err
    assert tree(out / "2017_H29") == before
    # the restyled files made the new year, and its manifest says which replaced which
    entries = {Path(e["path"]).name: e for e in manifest_of(out / "2024_R6")["templates"]}
    assert entries["target_list.docx"]["source"] == "data/templates"
    assert entries["target_list.docx"]["replaces"]["sha256"] == hashlib.sha256((TEMPLATES / "target_list.docx").read_bytes()).hexdigest()
    assert entries["target_list.docx"]["sha256"] == hashlib.sha256((own / "target_list.docx").read_bytes()).hexdigest()
    assert entries["kpi_trend.labels.yaml"]["source"] == "data/templates"
    assert entries["kpi_form.labels.yaml"]["source"] == "reportgen"
    import openpyxl

    wb = openpyxl.load_workbook(out / "2024_R6" / "03_KPI目標値達成状況推移_令和6年度.xlsx")
    texts = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "評定" in texts  # the restyled column header
    # a rebuild of the old year with today's templates would differ: the archived copies are what verify uses
    restyled_build = tmp_path / "again"
    build(data_copy, restyled_build, years=[era_module.parse_fy("H29")])
    assert tree(restyled_build / "2017_H29")["01_対象事業一覧_平成29年度.docx"] != before["01_対象事業一覧_平成29年度.docx"]


def test_restyling_the_shipped_templates_in_place_never_fails_an_earlier_year(tmp_path):
    base = tmp_path / "templates"  # stands for the templates/ a clerk restyles in the checkout
    shutil.copytree(TEMPLATES, base)
    out = tmp_path / "out"
    build(DATA, out, years=[era_module.parse_fy("H29")], templates=base)
    restyle(base)
    folders, findings = verify(out, templates=base)
    assert folders == ["2017_H29"] and findings == []
    again = tmp_path / "again"
    build(DATA, again, years=[era_module.parse_fy("H29")], templates=base)
    changed = {p for p, h in tree(again / "2017_H29").items() if tree(out / "2017_H29").get(p) != h}
    assert {"01_対象事業一覧_平成29年度.docx", "03_KPI目標値達成状況推移_平成29年度.xlsx", "manifest.json"} <= changed


def test_a_data_template_that_replaces_nothing_is_refused(tmp_path, data_copy, capsys):
    (data_copy / "templates").mkdir()
    (data_copy / "templates" / "target_lst.docx").write_bytes((TEMPLATES / "target_list.docx").read_bytes())
    assert main(["--data", str(data_copy), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "templates/target_lst.docx" in err and "target_list.docx" in err
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("20*"))


def test_verify_says_first_which_library_differs_and_how_to_install_the_recorded_one(tmp_path, capsys):
    out = tmp_path / "out"
    build(DATA, out, years=[era_module.parse_fy("H29")])
    manifest = out / "2017_H29" / "manifest.json"
    doc = json.loads(manifest.read_text(encoding="utf-8"))
    doc["environment"]["libraries"]["openpyxl"] = "3.0.10"  # as if built with another release
    manifest.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    victim = out / "2017_H29" / "03_KPI目標値達成状況推移_平成29年度.xlsx"
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 1
    victim.write_bytes(bytes(data))
    capsys.readouterr()  # the build's own lines: it waits, saying so, while another worker's build holds data/.lock
    assert main(["verify", str(out)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert f"openpyxl: 記録 3.0.10、現在 {installed_version('openpyxl')}" in lines[1]
    assert lines[3].strip() == 'python3 -m pip install "openpyxl==3.0.10"'
    assert lines.index(next(l for l in lines if "03_KPI" in l)) > 3
    assert not any("python-docx" in l for l in lines)  # only what differs
    # English as well
    assert main(["verify", str(out), "--lang", "en"]) == 1
    assert f"openpyxl: recorded 3.0.10, installed {installed_version('openpyxl')}" in capsys.readouterr().err


def test_verify_finds_no_library_difference_for_pydantic_that_an_older_manifest_records(built_copy):
    """Archives built before reportgen validated its data itself record pydantic among their libraries;
    no build uses it now, so whatever version (or none) is installed, verify reports nothing for it."""
    year = built_copy / "2017_H29"
    doc = json.loads((year / "manifest.json").read_text(encoding="utf-8"))
    assert "pydantic" not in doc["environment"]["libraries"]  # a build now records only what shapes its bytes
    for recorded in ("2.13.4", "1.10.0", None):
        doc["environment"]["libraries"]["pydantic"] = recorded
        (year / "manifest.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
        _, findings = verify(year)
        assert findings == [], recorded
    # a library that does shape the bytes is still compared, next to the recorded pydantic
    doc["environment"]["libraries"]["openpyxl"] = "3.0.10"
    (year / "manifest.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    assert [(f.kind, f.path) for f in verify(year)[1]] == [("library", "openpyxl")]


def test_verify_reports_rehashing_and_rebuilding_apart(tmp_path, monkeypatch):
    out = tmp_path / "out"
    build(DATA, out, years=[era_module.parse_fy("H29")])
    year = out / "2017_H29"
    # a document changed since it was archived: a re-hash finding; the year still rebuilds to the recorded bytes
    victim = year / "01_対象事業一覧_平成29年度.docx"
    victim.write_bytes(victim.read_bytes() + b"\0")
    _, findings = verify(year)
    assert [(f.kind, f.path) for f in findings] == [(HASH, "01_対象事業一覧_平成29年度.docx")]
    shutil.copy(tmp_path / "out" / "2017_H29" / "manifest.json", tmp_path / "m.json")
    victim.write_bytes(victim.read_bytes()[:-1])
    # the rebuild no longer comes out the same (as with another library): a rebuild finding, hashes fine
    import reportgen.archive.year as year_build

    real = year_build.render

    def drifting(job, *a, **k):
        data = real(job, *a, **k)
        return data + b"\0" if job.filename.startswith("02_") else data

    monkeypatch.setattr(year_build, "render", drifting)
    _, findings = verify(year)
    assert [(f.kind, f.path) for f in findings] == [(REBUILD, "02_実施事業評価等入力表_平成29年度.xlsx")]


def test_verify_does_not_rebuild_from_changed_templates(tmp_path):
    out = tmp_path / "out"
    build(DATA, out, years=[era_module.parse_fy("H29")])
    year = out / "2017_H29"
    with open(year / "templates" / "kpi_trend.labels.yaml", "a", encoding="utf-8") as f:
        f.write("# edited\n")
    _, findings = verify(year)
    assert [(f.kind, f.path) for f in findings] == [(HASH, "templates/kpi_trend.labels.yaml"), (REBUILD, "")]


FY2019_SPELLINGS = ["H31", "R1", "令和元年度", "平成31年度", "2019"]


def test_fy2019_gets_one_name_whatever_the_spelling_and_verifies(tmp_path, capsys):
    snapshots = []
    for i, spelling in enumerate(FY2019_SPELLINGS):
        out = tmp_path / f"out{i}"
        assert main(["--year", spelling, "--out", str(out)]) == 0
        assert [p.name for p in out.iterdir() if p.is_dir()] == ["2019_R1"]
        snapshots.append(tree(out / "2019_R1"))
        assert main(["verify", str(out)]) == 0
    assert all(s == snapshots[0] for s in snapshots)
    names = [n for n in snapshots[0] if "/" not in n or n.startswith("forms/")]
    assert any("令和元年度" in n for n in names) and not any("平成31" in n or "H31" in n for n in names)
    # FY2019's 対象事業一覧 is left out (no project listed, no H30末 actual; issue 25 item 9): its KPI sheets say it
    with zipfile.ZipFile(tmp_path / "out0" / "2019_R1" / "03_KPI目標値達成状況推移_令和元年度.xlsx") as z:
        body = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
    assert "令和元年度" in body and "平成31年度" not in body and "H31" not in body


def test_a_city_may_name_fy2019_heisei_31(tmp_path, data_copy, capsys):
    city = data_copy / "city.yaml"
    city.write_text(city.read_text(encoding="utf-8") + "fy2019: 平成31年度\n", encoding="utf-8")
    for spelling in ("R1", "H31"):
        out = tmp_path / spelling
        assert main(["--data", str(data_copy), "--year", spelling, "--out", str(out)]) == 0
        assert [p.name for p in out.iterdir() if p.is_dir()] == ["2019_H31"]
        files = tree(out / "2019_H31")
        assert "03_KPI目標値達成状況推移_平成31年度.xlsx" in files and not any("令和元" in n for n in files)
        assert manifest_of(out / "2019_H31")["fiscal_year"] == {"code": "H31", "western": 2019, "label": "平成31年度"}
        assert main(["verify", str(out)]) == 0
    assert tree(tmp_path / "R1" / "2019_H31") == tree(tmp_path / "H31" / "2019_H31")
    assert str(era_module.FiscalYear(2019)) == "R1"  # the city's setting stays with the build
