"""collect as a planning officer runs it: batches where each form stands alone, forms bound to the build and
the year that issued them, messages a clerk can act on, and the one lock build and collect share."""
from __future__ import annotations

import fcntl
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import excelwrite as xw
import openpyxl
import pytest
from formfill import fill, resave_with_gnumeric
from support import ROOT, wait_until_blocked_on

from reportgen.cli import main
from reportgen.rules.era import parse_fy

EVAL = "2017_H29/forms/実施事業評価等入力表_平成29年度_{}.xlsx"
KPI = "2024_R6/forms/KPI実績値等入力表_令和6年度_{}.xlsx"


@pytest.fixture(scope="module")
def sent(built) -> Path:
    """The forms as the default build sends them (the shared archive: read, never changed)."""
    return built


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != ".lock"}


def collect(capsys, *args) -> tuple[int, str, str]:
    code = main(["collect", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


# ---- 5. batches


def test_each_form_of_a_batch_stands_alone_and_the_exit_status_says_one_was_refused(sent, tmp_path, data_copy, capsys):
    good_a = xw.excel_save(sent / EVAL.format("人権推進課"), tmp_path / "a_人権推進課.xlsx", {"s1-001": {"K": "人権の記入"}})
    bad = xw.excel_save(sent / KPI.format("商工観光課"), tmp_path / "b_商工観光課.xlsx", {"kpi:1-②": {"F": None}})
    good_c = xw.excel_save(sent / KPI.format("保育幼稚園課"), tmp_path / "c_保育幼稚園課.xlsx",
                           {"kpi:3-②": {"F": xw.Number("0.985", 10)}})
    code, out, err = collect(capsys, good_a, bad, good_c, "--data", data_copy)
    assert code == 1
    # every form has its own report: applied, applied, refused with its reason at the cell
    assert f"{good_a}: 平成29年度: 実施事業評価等入力表 人権推進課" in out and "変更 1 件" in out
    assert f"{good_c}: 令和6年度: KPI実績値等入力表 保育幼稚園課" in out
    assert f"{bad}: 令和6年度: KPI更新!F" in err and "消されています" in err and "この様式は取り込みません" in err
    assert "様式 3 件: 取り込み 2 件、受け付けず 1 件" in err and "他の様式は取り込みました" in err
    text = (data_copy / "strategies/2/kpis.yaml").read_text(encoding="utf-8")
    assert "R6: 98.5%" in text and "R6: 年間11名" in text  # the valid form applied, the refused one not at all
    from reportgen.model.loader import load

    project = next(p for p in load(data_copy).strategies[0].projects.projects if p.id == "s1-001")
    assert project.evaluations[parse_fy("H29")].memo == "人権の記入"


def test_a_run_that_writes_nothing_writes_no_backup(sent, tmp_path, data_copy, capsys):
    before = files(data_copy)
    returned_as_sent = xw.excel_save(sent / EVAL.format("人権推進課"), tmp_path / "same.xlsx", {})
    refused = xw.excel_save(sent / EVAL.format("人権推進課"), tmp_path / "bad.xlsx", {"s1-001": {"F": None}})
    code, out, err = collect(capsys, returned_as_sent, refused, "--data", data_copy)
    assert code == 1 and "変更 0 件" in out and "データは変更していません" in out
    assert files(data_copy) == before and not (data_copy / ".backups").exists()


def test_conflict_lines_carry_the_forms_file_name_and_go_with_the_rest_of_its_report(sent, tmp_path, data_copy, capsys):
    f = data_copy / "strategies/1/projects.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("平成30年度以降も事業を継続し、", "（企画課で修正）平成30年度以降も事業を継続し、", 1),
                 encoding="utf-8")
    form = xw.excel_save(sent / EVAL.format("人権推進課"), tmp_path / "conflict.xlsx", {"s1-001": {"I": "部署の方針", "K": "メモ"}})
    code, out, err = collect(capsys, form, "--data", data_copy)
    assert code == 1 and out.count(str(form)) == 0  # nothing of this form on stdout
    head, *rest = [line for line in err.splitlines() if line.startswith(str(form))]
    assert "競合 1 件" in head and "変更 1 件" in head
    assert any(line.startswith(f"{form}: 平成29年度: 競合") and "今後の方針" in line for line in rest)


# ---- 7. bound to what issued it


def test_a_form_carries_city_data_set_strategy_year_department_and_build(sent):
    wb = openpyxl.load_workbook(sent / KPI.format("商工観光課"))
    ident = json.loads("".join(str(c.value) for c in wb["_reportgen"]["A"][1:] if c.value))
    manifest = json.loads((sent / "2024_R6/manifest.json").read_text(encoding="utf-8"))
    assert (ident["city"], ident["strategy"], ident["year"], ident["department"]) == ("入間市", "2", "R6", "商工観光課")
    assert ident["build"] == manifest["data"]["sha256"][:16] and len(ident["dataset"]) == 20


@pytest.mark.parametrize("edit, expected", [
    (lambda d: (d / "city.yaml").write_text((d / "city.yaml").read_text(encoding="utf-8").replace("入間市", "所沢市"), encoding="utf-8"),
     "入間市 の様式です（このデータは 所沢市 のものです）"),
    (lambda d: (d / "strategies/2/strategy.yaml").write_text(
        (d / "strategies/2/strategy.yaml").read_text(encoding="utf-8").replace("period: {from: R4, to: R8}", "period: {from: R4, to: R9}"),
        encoding="utf-8"), "別のデータセットから作成された様式です"),
])
def test_a_form_from_another_citys_or_data_sets_build_is_refused(sent, tmp_path, data_copy, capsys, edit, expected):
    edit(data_copy)
    before = files(data_copy)
    form = xw.excel_save(sent / KPI.format("商工観光課"), tmp_path / "k.xlsx", {"kpi:1-②": {"F": "12"}})
    code, out, err = collect(capsys, form, "--data", data_copy)
    assert code == 1 and expected in err and f"{form}: 令和6年度: 受け付けません" in err
    assert files(data_copy) == before


def test_a_form_of_a_year_other_than_the_one_being_collected_needs_the_year_named(sent, tmp_path, data_copy, capsys):
    # last year's KPI form renamed to this year's file name
    renamed = tmp_path / "KPI実績値等入力表_令和6年度_商工観光課.xlsx"
    xw.excel_save(sent / "2023_R5/forms/KPI実績値等入力表_令和5年度_商工観光課.xlsx", renamed, {"kpi:1-②": {"F": "13"}})
    before = files(data_copy)
    code, out, err = collect(capsys, renamed, "--data", data_copy)
    assert code == 1 and f"{renamed}: 令和5年度: 受け付けません: 令和5年度 の様式です。いま取り込む年度は 令和6年度 です" in err
    assert "--year R5" in err and files(data_copy) == before
    code, out, err = collect(capsys, renamed, "--data", data_copy, "--year", "R6")
    assert code == 1 and "指定された年度" in err and files(data_copy) == before
    code, out, err = collect(capsys, renamed, "--data", data_copy, "--year", "令和5年度")
    assert code == 0, err
    assert f"{renamed}: 令和5年度: 創業支援による創業者数 / 実績値: 年間11名 → 年間13名" in out
    assert "R5: 年間13名" in (data_copy / "strategies/2/kpis.yaml").read_text(encoding="utf-8")


# ---- 8. messages a clerk can act on


def test_no_library_warning_or_install_path_reaches_the_clerk(sent, tmp_path, data_copy):
    # Gnumeric writes no default cell style: openpyxl warns about it
    filled = xw.excel_save(sent / KPI.format("商工観光課"), tmp_path / "k.xlsx", {"kpi:1-②": {"F": "12"}})
    gnumeric = resave_with_gnumeric(filled, tmp_path / "gnumeric.xlsx")
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(filled) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, data.replace(b"<sheetData>", b"<sheetData><row r=\"x\">") if "sheet1" in item.filename else data)
    proc = subprocess.run([sys.executable, "-W", "default", "-c", "import sys; from reportgen.cli import main; sys.exit(main(sys.argv[1:]))",
                           "collect", str(gnumeric), str(broken), "--data", str(data_copy), "--dry-run"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    report = proc.stdout + proc.stderr
    assert "年間12名" in report and "Excel ブックとして読めません" in report, report
    for leak in ("Warning", "warn(", "site-packages", "openpyxl", "Traceback", sys.prefix):
        assert leak not in report, report


# ---- 9. one lock


@pytest.mark.parametrize("verb", [["collect", "{form}", "--data", "{data}"], ["--data", "{data}", "--out", "{out}", "--year", "H29"]],
                         ids=["collect", "build"])
def test_build_and_collect_wait_for_the_same_lock(sent, tmp_path, data_copy, verb):
    form = fill(sent / EVAL.format("人権推進課"), tmp_path / "f.xlsx", {"s1-001": {11: "メモ"}})

    def command(data: Path, out: Path) -> list[str]:
        return [sys.executable, str(ROOT / "generate.py"), *[a.format(form=form, data=data, out=out) for a in verb]]

    with open(data_copy / ".lock", "a+") as held:  # a build or a collect holding the lock
        fcntl.flock(held, fcntl.LOCK_EX)
        proc = subprocess.Popen(command(data_copy, tmp_path / "out"), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # blocked in the kernel on this very lock: whatever it does before the lock is done by now
        waited = wait_until_blocked_on(data_copy / ".lock", proc.pid, lambda: proc.poll() is None) and proc.poll() is None
        untouched = "メモ" not in (data_copy / "strategies/1/projects.yaml").read_text(encoding="utf-8")
        nothing_built = not (tmp_path / "out" / "2017_H29").exists()
        fcntl.flock(held, fcntl.LOCK_UN)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    assert waited and untouched and nothing_built
