"""Plausibility warnings (issue 17 item 5): printed with their place, never errors, never stopping a
build, each once whatever years are built. Figures are SYNTHETIC (tests/valuedata.py) except
Matsudo's ④, a real instance: an `up` measure whose printed target (0人) is below its baseline (1,577人)."""
import subprocess
import sys

import cyclekit
import valuedata
from formfill import fill
from support import DATA, ROOT

from reportgen.model.loader import load

GENERATE = [sys.executable, str(ROOT / "generate.py")]


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([*GENERATE, *map(str, args)], capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_matsudos_lost_triangle_is_warned_once_with_its_place_by_build_and_check(tmp_path):
    data = ROOT / "examples" / "matsudo" / "data"
    lines = (data / "strategies" / "1" / "kpis.yaml").read_text(encoding="utf-8").splitlines()
    line = next(i for i, t in enumerate(lines, 1) if "target: {value: 0人" in t)
    where = f"examples/matsudo/data/strategies/1/kpis.yaml:{line}:"
    built = run("--data", data, "--out", tmp_path / "out")
    assert built.returncode == 0 and "3 年度" in built.stdout  # a warning never stops a build
    checked = run("check", "--data", data)
    assert checked.returncode == 0
    for out in (built.stderr, checked.stderr):
        warned = [w for w in out.splitlines() if w.startswith(where)]
        assert len(warned) == 1, out  # once, though three years are built
        assert "indicators[4件目].target" in warned[0] and "警告" in warned[0]
        assert "0人" in warned[0] and "1,577人" in warned[0] and "△" in warned[0]


def _kpi(actuals: str, target: str = "100件", baseline: str = "10件", extra: str = "") -> str:
    return f"""\
        kpis:
          - id: "1"
            policies: ["1-1"]
            name: 相談件数
            unit: 件
            direction: up
            baseline: {{value: {baseline}, as_of: R2}}
            target: {target}
            actuals: {actuals}
{extra}"""


def _warnings(tmp_path, kpis: str):
    data = valuedata.write(tmp_path, kpis)
    return data, load(data).warnings


def test_an_actual_more_than_ten_times_the_one_before(tmp_path):
    data, warnings = _warnings(tmp_path, _kpi("{R4: 12件, R5: 130件, R6: 140件}"))
    assert [(w.line, w.path) for w in warnings] == [(valuedata.line_of(data, "R5: 130件"), "kpis[0].actuals.R5")]
    assert "130件" in warnings[0].message.ja and "12件" in warnings[0].message.ja and "10倍" in warnings[0].message.ja
    _, none = _warnings(tmp_path / "b", _kpi("{R4: 12件, R5: 120件}"))  # ten times exactly: not more
    assert none == ()


def test_an_actual_less_than_a_tenth_of_the_one_before(tmp_path):
    # issue 25 item 3: a fall is as suspect as a rise (98% typed as the fraction 0.992); a fall to 0 is not
    data, warnings = _warnings(tmp_path, _kpi("{R4: 120件, R5: 11件, R6: 0件}"))
    assert [(w.line, w.path) for w in warnings] == [(valuedata.line_of(data, "R5: 11件"), "kpis[0].actuals.R5")]
    assert "11件 が前の値（令和4年度）120件 の10分の1未満です" in warnings[0].message.ja
    _, none = _warnings(tmp_path / "b", _kpi("{R4: 120件, R5: 12件}"))  # a tenth exactly: not less
    assert none == ()


def test_a_percentage_typed_as_a_fraction_is_warned_at_its_cell_and_by_check(data_copy, tmp_path, capsys, monkeypatch):
    # issue 25 item 3: 3-② stands near 98% (R6 98.0%); a General cell holding 0.992 reads 0.992%
    monkeypatch.setenv("REPORTGEN_NOW", "2026-04-06T09:00:00+09:00")
    out = tmp_path / "out"
    assert cyclekit.run(capsys, "open", "R7", "--data", data_copy, "--out", out)[0] == 0
    sent = out / cyclekit.R7_FOLDER / "KPI実績値等入力表_令和7年度_保育幼稚園課.xlsx"
    form = fill(sent, tmp_path / "保育幼稚園課.xlsx", {"kpi:3-②": {6: 0.992}})
    code, said, err = cyclekit.run(capsys, "collect", form, "--data", data_copy)
    assert code == 0 and "0.992%" in said  # taken, as every plausibility warning: a person decides
    assert (f"{form}: 令和7年度: KPI更新!F7: 保育所等の低年齢児の入所と待機児童の割合 / 実績値: 警告（取り込みました）: "
            "「0.992」と入力されています。実績値 0.992% が前の値（令和6年度）98.0% の10分の1未満です。"
            "99.2% のつもりなら 99.2 と入力してください") in err
    code, _, err = cyclekit.run(capsys, "check", "--data", data_copy)  # and every build says it until fixed or checked
    assert code == 0 and "kpis[10件目].actuals.R7: 警告（ビルドは続けます）: 実績値 0.992% が前の値（令和6年度）98.0% の10分の1未満です" in err
    right = fill(sent, tmp_path / "保育幼稚園課_訂正.xlsx", {"kpi:3-②": {6: 99.2}})
    code, said, err = cyclekit.run(capsys, "collect", right, "--data", data_copy)
    assert code == 0 and "0.992% → 99.2%" in said and "警告" not in err


def test_a_target_on_the_wrong_side_of_the_baseline_but_not_a_bounded_one(tmp_path):
    data, warnings = _warnings(tmp_path, _kpi("{}", target="5件"))
    assert [(w.line, w.path) for w in warnings] == [(valuedata.line_of(data, "target: 5件"), "kpis[0].target")]
    _, none = _warnings(tmp_path / "b", _kpi("{}", target="5件以上"))
    assert none == ()
    _, down = _warnings(tmp_path / "c", _kpi("{}", target="5件").replace("direction: up", "direction: down"))
    assert down == ()


def test_a_unit_different_from_the_baselines_once_per_measure(tmp_path):
    # from R5 the measure is counted in 人 (a revision), but its baseline was not restated
    kpis = _kpi("{R4: 12件, R5: 13人, R6: 14人}", extra="""\
            revisions:
              - since: R5
                source: 試験
                set: {unit: 人}
        """)
    data, warnings = _warnings(tmp_path, kpis)
    assert [(w.line, w.path) for w in warnings] == [(valuedata.line_of(data, "R4: 12件, R5"), "kpis[0].actuals.R5")]
    assert "令和5年度 13人" in warnings[0].message.ja and "令和6年度 14人" in warnings[0].message.ja


def test_irumas_data_raises_no_warning():
    assert load(DATA).warnings == ()
