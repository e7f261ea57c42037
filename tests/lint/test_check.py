"""Templates checked before anything is built: a misspelt tag, a split tag, an unbalanced block or a
bad label is reported with its place, all at once, and stops the build with out/ untouched.

The templates here are copies of the shipped ones edited as a clerk's Word would leave them (their
word/document.xml rewritten in the zip, in a tmp dir); the expected places are found with
python-docx, not with the code under test."""
from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import docx
import jinja2
import pytest
from support import DATA, ROOT, edit_docx, year

from reportgen import cli
from reportgen.archive.build import build
from reportgen.deliverables import outputs_for, present_years
from reportgen.lint.labelcheck import label_variables
from reportgen.lint.templatecheck import _read_docx, check_templates, require_templates
from reportgen.lint.templatesyntax import parsed
from reportgen.model.loader import load
from reportgen.rules.era import FiscalYear
from reportgen.rules.problems import DataError

TEMPLATES = ROOT / "templates"
BASELINE = "<w:r><w:t>{{ r.baseline_figure }}</w:t></w:r>"
PLAIN = "<w:r><w:t>{}</w:t></w:r>"
BOLD = "<w:r><w:rPr><w:b/></w:rPr><w:t>{}</w:t></w:r>"
SPELL = '<w:proofErr w:type="spellStart"/><w:r><w:t>{}</w:t></w:r><w:proofErr w:type="spellEnd"/>'


@pytest.fixture(scope="module")
def outputs():
    ds = load(DATA)
    return [o for fy in present_years(ds) for o in outputs_for(ds, year(fy, ds))]


@pytest.fixture()
def templates(tmp_path) -> Path:
    """A writable copy of the shipped templates."""
    dest = tmp_path / "templates"
    shutil.copytree(TEMPLATES, dest)
    return dest


def place_of(path: Path, text: str) -> tuple[int, int, int]:
    """(table, row, column) of the first cell whose text contains `text`, by python-docx."""
    for t, table in enumerate(docx.Document(str(path)).tables, 1):
        for r, row in enumerate(table.rows, 1):
            for c, cell in enumerate(row.cells, 1):
                if text in cell.text:
                    return t, r, c
    raise AssertionError(text)


def messages(problems, lang="ja") -> list[str]:
    return [p.render(lang) for p in problems]


def template_paths(folder: Path) -> list[Path]:
    """The Word templates and labels files of a templates folder, in a fixed order."""
    return sorted(folder.glob("*.docx")) + sorted(folder.glob("*.labels.yaml"))


def test_shipped_templates_have_no_problem(outputs):
    assert messages(check_templates(template_paths(TEMPLATES), outputs)) == []


def test_misspelt_tag_is_reported_with_its_table_row_and_column(templates, outputs):
    path = templates / "target_list.docx"
    edit_docx(path, BASELINE, PLAIN.format("{{ r.baseilne }}"))
    t, r, c = place_of(path, "r.baseilne")
    found = messages(check_templates([path], outputs))
    assert len(found) == 1, found
    line = found[0]
    assert "target_list.docx" in line and f"表{t}・{r}行目・{c}列目" in line
    assert "r.baseilne" in line and "もしかして「baseline」" in line
    en = messages(check_templates([path], outputs), "en")[0]
    assert f"table {t}, row {r}, column {c}" in en and 'did you mean "baseline"' in en


def test_a_template_checked_again_in_one_process_gets_the_first_checks_answer(templates, outputs):
    """A build checks its templates before each year (verify before each it rebuilds) from one reading
    of each template and one parse of each text a process (templatecheck._read_docx,
    templatesyntax.parsed): a check must leave what they keep as it found it."""
    path = templates / "target_list.docx"
    edit_docx(path, BASELINE, PLAIN.format("{{ r.baseilne }}"))
    first = messages(check_templates([path], outputs))
    assert len(first) == 1 and "r.baseilne" in first[0], first
    assert messages(check_templates([path], None)) == []  # the data unknown: the same trees, no names checked
    assert messages(check_templates([path], outputs)) == first
    parsed.cache_clear()
    _read_docx.cache_clear()
    assert messages(check_templates([path], outputs)) == first


