"""A whole year as the record: open, the returns collected in any order (the same data whatever the order),
build, close, a later edit (the closed year unchanged, the change said), correct with a reason (both
editions listed and verified), and H29, which predates the cycle, closed as a record."""
from __future__ import annotations

import shutil

from cyclekit import R7_FOLDER, run, state

from support import tree
from formfill import fill
from registry_helpers import fill as fill_registry

REGISTRY = "事業・KPI登録簿_令和7年度_戦略2.xlsx"
PLEDGE = "市長公約進捗状況記入票_令和7年3月末_企画課.xlsx"
SHOKO = "KPI実績値等入力表_令和7年度_商工観光課.xlsx"
HOIKU = "KPI実績値等入力表_令和7年度_保育幼稚園課.xlsx"


def _returns(sent, ret):
    """What comes back: the registry (KPI 1-③ ended from R8), the pledge form, two departments' values, the rest as sent."""
    out = {REGISTRY: fill_registry(sent / REGISTRY, ret / REGISTRY, {"KPI": {"1-③": {"K": "R8"}}}),
           PLEDGE: fill(sent / PLEDGE, ret / PLEDGE, {"pledge:1:1": {7: "B"}}),
           SHOKO: fill(sent / SHOKO, ret / SHOKO, {"kpi:1-①": {6: "265件"}}),
           HOIKU: fill(sent / HOIKU, ret / HOIKU, {"kpi:3-②": {6: 98.5}})}
    for f in sorted(sent.iterdir()):
        if f.name not in out:
            out[f.name] = shutil.copy(f, ret / f.name)
    return out


ORDERS = {
    "registry last, one by one": lambda names: [[n] for n in sorted(names, key=lambda n: (n == REGISTRY, n))],
    "registry and pledge first, the departments in one batch": lambda names: [[REGISTRY], [PLEDGE],
                                                                              sorted(set(names) - {REGISTRY, PLEDGE})],
    "all in one batch, reversed": lambda names: [sorted(names, reverse=True)],
}


def _year(tmp_path, data, capsys, order):
    out, ret = tmp_path / "out", tmp_path / "returned"
    ret.mkdir()
    assert run(capsys, "open", "R7", "--pledges", "2025-03", "--data", data, "--out", out)[0] == 0
    returns = _returns(out / R7_FOLDER, ret)
    for batch in ORDERS[order](list(returns)):
        code, _, stderr = run(capsys, "collect", *(returns[n] for n in batch), "--data", data)
        assert code == 0, (order, batch, stderr)
    return out


def test_the_order_of_arrival_does_not_matter(tmp_path, capsys):
    from support import DATA

    results = []
    for i, order in enumerate(ORDERS):
        data = tmp_path / f"d{i}" / "data"
        shutil.copytree(DATA, data)
        _year(tmp_path / f"d{i}", data, capsys, order)
        code, stdout, _ = run(capsys, "status", "--data", data)
        assert code == 0 and "督促先" not in stdout, (order, stdout)
        # the inbox key is random by design (each data folder its own secret); the record holds times
        results.append({k: v for k, v in tree(data).items() if k not in ("cycle.yaml", ".inbox-key") and not k.startswith(".backups")})
    assert results[0] == results[1] == results[2]
    assert results[0]["strategies/2/kpis.yaml"] != tree(DATA)["strategies/2/kpis.yaml"]  # the values were taken


def test_a_whole_year_as_the_record(tmp_path, data_copy, capsys, monkeypatch):
    data = data_copy
    monkeypatch.setenv("REPORTGEN_NOW", "2026-04-06T09:00:00+09:00")
    out = _year(tmp_path, data, capsys, "registry last, one by one")
    assert run(capsys, "--data", data, "--out", out)[0] == 0
    monkeypatch.setenv("REPORTGEN_NOW", "2026-06-01T17:00:00+09:00")
    code, stdout, stderr = run(capsys, "close", "R7", "--data", data, "--out", out)
    assert code == 0, stderr
    assert "（2026-06-01T17:00:00+09:00、" in stdout
    # H29, before the cycle, closed as a record
    code, stdout, stderr = run(capsys, "close", "H29", "--data", data, "--out", out)
    assert code == 0 and "サイクル以前の年度を記録として締め切りました" in stdout, stderr
    r7, h29 = tree(out / "2025_R7"), tree(out / "2017_H29")

    # an edit after closing: the next build leaves R7 as closed and says its data changed
    kpis = data / "strategies" / "2" / "kpis.yaml"
    lines = kpis.read_text(encoding="utf-8").splitlines(keepends=True)
    at = [i for i, ln in enumerate(lines) if "R7:" in ln and "265" in ln]  # the value collected for 1-①
    assert len(at) == 1, [ln for ln in lines if "R7:" in ln or "265" in ln]
    lines[at[0]] = lines[at[0]].replace("265", "266")
    kpis.write_text("".join(lines), encoding="utf-8")
    code, stdout, stderr = run(capsys, "--data", data, "--out", out)
    assert code == 0, stderr
    assert tree(out / "2025_R7") == r7 and tree(out / "2017_H29") == h29
    assert "締切済の R7 はデータが変わっています: " in stderr and "締切済の H29" not in stderr

    monkeypatch.setenv("REPORTGEN_NOW", "2026-06-10T10:00:00+09:00")
    code, stdout, stderr = run(capsys, "correct", "R7", "--reason", "1-① の実績の誤記（265件→266件）", "--data", data, "--out", out)
    assert code == 0, stderr
    assert f"第1版  {out / '2025_R7_第1版'}  2026-06-01T17:00:00+09:00" in stdout
    assert f"第2版  {out / '2025_R7'}  2026-06-10T10:00:00+09:00" in stdout and "理由: 1-① の実績の誤記（265件→266件）" in stdout
    assert tree(out / "2025_R7_第1版") == r7
    editions = state(data)["years"]["R7"]["editions"]
    assert [e["folder"] for e in editions] == ["2025_R7_第1版", "2025_R7"] and editions[1]["supersedes"] == 1
    code, stdout, stderr = run(capsys, "verify", out, "--data", data)
    assert code == 0, stderr
    assert "2017_H29" in stdout and "2025_R7, 2025_R7_第1版" in stdout
