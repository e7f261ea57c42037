"""Loading data/: every problem of a run is reported with file, line, column, field, expected and found."""
from pathlib import Path

import pytest
from support import DATA

from reportgen.model.loader import load
from reportgen.rules import typed
from reportgen.rules.problems import DataError


def problems(data: Path, lang: str = "en") -> list[str]:
    with pytest.raises(DataError) as info:
        load(data)
    return info.value.render(lang).splitlines()


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(needle)


def test_the_shipped_data_loads_with_everything_the_seeds_hold():
    ds = load(DATA)
    s1, s2 = ds.strategies
    assert ds.city.name == "入間市"
    assert [len(s.strategy.goals) for s in ds.strategies] == [4, 4]
    assert len(s1.projects.projects) == 68
    assert {k.id for k in s2.measures.kpis} >= {"1-①", "2-③", "3-⑧", "4-①", "4-⑤"}
    composite = next(k for k in s2.measures.kpis if k.id == "4-①")
    assert len(composite.sub_items) == 10
    pledges = ds.pledge_lists[0]
    assert sum(len(p.items) for ch in pledges.chapters for p in ch.pledges) == 60
    assert not ds.warnings


def test_a_yaml_syntax_error_is_located(data_copy):
    f = data_copy / "city.yaml"
    f.write_text("name: 入間市\nprefecture: [埼玉県\n", encoding="utf-8")
    (msg,) = problems(data_copy)
    # PyYAML finds the unclosed [ at the end of the file: line 3, column 1
    shown = [f, f.relative_to(Path.cwd())] if f.is_relative_to(Path.cwd()) else [f]
    assert msg.startswith(tuple(f"{p}:3:1: " for p in shown)) and "did not find expected ',' or ']'" in msg, msg


def test_duplicate_keys_are_all_reported_with_their_lines(data_copy):
    f = data_copy / "city.yaml"
    f.write_text("name: 入間市\nprefecture: 埼玉県\nname: 狭山市\nprefecture: x\n", encoding="utf-8")
    msgs = problems(data_copy)
    assert any("city.yaml:3:1:" in m and "duplicate key 'name' (first at line 1)" in m for m in msgs)
    assert any("city.yaml:4:1:" in m and "duplicate key 'prefecture'" in m for m in msgs)


def test_unknown_keys_are_errors_with_a_suggestion(data_copy):
    f = data_copy / "strategies" / "2" / "kpis.yaml"
    edit(f, "    direction: up", "    direction: up\n    directon: down")
    line = line_of(f, "directon")
    (msg,) = problems(data_copy)
    assert f"kpis.yaml:{line}:5: indicators[#1].directon: unknown key 'directon' (did you mean 'direction'?)" in msg


def test_messages_are_japanese_by_default(data_copy):
    f = data_copy / "city.yaml"
    f.write_text("name: 入間市\nprefectur: 埼玉県\n", encoding="utf-8")
    (msg,) = problems(data_copy, "ja")
    assert "未知の項目 prefectur" in msg and "prefecture の誤りでは" in msg


@pytest.mark.parametrize("value", ["NO", "1:20", "0755", "yes", "1e3", "27O件", "27Ｏ件"])
def test_yaml_11_surprises_never_slip_into_a_number(data_copy, value):
    f = data_copy / "strategies" / "2" / "kpis.yaml"
    edit(f, "target: 270件", f"target: {value}")
    line = line_of(f, f"target: {value}")
    msgs = problems(data_copy)
    assert any(f"kpis.yaml:{line}:" in m and ".target: expected" in m and repr(value) in m for m in msgs), msgs


def test_yaml_11_surprises_stay_text_in_a_text_field(data_copy):
    edit(data_copy / "city.yaml", "prefecture: 埼玉県", "prefecture: NO")
    assert load(data_copy).city.prefecture == "NO"


def test_a_wrong_unit_is_reported_against_the_measure(data_copy):
    f = data_copy / "strategies" / "2" / "kpis.yaml"
    edit(f, "target: 270件", "target: 270人")
    msgs = problems(data_copy)
    assert any("target: expected a number in 件" in m and "'270人'" in m for m in msgs)