def test_name_of_another_document_is_unknown(templates, outputs):
    """`as_of` is a name of the pledge list's data, not of the target list's."""
    path = templates / "target_list.docx"
    edit_docx(path, "<w:t>{{ labels.title }}", "<w:t>{{ as_of }}{{ labels.title }}")
    found = messages(check_templates([path], outputs))
    assert len(found) == 1 and "as_of" in found[0] and "段落" in found[0], found


def test_strict_undefined_when_rendering(templates, outputs):
    """Without the check, the renderer itself refuses a misspelt name instead of printing nothing."""
    from reportgen.render.dispatch import render

    path = templates / "target_list.docx"
    edit_docx(path, BASELINE, PLAIN.format("{{ r.baseilne }}"), count=4)  # in both branches of has_diff
    job = next(o for o in outputs if o.layout == "target_list.docx")
    with pytest.raises(jinja2.UndefinedError, match="baseilne"):
        render(job, year(FiscalYear(2017), templates=templates), "入間市")


def test_tag_split_into_runs_of_different_formatting(templates, outputs):
    path = templates / "target_list.docx"
    # as Word leaves it when part of the tag is made bold
    edit_docx(path, BASELINE, PLAIN.format("{{ r.") + BOLD.format("baseline_figure") + PLAIN.format(" }}"))
    t, r, c = place_of(path, "{{ r.baseline_figure }}")
    found = messages(check_templates([path], outputs))
    assert len(found) == 1, found
    assert f"表{t}・{r}行目・{c}列目" in found[0] and "書式" in found[0] and "{{ r.baseline_figure }}" in found[0]


def test_tag_split_over_the_edge_of_a_link(templates, outputs):
    """docxtpl would join the parts by cutting through the link's XML: the document breaks."""
    path = templates / "target_list.docx"
    link = '<w:hyperlink w:anchor="x">' + PLAIN.format("baseline_figure") + "</w:hyperlink>"
    edit_docx(path, BASELINE, PLAIN.format("{{ r.") + link + PLAIN.format(" }}"))
    text = docx.Document(str(path)).tables[0].rows[2].cells[1].text  # python-docx may leave the link's text out
    text = text.removesuffix("{{ r.baseline_note }}")  # the figure's year note, a run of its own
    assert text in ("{{ r.baseline_figure }}", "{{ r. }}")
    t, r, c = place_of(path, text)
    found = messages(check_templates([path], outputs))
    assert len(found) == 1 and f"表{t}・{r}行目・{c}列目" in found[0] and "リンク" in found[0], found


def test_tag_split_by_spell_check_is_mended(templates, outputs):
    """Word's spell-check marks split a tag into runs of the same formatting: docxtpl joins them,
    so nothing is reported and the values are printed; a misspelt name so split is still found."""
    from reportgen.render.dispatch import render

    path = templates / "target_list.docx"
    edit_docx(path, BASELINE, PLAIN.format("{{ r.") + SPELL.format("baseline_figure") + PLAIN.format(" }}"), count=4)
    assert messages(check_templates([path], outputs)) == []
    job = next(o for o in outputs if o.layout == "target_list.docx")
    rendered = docx.Document(io.BytesIO(render(job, year(FiscalYear(2017), templates=templates), "入間市")))
    cells = {cell.text for table in rendered.tables for row in table.rows for cell in row.cells}
    baselines = {r["baseline"] for g in job.context["goals"] for r in g["indicators"]["rows"]}
    assert baselines and baselines <= cells

    edit_docx(path, SPELL.format("baseline_figure"), SPELL.format("baseilne"))
    found = messages(check_templates([path], outputs))
    assert len(found) == 1 and "r.baseilne" in found[0], found


