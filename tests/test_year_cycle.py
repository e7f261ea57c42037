"""A whole year from the command line, no YAML edited by hand: open R7 → forms filled (one re-saved by LibreOffice)
→ collect → status exits 0 → build → close R7 → a late R7 form refused with data/ unchanged → verify passes."""
from __future__ import annotations

import shutil

import openpyxl

from cyclekit import R7_FOLDER, identity, kpi_departments, run, state, tree
from formfill import fill, resave_with_libreoffice

# What the departments type (a person's choice, in the way clerks type: with or without the unit)
TYPED = {
    "商工観光課": {"kpi:1-①": "265件", "kpi:1-②": 12, "kpi:4-②": "6,401,234人"},
    "保育幼稚園課": {"kpi:3-②": 98.5},
}
# ... and what the R7 documents must then show (1-② keeps the KPI's way of writing: 年間12名)
SHOWN = {("1-①", "市内工業団地の事業所数"): "265件", ("1-②", "創業支援による創業者数"): "年間12名",
         ("4-②", "観光入込客数"): "6,401,234人", ("3-②", "保育所等の低年齢児の入所と待機児童の割合"): "98.5%"}


def test_a_whole_year(tmp_path, data_copy, capsys):
    data, out, ret = data_copy, tmp_path / "out", tmp_path / "returned"
    ret.mkdir()

    # 1. open R7: a form per department, recorded
    code, stdout, _ = run(capsys, "open", "R7", "--data", data, "--out", out)
    assert code == 0, stdout
    sent = out / R7_FOLDER
    forms = {f.name.rsplit("_", 1)[1][:-5]: f for f in sorted(sent.iterdir())}
    assert set(forms) == kpi_departments(data)

    # [registry step — the lead adds it after the merge: the office's registry workbook for strategy 2 filled
    #  (a new project added, one ended 廃止 R7), re-saved through LibreOffice, returned with the others]
    # [pledge step — the lead adds it after the merge: open with --pledges 2025-03, the pledge progress
    #  forms filled (a status changed), returned with the others]

    # 2. the departments fill their forms (openpyxl, as a clerk's unlocked cells allow); the others come back as sent
    returned = []
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

    # 3. collect: every form taken
    code, stdout, stderr = run(capsys, "collect", *returned, "--data", data)
    assert code == 0, stderr
    assert "年間12名" in stdout

    # 4. status: everything in and applied
    code, stdout, _ = run(capsys, "status", "--data", data)
    assert code == 0, stdout
    assert f"提出済・反映済 {len(forms)} 件" in stdout and "督促先" not in stdout

    # 5. build: the R7 documents show what the departments typed
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
    # [registry step: the new project appears in the R7 documents and the ended one does not (the lead adds it)]

    # 6. close R7: built, verified, marked closed
    code, stdout, stderr = run(capsys, "close", "R7", "--data", data, "--out", out)
    assert code == 0, stderr
    assert state(data)["years"]["R7"]["state"] == "closed"

    # 7. a late R7 form is refused, data/ unchanged
    late = fill(forms["商工観光課"], tmp_path / "遅れて届いた_商工観光課.xlsx", {"kpi:1-③": {6: "年間33回"}})
    before = tree(data)
    code, stdout, stderr = run(capsys, "collect", late, "--data", data)
    assert code == 1 and "締め切られています" in stderr and str(late) in stderr
    assert tree(data) == before

    # 8. verify passes
    code, stdout, stderr = run(capsys, "verify", out)
    assert code == 0, stderr
    assert "2025_R7" in stdout
