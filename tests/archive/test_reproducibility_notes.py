"""What can change an archive's bytes without anyone noticing is said or recorded (issue 24, item 8):
SOURCE_DATE_EPOCH in the build summary, LF line ends on every checkout, the lock in each manifest."""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from importlib.metadata import version

import pytest
from support import ROOT

from reportgen.cli import main


def test_source_date_epoch_is_announced_in_the_build_summary(data_copy, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert main(["--data", str(data_copy), "--out", str(tmp_path / "out"), "--year", "H28"]) == 0
    out = capsys.readouterr().out.splitlines()
    # announced in the summary, after the count of files written (the years left out follow it)
    written = next(i for i, line in enumerate(out) if "ファイルを書き込みました" in line)
    assert out[written + 1] == ("SOURCE_DATE_EPOCH=1700000000 が設定されているため、文書の日付は各年度の末日ではなく "
                                "2023-11-14 22:13:20 UTC です。")


def test_without_source_date_epoch_the_summary_says_nothing_of_it(data_copy, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert main(["--data", str(data_copy), "--out", str(tmp_path / "out"), "--year", "H28", "--lang", "en"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "wrote 1 files for 1 fiscal year(s)." in out  # H28: its target list left out (only 該当事業なし)
    assert not any("SOURCE_DATE_EPOCH" in line for line in out)


def test_each_manifest_records_the_locks_hash_and_its_exact_pins(data_copy, tmp_path, capsys):
    assert main(["--data", str(data_copy), "--out", str(tmp_path / "out"), "--year", "H28"]) == 0
    lock = json.loads((tmp_path / "out" / "2016_H28" / "manifest.json").read_text(encoding="utf-8"))["lock"]
    content = (ROOT / "requirements.lock").read_bytes()
    assert lock["file"] == "requirements.lock" and lock["sha256"] == hashlib.sha256(content).hexdigest()
    assert f"jinja2=={version('jinja2')}" in lock["pins"] and f"openpyxl=={version('openpyxl')}" in lock["pins"]
    assert len(lock["pins"]) == content.decode("utf-8").count("==")
    assert main(["verify", str(tmp_path / "out")]) == 0


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs a git checkout")
def test_text_files_the_archive_hashes_are_checked_out_with_lf_on_every_platform():
    files = ["data/city.yaml", "data/strategies/1/kpis.yaml", "templates/kpi_trend.labels.yaml",
             "reportgen/skeleton/data/city.yaml", "requirements.lock", "examples/abira/data/city.yaml",
             "templates/target_list.docx"]
    out = subprocess.run(["git", "check-attr", "text", "eol", "--", *files], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    attrs = {}
    for line in out.splitlines():
        path, attr, value = line.split(": ")
        attrs.setdefault(path, {})[attr] = value
    for path in files[:-1]:
        assert attrs[path] == {"text": "set", "eol": "lf"}, path  # not CRLF under core.autocrlf=true
    assert attrs["templates/target_list.docx"]["text"] == "unset"  # a package: bytes, never converted
