"""Broken data (tests/corpus/broken_data.yaml, 50+ cases): located message, exit 1, out/ untouched."""
import re
import shutil
from pathlib import Path

import pytest
import yaml
from support import DATA, ROOT, tree

from reportgen.cli import main

CASES = yaml.safe_load((ROOT / "tests" / "corpus" / "broken_data.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def archive(tmp_path_factory, built):
    out = tmp_path_factory.mktemp("archive") / "out"
    shutil.copytree(built, out, symlinks=True)  # the default build; the tests' runs must leave it as it is
    return out, tree(out)


def test_the_corpus_holds_at_least_40_cases():
    assert len(CASES) >= 40 and len({c["name"] for c in CASES}) == len(CASES)


def apply(case: dict, data: Path) -> None:
    path = data / case["file"]
    if case.get("delete"):
        path.unlink()
    elif "content" in case:
        path.write_text(case["content"], encoding="utf-8")
    elif "hex" in case:
        path.write_bytes(bytes.fromhex(case["hex"]))
    else:
        old, new = case["replace"]
        new = new.replace("LONGTEXT", "あ" * 32768)
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{case['name']}: {old!r} not found in {case['file']}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_broken_data_gets_a_located_message_exit_1_and_out_untouched(case, tmp_path, archive, capsys):
    out, before = archive
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    apply(case, data)
    assert main(["--data", str(data), "--out", str(out), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    lines = [l for l in err.splitlines() if case["file"] in l]
    assert lines, err
    located = [l for l in lines if re.search(re.escape(case["file"]) + r":(\d+):(\d+):", l)]
    assert located, lines
    assert any(case["expect"] in l for l in located), located
    assert tree(out) == before


def test_a_missing_data_folder(tmp_path, archive, capsys):
    out, before = archive
    assert main(["--data", str(tmp_path / "nowhere"), "--out", str(out), "--lang", "en"]) == 2  # a usage error in every verb (README: Exit status)
    assert "no such data folder" in capsys.readouterr().err
    assert tree(out) == before
