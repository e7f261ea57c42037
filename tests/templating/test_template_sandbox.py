"""Templates and labels from outside never run code: check names the place, build and verify refuse with one line.

Each attack is the one reported in issue 24: a tag reaching Python's internals through a Jinja
global (`cycler.__init__.__globals__.os.popen(…)`), in a data folder's Word template, in a labels
file, and in an archive's templates/ with the manifest's hash updated. The command it would run
creates a file CANARY in the working folder: it must never appear.
"""
from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from support import ROOT, edit_docx

from reportgen.archive.build import build
from reportgen.cli import main
from reportgen.lint.labelcheck import check_labels
from reportgen.rules.era import FiscalYear

ATTACK = "{{ cycler.__init__.__globals__.os.popen('id > CANARY').read() }}"
# the same, with the attribute names computed: no static check can see them, the sandbox stops them
COMPUTED = "{{ cycler[('__in' ~ 'it__')][('__glo' ~ 'bals__')].os.popen('id > CANARY').read() }}"
TITLE = "{{ labels.title }}"  # target_list.docx's first paragraph


@pytest.fixture()
def work(tmp_path, monkeypatch, data_copy) -> Path:
    """The data copy, with the working folder where an attack would write CANARY."""
    monkeypatch.chdir(tmp_path)
    (data_copy / "templates").mkdir()
    return tmp_path


def hostile_template(data: Path, tag: str) -> Path:
    path = data / "templates" / "target_list.docx"
    shutil.copy(ROOT / "templates" / "target_list.docx", path)
    edit_docx(path, TITLE, tag + TITLE)
    return path


def hostile_labels(data: Path, text: str) -> Path:
    path = data / "templates" / "kpi_trend.labels.yaml"
    path.write_text(f"subtitle: \"{text}\"\n", encoding="utf-8")
    return path


def lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.strip()]


def test_check_names_the_paragraph_of_a_template_reaching_python_internals_and_build_refuses(work, capsys):
    hostile_template(work / "data", ATTACK)
    assert main(["check", "--data", "data"]) == 1
    err = lines(capsys.readouterr().err)
    assert err[0].startswith("data/templates/target_list.docx: 段落1: 「" + ATTACK + "」の cycler.__init__ は安全のため使えません")
    assert len(err) == 2  # one line for the place, the count
    assert main(["--data", "data", "--out", "out"]) == 1
    err = lines(capsys.readouterr().err)
    assert err[-1] == "エラー 1 件: 何も書き込んでいません。" and "段落1" in err[0]
    assert not (work / "CANARY").exists()
    assert not (work / "out").exists()  # refused before out/ is touched


def test_check_names_the_key_of_a_labels_file_reaching_python_internals_and_build_refuses(work, capsys):
    hostile_labels(work / "data", ATTACK)
    assert main(["check", "--data", "data", "--lang", "en"]) == 1
    err = lines(capsys.readouterr().err)
    assert err[0].startswith("data/templates/kpi_trend.labels.yaml:1:11: subtitle: cycler.__init__ in \"" + ATTACK
                             + "\" is refused for safety")
    assert main(["--data", "data", "--out", "out"]) == 1
    assert not (work / "CANARY").exists()


@pytest.mark.parametrize("text, refused", [
    ("{{ goals[0]._private }}", "goals[0]._private"),               # private attribute of a context value
    ("{{ goals.append(1) }}", "goals.append"),                      # a method that changes the context
    ("{{ year.__class__.__mro__ }}", "year.__class__"),
    ("{{ goals['__class__'] }}", "goals['__class__']"),
    ("{{ goals | map(attribute='__class__') | list }}", "map('__class__')"),
    ("{{ goals | attr('__dict__') }}", "attr('__dict__')"),
    ("{{ range.__self__ }}", "range.__self__"),
    ("{{ lipsum.__globals__ }}", "lipsum.__globals__"),
])
def test_check_refuses_what_the_sandbox_refuses_at_its_key(tmp_path, text, refused):
    path = tmp_path / "kpi_trend.labels.yaml"
    path.write_text(f"title: \"{text}\"\n", encoding="utf-8")
    messages = [p.render("en") for p in check_labels(path, None, {})]
    assert len(messages) == 1, messages
    assert messages[0].startswith(f"{path}:1:8: title: {refused} in \"{text}\" is refused for safety")


def test_an_unknown_filter_is_named_even_where_the_data_cannot_be_read(tmp_path):
    path = tmp_path / "kpi_trend.labels.yaml"
    path.write_text("title: \"{{ year | shell }}\"\n", encoding="utf-8")
    assert [p.render("en") for p in check_labels(path, None, {})] == [
        f"{path}:1:8: title: no Jinja filter shell in \"{{{{ year | shell }}}}\""]


