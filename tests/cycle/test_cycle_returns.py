"""Returns as a year brings them: dry runs say what the run says, any order of arrival, a department's own
correction, and forms that contradict each other named."""
from __future__ import annotations

import re
import shutil

import pytest
from cyclekit import R7_FOLDER, run
from support import tree
from formfill import fill

from reportgen.model.cycle_state import shown
from registry_helpers import fill as fill_registry

REGISTRY = "事業・KPI登録簿_令和7年度_戦略2.xlsx"
SHOKO = "KPI実績値等入力表_令和7年度_商工観光課.xlsx"


@pytest.fixture()
def opened(data_copy, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("REPORTGEN_NOW", "2026-04-06T09:00:00+09:00")
    out = tmp_path / "out"
    assert run(capsys, "open", "R7", "--data", data_copy, "--out", out)[0] == 0
    (tmp_path / "returned").mkdir()
    return data_copy, out, out / R7_FOLDER, tmp_path / "returned"


def test_open_dry_run_with_the_next_pledge_list_names_the_forms_and_build_the_run_writes(data_copy, tmp_path, capsys):
    out = tmp_path / "out"
    before = tree(data_copy)
    code, dry, _ = run(capsys, "open", "R7", "--pledges", "2025-03", "--dry-run", "--data", data_copy, "--out", out)
    assert code == 0 and tree(data_copy) == before and not out.exists()
    code, real, _ = run(capsys, "open", "R7", "--pledges", "2025-03", "--data", data_copy, "--out", out)
    assert code == 0

    def forms(text):  # (department, kind, file, sha256) of each form listed; the inbox link after them is
        # issued by the run itself (its key is a write: a dry run has none to show)
        return ["\t".join(ln.split("\t")[:4]) for ln in text.splitlines() if ln.startswith("  ")]

    build = re.compile(r"様式 (\d+) 件（([^）]*)）.*build ([0-9a-f]{16})")
    assert build.search(dry).groups() == build.search(real).groups()
    assert forms(dry) == forms(real) and len(forms(real)) == len(list((out / R7_FOLDER).iterdir()))
    assert any("市長公約進捗状況記入票_令和7年3月末_企画課.xlsx" in ln for ln in forms(dry))


def _tense(text: str) -> str:
    """A dry run's report in the run's words (the only words that differ are those of the tense)."""
    return (text.replace("書き込み予定: ", "書き込み: ").replace("記録します（", "記録しました（")
            .replace("他の様式を取り込みます", "他の様式は取り込みました").replace("--dry-run: 何も書き込んでいません\n", ""))


def test_collect_dry_run_reports_what_the_run_reports(opened, capsys):
    data, out, sent, ret = opened
    good = fill(sent / SHOKO, ret / SHOKO, {"kpi:1-①": {6: "281件"}})
    bad = fill(sent / SHOKO, ret / "誤り.xlsx", {"kpi:1-①": {6: "たくさん"}})
    before = tree(data)
    code_dry, dry_out, dry_err = run(capsys, "collect", good, bad, "--dry-run", "--data", data)
    assert tree(data) == before
    assert "他の様式は取り込みました" not in dry_err and "他の様式を取り込みます" in dry_err
    code, real_out, real_err = run(capsys, "collect", good, bad, "--data", data)
    assert code_dry == code == 1
    assert _tense(dry_out) == real_out and _tense(dry_err) == real_err
    assert "書き込み: strategies/2/kpis.yaml" in real_out


def test_the_registry_of_the_open_year_is_taken_after_the_departments_values(opened, capsys):
    data, out, sent, ret = opened
    every = [shutil.copy(f, ret / f.name) for f in sorted(sent.iterdir()) if f.name not in (SHOKO, REGISTRY)]
    values = fill(sent / SHOKO, ret / SHOKO, {"kpi:1-①": {6: "281件"}})
    registry = fill_registry(sent / REGISTRY, ret / REGISTRY, {"KPI": {"1-③": {"K": "R8"}}})
    # departments first, in two batches, then the office's registry on its own
    assert run(capsys, "collect", *every, "--data", data)[0] == 0
    assert run(capsys, "collect", values, "--data", data)[0] == 0
    code, stdout, stderr = run(capsys, "collect", registry, "--data", data)
    assert code == 0, stderr
    assert "いま取り込む年度は" not in stderr and "1-③ 雇用対策事業の実施回数 / 廃止: （空） → R8" in stdout


def test_a_departments_corrected_return_supersedes_its_earlier_one(opened, capsys, monkeypatch):
    data, out, sent, ret = opened
    first = fill(sent / SHOKO, ret / "月曜_商工観光課.xlsx", {"kpi:1-①": {6: "281件"}})
    monkeypatch.setenv("REPORTGEN_NOW", "2026-04-13T10:15:00+09:00")
    assert run(capsys, "collect", first, "--data", data)[0] == 0
    monkeypatch.setenv("REPORTGEN_NOW", "2026-04-14T11:00:00+09:00")
    second = fill(sent / SHOKO, ret / "火曜_商工観光課.xlsx", {"kpi:1-①": {6: "282件"}})
    code, stdout, stderr = run(capsys, "collect", second, "--data", data)
    assert code == 0, stderr
    assert "競合" not in stderr
    assert "市内工業団地の事業所数 / 実績値: 修正: 281件 → 282件（前回の提出 月曜_商工観光課.xlsx、2026-04-13T10:15:00+09:00）" in stdout
    # status shows every receipt of a form returned twice, not only the last (issue 25 item 10)
    _, said, _ = run(capsys, "status", "R7", "--data", data)
    receipts = [ln.strip() for ln in said.splitlines() if ln.strip().startswith("受付 ")]
    assert receipts == [f"受付 1: {shown('2026-04-13T10:15:00+09:00')} {first.name}（反映、変更 1 件）",
                        f"受付 2: {shown('2026-04-14T11:00:00+09:00')} {second.name}（反映、変更 1 件）"]
    # the office changes the value itself: the department's next return is a conflict again
    kpis = data / "strategies" / "2" / "kpis.yaml"
    text = kpis.read_text(encoding="utf-8")
    assert text.count("282件") == 1
    kpis.write_text(text.replace("282件", "290件"), encoding="utf-8")
    third = fill(sent / SHOKO, ret / "水曜_商工観光課.xlsx", {"kpi:1-①": {6: "283件"}})
    code, _, stderr = run(capsys, "collect", third, "--data", data)
    assert code == 1 and "競合" in stderr


@pytest.mark.parametrize("together", [True, False])
def test_a_value_for_a_kpi_the_registry_ends_is_named(opened, capsys, together):
    data, out, sent, ret = opened
    registry = fill_registry(sent / REGISTRY, ret / REGISTRY, {"KPI": {"1-③": {"K": "R7"}}})
    form = fill(sent / SHOKO, ret / SHOKO, {"kpi:1-③": {6: "年間33回"}})
    if together:
        code, stdout, stderr = run(capsys, "collect", registry, form, "--data", data)
        assert (f"{form}: 令和7年度: 矛盾: 雇用対策事業の実施回数 の令和7年度の値（年間33回）を取り込みましたが、{registry} では "
                "1-③ は令和7年度から廃止です（この年度の文書には載りません）") in stderr
        assert f"{registry}: 令和7年度: 矛盾: 1-③ を令和7年度から廃止しましたが、{form}（商工観光課）が令和7年度の値（年間33回）を提出しています" in stderr
    else:
        assert run(capsys, "collect", registry, "--data", data)[0] == 0
        code, stdout, stderr = run(capsys, "collect", form, "--data", data)
        assert (f"{form}: 令和7年度: 矛盾: 雇用対策事業の実施回数 の令和7年度の値（年間33回）を取り込みましたが、"
                "data/strategies/2/kpis.yaml では 1-③ は令和7年度から廃止です") in stderr
