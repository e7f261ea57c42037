"""Legitimate but hostile-looking text: `=1+1`, `+`, `-`, `@`, markup and emoji render exactly, never as formulas."""
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import docx
import openpyxl
import pytest
import yaml

from reportgen.build import build
from reportgen.cli import main
from reportgen.era import parse_fy
from reportgen.loader import load
from reportgen.package import CoreProps

import realclient as rc
from formfill import fill

TEXT_KEYS = {"name", "title", "project", "description", "work", "done", "assessment", "plan", "memo", "reason",
             "content", "category", "footnote", "remark", "source", "edition", "prefecture", "state", "progress"}
DEPARTMENT_KEYS = {"departments", "parent"}


def prefix_texts(data: Path, prefix: str) -> int:
    """Prefix every free text of every data file (department names consistently everywhere)."""
    count = 0

    def walk(node, key=None):
        nonlocal count
        if isinstance(node, dict):
            return {k: walk(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, key) for v in node]
        if isinstance(node, str) and (key in TEXT_KEYS or key in DEPARTMENT_KEYS):
            count += 1
            return prefix + node
        return node

    for path in sorted(data.rglob("*.yaml")):
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # all scalars as text
        if path.name == "departments.yaml":
            doc = {"departments": [{k: prefix + v for k, v in d.items()} for d in doc["departments"]]}
        else:
            doc = walk(doc)
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=4096), encoding="utf-8")
    return count


@pytest.mark.parametrize("prefix", ["=1+1 ", "+", "-", "@", '<小学生> & "x" ', "😀 "])
def test_every_text_field_starting_like_a_formula_or_markup_builds_and_is_never_a_formula(tmp_path, data_copy, prefix):
    n = prefix_texts(data_copy, prefix)
    assert n > 1000
    out = tmp_path / "out"
    build(data_copy, out)
    seen = 0
    for book in out.rglob("*.xlsx"):
        wb = openpyxl.load_workbook(book)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{book.name}!{cell.coordinate} became a formula"
                    if isinstance(cell.value, str) and cell.value.startswith(prefix):
                        seen += 1
        with zipfile.ZipFile(book) as z:
            assert not any("<f>" in z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert seen > 500
    d = docx.Document(out / "2017_H29" / "01_対象事業一覧_平成29年度.docx")
    cells = [c.text for t in d.tables for r in t.rows for c in r.cells]
    assert sum(c.startswith(prefix) for c in cells) > 100


def test_libreoffice_shows_markup_and_emoji_exactly(tmp_path, data_copy):
    prefix_texts(data_copy, '<小学生> & "😀" ')
    out = tmp_path / "out"
    build(data_copy, out, years=[parse_fy("R5")])
    text = rc.word_text(out / "2023_R5" / "04_市長公約進捗状況一覧表_令和5年9月末.docx")
    assert '<小学生> & "😀" デジタル未来都市推進部門の設置と特命人材の公募' in text
    rows = rc.sheet_rows(out / "2023_R5" / "04_市長公約進捗状況一覧表_令和5年9月末.xlsx")
    assert any(c.startswith('<小学生> & "😀" ') for r in rows[next(iter(k for k in rows if "公約" in k))] for c in r)


def test_a_formula_looking_text_from_a_form_stays_text_in_data_and_the_rebuilt_master(tmp_path, data_copy):
    out = tmp_path / "out"
    build(data_copy, out, years=[parse_fy("H29")])
    form = out / "2017_H29/forms/実施事業評価等入力表_平成29年度_人権推進課.xlsx"
    filled = fill(form, tmp_path / "f.xlsx", {"s1-001": {11: "x"}})
    wb = openpyxl.load_workbook(filled)
    ws = wb.worksheets[0]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "s1-001")
    cell = ws.cell(row=row, column=11)
    cell.value = "=1+1"
    cell.data_type = "s"  # what Excel stores when a clerk types '=1+1 (text, not a formula)
    wb.save(filled)
    assert main(["collect", str(filled), "--data", str(data_copy)]) == 0
    ev = next(p for p in load(data_copy).strategies[0].projects.projects if p.id == "s1-001").evaluations[parse_fy("H29")]
    assert ev.memo == "=1+1"
    build(data_copy, out, years=[parse_fy("H29")])
    master = openpyxl.load_workbook(out / "2017_H29/02_実施事業評価等入力表_平成29年度.xlsx").active
    memo = [c for r in master.iter_rows() for c in r if c.value == "=1+1"]
    assert len(memo) == 1 and memo[0].data_type == "s"


def test_control_characters_never_crash_a_render():
    """The model refuses control characters; the renderers still survive them if one slips through."""
    from reportgen.deliverables import outputs_for
    from reportgen.render.docx import render_docx
    from reportgen.render.xlsx import render_xlsx
    from conftest import DATA, ROOT

    ds = load(DATA)
    core = CoreProps("t\x07", "c\x00", datetime(2020, 1, 1, tzinfo=timezone.utc))
    for job in outputs_for(ds, parse_fy("R5")):
        ctx = poison(job.context)
        data = render_docx(ROOT / "templates" / job.layout, ctx, core) if job.kind == "docx" else render_xlsx(job.layout, ctx, core)
        assert data[:2] == b"PK"


def poison(value):
    if isinstance(value, str):
        return value + "\x07\x00\x1b"
    if isinstance(value, dict):
        return {k: (v if k in ("identity", "status", "code", "kind", "key", "id") else poison(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [poison(v) for v in value]
    return value