def test_every_problem_at_once(templates, outputs):
    tl, pl = templates / "target_list.docx", templates / "pledge_list.docx"
    edit_docx(tl, "<w:t>{{ r.current_figure }}</w:t>", "<w:t>{{ r.curent }}</w:t>")
    edit_docx(tl, "<w:t>{{ p.work }}</w:t>", "<w:t>{{ p.wrok }}</w:t>")
    edit_docx(tl, "<w:t>{{ r.name }}</w:t>", "<w:t>{{ r.name </w:t>")  # not closed
    edit_docx(pl, "<w:t>{%p endif %}</w:t>", "<w:t>{%p endfor %}</w:t>")  # unbalanced
    edit_docx(pl, "<w:t>{{ it.content }}</w:t>", "<w:t>{{ it.contnet }}</w:t>")  # still found past it
    edit_docx(pl, "<w:t>{{ s.code }} {{", "<w:t>{{ s.code + }} {{")  # unreadable
    labels = templates / "kpi_form.labels.yaml"
    labels.write_text(labels.read_text(encoding="utf-8").replace("{{ department }}", "{{ departmnet }}", 1), encoding="utf-8")
    found = messages(check_templates(template_paths(templates), outputs))
    text = "\n".join(found)
    assert "r.curent" in text and "p.wrok" in text and "{{ r.name" in text and "閉じていません" in text
    assert "{%p if has_previous %}" in text and "{%p endfor %}" in text
    assert "departmnet" in text and "it.contnet" in text and "{{ s.code + }}" in text
    assert len(found) == 8, text  # the unbalanced if/endfor: the stray end, the if never closed


def test_unbalanced_block_names_both_tags(templates, outputs):
    pl = templates / "pledge_list.docx"
    edit_docx(pl, "<w:t>{%p endif %}</w:t>", "")
    found = messages(check_templates([pl], outputs))
    assert len(found) == 1 and "{%p if has_previous %}" in found[0] and "{% endif %}" in found[0], found
    assert "段落" in found[0]


def test_text_a_row_tag_drops(templates, outputs):
    path = templates / "target_list.docx"
    edit_docx(path, "<w:p/></w:tc>", "<w:p><w:r><w:t>注記</w:t></w:r></w:p></w:tc>")  # a cell of the first {%tr for %} row
    found = messages(check_templates([path], outputs))
    assert len(found) == 1 and "注記" in found[0] and "{%tr for r in g.indicators.rows %}" in found[0], found
    # a tag there is dropped too: reported as dropped, not read as part of the template
    edit_docx(path, "<w:t>注記</w:t>", "<w:t>{{ r.nmae }}</w:t>")
    found = messages(check_templates([path], outputs))
    assert len(found) == 1 and "{{ r.nmae }}" in found[0] and "出力されません" in found[0], found


