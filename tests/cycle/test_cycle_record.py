"""The archive as the record: closed years never rewritten, corrections as editions, no churn, PDFs kept, a waiting run says so."""
from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from cyclekit import R7_FOLDER, run, state
from formfill import fill
from support import ROOT, tree


def times(folder: Path) -> dict[str, int]:
    """Every file's and folder's modification time (ns), the folder itself included."""
    return {p.relative_to(folder.parent).as_posix(): p.stat().st_mtime_ns for p in [folder, *sorted(folder.rglob("*"))]}


def edit_r7(data: Path) -> None:
    """A hand edit of a value the 2nd strategy's R7 documents show (an indicator's latest actual)."""
    path = data / "strategies" / "2" / "kpis.yaml"
    text = path.read_text(encoding="utf-8")
    assert 'R6: {value: "4,743事業所", as_of: R03}' in text
    path.write_text(text.replace('R6: {value: "4,743事業所", as_of: R03}', 'R6: {value: "4,744事業所", as_of: R03}'), encoding="utf-8")


def test_a_collect_of_r7_values_leaves_every_earlier_year_untouched_and_says_so(tmp_path, data_copy, built_copy, capsys):
    """Years of one strategy share its files: R7's values collected, R4–R6 (and H28/H29) stay as they
    were, byte for byte and time for time, since their archives keep only the data they read. (The
    archive to start from: the default build of the shipped data, copied from the run's shared one.)"""
    data, out, ret = data_copy, built_copy, tmp_path / "returned"
    ret.mkdir()
    earlier = ["2016_H28", "2017_H29", "2022_R4", "2023_R5", "2024_R6"]
    before = {y: (tree(out / y), times(out / y)) for y in earlier}
    r7 = tree(out / "2025_R7")
    assert run(capsys, "open", "R7", "--data", data, "--out", out)[0] == 0
    sent = out / R7_FOLDER
    forms = [fill(sent / "KPI実績値等入力表_令和7年度_商工観光課.xlsx", ret / "商工観光課.xlsx", {"kpi:1-①": {6: "265件"}}),
             fill(sent / "KPI実績値等入力表_令和7年度_保育幼稚園課.xlsx", ret / "保育幼稚園課.xlsx", {"kpi:3-②": {6: 98.5}})]
    code, _, stderr = run(capsys, "collect", *forms, "--data", data)
    assert code == 0, stderr
    assert "R7: 265件" in (data / "strategies" / "2" / "kpis.yaml").read_text(encoding="utf-8")
    code, stdout, stderr = run(capsys, "--data", data, "--out", out)
    assert code == 0, stderr
    for year in earlier:
        assert (tree(out / year), times(out / year)) == before[year], year
        assert f"{out / year}: 変更なし（そのまま）" in stdout, year
    # H29 keeps its own strategy's measures, not the 2nd strategy's
    assert "data/strategies/1/kpis.yaml" in before["2017_H29"][0] and "data/strategies/2/kpis.yaml" not in before["2017_H29"][0]
    # R7 shows the new values: rebuilt, its copy holding them
    assert tree(out / "2025_R7") != r7 and f"{out / '2025_R7'}: 変更なし" not in stdout
    assert "R7: 265件" in (out / "2025_R7" / "data" / "strategies" / "2" / "kpis.yaml").read_text(encoding="utf-8")
    assert run(capsys, "verify", out)[0] == 0


