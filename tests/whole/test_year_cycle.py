"""A whole year from the command line, no YAML edited by hand: open R7 (with the next pledge list) → department,
registry and pledge forms filled (a new project added and a KPI ended in the registry; the registry and a
department form re-saved by LibreOffice) → collect → status exits 0 → build → the new project is in the R7
documents and the ended KPI is not → close R7 → a late R7 form refused with data/ unchanged → verify passes."""
from __future__ import annotations

import shutil

import openpyxl
import realclient as rc
from cyclekit import R7_FOLDER, identity, kpi_departments, run, state
from formfill import fill, resave_with_libreoffice
from registry_helpers import fill as fill_registry
from support import tree

# What the departments type (a person's choice, in the way clerks type: with or without the unit)
TYPED = {
    "商工観光課": {"kpi:1-①": "265件", "kpi:1-②": 12, "kpi:4-②": "6,401,234人"},
    "保育幼稚園課": {"kpi:3-②": 98.5},
}
# ... and what the R7 documents must then show (1-② keeps the KPI's way of writing: 年間12名)
SHOWN = {("1-①", "市内工業団地の事業所数"): "265件", ("1-②", "創業支援による創業者数"): "年間12名",
         ("4-②", "観光入込客数"): "6,401,234人", ("3-②", "保育所等の低年齢児の入所と待機児童の割合"): "98.5%"}
# The planning office's registry of the 2nd strategy: a new project (columns 事業名, 事業内容, 施策, 担当課) and
# the KPI 1-③ ended from R7 (column 廃止)
NEW_PROJECT = {"C": "市内回遊促進事業", "D": "商店街と観光拠点を結ぶ回遊イベントを実施する。", "E": "4-2", "F": "商工観光課"}
ENDED = ("1-③", "雇用対策事業の実施回数")
# The pledge progress form (columns 取組状況, 評価): pledge 1's first item moves from A to B with a new line
PLEDGE_1_1 = {6: "・令和4年4月にデジタル行政推進課を設置\n・DXを推進するために「入間市DXビジョン」を令和4年4月に策定\n"
                 "●令和7年3月に第2期DX推進計画を策定", 7: "B"}


