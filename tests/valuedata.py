"""SYNTHETIC data folders for the value-kind, warning and year tests (not any city's figures)."""
from __future__ import annotations

from pathlib import Path
from textwrap import dedent

CITY = "# SYNTHETIC test data\nname: 試験市\n"
DEPARTMENTS = "departments: []\n"
STRATEGY = dedent("""\
    # SYNTHETIC test data
    id: "1"
    name: 総合戦略
    period: {from: R4, to: R8}
    baseline_label: 基準値
    target_label: 目標値
    indicator_baseline_year: R2
    kpi_baseline_year: R2
    goals:
      - no: 1
        title: 試験の目標
        policies: [{id: "1-1", name: 試験の施策}]
    groupings: {default: [["1-1"]]}
    """)


def write(root: Path, kpis: str, strategy: str = STRATEGY, projects: str | None = None) -> Path:
    """A data folder under `root` with these kpis.yaml (and projects.yaml) texts."""
    data = root / "data"
    (data / "strategies" / "1").mkdir(parents=True)
    (data / "city.yaml").write_text(CITY, encoding="utf-8")
    (data / "departments.yaml").write_text(DEPARTMENTS, encoding="utf-8")
    (data / "strategies" / "1" / "strategy.yaml").write_text(strategy, encoding="utf-8")
    (data / "strategies" / "1" / "kpis.yaml").write_text("# SYNTHETIC test data\n" + dedent(kpis), encoding="utf-8")
    if projects is not None:
        (data / "strategies" / "1" / "projects.yaml").write_text(dedent(projects), encoding="utf-8")
    return data


def line_of(data: Path, text: str) -> int:
    """The line of kpis.yaml holding `text` (1-based)."""
    lines = (data / "strategies" / "1" / "kpis.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)