def test_a_closed_year_is_kept_byte_for_byte_and_corrected_only_as_a_new_edition(tmp_path, data_copy, capsys, monkeypatch):
    data, out = data_copy, tmp_path / "out"
    monkeypatch.setenv("REPORTGEN_NOW", "2026-05-01T10:00:00+09:00")
    # closing, keeping and correcting act per year: the two years closed here are the ones built
    assert run(capsys, "--data", data, "--out", out, "--year", "H29", "--year", "R7")[0] == 0
    # R7 and H29 were never opened: both predate the cycle here and are closed as records
    for year in ("R7", "H29"):
        code, stdout, stderr = run(capsys, "close", year, "--data", data, "--out", out)
        assert code == 0, stderr
        assert "サイクル以前の年度を記録として締め切りました" in stdout
    closed = tree(out / "2025_R7")
    closed_times = times(out / "2025_R7")
    anchor = state(data)["years"]["R7"]["editions"][0]["manifest_sha256"]

    edit_r7(data)
    code, stdout, stderr = run(capsys, "--data", data, "--out", out, "--year", "H29", "--year", "R7")
    assert code == 0, stderr
    assert tree(out / "2025_R7") == closed and times(out / "2025_R7") == closed_times
    assert f"{out / '2025_R7'}: 締切済（そのまま）" in stdout
    assert "締切済の R7 はデータが変わっています: 01_対象事業一覧_令和7年度.docx、03_KPI目標値達成状況推移_令和7年度.xlsx、" in stderr
    assert f"generate.py correct R7 --reason 理由 --data {data} --out {out}（第2版として" in stderr  # as it was run

    monkeypatch.setenv("REPORTGEN_NOW", "2026-05-08T09:30:00+09:00")
    code, stdout, stderr = run(capsys, "correct", "R7", "--reason", "KPI実績の誤記を訂正", "--data", data, "--out", out)
    assert code == 0, stderr
    # correct says it as close does (one helper): what was done, verified, the hashes and the rebuild
    assert f"{out / '2025_R7'}: 令和7年度（R7）の第2版を作成し、検証しました（ハッシュ一致・再構築一致）。変更: " in stdout
    assert f"第1版  {out / '2025_R7_第1版'}  2026-05-01T10:00:00+09:00" in stdout
    assert f"第2版  {out / '2025_R7'}  2026-05-08T09:30:00+09:00" in stdout and "理由: KPI実績の誤記を訂正" in stdout
    assert tree(out / "2025_R7_第1版") == closed  # the earlier edition, byte for byte
    manifest = json.loads((out / "2025_R7" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["edition"] == {"number": 2, "date": "2026-05-08T09:30:00+09:00", "reason": "KPI実績の誤記を訂正",
                                   "supersedes": {"edition": 1, "folder": "2025_R7_第1版", "manifest_sha256": anchor}}
    editions = state(data)["years"]["R7"]["editions"]
    assert [(e["edition"], e["folder"]) for e in editions] == [(1, "2025_R7_第1版"), (2, "2025_R7")]
    code, stdout, stderr = run(capsys, "verify", out, "--data", data)
    assert code == 0, stderr
    assert "2025_R7, 2025_R7_第1版" in stdout
    code, stdout, _ = run(capsys, "status", "R7", "--data", data)
    assert "令和7年度（R7）: 締切済（2026-05-01T10:00:00+09:00）: サイクル以前の年度（様式の送付なし）を記録として締め切りました" in stdout
    assert "  第1版: 2025_R7_第1版（2026-05-01T10:00:00+09:00、manifest sha256 " in stdout
    assert "、理由: KPI実績の誤記を訂正）" in stdout
    # nothing more to correct: refused, nothing written
    before = tree(out)
    code, _, stderr = run(capsys, "correct", "R7", "--reason", "もう一度", "--data", data, "--out", out)
    assert code == 2 and "訂正する内容がありません" in stderr and tree(out) == before


def test_verify_compares_a_closed_years_manifest_with_the_hash_close_recorded(tmp_path, data_copy, capsys):
    data, out = data_copy, tmp_path / "out"
    assert run(capsys, "--data", data, "--out", out, "--year", "H29")[0] == 0
    assert run(capsys, "close", "H29", "--data", data, "--out", out)[0] == 0
    # a manifest rewritten consistently (same content, other bytes): every file still matches it
    manifest = out / "2017_H29" / "manifest.json"
    manifest.write_text(json.dumps(json.loads(manifest.read_text(encoding="utf-8")), ensure_ascii=False), encoding="utf-8")
    assert run(capsys, "verify", out)[0] == 0  # without the record: nothing to compare with
    code, _, stderr = run(capsys, "verify", out, "--data", data)
    assert code == 1
    assert "2017_H29/manifest.json: 締切時に記録したハッシュ（data/cycle.yaml:" in stderr


def test_close_dry_run_says_what_close_says(tmp_path, data_copy, capsys, monkeypatch):
    data, out = data_copy, tmp_path / "out"
    monkeypatch.setenv("REPORTGEN_NOW", "2026-05-01T10:00:00+09:00")
    assert run(capsys, "--data", data, "--out", out, "--year", "H28")[0] == 0
    for year, said in (("H28", "1 ファイル（作成済みのまま）を検証しました"), ("H29", "16 ファイルを書き込み、検証しました")):
        before, data_before = tree(out), tree(data)
        code, dry, stderr = run(capsys, "close", year, "--dry-run", "--data", data, "--out", out)
        assert code == 0, stderr
        assert tree(out) == before and tree(data) == data_before
        code, real, stderr = run(capsys, "close", year, "--data", data, "--out", out)
        assert code == 0, stderr
        assert dry == real + "--dry-run: 何も書き込んでいません\n"
        assert said in real


def test_pdfs_are_kept_unless_their_document_changed(tmp_path, data_copy, capsys, monkeypatch):
    from reportgen.archive import build as build_module

    converted: list[str] = []

    def convert(paths):  # LibreOffice's place: a PDF per document, named after it
        converted.extend(p.name for p in paths)
        return [b"%PDF-" + p.name.encode() for p in paths]

    monkeypatch.setattr(build_module, "convert_batch", convert)
    data, out = data_copy, tmp_path / "out"
    assert run(capsys, "--pdf", "--data", data, "--out", out, "--year", "H29", "--year", "R7")[0] == 0
    pdfs = sorted(p.name for p in out.glob("*/*.pdf"))
    assert len(pdfs) == 5 and len(converted) == 5
    converted.clear()
    edit_r7(data)
    h29 = tree(out / "2017_H29")
    code, stdout, stderr = run(capsys, "--data", data, "--out", out, "--year", "H29", "--year", "R7")  # no --pdf
    assert code == 0, stderr
    assert sorted(p.name for p in out.glob("*/*.pdf")) == pdfs and tree(out / "2017_H29") == h29
    assert converted == ["01_対象事業一覧_令和7年度.docx", "03_KPI目標値達成状況推移_令和7年度.xlsx"]  # their documents changed
    assert ("PDF 2 件を作り直しました（元の文書が変わりました）: 01_対象事業一覧_令和7年度.pdf、"
            "03_KPI目標値達成状況推移_令和7年度.pdf") in stdout
    # a forms-only change keeps both PDFs: the build id in the forms changes, the published documents do not
    (data / "departments.yaml").write_text((data / "departments.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    converted.clear()
    code, stdout, stderr = run(capsys, "--data", data, "--out", out, "--year", "R7")
    assert code == 0, stderr
    assert converted == [] and "PDF 2 件はそのまま（元の文書が変わっていません）" in stdout
    assert sorted(p.name for p in out.glob("*/*.pdf")) == pdfs
    assert run(capsys, "verify", out)[0] == 0


def test_a_run_waiting_for_the_lock_says_what_it_waits_for(tmp_path, data_copy):
    data, out = data_copy, tmp_path / "out"
    with open(data / ".lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        proc = subprocess.Popen([sys.executable, str(ROOT / "generate.py"), "--data", str(data), "--out", str(out),
                                 "--year", "H28"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
        said: list[str] = []
        reader = threading.Thread(target=lambda: said.append(proc.stderr.readline()))
        reader.start()
        reader.join(120)  # the run says so before it waits (a guard only: without the notice nothing comes)
        fcntl.flock(held, fcntl.LOCK_UN)  # then the lock is let go, and the run goes on
        reader.join()
        first = said[0]
    rest, err = proc.communicate(timeout=300)
    assert first == f"別の処理が実行中です（{data}/.lock）。終わるのを待っています…\n"
    assert proc.returncode == 0, err
    assert "1 年度・1 ファイルを書き込みました。" in rest  # H28: its KPI sheet (its list only 該当事業なし)


def test_times_are_said_in_japan_time_with_their_zone(tmp_path, data_copy, capsys, monkeypatch):
    import re

    monkeypatch.delenv("REPORTGEN_NOW", raising=False)
    data, out = data_copy, tmp_path / "out"
    code, stdout, stderr = run(capsys, "close", "H29", "--data", data, "--out", out)
    assert code == 0, stderr
    assert re.search(r"を締め切りました（\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00、", stdout)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00", state(data)["years"]["H29"]["closed"])


def test_a_city_that_names_fy2019_heisei31_corrects_its_closed_2019_h31_folder(tmp_path, data_copy, capsys):
    """city.yaml `fy2019: 平成31年度`: the archive of FY2019 is 2019_H31, and `correct` finds it there
    (not at the national name 2019_R1), keeping the first edition beside it."""
    data, out = data_copy, tmp_path / "out"
    city = data / "city.yaml"
    text = city.read_text(encoding="utf-8")
    city.write_text((text.replace("fy2019: 令和元年度", "fy2019: 平成31年度") if "fy2019:" in text
                     else text + "fy2019: 平成31年度\n"), encoding="utf-8")
    assert run(capsys, "open", "H31", "--data", data, "--out", out)[0] == 0
    assert run(capsys, "close", "H31", "--allow-missing", "--data", data, "--out", out)[0] == 0
    assert (out / "2019_H31" / "manifest.json").is_file() and not (out / "2019_R1").exists()
    kpis = data / "strategies" / "1" / "kpis.yaml"
    kpis.write_text(kpis.read_text(encoding="utf-8").replace("name: 定住意向\n", "name: 定住意向（訂正）\n", 1), encoding="utf-8")
    code, stdout, stderr = run(capsys, "correct", "H31", "--reason", "指標名の訂正", "--data", data, "--out", out)
    assert code == 0, stderr
    assert (out / "2019_H31_第1版" / "manifest.json").is_file() and (out / "2019_H31" / "manifest.json").is_file()
    assert f"第2版  {out / '2019_H31'}" in stdout
