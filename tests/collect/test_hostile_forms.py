"""Hostile returned forms (SYNTHETIC files): each is refused with a clear message, within bounded CPU
time and memory (the kernel's limits), and data/ changes only for a valid form."""
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from excelwrite import excel_save
from forked import run_cli
from formfill import fill
from support import tree

MEMORY_LIMIT = 768 * 1024 ** 2  # address space the collecting process may add to what it starts with
CPU_LIMIT = 15                   # seconds of CPU: a bomb is refused long before (a form takes about one)


def written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def sent(built):
    out = built  # the default build's forms (the shared archive: read, never changed)
    return out / "2017_H29" / "forms" / "実施事業評価等入力表_平成29年度_人権推進課.xlsx"


def rewrite(form: Path, dest: Path, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None,
            drop: tuple[str, ...] = ()) -> Path:
    with zipfile.ZipFile(form) as src, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename in drop:
                continue
            dst.writestr(item.filename, (replace or {}).get(item.filename, src.read(item)))
        for name, data in (add or {}).items():
            dst.writestr(name, data)
    return dest


def zip_bomb(form, tmp):
    dest = tmp / "bomb.xlsx"
    shutil.copyfile(form, dest)
    with zipfile.ZipFile(dest, "a", zipfile.ZIP_DEFLATED) as z, z.open("xl/media/padding.bin", "w") as f:
        chunk = b"\0" * (1 << 20)
        for _ in range(300):  # 300 MB of zeros in a few hundred KB
            f.write(chunk)
    return dest


LAUGHS = b'''<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'''
XXE = b'''<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>'''


def entity(form, tmp, payload, name):
    return rewrite(form, tmp / name, replace={"xl/worksheets/sheet1.xml": payload})


def identity_removed(form, tmp):
    wb = openpyxl.load_workbook(form)
    del wb["_reportgen"]
    wb.save(tmp / "noid.xlsx")
    return tmp / "noid.xlsx"


def identity_damaged(form, tmp):
    wb = openpyxl.load_workbook(form)
    wb["_reportgen"]["A2"].value = '{"kind": "evaluation", '
    wb.save(tmp / "badid.xlsx")
    return tmp / "badid.xlsx"


def row_added(form, tmp):
    wb = openpyxl.load_workbook(form)
    ws = wb.worksheets[0]
    ws.cell(row=ws.max_row + 1, column=1).value = "s1-999"
    wb.save(tmp / "added.xlsx")
    return tmp / "added.xlsx"


def row_deleted(form, tmp):
    wb = openpyxl.load_workbook(form)
    ws = wb.worksheets[0]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "s1-002")
    ws.delete_rows(row)
    wb.save(tmp / "deleted.xlsx")
    return tmp / "deleted.xlsx"


def edited_identity(form, tmp, name, old, new):
    """The form with its hidden identity edited (a clerk who found the very hidden sheet)."""
    wb = openpyxl.load_workbook(form)
    ws = wb["_reportgen"]
    assert old in ws["A2"].value
    ws["A2"].value = ws["A2"].value.replace(old, new)
    wb.save(tmp / name)
    return tmp / name


def macro(form, tmp):
    return rewrite(form, tmp / "macro.xlsm", add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 512})