def test_a_computed_attribute_name_is_stopped_by_the_sandbox_with_one_line_naming_the_template(work, capsys):
    hostile_template(work / "data", COMPUTED)
    assert main(["--data", "data", "--out", "out", "--year", "H29"]) == 1
    err = lines(capsys.readouterr().err)
    assert err == ["data/templates/target_list.docx: テンプレートが安全のため禁止されている操作をしようとしたため、止めました"
                   "（access to attribute '__init__' of 'type' object is unsafe.）。「_」で始まる名前や Python の内部の属性、"
                   "データを書き換える操作はテンプレートから使えません",
                   "エラー 1 件: 何も書き込んでいません。"]
    assert not (work / "CANARY").exists()


def test_a_computed_attribute_name_in_a_labels_file_is_stopped_with_its_file_and_key(work, capsys):
    hostile_labels(work / "data", COMPUTED)
    assert main(["--data", "data", "--out", "out", "--year", "H28", "--lang", "en"]) == 1
    err = lines(capsys.readouterr().err)
    assert err[0].startswith("data/templates/kpi_trend.labels.yaml: subtitle: the template tried an operation refused for safety")
    assert len(err) == 2
    assert not (work / "CANARY").exists()


def test_verify_names_the_place_of_an_archived_template_reaching_python_internals(work, capsys):
    build(work / "data", work / "out", [FiscalYear(2017)])  # H29: H28 has no list (only 該当事業なし; issue 25 item 9)
    year = work / "out" / "2017_H29"
    tpl = year / "templates" / "target_list.docx"
    edit_docx(tpl, TITLE, ATTACK + TITLE)
    manifest = json.loads((year / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["templates"]:
        if entry["path"] == "templates/target_list.docx":
            entry["sha256"] = hashlib.sha256(tpl.read_bytes()).hexdigest()
            entry["bytes"] = tpl.stat().st_size
    (year / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert main(["verify", "out"]) == 1
    err = lines(capsys.readouterr().err)
    assert err[1].startswith("2017_H29: 再構築できません: out/2017_H29/templates/target_list.docx: 段落1: 「" + ATTACK
                             + "」の cycler.__init__ は安全のため使えません"), err
    assert err[-1] == "検証失敗: 再ハッシュ 0 件、再構築 1 件"
    assert not (work / "CANARY").exists()


def test_a_label_filled_while_the_contexts_are_built_is_named_at_its_line_by_check_and_build(work, capsys):
    # pledge_list's `document` is filled as the contexts are built, before the templates are checked
    (work / "data" / "templates" / "pledge_list.labels.yaml").write_text(f'document: "{ATTACK}"\n', encoding="utf-8")
    expected = ("data/templates/pledge_list.labels.yaml:1:11: document: 「" + ATTACK + "」の cycler.__init__ は安全のため使えません"
                "（「_」で始まる名前、Python の内部の属性、データを書き換えるメソッドは、テンプレートから使えません）。")
    assert main(["check", "--data", "data"]) == 1
    assert lines(capsys.readouterr().err)[0] == expected
    assert main(["--data", "data", "--out", "out"]) == 1
    assert lines(capsys.readouterr().err) == [expected, "エラー 1 件: 何も書き込んでいません。"]
    assert not (work / "CANARY").exists() and not (work / "out").exists()


@pytest.mark.parametrize("text, tag", [
    ("{% include '/etc/passwd' %}", "include"),
    ("{% import 'x.html' as x %}", "import"),
    ("{% from 'x.html' import y %}", "from … import"),
    ("{% extends 'base.html' %}", "extends"),
])
def test_a_label_that_would_read_another_file_is_refused_at_its_key(tmp_path, text, tag):
    # the renderers have no loader: Jinja would stop the build with a TypeError traceback
    path = tmp_path / "kpi_trend.labels.yaml"
    path.write_text(f"title: \"{text}\"\n", encoding="utf-8")
    assert [p.render("en") for p in check_labels(path, None, {})] == [
        f"{path}:1:8: title: \"{text}\": a template cannot read another file ({tag} cannot be used)"]


def test_a_document_property_docxtpl_renders_is_checked_and_named(work, capsys):
    # docxtpl renders the title, subject, author … of the template as templates too
    path = work / "data" / "templates" / "target_list.docx"
    shutil.copy(ROOT / "templates" / "target_list.docx", path)
    src = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "docProps/core.xml":
                data = data.replace(b"<dc:title/>", f"<dc:title>{ATTACK}</dc:title>".replace("'", "&apos;").encode())
            z.writestr(info, data)
    path.write_bytes(out.getvalue())
    assert main(["check", "--data", "data", "--lang", "en"]) == 1
    assert lines(capsys.readouterr().err)[0].startswith(
        f"data/templates/target_list.docx: document property \"title\": cycler.__init__ in \"{ATTACK}\" is refused for safety")
    assert main(["--data", "data", "--out", "out"]) == 1
    assert not (work / "CANARY").exists()
