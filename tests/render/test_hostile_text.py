"""Legitimate but hostile-looking text: `=1+1`, `+`, `-`, `@`, markup and emoji render exactly, never as formulas."""
import io
import re
import zipfile
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from xml.etree import ElementTree

import docx
import openpyxl
import realclient as rc
import yaml
from formfill import fill

from reportgen.archive.build import build
from reportgen.cli import main
from reportgen.model.loader import load
from reportgen.ooxml.package import CoreProps
from reportgen.rules.era import parse_fy

TEXT_KEYS = {"name", "title", "project", "description", "work", "done", "assessment", "plan", "memo", "reason",
             "content", "category", "footnote", "remark", "source", "edition", "prefecture", "state", "progress"}
DEPARTMENT_KEYS = {"departments", "parent"}


def prefix_texts(data: Path, prefixes: str | list[str]) -> Counter:
    """Prefix every free text of every data file; several prefixes take turns within each field
    (a field's first text gets the first prefix, its next the second …), so every kind of field
    carries every prefix. Department names are prefixed consistently everywhere, each department
    by its turn in departments.yaml. Returns how many texts got each prefix.

    Department names become file names (KPI実績値等入力表_令和6年度_<課>.xlsx): they get the prefix without the
    characters Windows refuses in a file name (`<小学生> & "x" ` → `小学生 & x `), which the loader
    refuses in a department's name (tests/rules/test_file_names.py)."""
    prefixes = [prefixes] if isinstance(prefixes, str) else prefixes
    given: Counter = Counter()
    turns: Counter = Counter()

    def turn(key: str) -> str:
        turns[key] += 1
        return prefixes[(turns[key] - 1) % len(prefixes)]

    depts_file = data / "departments.yaml"
    depts = yaml.load(depts_file.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # all scalars as text
    dept_prefix = {d["name"]: prefixes[i % len(prefixes)] for i, d in enumerate(depts["departments"])}
    renamed = {name: re.sub(r'[<>:"/\\|?*]', "", prefix) + name for name, prefix in dept_prefix.items()}

    def walk(node, key=None):
        if isinstance(node, dict):
            return {k: walk(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, key) for v in node]
        if isinstance(node, str) and key in DEPARTMENT_KEYS:
            given[dept_prefix[node]] += 1
            return renamed[node]
        if isinstance(node, str) and key in TEXT_KEYS:
            prefix = turn(key)
            given[prefix] += 1
            return prefix + node
        return node

    for path in sorted(data.rglob("*.yaml")):
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        if path == depts_file:
            doc = {"departments": [{k: renamed.get(v, v) if k in ("name", "parent") else v for k, v in d.items()}
                                   for d in doc["departments"]]}
        else:
            doc = walk(doc)
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=4096), encoding="utf-8")
    return given


PREFIXES = ["=1+1 ", "+", "-", "@", '<小学生> & "x" ', "😀 "]


def test_every_text_field_starting_like_a_formula_or_markup_builds_and_is_never_a_formula(tmp_path, data_copy):
    """One build, the six prefixes taking turns in every kind of text field (each field carries each)."""
    given = prefix_texts(data_copy, PREFIXES)
    assert all(given[p] > 150 for p in PREFIXES), given
    out = tmp_path / "out"
    build(data_copy, out)
    seen: Counter = Counter()
    for book in out.rglob("*.xlsx"):
        wb = openpyxl.load_workbook(book, read_only=True)  # values and data types only: streamed, half the time
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{book.name}!{cell.coordinate} became a formula"
                    if isinstance(cell.value, str):
                        seen.update(p for p in PREFIXES if cell.value.startswith(p))
        wb.close()
        with zipfile.ZipFile(book) as z:
            assert not any("<f>" in z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert all(seen[p] > 200 for p in PREFIXES), seen
    d = docx.Document(out / "2017_H29" / "01_対象事業一覧_平成29年度.docx")
    cells = [c.text for t in d.tables for r in t.rows for c in r.cells]
    assert all(sum(c.startswith(p) for c in cells) > 15 for p in PREFIXES), Counter(p for c in cells for p in PREFIXES if c.startswith(p))


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


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTROL = set(map(chr, range(0x20))) - set("\t\n\r")


def parts(data: bytes) -> dict[str, ElementTree.Element]:
    """Every XML part of a package, parsed (a part that is not well-formed XML fails here, named)."""
    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                try:
                    out[name] = ElementTree.fromstring(z.read(name))
                except ElementTree.ParseError as exc:
                    raise AssertionError(f"{name} is not well-formed XML: {exc}") from None
    return out


def seen_text(kind: str, data: bytes, xml: dict[str, ElementTree.Element]) -> list[str]:
    """The text a person reads: Word's paragraphs (body, headers, footers), or every cell of every sheet
    (a form's very hidden sheet for `collect` aside)."""
    if kind == "docx":
        return ["".join(t.text or "" for t in p.iter(W + "t"))
                for name, root in sorted(xml.items()) if name.startswith("word/") for p in root.iter(W + "p")]
    shown = [ws for ws in openpyxl.load_workbook(io.BytesIO(data)).worksheets if ws.sheet_state != "veryHidden"]
    return [ws.title for ws in shown] + [str(c.value) for ws in shown for row in ws.iter_rows() for c in row
                                         if c.value is not None]


def test_control_characters_are_dropped_and_every_part_stays_well_formed_xml():
    """The model refuses control characters; if one slips through, the renderers drop it: every part
    of every package still parses, and a person reads exactly what they would without it."""
    from support import DATA, ROOT, year

    from reportgen.deliverables import outputs_for
    from reportgen.render.dispatch import render_xlsx
    from reportgen.render.docx import render_docx

    ds = load(DATA)
    stamp = datetime(2020, 1, 1, tzinfo=timezone.utc)
    dirty_core, clean_core = CoreProps("t\x07itle\x1b", "c\x00ity", stamp), CoreProps("title", "city", stamp)

    def render(job, ctx, core):
        if job.kind == "docx":
            return render_docx(ROOT / "templates" / job.layout, ctx, core)
        return render_xlsx(job.layout, ctx, core, templates=r5.templates)

    r5 = year("R5", ds)
    jobs = outputs_for(ds, r5)
    assert {j.kind for j in jobs} == {"docx", "xlsx"} and len(jobs) > 10
    pledge: dict[str, list[str]] = {}
    for job in jobs:
        dirty = render(job, poison(job.context), dirty_core)
        xml = parts(dirty)
        core = xml["docProps/core.xml"]
        assert (core.find(DC + "title").text, core.find(DC + "creator").text) == ("title", "city"), job.filename
        text = seen_text(job.kind, dirty, xml)
        assert not [t for t in text if CONTROL & set(t)], job.filename
        clean = render(job, job.context, clean_core)
        assert text == seen_text(job.kind, clean, parts(clean)), job.filename
        if job.filename.startswith("04_"):
            pledge[job.kind] = text
    # a pledge as written in data/pledges/2023-09.yaml, whole: the Word heading numbers it, the workbook's cell holds it
    assert "1:【デジタル】デジタル未来都市推進部門の設置と特命人材の公募" in pledge["docx"]
    assert "デジタル未来都市推進部門の設置と特命人材の公募" in pledge["xlsx"]


def poison(value):
    if isinstance(value, str):
        return value + "\x07\x00\x1b"
    if isinstance(value, dict):
        return {k: (v if k in ("identity", "status", "code", "kind", "key", "id") else poison(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [poison(v) for v in value]
    return value
