"""`status [YEAR]`: every form sent, by department, with what came back; the block to paste into a reminder; exit 0 only when all are in."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from cyclekit import R7_FOLDER, kpi_departments, run, state
from formfill import fill
from support import tree


@pytest.fixture()
def opened(data_copy, tmp_path, capsys):
    out = tmp_path / "out"
    assert run(capsys, "open", "R7", "--data", data_copy, "--out", out)[0] == 0
    return data_copy, out, out / R7_FOLDER


def _form(sent: Path, department: str) -> Path:
    return sent / f"KPI実績値等入力表_令和7年度_{department}.xlsx"


def test_each_form_by_department_and_the_departments_to_chase(opened, tmp_path, capsys):
    data, out, sent = opened
    ret = tmp_path / "returned"
    ret.mkdir()
    applied = fill(_form(sent, "商工観光課"), ret / "KPI実績値等入力表_令和7年度_商工観光課.xlsx", {"kpi:1-①": {6: "265件"}})
    unchanged = shutil.copy(_form(sent, "企画課"), ret / "KPI実績値等入力表_令和7年度_企画課.xlsx")  # returned as sent
    refused = fill(_form(sent, "青少年課"), ret / "KPI実績値等入力表_令和7年度_青少年課.xlsx", {"kpi:3-③": {6: "たくさん"}})
    # a conflict: the office typed 1-② of R7 into the data after sending; 商工観光課 returns another value
    kpis = data / "strategies/2/kpis.yaml"
    text = kpis.read_text(encoding="utf-8")
    assert text.count("R6: 年間11名") == 1
    kpis.write_text(text.replace("R6: 年間11名", "R6: 年間11名\n      R7: 年間13名"), encoding="utf-8")
    conflict = fill(_form(sent, "商工観光課"), ret / "商工観光課_再送.xlsx", {"kpi:1-②": {6: "年間12名"}})
    assert run(capsys, "collect", applied, unchanged, refused, "--data", data)[0] == 1
    code, stdout, _ = run(capsys, "status", "--data", data)
    assert code == 1
    lines = stdout.splitlines()
    # by department: the department's line, its forms indented under it
    at = lines.index("企画課")
    assert lines[at + 1].startswith("  KPI実績値等入力表_令和7年度_企画課.xlsx: 提出済・反映済")  # returned unchanged counts
    at = lines.index("商工観光課")
    assert lines[at + 1].startswith("  KPI実績値等入力表_令和7年度_商工観光課.xlsx: 提出済・反映済") and "変更 1 件" in lines[at + 1]
    at = lines.index("青少年課")
    assert lines[at + 1].startswith("  KPI実績値等入力表_令和7年度_青少年課.xlsx: 差し戻し")
    assert "KPI更新!F" in lines[at + 2] and "実績値" in lines[at + 2] and "たくさん" in lines[at + 2]  # why, at its cell
    at = lines.index("こども支援課")
    assert lines[at + 1] == "  KPI実績値等入力表_令和7年度_こども支援課.xlsx: 未提出"
    # the block to paste: every department not returned or refused, one a line, with its forms and its link to the
    # forms inbox (generate.py serve); nothing else
    start = next(i for i, l in enumerate(lines) if l.startswith("督促先"))
    block = [re.sub(r" http://127\.0\.0\.1:8765/d/[A-Za-z0-9_-]{43}$", "", line) for line in lines[start + 1:]]
    assert all(re.search(r" http://127\.0\.0\.1:8765/d/[A-Za-z0-9_-]{43}$", line) for line in lines[start + 1:])
    chase = kpi_departments(data) - {"商工観光課", "企画課"}
    # ... and the planning office itself, whose registry of the 2nd strategy is not in yet
    assert sorted(block) == sorted([f"{d}: KPI実績値等入力表_令和7年度_{d}.xlsx" + ("（再提出）" if d == "青少年課" else "")
                                    for d in chase] + ["企画課: 事業・KPI登録簿_令和7年度_戦略2.xlsx"])
    assert f"督促先（{len(chase) + 1} 課" in lines[start]
    # the conflict waits: listed as 競合あり with the value waiting, not a department to chase
    assert run(capsys, "collect", conflict, "--data", data)[0] == 1
    code, stdout, _ = run(capsys, "status", "R7", "--data", data)
    lines = stdout.splitlines()
    at = lines.index("商工観光課")
    assert lines[at + 1].startswith("  KPI実績値等入力表_令和7年度_商工観光課.xlsx: 競合あり") and "年間13名" in lines[at + 2]
    assert "商工観光課: " not in "\n".join(lines[next(i for i, l in enumerate(lines) if l.startswith("督促先")):])


def test_exit_status_0_only_when_every_form_is_in_and_applied(opened, tmp_path, capsys):
    data, out, sent = opened
    forms = sorted(sent.iterdir())
    ret = tmp_path / "returned"
    ret.mkdir()
    copies = [shutil.copy(f, ret / f.name) for f in forms]  # every department returns its form unchanged
    assert run(capsys, "collect", *copies[:-1], "--data", data)[0] == 0
    code, stdout, _ = run(capsys, "status", "--data", data)
    assert code == 1 and "督促先（1 課" in stdout and f"{forms[-1].name} http://127.0.0.1:8765/d/" in stdout.splitlines()[-1]
    assert run(capsys, "collect", copies[-1], "--data", data)[0] == 0
    code, stdout, _ = run(capsys, "status", "--data", data)
    assert code == 0 and "督促先" not in stdout and f"提出済・反映済 {len(forms)} 件" in stdout


def test_dry_run_collect_records_nothing(opened, tmp_path, capsys):
    data, out, sent = opened
    before = tree(data)
    form = shutil.copy(_form(sent, "企画課"), tmp_path / "KPI実績値等入力表_令和7年度_企画課.xlsx")
    code, stdout, _ = run(capsys, "collect", "--dry-run", form, "--data", data)
    assert code == 0 and "記録しました" not in stdout
    assert tree(data) == before


def test_status_of_a_year_never_opened_or_with_none_open(data_copy, tmp_path, capsys):
    before = tree(data_copy)
    code, _, stderr = run(capsys, "status", "--data", data_copy)
    assert code == 2 and "受付中の年度がありません" in stderr and "open" in stderr
    code, _, stderr = run(capsys, "status", "R5", "--data", data_copy)
    assert code == 2 and "令和5年度" in stderr and "cycle.yaml" in stderr
    assert tree(data_copy) == before


def test_a_hand_edited_state_is_reported_at_its_line(opened, capsys):
    data, out, sent = opened
    p = data / "cycle.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("state: open", "state: opened"), encoding="utf-8")
    before = tree(data)
    code, _, stderr = run(capsys, "status", "--data", data)
    assert code == 1 and "cycle.yaml:7:" in stderr and "state: open または closed が必要です。書かれていた値: 'opened'" in stderr and "手で編集" in stderr
    assert tree(data) == before


def test_the_record_says_what_came_back(opened, tmp_path, capsys):
    data, out, sent = opened
    form = fill(_form(sent, "商工観光課"), tmp_path / "KPI実績値等入力表_令和7年度_商工観光課.xlsx", {"kpi:1-①": {6: "265件"}})
    code, stdout, _ = run(capsys, "collect", form, "--data", data)
    assert code == 0 and f"提出状況を {data}/cycle.yaml に記録しました" in stdout  # the data set's own record (issue 25)
    f = next(f for f in state(data)["years"]["R7"]["forms"] if f["department"] == "商工観光課")
    (r,) = f["returns"]
    import hashlib

    assert (r["file"], r["outcome"], r["changes"]) == (form.name, "applied", 1)
    assert r["sha256"] == hashlib.sha256(form.read_bytes()).hexdigest()


def test_a_form_a_later_build_issued_for_the_open_year_counts_for_its_department(opened, tmp_path, capsys):
    """A department sent its form again from a build made after open (out/2025_R7/forms/): it is that
    department's form of the year, recorded against the form open sent."""
    data, out, sent = opened
    assert run(capsys, "--year", "R7", "--data", data, "--out", out)[0] == 0
    again = out / "2025_R7" / "forms" / "KPI実績値等入力表_令和7年度_企画課.xlsx"
    assert run(capsys, "collect", shutil.copy(again, tmp_path / again.name), "--data", data)[0] == 0
    code, stdout, _ = run(capsys, "status", "--data", data)
    lines = stdout.splitlines()
    assert lines[lines.index("企画課") + 1].startswith("  KPI実績値等入力表_令和7年度_企画課.xlsx: 提出済・反映済")
