"""`open YEAR`: a year's forms written to out/sent/<year>/ and recorded; --dry-run; every wrong use changes nothing."""
from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from cyclekit import R7_FOLDER, identity, kpi_departments, run, state
from support import tree

from reportgen.archive.build import build
from reportgen.cycle import opening, sources
from reportgen.rules.era import parse_fy


def test_open_r7_writes_a_kpi_form_per_department_and_records_each(data_copy, tmp_path, capsys):
    out = tmp_path / "out"
    before = tree(data_copy)
    code, stdout, _ = run(capsys, "open", "R7", "--data", data_copy, "--out", out)
    assert code == 0
    sent = out / R7_FOLDER
    # one form per department that answers for a measure of the 2nd strategy (its kpis.yaml read as a person would)
    # ... and the planning office's registry of the one strategy whose period (R4–R8) holds R7
    kpi = {f"KPI実績値等入力表_令和7年度_{d}.xlsx" for d in kpi_departments(data_copy)}
    registry = "事業・KPI登録簿_令和7年度_戦略2.xlsx"
    expected = kpi | {registry}
    assert {p.name for p in sent.iterdir()} == expected
    assert f"{sent}/" in stdout and "様式 16 件（KPI実績値等入力表 15、事業・KPI登録簿 1）" in stdout
    # the record: every form with its department, kind, SHA-256 (of the bytes on disk) and date; the build id
    year = state(data_copy)["years"]["R7"]
    assert year["state"] == "open" and year["folder"] == str(sent)
    assert {f["file"] for f in year["forms"]} == expected
    for f in year["forms"]:
        assert f["sha256"] == hashlib.sha256((sent / f["file"]).read_bytes()).hexdigest()
        assert f["date"] and f["returns"] == []
        if f["file"] == registry:  # the office's own workbook: recorded under the planning office
            assert (f["kind"], f["department"], f["strategy"]) == ("registry", "企画課", "2")
            continue
        assert f["department"] in f["file"] and f["kind"] == "kpi"
        ident = identity(sent / f["file"])
        assert (ident["year"], ident["department"], ident["build"]) == ("R7", f["department"], year["build"])
    # only the state (and the forms inbox's key, reportgen.cycle.links) was added to data/; the data files did not change
    after = tree(data_copy)
    assert {k: v for k, v in after.items() if k not in ("cycle.yaml", ".inbox-key")} == before and "cycle.yaml" in after
    assert (data_copy / "cycle.yaml").read_text(encoding="utf-8").startswith("# ")
    assert "手で編集しないでください" in (data_copy / "cycle.yaml").read_text(encoding="utf-8").splitlines()[1]


def test_an_opened_year_asks_for_its_year_end_values_although_the_data_has_none_yet(data_copy, tmp_path, capsys):
    out = tmp_path / "out"
    assert run(capsys, "open", "R7", "--data", data_copy, "--out", out)[0] == 0
    ws = openpyxl.load_workbook(out / R7_FOLDER / "KPI実績値等入力表_令和7年度_商工観光課.xlsx").worksheets[0]
    rows = {r[0].value: r for r in ws.iter_rows() if r[0].value}
    header = next(r for r in ws.iter_rows() if r[1].value == "指標・KPI")
    assert header[5].value == "R7末の実績値"
    # 1-① 市内工業団地の事業所数 (seed 003: R6末 262件): history up to R6, the R7 cell empty, to be filled
    assert "R6末: 262件" in rows["kpi:1-①"][3].value and rows["kpi:1-①"][5].value is None


def test_a_build_after_open_builds_the_open_year_too(data_copy, tmp_path, capsys):
    out = tmp_path / "out"
    assert run(capsys, "open", "R7", "--data", data_copy, "--out", out)[0] == 0
    result = build(data_copy, out)
    assert "2025_R7" in [y.folder for y in result.years]
    assert (out / "2025_R7" / "03_KPI目標値達成状況推移_令和7年度.xlsx").is_file()


def test_dry_run_lists_the_forms_and_the_record_and_writes_nothing(data_copy, tmp_path, capsys):
    out = tmp_path / "out"
    before = tree(data_copy)
    code, stdout, _ = run(capsys, "open", "R7", "--dry-run", "--data", data_copy, "--out", out)
    assert code == 0
    assert tree(data_copy) == before and not out.exists()
    for d in kpi_departments(data_copy):
        assert f"KPI実績値等入力表_令和7年度_{d}.xlsx" in stdout
    assert "data/cycle.yaml" in stdout and "何も書き込んでいません" in stdout


