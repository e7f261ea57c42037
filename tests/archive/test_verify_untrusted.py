"""verify reads an archive's manifest as untrusted input: it never takes the manifest's word about itself.

The attacks of issue 24: `"reproducible": false` on an edited document whose hash was updated, an
entry `../../../outside.txt` hashed outside the archive, an entry without `sha256` (a KeyError
traceback). Each is a finding with one line; verify fails; nothing outside the year folder is read.
"""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from support import edit_docx

from reportgen.archive.build import build
from reportgen.archive.verification import verify
from reportgen.cli import main
from reportgen.rules.era import FiscalYear

DOC = "01_対象事業一覧_平成29年度.docx"


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    from support import DATA

    out = tmp_path_factory.mktemp("verify") / "out"
    build(DATA, out, [FiscalYear(2017)])
    return out / "2017_H29"


@pytest.fixture()
def year(archive, tmp_path) -> Path:
    dest = tmp_path / "out" / archive.name
    shutil.copytree(archive, dest)
    return dest


def manifest(year: Path) -> dict:
    return json.loads((year / "manifest.json").read_text(encoding="utf-8"))


def save(year: Path, doc) -> None:
    (year / "manifest.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def run_verify(year: Path, capsys) -> tuple[int, list[str]]:
    code = main(["verify", str(year.parent), "--lang", "en"])
    return code, capsys.readouterr().err.splitlines()


def test_a_fresh_archive_verifies(year, capsys):
    assert run_verify(year, capsys) == (0, [])


def test_an_edited_document_marked_not_reproducible_is_still_rebuilt_and_caught(year, capsys):
    edit_docx(year / DOC, "</w:body>", "<w:p><w:r><w:t>改ざん</w:t></w:r></w:p></w:body>")
    doc = manifest(year)
    for entry in doc["files"]:
        if entry["path"] == DOC:
            entry["sha256"] = hashlib.sha256((year / DOC).read_bytes()).hexdigest()
            entry["reproducible"] = False  # the manifest's word about itself: not taken
    save(year, doc)
    code, err = run_verify(year, capsys)
    assert code == 1
    assert err == ["rebuild (files that no longer come out the same):",
                   f"2017_H29/{DOC}: the rebuild differs from the archived file",
                   "verify failed: 0 re-hash and 1 rebuild finding(s)"]


def test_an_entry_outside_the_archive_is_a_finding_and_never_read(year, capsys, monkeypatch):
    outside = year.parent.parent / "outside.txt"
    outside.write_text("a file beside the archive\n", encoding="utf-8")
    doc = manifest(year)
    doc["files"].append({"path": "../../outside.txt", "sha256": hashlib.sha256(outside.read_bytes()).hexdigest(),
                         "bytes": outside.stat().st_size, "deliverable": "", "reproducible": False, "publish": True})
    save(year, doc)
    read = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self.resolve()) or real(self))
    code, err = run_verify(year, capsys)
    assert code == 1
    assert err[:2] == ["re-hash (files changed since archived):",
                       "2017_H29/../../outside.txt: the path leads outside the archive folder (expected a relative path "
                       "that stays inside the folder (no .. or .)); not read"]
    assert outside.resolve() not in read


@pytest.mark.parametrize("breakage, line", [
    (lambda d: d["files"][0].pop("sha256"), "files[0].sha256: expected a SHA-256 (64 hex digits) (the manifest is malformed)"),
    (lambda d: d["files"][0].update(sha256=12), "files[0].sha256: expected a SHA-256 (64 hex digits) (the manifest is malformed)"),
    (lambda d: d["files"][1].pop("path"), "files[1].path: expected the file's path (text) (the manifest is malformed)"),
    (lambda d: d.update(files=3), "files: expected a list of files ([ … ]) (the manifest is malformed)"),
    (lambda d: d["data"].update(files={"a": 1}), "data.files: expected a list of files ([ … ]) (the manifest is malformed)"),
    (lambda d: d.pop("data"), "data: expected data (an object with files) (the manifest is malformed)"),
    (lambda d: d["templates"].append("x"), "templates[5]: expected an object with path and sha256 (the manifest is malformed)"),
    (lambda d: d["fiscal_year"].update(western="2016"), "fiscal_year.western: expected the fiscal year (a whole number) (the manifest is malformed)"),
    (lambda d: d.update(stamp=None), "stamp: expected a time such as 2025-03-31T00:00:00Z (the manifest is malformed)"),
    (lambda d: d.update(tool="reportgen"), "tool: expected an object ({ … }) (the manifest is malformed)"),
    (lambda d: d["environment"].update(libraries=[]), "environment.libraries: expected an object ({ … }) (the manifest is malformed)"),
])
def test_a_malformed_manifest_is_a_finding_with_one_line(year, capsys, breakage, line):
    doc = manifest(year)
    breakage(doc)
    save(year, doc)
    code, err = run_verify(year, capsys)
    assert code == 1
    assert err == ["re-hash (files changed since archived):", f"2017_H29/manifest.json: {line}",
                   "verify failed: 1 re-hash and 0 rebuild finding(s)"]


@pytest.mark.parametrize("content, line", [
    (b"{not json", "cannot read the manifest as JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    (b"[]", "the whole: expected a JSON object ({ … }) (the manifest is malformed)"),
    (b"\xff\xfe", "cannot read the manifest as JSON: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"),
])
def test_a_manifest_that_is_not_a_json_object_is_a_finding(year, capsys, content, line):
    (year / "manifest.json").write_bytes(content)
    code, err = run_verify(year, capsys)
    assert code == 1 and err[1] == f"2017_H29/manifest.json: {line}"


def test_a_pdf_is_hashed_but_never_rebuilt_whatever_the_manifest_says(year):
    # LibreOffice stamps its PDFs with the time: by type, a PDF is compared by hash only
    pdf = year / "01_対象事業一覧_平成29年度.pdf"
    pdf.write_bytes(b"%PDF-1.7 stand-in\n")
    doc = manifest(year)
    doc["files"].append({"path": pdf.name, "sha256": hashlib.sha256(pdf.read_bytes()).hexdigest(),
                         "bytes": pdf.stat().st_size, "deliverable": "target_list", "reproducible": True, "publish": True})
    save(year, doc)
    assert [f for f in verify(year.parent)[1] if f.failed] == []
