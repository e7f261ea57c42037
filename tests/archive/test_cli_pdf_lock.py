"""--pdf through one LibreOffice process; a second build waits for the first; progress, summary and language."""
import json
import subprocess
import sys
import threading
from pathlib import Path

import openpyxl
import realclient as rc
from support import DATA, ROOT, tree

from reportgen.archive.build import build
from reportgen.archive.verification import verify
from reportgen.cli import main
from reportgen.rules.era import parse_fy


def test_pdf_converts_every_published_document_of_every_year_in_one_libreoffice_process(request):
    """The run's --pdf build of every year (conftest.built_pdf), watched while it ran: the processes it started,
    and a writer that writes the documents LibreOffice reads only once the build waits for it (support.watched_pdf_build)."""
    rc.need_soffice()  # skipped without LibreOffice (failed under CI) before the build is asked for
    built_pdf = request.getfixturevalue("built_pdf")
    started = json.loads((built_pdf.parent / "processes.json").read_text(encoding="utf-8"))
    assert len(started) == 1 and Path(started[0][0]).name in ("soffice", "libreoffice")
    published = sorted(Path(f["path"]).stem for m in built_pdf.glob("*/manifest.json")
                       for f in json.loads(m.read_text(encoding="utf-8"))["files"] if f["publish"] and not f["path"].endswith(".pdf"))
    pdfs = sorted(p.stem for p in built_pdf.glob("*/*.pdf"))
    assert pdfs == published and len(pdfs) == 13 and not list(built_pdf.glob("*/forms/*.pdf"))
    assert len({p.parent.name for p in built_pdf.glob("*/*.pdf")}) == 6
    assert all(p.read_bytes()[:5] == b"%PDF-" for p in built_pdf.glob("*/*.pdf"))
    manifest = json.loads((built_pdf / "2017_H29" / "manifest.json").read_text(encoding="utf-8"))
    entry = next(f for f in manifest["files"] if f["path"].endswith(".pdf"))
    assert entry["reproducible"] is False
    before = tree(built_pdf)
    folders, findings = verify(built_pdf)
    assert findings == [] and folders == ["2016_H28", "2017_H29", "2022_R4", "2023_R5", "2024_R6", "2025_R7"]
    assert tree(built_pdf) == before  # verify only reads: the run's shared build stays as it was


def test_a_second_build_waits_for_the_first_to_publish_before_it_starts(tmp_path, monkeypatch):
    """Two builds into one folder made to overlap on purpose: the first holds the folder until the
    second is queued on the lock (or, were there no lock, already inside), so the order is fixed."""
    import fcntl

    import reportgen.archive.build as b

    out = tmp_path / "out"
    events: list[tuple[str, str]] = []
    first_inside, second_arrived, second_inside = threading.Event(), threading.Event(), threading.Event()
    real_staging, real_publish, real_flock = b.new_staging, b.publish, fcntl.flock

    def who() -> str:
        return threading.current_thread().name

    def flock(f, op):
        if who() == "second" and op & fcntl.LOCK_EX:
            second_arrived.set()  # the second build is about to take the lock
        return real_flock(f, op)

    def staging(folder, name):  # the first thing a build does inside the lock
        events.append((who(), "inside"))
        if who() == "first":
            first_inside.set()
            assert second_arrived.wait(120), "the second build never reached the lock"
            second_inside.wait(1.0)  # a lock keeps it out; without one it is in by now
        else:
            second_arrived.set()
            second_inside.set()
        return real_staging(folder, name)

    def publish(staging_folder, target, durable):  # the last
        real_publish(staging_folder, target, durable)
        events.append((who(), "published"))

    monkeypatch.setattr(fcntl, "flock", flock)
    monkeypatch.setattr(b, "new_staging", staging)
    monkeypatch.setattr(b, "publish", publish)
    monkeypatch.setattr(b, "same_record", lambda *a: False)  # the second build publishes too (else its unchanged year is kept)
    results, errors = [], []

    def run():
        try:
            results.append(build(DATA, out, years=[parse_fy("H29")]))
        except BaseException as exc:  # noqa: BLE001 - reported below, with the order seen
            errors.append(exc)

    first, second = threading.Thread(target=run, name="first"), threading.Thread(target=run, name="second")
    first.start()
    assert first_inside.wait(120)
    second.start()
    first.join()
    second.join()
    assert events == [("first", "inside"), ("first", "published"), ("second", "inside"), ("second", "published")]
    assert errors == [] and len(results) == 2
    assert verify(out)[1] == []
    assert sorted(p.name for p in out.iterdir()) == [".lock", "2017_H29"]  # no staging left behind


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
    from openpyxl.utils.protection import hash_password

    ws = openpyxl.load_workbook(next((out / "2017_H29" / "forms").glob("*.xlsx"))).worksheets[0]
    # Excel keeps the password's legacy hash: the one that Excel (and openpyxl) computes from "kikaku"
    assert ws.protection.sheet and ws.protection.password == hash_password("kikaku")


def test_without_a_form_password_the_forms_are_locked_but_open_to_anyone(built):
    ws = openpyxl.load_workbook(next((built / "2017_H29" / "forms").glob("*.xlsx"))).worksheets[0]
    assert ws.protection.sheet and not ws.protection.password
