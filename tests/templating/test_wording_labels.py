"""A data folder's labels file overrides the shipped one key by key: the keys it sets change, the others
stay the shipped file's, an unknown key or a value of another shape is an error at its line, and the
archive keeps the merged file so that verify rebuilds the year. SYNTHETIC labels on a copy of the data."""
from pathlib import Path

import openpyxl
import pytest

from reportgen.archive.build import build
from reportgen.archive.verification import verify
from reportgen.cli import main
from reportgen.rules.era import parse_fy
from reportgen.rules.problems import DataError

SHEET = "03_KPI目標値達成状況推移_令和6年度.xlsx"


def override(data: Path, text: str, name: str = "kpi_trend.labels.yaml") -> Path:
    (data / "templates").mkdir(exist_ok=True)
    path = data / "templates" / name
    path.write_text(text, encoding="utf-8")
    return path


def test_one_key_overridden_the_others_shipped(data_copy, tmp_path):
    override(data_copy, "# 凡例だけ変える\nlegend_improved: \"{{ baseline }}より改善\"\n")
    build(data_copy, tmp_path / "out", [parse_fy("R6")])
    sheet = openpyxl.load_workbook(tmp_path / "out" / "2024_R6" / SHEET).worksheets[0]
    assert sheet["C3"].value == "現状値より改善"            # the city's key
    assert sheet["C4"].value == "現状値より減少(悪化)"        # the shipped key
    assert sheet["A2"].value == "各基本目標の指標及び基本施策のKPI目標値達成状況推移"
    assert sheet.title == "基本目標1"
    archived = (tmp_path / "out" / "2024_R6" / "templates" / "kpi_trend.labels.yaml").read_text(encoding="utf-8")
    assert "より改善" in archived and "subtitle:" in archived  # the merged file, whole
    findings = [f for f in verify(tmp_path / "out")[1] if f.failed]
    assert findings == []


def test_unknown_keys_and_wrong_shapes_are_located_all_at_once(data_copy, tmp_path):
    path = override(data_copy, "legend_improved: 改善\nlegend_improvd: 改善\nrating_legend: 1から4\n")
    with pytest.raises(DataError) as exc:
        build(data_copy, tmp_path / "out", [parse_fy("R6")])
    shown = [p.render("ja") for p in exc.value.problems]
    name = f"{data_copy.as_posix()}/templates/kpi_trend.labels.yaml"
    assert any(s.startswith(f"{name}:2:1: legend_improvd:") and "標準のラベルファイルにないキー" in s for s in shown), shown
    assert any(s.startswith(f"{name}:3:16: rating_legend:") and "並び" in s and "文字列" in s for s in shown), shown
    assert len(shown) == 2
    assert not (tmp_path / "out").exists()
    assert path.is_file()


def test_check_reports_an_unknown_key(data_copy, capsys):
    override(data_copy, "titel: 表\n", "pledge_list.labels.yaml")
    assert main(["check", "--data", str(data_copy)]) == 1
    err = capsys.readouterr().err
    assert "pledge_list.labels.yaml:1:1: titel:" in err and "使えるキー" in err


def test_a_file_of_comments_changes_nothing(data_copy, tmp_path, built):
    override(data_copy, "# legend_improved: 改善\n")
    build(data_copy, tmp_path / "out", [parse_fy("R6")])
    assert (tmp_path / "out" / "2024_R6" / SHEET).read_bytes() == (built / "2024_R6" / SHEET).read_bytes()
