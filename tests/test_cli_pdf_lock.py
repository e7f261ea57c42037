"""--pdf through one LibreOffice process; concurrent builds serialise; progress, summary and language."""
import json
import subprocess
import sys
import threading
from pathlib import Path

import openpyxl

from reportgen.archive import verify
from reportgen.build import build
from reportgen.cli import main
from reportgen.era import parse_fy

import realclient as rc
from conftest import DATA, ROOT


def test_pdf_converts_every_published_document_of_every_year_in_one_libreoffice_process(tmp_path, monkeypatch):
    rc.need_soffice()
    import reportgen.pdf as pdf

    calls = []
    real = subprocess.run

    def counting(cmd, *a, **k):
        calls.append(cmd)
        return real(cmd, *a, **k)

    monkeypatch.setattr(pdf.subprocess, "run", counting)
    import time

    from reportgen import archive

    real_write = archive._write_synced

    def slow_disk(path, data):  # the files are written in the background: LibreOffice must wait for them
        time.sleep(0.02)
        real_write(path, data)

    monkeypatch.setattr(archive, "_write_synced", slow_disk)
    out = tmp_path / "out"
    build(DATA, out, years=[parse_fy("H29"), parse_fy("R5")], pdf=True)
    assert len(calls) == 1
    published = sorted(Path(f["path"]).stem for m in out.glob("*/manifest.json")
                       for f in json.loads(m.read_text(encoding="utf-8"))["files"] if f["publish"] and not f["path"].endswith(".pdf"))
    pdfs = sorted(p.stem for p in out.glob("*/*.pdf"))
    assert pdfs == published and len(pdfs) == 6 and not list(out.glob("*/forms/*.pdf"))
    head = (out / "2017_H29" / "01_対象事業一覧_平成29年度.pdf").read_bytes()[:5]
    assert head == b"%PDF-"
    manifest = json.loads((out / "2017_H29" / "manifest.json").read_text(encoding="utf-8"))
    entry = next(f for f in manifest["files"] if f["path"].endswith(".pdf"))
    assert entry["reproducible"] is False
    folders, findings = verify(out)
    assert findings == [] and folders == ["2017_H29", "2023_R5"]


def test_two_concurrent_builds_do_not_interleave(tmp_path):
    out = tmp_path / "out"
    results = []

    def run():
        results.append(build(DATA, out, years=[parse_fy("H29")]))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2
    assert verify(out)[1] == []
    assert not [p for p in out.iterdir() if p.name.startswith(".")  and p.name != ".lock"]


def test_the_command_line_in_a_fresh_process_prints_a_summary_and_exits_0(tmp_path):
    proc = subprocess.run([sys.executable, str(ROOT / "generate.py"), "--year", "H29", "--out", str(tmp_path / "out"),
                           "--lang", "en"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "wrote 16 files for 1 fiscal year(s)." in proc.stdout


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main(["--bogus"]) == 2
    assert main(["verify", str(tmp_path / "missing")]) == 2
    assert main(["verify", str(tmp_path)]) == 2


def test_a_form_password_from_the_data_protects_the_forms(tmp_path, data_copy):
    city = data_copy / "city.yaml"
    city.write_text(city.read_text(encoding="utf-8") + "form_password: kikaku\n", encoding="utf-8")
    out = tmp_path / "out"
    build(data_copy, out, years=[parse_fy("H29")])
    ws = openpyxl.load_workbook(next((out / "2017_H29" / "forms").glob("*.xlsx"))).worksheets[0]
    assert ws.protection.sheet and ws.protection.password
