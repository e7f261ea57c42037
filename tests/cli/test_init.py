"""generate.py init: a new city's skeleton builds as it is, prints the city's name, and never overwrites."""
from pathlib import Path

import docx
import pytest
import yaml

from reportgen.cli import init as init_module
from reportgen.cli import main
from reportgen.model.loader import load


def test_the_skeleton_checks_and_builds_with_the_citys_name(tmp_path, capsys):
    target = tmp_path / "otoineppu"
    assert main(["init", str(target), "--city", "音威子府村"]) == 0
    assert "音威子府村" in capsys.readouterr().out
    data = target / "data"
    for rel in ("city.yaml", "departments.yaml", "strategies/1/strategy.yaml", "strategies/1/kpis.yaml",
                "templates/kpi_trend.labels.yaml", "templates/pledge_list.labels.yaml"):
        assert (data / rel).is_file(), rel
    city = yaml.safe_load((data / "city.yaml").read_text(encoding="utf-8"))
    assert city == {"name": "音威子府村", "head": "村長"}  # a village's head, from its name
    assert "#" in (data / "strategies/1/strategy.yaml").read_text(encoding="utf-8")  # commented
    assert main(["check", "--data", str(data)]) == 0
    assert main(["--data", str(data), "--out", str(target / "out")]) == 0
    words = [p.text for p in docx.Document(str(target / "out/2025_R7/01_指標一覧_令和7年度.docx")).paragraphs]
    assert words[0] == "令和7年度音威子府村まち・ひと・しごと創生総合戦略指標"
    assert (target / "out/2025_R7/03_KPI目標値達成状況推移_令和7年度.xlsx").is_file()


def test_every_labels_file_is_there_commented_out(tmp_path):
    init_module.init(tmp_path / "c", "入間市")
    shipped = sorted(p.name for p in (Path(init_module.__file__).parents[2] / "templates").glob("*.labels.yaml"))
    written = sorted(p.name for p in (tmp_path / "c/data/templates").glob("*.labels.yaml"))
    assert written == shipped
    for p in (tmp_path / "c/data/templates").glob("*.labels.yaml"):
        text = p.read_text(encoding="utf-8")
        assert yaml.safe_load(text) is None, p.name  # nothing overridden until a line is uncommented
        assert "# title:" in text or "# sheet:" in text


def test_a_name_yaml_would_misread_stays_text(tmp_path):
    init_module.init(tmp_path / "c", "1:20", head="市長")
    assert load(tmp_path / "c/data").city.name == "1:20"


def test_an_existing_folder_is_never_overwritten(tmp_path, capsys):
    target = tmp_path / "city"
    target.mkdir()
    (target / "notes.txt").write_text("大事なメモ", encoding="utf-8")
    assert main(["init", str(target), "--city", "安平町"]) == 2
    assert "空ではありません" in capsys.readouterr().err
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["init", str(empty), "--city", "安平町"]) == 0
    assert (empty / "data/city.yaml").is_file()


def test_a_failure_while_writing_leaves_nothing(tmp_path, monkeypatch):
    real = Path.write_bytes
    calls = []

    def failing(self, content):
        calls.append(self)
        if len(calls) == 4:
            raise OSError("disk full")
        return real(self, content)

    monkeypatch.setattr(Path, "write_bytes", failing)
    with pytest.raises(OSError):
        init_module.init(tmp_path / "c", "安平町")
    assert list(tmp_path.iterdir()) == []


def test_help_has_examples(capsys):
    assert main(["init", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--city" in out and "例:" in out and "init anpei --city 安平町" in out
    assert main(["init", str(Path("x"))]) == 2  # --city is required


def test_the_skeleton_text_is_package_data():
    skeleton = init_module.SKELETON
    assert (skeleton / "data/strategies/1/strategy.yaml").is_file()
    pyproject = (Path(init_module.__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    assert "skeleton/data/strategies/1/*.yaml" in pyproject


def test_the_skeleton_speaks_of_the_town_and_points_to_a_heading_that_exists(tmp_path):
    """A 町's example KPI is 町内, not 市内; the README's pointer names a heading docs/data.md has."""
    import re

    from support import ROOT
    init_module.init(tmp_path / "town", "安平町")
    kpis = (tmp_path / "town" / "data" / "strategies" / "1" / "kpis.yaml").read_text(encoding="utf-8")
    assert "（例）町内従業者数" in kpis and "市内" not in kpis
    readme = (tmp_path / "town" / "README.md").read_text(encoding="utf-8")
    heading = re.search(r"docs/data\.md の「(.+?)」", readme).group(1)
    headings = re.findall(r"^#+ (.+)$", (ROOT / "docs" / "data.md").read_text(encoding="utf-8"), re.M)
    assert heading.replace("`", "") in [h.replace("`", "") for h in headings]