def test_labels_file_unknown_name_and_syntax(templates, outputs):
    path = templates / "evaluation_table.labels.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('title: "{{ strategy }}', 'title: "{{ strategi }}').replace("{{ previous_year }}", "{{ previous_year }")
    text = text.replace('goal_row: "{{ no }} {{ title }}', 'goal_row: "{{ no }} {{ titel }}')
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    line_of = {key: next(i for i, ln in enumerate(lines, 1) if key in ln) for key in ("strategi", "previous_year", "titel")}
    found = messages(check_templates([path], outputs))
    assert len(found) == 3, found
    for key, msg in zip(("strategi", "previous_year", "titel"), sorted(found, key=lambda m: int(m.split(":")[1]))):
        assert f"evaluation_table.labels.yaml:{line_of[key]}:" in msg and key in msg


def test_missing_template_is_named(templates, outputs):
    (templates / "pledge_list.docx").unlink()
    (templates / "kpi_form.labels.yaml").unlink()
    with pytest.raises(DataError) as caught:
        require_templates(template_paths(templates), outputs)
    found = messages(caught.value.problems)
    assert len(found) == 2 and found[0].startswith("kpi_form.labels.yaml: ") and found[1].startswith("pledge_list.docx: "), found


def test_label_variables_are_those_the_renderers_give(monkeypatch):
    """label_variables() says how render/xlsx*.py call labels(): recorded from real renders."""
    from reportgen.deliverables import kpi_trend
    from reportgen.render import xlsx, xlsx_forms
    from reportgen.render.dispatch import render
    from reportgen.templating import labels as labels_module

    calls: dict[str, list[set]] = {}
    rows: dict[str, list[set]] = {}
    current = [""]

    def record_labels(name, variables, *a, **k):
        current[0] = name
        calls.setdefault(name, []).append(set(variables))
        return labels_module.labels(name, variables, *a, **k)

    def record_fill(text, variables):
        rows.setdefault(current[0], []).append(set(variables))
        return labels_module.fill(text, variables)

    for module in (xlsx, xlsx_forms):
        monkeypatch.setattr(module, "labels", record_labels)
        monkeypatch.setattr(module, "fill", record_fill)

    def record_alt(text, variables):  # the deliverable fills each chart's alternative text
        rows.setdefault("kpi_trend", []).append(set(variables))
        return labels_module.fill(text, variables)

    monkeypatch.setattr(kpi_trend, "fill", record_alt)
    ds = load(DATA)
    expected: dict[str, list[set]] = {}
    expected_rows: dict[str, list[set]] = {}
    seen = set()
    for fy in present_years(ds):
        settings = year(fy, ds)
        for o in outputs_for(ds, settings):
            if o.kind != "xlsx" or (o.layout, fy.year) in seen:
                continue
            seen.add((o.layout, fy.year))
            render(o, settings, ds.city.name)
            whole, per_row = label_variables(o.layout, o.context)
            expected.setdefault(o.layout, []).extend(set(v) for v in whole)
            expected_rows.setdefault(o.layout, []).extend(set(v) for values in per_row.values() for v in values)
    assert set(calls) == {"evaluation_table", "evaluation_form", "kpi_trend", "kpi_form", "pledge_list"}
    # a goal's heading is filled once a page of its charts: the sets of names are compared, not how often
    for name in calls:
        assert {frozenset(v) for v in calls[name]} == {frozenset(v) for v in expected[name]}, name
        assert {frozenset(v) for v in rows.get(name, [])} == {frozenset(v) for v in expected_rows.get(name, [])}, name


def tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        h.update(str(p.relative_to(folder)).encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


def test_build_stops_on_a_misspelt_tag_and_leaves_out_untouched(tmp_path, templates):
    out = tmp_path / "out"
    build(DATA, out, [FiscalYear(2023)], templates=templates)  # the pledge list's year: a small build
    before = tree_digest(out)
    edit_docx(templates / "pledge_list.docx", "<w:t>{{ it.content }}</w:t>", "<w:t>{{ it.contnet }}</w:t>")
    with pytest.raises(DataError) as caught:
        build(DATA, out, [FiscalYear(2023)], templates=templates)
    text = caught.value.render("ja")
    assert "pledge_list.docx" in text and "it.contnet" in text and "行目" in text
    assert tree_digest(out) == before


def test_check_verb(tmp_path, data_copy, capsys):
    assert cli.main(["check", "--data", str(DATA)]) == 0
    assert "問題はありません" in capsys.readouterr().out
    city = data_copy / "city.yaml"
    city.write_text(city.read_text(encoding="utf-8") + "mayor: 誰か\n", encoding="utf-8")
    assert cli.main(["check", "--data", str(data_copy), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "city.yaml:" in err and "mayor" in err and "1 problem(s)" in err
    assert not (tmp_path / "out").exists()


def test_check_help_has_examples(capsys):
    assert cli.main(["check", "--help"]) == 0
    assert "python3 generate.py check" in capsys.readouterr().out