CASES = {
    "zip bomb": (zip_bomb, "zip bomb"),
    "XML entity expansion": (lambda f, t: entity(f, t, LAUGHS, "laughs.xlsx"), "document type declaration (<!DOCTYPE>)"),
    "external entity": (lambda f, t: entity(f, t, XXE, "xxe.xlsx"), "document type declaration (<!DOCTYPE>)"),
    "macro workbook": (macro, "macro workbooks (.xlsm) are refused"),
    "encrypted file": (lambda f, t: written(t / "enc.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096), "encrypted"),
    "truncated file": (lambda f, t: written(t / "cut.xlsx", f.read_bytes()[: f.stat().st_size // 2]), "damaged"),
    "empty file": (lambda f, t: written(t / "empty.xlsx", b""), "the file is empty (0 bytes)"),  # the mail or the sync not finished (issue 25)
    "text renamed .xlsx": (lambda f, t: written(t / "t.xlsx", "部署,状況\n".encode()), "not an Excel workbook"),
    "docx renamed .xlsx": (lambda f, t: shutil.copyfile(next(f.parents[1].glob("*.docx")), t / "d.xlsx") and t / "d.xlsx", "Word document"),
    "unrelated workbook": (lambda f, t: (openpyxl.Workbook().save(t / "u.xlsx"), t / "u.xlsx")[1], "not a reportgen form"),
    "identity removed": (identity_removed, "not a reportgen form"),
    "identity damaged": (identity_damaged, "identity is damaged"),
    "a form of another year": (lambda f, t: edited_identity(f, t, "y.xlsx", '"year": "H29"', '"year": "H30"'),
                               "a form of another year"),
    "a form claiming another department": (lambda f, t: edited_identity(
        f, t, "d.xlsx", '"department": "人権推進課"', '"department": "商工観光課"'), "a form of another department"),
    "an unknown department": (lambda f, t: edited_identity(
        f, t, "u.xlsx", '"department": "人権推進課"', '"department": "秘密課"'), "is not in the data"),
    "locked cell changed": (lambda f, t: fill(f, t / "l.xlsx", {"s1-001": {5: "書き換えた事業内容"}}), "tampering"),
    "row added": (row_added, "rows cannot be added"),
    "row deleted": (row_deleted, "the row of '女性の再就職・キャリアアップ支援事業' is missing (tampering)"),  # its name, not its hidden key
    "formula in an input cell": (lambda f, t: fill(f, t / "fx.xlsx", {"s1-001": {7: "=HYPERLINK(\"http://x\")"}}), "formulas are not accepted"),
    "value outside the dropdown": (lambda f, t: fill(f, t / "dd.xlsx", {"s1-001": {6: "Z"}}), "one of A, B, C, D"),
    "a date in a text cell": (lambda f, t: fill(f, t / "dt.xlsx", {"s1-001": {7: __import__("datetime").datetime(2024, 1, 1)}}), "expected text"),
    "Strict Open XML": (lambda f, t: excel_save(f, t / "strict.xlsx", {"s1-001": {"K": "x"}}, strict=True),
                        "save it again as an ordinary"),
    "a row inserted with text": (lambda f, t: excel_save(f, t / "ins.xlsx", inserted=[("s1-002", {"G": "書いた"})]),
                                 "text outside the form's input cells"),
}


def collect(path: Path, data: Path, tmp: Path) -> tuple[int, str]:
    """collect in a child bounded by the kernel: MEMORY_LIMIT more address space than it starts
    with, CPU_LIMIT seconds of CPU (a run over either is stopped: no exit status, a failure here)."""
    run = run_cli(["collect", str(path), "--data", str(data), "--lang", "en"], tmp,
                  address_space=MEMORY_LIMIT, cpu_seconds=CPU_LIMIT)
    assert run.signal is None, f"stopped by signal {run.signal} (SIGXCPU: over {CPU_LIMIT} s of CPU)\n{run.output}"
    return run.code, run.output


def test_at_least_15_hostile_cases():
    assert len(CASES) >= 15


@pytest.mark.parametrize("name", list(CASES))
def test_a_hostile_form_is_refused_quickly_in_bounded_memory_and_data_is_unchanged(name, sent, tmp_path, data_copy):
    make, expected = CASES[name]
    path = make(sent, tmp_path)
    before = tree(data_copy, "*.yaml", backups=False)
    code, output = collect(path, data_copy, tmp_path)
    assert code == 1, output
    assert expected in output, output
    assert "Traceback" not in output
    assert tree(data_copy, "*.yaml", backups=False) == before


def test_a_valid_form_does_change_data_under_the_same_limits(sent, tmp_path, data_copy):
    path = fill(sent, tmp_path / "ok.xlsx", {"s1-001": {11: "確認済み"}})
    before = tree(data_copy, "*.yaml", backups=False)
    code, output = collect(path, data_copy, tmp_path)
    assert code == 0 and "1 change(s)" in output
    after = tree(data_copy, "*.yaml", backups=False)
    assert [k for k in after if after[k] != before.get(k)] == ["strategies/1/projects.yaml"]