def _open_then(data, out, capsys, *verbs):
    for v in verbs:
        assert run(capsys, *v, "--data", data, "--out", out)[0] == 0


WRONG = [
    # (what was done before, the wrong command, words the message must hold)
    ((), ("open", "R9"), ("open R9", "令和9年度", "総合戦略の期間", "strategy.yaml", "何も変更していません")),
    ((), ("open", "H26"), ("open H26", "総合戦略の期間", "何も変更していません")),
    ((("open", "R7"),), ("open", "R7"), ("open R7", "受付中", "cycle.yaml", "status R7", "何も変更していません")),
    ((), ("open", "R7", "--pledges", "2025-3"), ("--pledges", "2025-03", "'2025-3'", "何も変更していません")),
    ((), ("open", "R7", "--pledges", "2025-13"), ("--pledges", "'2025-13'",)),
    ((), ("open", "R7", "--pledges", "2023-09"), ("--pledges 2023-09", "data/pledges/2023-09.yaml", "より後の月", "何も変更していません")),
    ((), ("open", "R7", "--pledges", "2022-04"), ("data/pledges/2023-09.yaml", "より後の月")),
    ((), ("open", "R99x"), ("YEAR", "年度（例: R6", "書かれていた値: 'R99x'")),
    ((), ("open",), ("YEAR",)),
    ((), ("status", "来年"), ("YEAR", "書かれていた値: '来年'")),
    ((), ("close", "R7x"), ("YEAR", "書かれていた値: 'R7x'")),
]


@pytest.mark.parametrize("before_verbs, wrong, words", WRONG, ids=[" ".join(w[1]) for w in WRONG])
def test_each_wrong_use_is_told_where_and_changes_nothing(data_copy, tmp_path, capsys, before_verbs, wrong, words):
    out = tmp_path / "out"
    _open_then(data_copy, out, capsys, *before_verbs)
    data_before, out_before = tree(data_copy), tree(out)
    code, stdout, stderr = run(capsys, *wrong, "--data", data_copy, "--out", out)
    assert code == 2
    for w in words:
        assert w in stderr, (w, stderr)
    assert tree(data_copy) == data_before and tree(out) == out_before


def test_a_closed_year_cannot_be_opened(data_copy, tmp_path, capsys):
    out = tmp_path / "out"
    _open_then(data_copy, out, capsys, ("open", "R7"), ("close", "R7", "--allow-missing"))
    data_before, out_before = tree(data_copy), tree(out)
    code, _, stderr = run(capsys, "open", "R7", "--data", data_copy, "--out", out)
    assert code == 2 and "締め切られています" in stderr and "state: closed" in stderr and "--reopen" in stderr
    assert tree(data_copy) == data_before and tree(out) == out_before


def test_a_sent_folder_not_recorded_is_not_overwritten(data_copy, tmp_path, capsys):
    out = tmp_path / "out"
    (out / R7_FOLDER).mkdir(parents=True)
    (out / R7_FOLDER / "手元のメモ.txt").write_text("残す", encoding="utf-8")
    data_before, out_before = tree(data_copy), tree(out)
    code, _, stderr = run(capsys, "open", "R7", "--data", data_copy, "--out", out)
    assert code == 2 and str(out / R7_FOLDER) in stderr and "既にあります" in stderr
    assert tree(data_copy) == data_before and tree(out) == out_before


def test_a_valid_pledge_month_starts_the_list_and_sends_its_forms_with_the_year(data_copy, tmp_path, capsys):
    out = tmp_path / "out"
    code, stdout, _ = run(capsys, "open", "R7", "--pledges", "2025-03", "--data", data_copy, "--out", out)
    assert code == 0 and (data_copy / "pledges" / "2025-03.yaml").is_file()
    # 令和7年3月末 lies in R6, yet its form goes out with R7 and is recorded there (no department is named
    # for Iruma's pledge items: the planning office answers them all)
    form = "市長公約進捗状況記入票_令和7年3月末_企画課.xlsx"
    assert (out / R7_FOLDER / form).is_file() and "市長公約進捗状況記入票 1" in stdout
    year = state(data_copy)["years"]["R7"]
    assert year["pledges"] == "2025-03"
    assert [(f["kind"], f["department"]) for f in year["forms"] if f["file"] == form] == [("pledge", "企画課")]


