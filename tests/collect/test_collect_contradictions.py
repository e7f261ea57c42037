"""Forms that disagree are named on both: a value in a unit the registry changed, an evaluation of a project
the registry ends; a department cannot rename a project or a KPI (its name cells are locked and refused)."""
from __future__ import annotations

import pytest
import yaml

from cyclekit import run
from formfill import fill
from registry_helpers import fill as fill_registry

R7_REGISTRY = "事業・KPI登録簿_令和7年度_戦略2.xlsx"
SHOKO = "KPI実績値等入力表_令和7年度_商工観光課.xlsx"
H29_REGISTRY = "事業・KPI登録簿_平成29年度_戦略1.xlsx"
JINKEN = "実施事業評価等入力表_平成29年度_人権推進課.xlsx"


def _open(capsys, data, out, year: str):
    assert run(capsys, "open", year, "--data", data, "--out", out)[0] == 0
    return next(out.glob("sent/*"))


def _kpi(data, ident: str) -> dict:
    doc = yaml.safe_load((data / "strategies/2/kpis.yaml").read_text(encoding="utf-8"))
    return next(k for k in doc["kpis"] if k["id"] == ident)


@pytest.mark.parametrize("order", ["one batch", "form first", "registry first"])
def test_a_value_under_the_unit_the_registry_changed_is_named_on_both(data_copy, tmp_path, capsys, order):
    data, out, ret = data_copy, tmp_path / "out", tmp_path / "returned"
    ret.mkdir()
    sent = _open(capsys, data, out, "R7")
    assert _kpi(data, "1-①")["unit"] == "件"
    registry = fill_registry(sent / R7_REGISTRY, ret / R7_REGISTRY, {"KPI": {"1-①": {"E": "社"}}})
    form = fill(sent / SHOKO, ret / SHOKO, {"kpi:1-①": {6: "265件"}})
    if order == "one batch":
        code, _, stderr = run(capsys, "collect", form, registry, "--data", data)
        assert code == 0, stderr
        assert (f"{form}: 令和7年度: 矛盾: 市内工業団地の事業所数 の令和7年度の値（265件）を取り込みましたが、{registry} で 1-① の単位は"
                "令和7年度から「社」に変わりました（この値は変更前の単位です）") in stderr, stderr
        assert (f"{registry}: 令和7年度: 矛盾: 1-① の単位を令和7年度から「社」にしましたが、{form}（商工観光課）の"
                "令和7年度の値（265件）は変更前の単位です") in stderr, stderr
    elif order == "form first":
        assert run(capsys, "collect", form, "--data", data)[0] == 0
        code, _, stderr = run(capsys, "collect", registry, "--data", data)
        assert code == 0, stderr
        assert (f"{registry}: 令和7年度: 矛盾: 1-① の単位を令和7年度から「社」にしましたが、data/strategies/2/kpis.yaml の"
                "令和7年度の値（265件）は変更前の単位です") in stderr, stderr
    else:  # the new definition is in data/: the value is judged by it, and refused at its cell
        assert run(capsys, "collect", registry, "--data", data)[0] == 0
        code, _, stderr = run(capsys, "collect", form, "--data", data)
        assert code == 1 and "265件" in stderr and "単位 社 の数値" in stderr, stderr


@pytest.mark.parametrize("order", ["one batch", "registry first", "form first"])
def test_an_evaluation_of_a_project_the_registry_ends_is_named_on_both(data_copy, tmp_path, capsys, order):
    data, out, ret = data_copy, tmp_path / "out", tmp_path / "returned"
    ret.mkdir()
    sent = _open(capsys, data, out, "H29")
    registry = fill_registry(sent / H29_REGISTRY, ret / H29_REGISTRY, {"事業": {"s1-001": {"I": "H29"}}})
    form = fill(sent / JINKEN, ret / JINKEN, {"s1-001": {6: "B"}})
    if order == "one batch":
        code, _, stderr = run(capsys, "collect", registry, form, "--data", data)
        assert code == 0, stderr
        assert (f"{form}: 平成29年度: 矛盾: 女性就労情報提供・支援事業（s1-001）の平成29年度の評価を取り込みましたが、{registry} では "
                "s1-001 は平成29年度から廃止です（この年度の文書には載りません）") in stderr, stderr
        assert (f"{registry}: 平成29年度: 矛盾: s1-001 女性就労情報提供・支援事業 を平成29年度から廃止しましたが、"
                f"{form}（人権推進課）が平成29年度の評価を提出しています") in stderr, stderr
    elif order == "registry first":
        assert run(capsys, "collect", registry, "--data", data)[0] == 0
        code, _, stderr = run(capsys, "collect", form, "--data", data)
        assert code == 0, stderr
        assert (f"{form}: 平成29年度: 矛盾: 女性就労情報提供・支援事業（s1-001）の平成29年度の評価を取り込みましたが、"
                "data/strategies/1/projects.yaml では s1-001 は平成29年度から廃止です") in stderr, stderr
    else:
        assert run(capsys, "collect", form, "--data", data)[0] == 0
        code, _, stderr = run(capsys, "collect", registry, "--data", data)
        assert code == 0, stderr
        assert (f"{registry}: 平成29年度: 矛盾: s1-001 を平成29年度から廃止しましたが、data/strategies/1/projects.yaml に"
                "平成29年度の評価があります（その年度の文書には載りません）") in stderr, stderr


@pytest.mark.parametrize("year, name, key, column, cell", [
    ("R7", SHOKO, "kpi:1-①", 2, "B"), ("H29", JINKEN, "s1-001", 3, "C")])
def test_a_department_cannot_rename_a_project_or_kpi_its_form_is_refused_at_the_name_cell(
        data_copy, tmp_path, capsys, year, name, key, column, cell):
    data, out = data_copy, tmp_path / "out"
    sent = _open(capsys, data, out, year)
    before = {p: p.read_bytes() for p in (data / "strategies").rglob("*.yaml")}
    form = fill(sent / name, tmp_path / name, {key: {column: "新しい名前"}})
    code, _, stderr = run(capsys, "collect", form, "--data", data)
    assert code == 1
    line = next(ln for ln in stderr.splitlines() if "新しい名前" in ln)
    assert f"!{cell}" in line and ("保護されたセルが変更されています（改ざん）: 事業名・指標名はこの様式では変えられません（返送: '新しい名前'）。"
                                   "名称の変更は企画課が事業・KPI登録簿で行います") in line, stderr
    assert {p: p.read_bytes() for p in (data / "strategies").rglob("*.yaml")} == before