def test_a_whole_year(tmp_path, data_copy, capsys):
    data, out, ret = data_copy, tmp_path / "out", tmp_path / "returned"
    ret.mkdir()

    # 1. open R7 with the next pledge list: a KPI form per department, the office's registry, the pledge form
    code, stdout, _ = run(capsys, "open", "R7", "--pledges", "2025-03", "--data", data, "--out", out)
    assert code == 0, stdout
    assert (data / "pledges" / "2025-03.yaml").is_file()
    sent = out / R7_FOLDER
    files = sorted(sent.iterdir())
    forms = {f.name.rsplit("_", 1)[1][:-5]: f for f in files if f.name.startswith("KPI実績値等入力表_令和7年度_")}
    assert set(forms) == kpi_departments(data)
    registry = sent / "事業・KPI登録簿_令和7年度_戦略2.xlsx"
    pledge = sent / "市長公約進捗状況記入票_令和7年3月末_企画課.xlsx"
    assert set(files) == set(forms.values()) | {registry, pledge}

    # 2. the planning office fills its registry (a new project, KPI 1-③ ended from R7) and saves it in LibreOffice
    filled = fill_registry(registry, ret / "registry_filled.xlsx", {"事業": {"new:1": NEW_PROJECT}, "KPI": {ENDED[0]: {"K": "R7"}}})
    returned = [resave_with_libreoffice(filled, tmp_path / "lo_registry")]
    # ... and the pledge form (pledge 1's first item: a new line, status A → B)
    returned.append(fill(pledge, ret / pledge.name, {"pledge:1:1": PLEDGE_1_1}))

    # 3. the departments fill their forms (openpyxl, as a clerk's unlocked cells allow); the others come back as sent
    for department, form in forms.items():
        values = TYPED.get(department)
        if values:
            value_rows = {r["key"] for r in identity(form)["rows"] if "value" in r["base"]}
            assert set(values) <= value_rows
            returned.append(fill(form, ret / form.name, {k: {6: v} for k, v in values.items()}))
        else:
            returned.append(shutil.copy(form, ret / form.name))
    # ... one of them opened and saved again in LibreOffice (its own package, shared strings, styles)
    lo = resave_with_libreoffice(ret / forms["商工観光課"].name, tmp_path / "lo")
    returned[returned.index(ret / forms["商工観光課"].name)] = lo

    # 4. collect: every form taken; the new project gets the 2nd strategy's first project id
    code, stdout, stderr = run(capsys, "collect", *returned, "--data", data)
    assert code == 0, stderr
    assert "年間12名" in stdout
    assert "s2-001 市内回遊促進事業 / 新規登録（ID）: （空） → s2-001" in stdout
    assert "1-③ 雇用対策事業の実施回数 / 廃止: （空） → R7" in stdout
    assert "公約1 ①デジタル未来都市推進部門の設置 / 評価: A → B" in stdout

    # 5. status: everything in and applied (the registry and the pledge form included)
    code, stdout, _ = run(capsys, "status", "--data", data)
    assert code == 0, stdout
    assert f"提出済・反映済 {len(files)} 件" in stdout and "督促先" not in stdout

    # 6. build: the R7 documents show what the departments typed
    code, stdout, stderr = run(capsys, "--data", data, "--out", out)
    assert code == 0, stderr
    trend = openpyxl.load_workbook(out / "2025_R7" / "03_KPI目標値達成状況推移_令和7年度.xlsx")
    found = {}
    for ws in trend.worksheets:
        rows = [[c.value for c in r] for r in ws.iter_rows()]
        header = next((r for r in rows if "R7末" in r), None)
        if header is None:
            continue
        col = header.index("R7末")
        for r in rows:
            if (r[1], r[2]) in SHOWN:  # the KPI's id and name cells
                found[(r[1], r[2])] = r[col]
    assert found == SHOWN
    # ... the new project is listed in R7's 対象事業一覧 and the ended KPI is gone from R7's documents, not from R6's
    listing = rc.norm(rc.word_text(out / "2025_R7" / "01_対象事業一覧_令和7年度.docx"))
    assert rc.norm("市内回遊促進事業商店街と観光拠点を結ぶ回遊イベントを実施する。商工観光課") in listing
    assert ENDED[1] not in listing and ENDED[1] not in cells(trend)
    r6 = openpyxl.load_workbook(out / "2024_R6" / "03_KPI目標値達成状況推移_令和6年度.xlsx")
    assert ENDED[1] in cells(r6)
    # ... and the pledge list as of 令和7年3月末 (dated in R6) shows the new line and ★ on the changed status
    pledges = rc.norm(rc.word_text(out / "2024_R6" / "04_市長公約進捗状況一覧表_令和7年3月末.docx"))
    assert rc.norm("●令和7年3月に第2期DX推進計画を策定") in pledges and "★" in pledges

    # 7. close R7: built, verified, marked closed
    code, stdout, stderr = run(capsys, "close", "R7", "--data", data, "--out", out)
    assert code == 0, stderr
    assert state(data)["years"]["R7"]["state"] == "closed"

    # 8. a late R7 form is refused, data/ unchanged
    late = fill(forms["商工観光課"], tmp_path / "遅れて届いた_商工観光課.xlsx", {"kpi:1-③": {6: "年間33回"}})
    before = tree(data)
    code, stdout, stderr = run(capsys, "collect", late, "--data", data)
    assert code == 1 and "締め切られています" in stderr and str(late) in stderr
    assert tree(data) == before
    # ... so is a late pledge form of the list sent with R7 (its month lies in R6, it closed with R7)
    late_pledge = fill(pledge, tmp_path / "遅れて届いた_公約.xlsx", {"pledge:2:1": {7: "A"}})
    code, stdout, stderr = run(capsys, "collect", late_pledge, "--data", data)
    assert code == 1 and "令和7年度 は" in stderr and "締め切られています" in stderr
    assert tree(data) == before

    # 9. verify passes
    code, stdout, stderr = run(capsys, "verify", out)
    assert code == 0, stderr
    assert "2025_R7" in stdout


def cells(wb) -> str:
    """Every cell's text of a workbook, sheet after sheet."""
    return "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None)