def test_the_pledge_month_is_handed_on_as_written(data_copy, tmp_path, monkeypatch):
    """The call site: open_pledge_list(data, "2025-03") is called once, before the forms are made."""
    calls = []

    def fake(data: Path, month: str) -> Path:
        calls.append((Path(data), month))
        return Path(data) / "pledges" / f"{month}.yaml"  # (nothing written: the data stays valid)

    monkeypatch.setattr(opening, "_pledge_opener", lambda: fake)
    r = opening.open_year(data_copy, tmp_path / "out", parse_fy("R7"), pledges="2025-03")
    assert calls == [(data_copy, "2025-03")] and r.pledges == "2025-03"
    assert state(data_copy)["years"]["R7"]["pledges"] == "2025-03"


def test_the_forms_come_from_the_sources_whatever_they_are(data_copy, tmp_path):
    """Any source's forms are written and recorded with the kind and department their identity names."""
    def office_workbook(ds, year):
        job = sources.department_forms(ds, year)[0]
        ident = {**job.context["identity"], "kind": "registry", "department": "企画課"}
        return [replace(job, filename="forms/登録簿_令和7年度.xlsx", context={**job.context, "identity": ident})]

    r = opening.open_year(data_copy, tmp_path / "out", parse_fy("R7"), sources=(office_workbook, sources.department_forms))
    forms = state(data_copy)["years"]["R7"]["forms"]
    assert forms[0]["file"] == "登録簿_令和7年度.xlsx" and (forms[0]["kind"], forms[0]["department"]) == ("registry", "企画課")
    assert len(forms) == 1 + len(kpi_departments(data_copy)) and len(r.forms) == len(forms)
    assert (tmp_path / "out" / R7_FOLDER / "登録簿_令和7年度.xlsx").is_file()


def test_a_sources_failure_leaves_nothing_half_written(data_copy, tmp_path):
    def broken(ds, fy):
        raise RuntimeError("a source failed")

    before = tree(data_copy)
    with pytest.raises(RuntimeError):
        opening.open_year(data_copy, tmp_path / "out", parse_fy("R7"), sources=(sources.department_forms, broken))
    assert tree(data_copy) == before and tree(tmp_path / "out") == {}


def test_writing_the_state_leaves_the_forms_identity_and_the_archive_reproducible(data_copy, tmp_path, capsys):
    """cycle.yaml is no source of the data: the build id of forms sent before it changed stays, and a year
    built after it verifies (its archived data copy holds no cycle.yaml)."""
    from reportgen.forms.identity import build_id
    from reportgen.model.loader import load

    out = tmp_path / "out"
    before = build_id(load(data_copy))
    assert run(capsys, "open", "R7", "--data", data_copy, "--out", out)[0] == 0
    assert build_id(load(data_copy)) == before == state(data_copy)["years"]["R7"]["build"]
    assert load(data_copy).warnings == ()  # not an "unexpected file" either
    assert run(capsys, "--year", "R7", "--data", data_copy, "--out", out)[0] == 0
    assert not (out / "2025_R7" / "data" / "cycle.yaml").exists()
    assert run(capsys, "verify", out / "2025_R7")[0] == 0


def test_a_year_with_an_evaluation_round_sends_the_evaluation_forms_too(data_copy, tmp_path, capsys):
    """H29 ends the 1st strategy's evaluation round (strategy.yaml rounds: H29): every department with a
    project receives its evaluation form, besides its KPI form."""
    import yaml

    out = tmp_path / "out"
    assert run(capsys, "open", "H29", "--data", data_copy, "--out", out)[0] == 0
    parents = {d["name"]: d.get("parent") or d["name"]
               for d in yaml.safe_load((data_copy / "departments.yaml").read_text(encoding="utf-8"))["departments"]}
    projects = yaml.safe_load((data_copy / "strategies/1/projects.yaml").read_text(encoding="utf-8"))["projects"]
    assert {p["first_year"] for p in projects} <= {"H28以前", "H29"}  # all run in the round H28–H29
    evaluation = {f"実施事業評価等入力表_平成29年度_{parents[d]}.xlsx" for p in projects for d in p["departments"]}
    kpi = {f"KPI実績値等入力表_平成29年度_{d}.xlsx" for d in kpi_departments(data_copy, "1")}
    sent = out / "sent" / "2017_H29"
    assert {p.name for p in sent.iterdir()} == evaluation | kpi | {"事業・KPI登録簿_平成29年度_戦略1.xlsx"}
    kinds = {f["file"]: f["kind"] for f in state(data_copy)["years"]["H29"]["forms"]}
    assert {n for n, k in kinds.items() if k == "evaluation"} == evaluation
