"""`close YEAR` and what follows: the archive built and verified before the year is marked closed; collect refuses a closed year's forms."""
from __future__ import annotations

import shutil

import pytest
from cyclekit import R7_FOLDER, run, state
from formfill import fill
from support import tree

from reportgen.archive import verification
from reportgen.cycle import closing
from reportgen.rules.problems import Msg


@pytest.fixture()
def opened(data_copy, tmp_path, capsys):
    out = tmp_path / "out"
    assert run(capsys, "open", "R7", "--data", data_copy, "--out", out)[0] == 0
    return data_copy, out, out / R7_FOLDER


def _return_all(sent, tmp_path, capsys, data, values=None):
    ret = tmp_path / "returned"
    ret.mkdir(exist_ok=True)
    paths = []
    for f in sorted(sent.iterdir()):
        mine = {k: v for k, v in (values or {}).items() if k[0] == f.name}
        if mine:
            paths.append(fill(f, ret / f.name, {key: cols for (_, key), cols in mine.items()}))
        else:
            paths.append(shutil.copy(f, ret / f.name))
    assert run(capsys, "collect", *paths, "--data", data)[0] == 0
    return paths


def test_close_builds_verifies_and_marks_the_year_closed(opened, tmp_path, capsys):
    data, out, sent = opened
    _return_all(sent, tmp_path, capsys, data, {("KPI実績値等入力表_令和7年度_商工観光課.xlsx", "kpi:1-①"): {6: "265件"}})
    code, stdout, _ = run(capsys, "close", "R7", "--data", data, "--out", out)
    assert code == 0 and "検証しました" in stdout and "締め切りました" in stdout
    year = state(data)["years"]["R7"]
    assert year["state"] == "closed" and year["closed"] and "closed_missing" not in year
    assert (out / "2025_R7" / "manifest.json").is_file()
    assert run(capsys, "verify", out / "2025_R7")[0] == 0


def test_close_with_forms_missing_is_refused_unless_allowed(opened, tmp_path, capsys):
    data, out, sent = opened
    data_before, out_before = tree(data), tree(out)
    code, _, stderr = run(capsys, "close", "R7", "--data", data, "--out", out)
    assert code == 2 and "提出・反映されていない様式が 16 件" in stderr and "--allow-missing" in stderr
    # the hint is the whole command, with the data set as given (issue 25 item 8)
    assert f"未提出のまま締め切るには python3 generate.py close R7 --allow-missing --data {data} --out {out}。" in stderr
    assert "商工観光課: KPI実績値等入力表_令和7年度_商工観光課.xlsx: 未提出" in stderr and "何も変更していません" in stderr
    assert tree(data) == data_before and tree(out) == out_before
    code, stdout, _ = run(capsys, "close", "R7", "--allow-missing", "--data", data, "--out", out)
    assert code == 0 and "未提出等のまま締め切った様式" in stdout
    year = state(data)["years"]["R7"]
    assert year["state"] == "closed" and len(year["closed_missing"]) == 16
    assert "商工観光課: KPI実績値等入力表_令和7年度_商工観光課.xlsx（未提出）" in year["closed_missing"]


@pytest.mark.parametrize("wrong, words", [
    (("close", "R8"), ("close R8", "令和8年度", "開かれていません", "cycle.yaml", "何も変更していません")),
    (("close", "R7"), ("close R7", "締め切られています", "何も変更していません")),
])
def test_closing_a_year_not_open_changes_nothing(opened, tmp_path, capsys, wrong, words):
    data, out, sent = opened
    assert run(capsys, "close", "R7", "--allow-missing", "--data", data, "--out", out)[0] == 0
    data_before, out_before = tree(data), tree(out)
    code, _, stderr = run(capsys, *wrong, "--data", data, "--out", out)
    assert code == 2
    for w in words:
        assert w in stderr
    assert tree(data) == data_before and tree(out) == out_before


def test_a_failed_verification_leaves_the_year_open(opened, tmp_path, capsys, monkeypatch):
    data, out, sent = opened

    def failing(folder, templates=None):
        return [folder.name], [verification.Finding(folder.name, "03_x.xlsx", Msg(ja="再構築した内容が一致しません", en="differs"))]

    monkeypatch.setattr(closing, "verify", failing)
    before = (data / "cycle.yaml").read_bytes()
    code, _, stderr = run(capsys, "close", "R7", "--allow-missing", "--data", data, "--out", out)
    assert code == 1 and "検証に失敗しました" in stderr and "受付中のまま" in stderr and "03_x.xlsx" in stderr
    assert (data / "cycle.yaml").read_bytes() == before and state(data)["years"]["R7"]["state"] == "open"


def test_a_failed_build_leaves_the_year_open_and_out_as_it_was(opened, tmp_path, capsys):
    data, out, sent = opened
    # a labels file of the data folder naming what the data does not have: build refuses before writing anything
    from reportgen.templating.templateset import shipped

    (data / "templates").mkdir()
    text = (shipped() / "kpi_trend.labels.yaml").read_text(encoding="utf-8")
    assert 'title: "{{ strategy }}"' in text
    (data / "templates" / "kpi_trend.labels.yaml").write_text(
        text.replace('title: "{{ strategy }}"', 'title: "{{ stratgy }}"'), encoding="utf-8")
    data_before, out_before = tree(data), tree(out)
    code, _, stderr = run(capsys, "close", "R7", "--allow-missing", "--data", data, "--out", out)
    assert code == 1 and "kpi_trend.labels.yaml" in stderr
    assert tree(data) == data_before and tree(out) == out_before and state(data)["years"]["R7"]["state"] == "open"


def test_collect_refuses_a_closed_years_form_saying_why_unless_reopen_names_it(opened, tmp_path, capsys):
    data, out, sent = opened
    assert run(capsys, "close", "R7", "--allow-missing", "--data", data, "--out", out)[0] == 0
    late = fill(sent / "KPI実績値等入力表_令和7年度_商工観光課.xlsx", tmp_path / "KPI実績値等入力表_令和7年度_商工観光課.xlsx",
                {"kpi:1-①": {6: "265件"}})
    before = tree(data)
    code, stdout, stderr = run(capsys, "collect", late, "--data", data)
    assert code == 1
    assert f"{late}: 令和7年度: 受け付けません: 令和7年度 は" in stderr and "締め切られています" in stderr
    assert "--reopen R7" in stderr and "データは変更していません" in stdout
    # the hints carry --data (issue 25 item 8): pasted, they act on this data set, not on data/
    assert f"generate.py collect --reopen R7 {late} --data {data} のように --reopen R7 を指定してください" in stderr
    assert f"generate.py correct R7 --reason 理由 --data {data} で作成してください" in stderr
    assert tree(data) == before  # the data and the record alike
    # naming another year is not enough: a closed year needs --reopen
    code, _, stderr = run(capsys, "collect", "--year", "R7", late, "--data", data)
    assert code == 1 and "締め切られています" in stderr and tree(data) == before
    code, stdout, _ = run(capsys, "collect", "--reopen", "R7", late, "--data", data)
    assert code == 0 and "265件" in stdout
    assert "R7: 265件" in (data / "strategies/2/kpis.yaml").read_text(encoding="utf-8")
    f = next(f for f in state(data)["years"]["R7"]["forms"] if f["department"] == "商工観光課")
    assert f["returns"][-1]["outcome"] == "applied" and state(data)["years"]["R7"]["state"] == "closed"