def test_dangling_references_and_duplicate_ids_are_reported_together(data_copy):
    f = data_copy / "strategies" / "1" / "projects.yaml"
    edit(f, "departments: [人権推進課]", "departments: [人権推進科]")
    edit(f, "id: s1-002", "id: s1-001")
    k = data_copy / "strategies" / "2" / "kpis.yaml"
    edit(k, 'policies: ["1-1"]', 'policies: ["9-9"]')
    msgs = problems(data_copy)
    assert any("expected a known department" in m and "人権推進課" in m for m in msgs)
    assert any("duplicate project id 's1-001'" in m for m in msgs)
    assert any("expected a known policy id" in m and "'9-9'" in m for m in msgs)
    assert len({m.split(":")[0] for m in msgs}) == 2  # two files, one run


def test_impossible_era_years_and_control_characters(data_copy):
    f = data_copy / "strategies" / "2" / "kpis.yaml"
    edit(f, "R4: 269件", "H33: 269件")
    edit(data_copy / "city.yaml", "name: 入間市", 'name: "入間\\x07市"')
    msgs = problems(data_copy)
    assert any("actuals.H33" in m and "平成 (H) year from 1 to 32" in m for m in msgs)
    assert any("city.yaml:" in m and "control characters" in m for m in msgs)


def test_missing_fields_name_the_key(data_copy):
    edit(data_copy / "city.yaml", "name: 入間市\n", "")
    (msg,) = problems(data_copy)
    assert "required key 'name' is missing" in msg


def test_anchors_and_aliases_are_refused(data_copy):
    (data_copy / "city.yaml").write_text("name: &n 入間市\nprefecture: *n\n", encoding="utf-8")
    (msg,) = problems(data_copy)
    assert "anchors and aliases (&name, *name) are not allowed" in msg


def test_an_empty_file_and_a_missing_folder(data_copy, tmp_path):
    (data_copy / "city.yaml").write_text("", encoding="utf-8")
    assert any("city.yaml:1:1: the file is empty" in m for m in problems(data_copy))
    assert "no such data folder" in problems(tmp_path / "nowhere")[0]


def test_revisions_apply_from_their_year():
    ds = load(DATA)
    s2 = ds.strategies[1]
    from reportgen.rules.era import parse_fy
    establishments = s2.measures.indicators[0]
    assert establishments.as_of(parse_fy("R5")).baseline.value.number == 5757
    assert establishments.as_of(parse_fy("R6")).baseline.value.number == 4713
    added = next(k for k in s2.measures.kpis if k.id == "2-③")
    assert not added.exists_in(parse_fy("R5")) and added.exists_in(parse_fy("R6"))


def test_two_files_of_one_text_are_each_validated_by_their_own_model(data_copy):
    """The process's validation memo is keyed by the text and the model: city.yaml and departments.yaml
    holding the same text get the problems they get when their texts differ (by a comment), each its
    own model's, in a first load and in a load after it."""
    (data_copy / "city.yaml").write_text("unknown_key: 1\n", encoding="utf-8")
    (data_copy / "departments.yaml").write_text("unknown_key: 1\n# apart\n", encoding="utf-8")
    apart = problems(data_copy)
    assert any("departments.yaml:1:1: required key 'departments' is missing" in line for line in apart), apart
    (data_copy / "departments.yaml").write_text("unknown_key: 1\n", encoding="utf-8")
    assert problems(data_copy) == apart
    assert problems(data_copy) == apart


def test_a_load_after_a_load_reports_the_same_problems_and_an_edit_is_validated_afresh(data_copy, monkeypatch):
    """A second load of unchanged files takes their validation from the first (the memo), with every
    problem again; a file edited between the loads is validated anew."""
    edit(data_copy / "strategies/2/kpis.yaml", "unit: 人", "unit: [人]")
    first = problems(data_copy)
    validated = []
    real = typed.Record.validation_errors.__func__
    monkeypatch.setattr(typed.Record, "validation_errors", classmethod(lambda cls, v: validated.append(cls) or real(cls, v)))
    assert problems(data_copy) == first and validated == []
    edit(data_copy / "city.yaml", "name: 入間市", "name: 入間市 ")
    assert problems(data_copy) == first and [c.__name__ for c in validated] == ["City"]
