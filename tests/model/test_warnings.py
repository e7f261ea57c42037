"""Plausibility warnings (issue 17 item 5): printed with their place, never errors, never stopping a
build, each once whatever years are built. Figures are SYNTHETIC (tests/valuedata.py) except
Matsudo's ④, a real instance: an `up` measure whose printed target (0人) is below its baseline (1,577人)."""
import subprocess
import sys

import valuedata
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
        assert "indicators[3].target" in warned[0] and "警告" in warned[0]
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
