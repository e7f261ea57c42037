"""The records' validator (rules/typed.py): each feature the model uses, with the exact problem records it gives."""
from __future__ import annotations

import pickle
from typing import Annotated, Any, Literal

import pytest

from reportgen.model.loader import load
from reportgen.rules.problems import DataError, Invalid, Msg
from reportgen.rules.typed import Field, Record, ValidationError, after, known_keys

WORD = Msg(ja="語", en="a word")


def word(value: Any) -> str:
    if not isinstance(value, str) or not value.isalpha():
        raise Invalid(WORD, value)
    return value.upper()


def year(value: Any) -> int:
    if not isinstance(value, str) or not value.isdigit():
        raise Invalid(Msg(ja="年", en="a year"), value)
    return int(value)


def never_none(value: Any) -> str:
    if value is None:
        raise AssertionError("asked about None")
    return word(value)


Word = Annotated[str, word]
Year = Annotated[int, year]


class Inner(Record):
    name: Word
    kind: Literal["a", "b", "c"] = "a"


class Outer(Record):
    """A record with every kind of field the model uses."""

    title: Word = Field(description="What it is called.")
    note: Annotated[str, never_none] | None = None
    tags: list[Word] = Field([], min_length=1)
    per_year: dict[Year, Inner] = Field({})
    inner: Inner | None = None
    made: list[str] = Field(default_factory=lambda: ["made"])
    start: Year = Field(1, alias="from")
    plain: str = ""
    anything: Any = None


class Ordered(Record):
    low: Year
    high: Year

    @after
    def _low_first(self) -> Ordered:
        if self.low > self.high:
            raise Invalid(Msg(ja="low ≦ high", en="low at most high"), f"{self.low} > {self.high}")
        return self


class Child(Ordered):
    label: Word = "X"


class Kept(Record, extra=Word):
    """Keys it does not declare are kept, each checked as a Word."""


def problems(cls, value) -> list[tuple]:
    """(type, loc, what a message shows) of each problem, in order."""
    made, errors = cls.validation_errors(value)
    assert (made is None) == bool(errors)
    shown = []
    for e in errors:
        if e["type"] == "value_error":
            shown.append((e["type"], e["loc"], e["ctx"]["error"].expected.en, e["ctx"]["error"].got))
        elif e["type"] == "literal_error":
            shown.append((e["type"], e["loc"], e["ctx"]["expected"], e["input"]))
        elif e["type"] == "missing":
            shown.append((e["type"], e["loc"]))
        else:
            shown.append((e["type"], e["loc"], e["input"]))
    return shown


def test_each_field_is_parsed_from_the_text_the_yaml_holds():
    o = Outer.model_validate({"title": "river", "tags": ["a"], "per_year": {"2019": {"name": "x", "kind": "b"}},
                              "from": "2020", "anything": {"k": ["v"]}})
    assert (o.title, o.tags, o.start, o.anything) == ("RIVER", ["A"], 2020, {"k": ["v"]})
    assert o.per_year == {2019: Inner(name="X", kind="b")}
    assert o.model_fields_set == {"title", "tags", "per_year", "start", "anything"}
    assert (o.note, o.inner, o.made, o.plain) == (None, None, ["made"], "")


def test_a_parsers_refusal_is_a_value_error_at_the_fields_place_with_the_invalid_itself():
    made, errors = Outer.validation_errors({"title": "a1"})
    assert made is None and len(errors) == 1
    (e,) = errors
    assert (e["type"], e["loc"], e["input"]) == ("value_error", ("title",), "a1")
    assert isinstance(e["ctx"]["error"], Invalid) and e["ctx"]["error"].expected == WORD


def test_none_for_an_optional_field_is_none_without_asking_its_parser_and_a_required_none_is_its_parsers_to_refuse():
    assert Outer.model_validate({"title": "t", "note": None}).note is None
    assert Outer.model_validate({"title": "t", "note": "n"}).note == "N"
    assert problems(Outer, {"title": None}) == [("value_error", ("title",), "a word", None)]
    assert problems(Outer, {}) == [("missing", ("title",))]  # absent, not null: a missing key


def test_a_list_its_items_and_its_least_length():
    assert problems(Outer, {"title": "t", "tags": "a"}) == [("list_type", ("tags",), "a")]
    assert problems(Outer, {"title": "t", "tags": ["a", "1", "b", "2"]}) == [
        ("value_error", ("tags", 1), "a word", "1"), ("value_error", ("tags", 3), "a word", "2")]
    assert problems(Outer, {"title": "t", "tags": []}) == [("too_short", ("tags",), [])]
    # the default is every record's own list: one record's list is not another's
    a, b = Outer.model_validate({"title": "t"}), Outer.model_validate({"title": "u"})
    assert a.tags == [] and a.tags is not b.tags and a.made is not b.made


def test_a_mapping_checks_each_key_then_its_value_a_bad_key_placed_at_the_key():
    value = {"title": "t", "per_year": {"2019": {"name": "1"}, "R1": {"name": "x"}, "2021": {"nmae": "x"}}}
    assert problems(Outer, value) == [
        ("value_error", ("per_year", "2019", "name"), "a word", "1"),
        ("value_error", ("per_year", "R1", "[key]"), "a year", "R1"),
        ("missing", ("per_year", "2021", "name")),
        ("extra_forbidden", ("per_year", "2021", "nmae"), "x"),
    ]
    assert problems(Outer, {"title": "t", "per_year": ["2019"]}) == [("dict_type", ("per_year",), ["2019"])]


def test_a_literal_names_what_it_allows_as_pydantic_wrote_it():
    assert problems(Inner, {"name": "x", "kind": "d"}) == [("literal_error", ("kind",), "'a', 'b' or 'c'", "d")]

    class Two(Record):
        side: Literal["up", "down"]
        one: Literal["only"] = "only"

    assert problems(Two, {"side": None, "one": "x"}) == [("literal_error", ("side",), "'up' or 'down'", None),
                                                        ("literal_error", ("one",), "'only'", "x")]


def test_a_nested_records_problems_are_placed_under_it_and_a_record_must_be_a_mapping():
    assert problems(Outer, {"title": "t", "inner": {"name": "x", "kind": "z"}}) == [
        ("literal_error", ("inner", "kind"), "'a', 'b' or 'c'", "z")]
    assert problems(Outer, {"title": "t", "inner": "x"}) == [("dict_type", ("inner",), "x")]
    assert problems(Outer, "x") == [("dict_type", (), "x")]


def test_a_bare_str_field_takes_text_only():
    assert problems(Outer, {"title": "t", "plain": ["x"]}) == [("string_type", ("plain",), ["x"])]


def test_every_problem_of_a_file_at_once_fields_in_declared_order_then_unknown_keys_in_the_files_order():
    value = {"zeta": 1, "tags": [], "title": "1", "inner": {"name": "2", "extra": None}, "alpha": "a", "from": "x"}
    assert problems(Outer, value) == [
        ("value_error", ("title",), "a word", "1"),
        ("too_short", ("tags",), []),
        ("value_error", ("inner", "name"), "a word", "2"),
        ("extra_forbidden", ("inner", "extra"), None),
        ("value_error", ("from",), "a year", "x"),
        ("extra_forbidden", ("zeta",), 1),
        ("extra_forbidden", ("alpha",), "a"),
    ]


def test_an_alias_is_the_key_in_the_file_its_name_the_key_for_python_and_both_given_the_name_is_unknown():
    assert Outer.model_validate({"title": "t", "from": "2020"}).start == 2020
    assert Outer(title="t", start="2021").start == 2021
    assert problems(Outer, {"title": "t", "start": "x"}) == [("value_error", ("start",), "a year", "x")]
    assert problems(Outer, {"title": "t", "from": "2020", "start": "2021"}) == [("extra_forbidden", ("start",), "2021")]
    assert Outer.model_fields["start"].alias == "from" and Outer.model_fields["title"].description == "What it is called."


def test_an_after_check_runs_once_every_field_validated_and_is_placed_at_its_record():
    assert problems(Ordered, {"low": "3", "high": "2"}) == [("value_error", (), "low at most high", "3 > 2")]
    assert problems(Ordered, {"low": "x", "high": "2"}) == [("value_error", ("low",), "a year", "x")]  # no check then
    # a subclass keeps its base's check, its own fields after the base's
    assert list(Child.model_fields) == ["low", "high", "label"]
    assert problems(Child, {"low": "3", "high": "2", "label": "y"}) == [("value_error", (), "low at most high", "3 > 2")]

    class Holder(Record):
        pairs: list[Ordered]

    assert problems(Holder, {"pairs": [{"low": "1", "high": "2"}, {"low": "5", "high": "4"}]}) == [
        ("value_error", ("pairs", 1), "low at most high", "5 > 4")]


def test_kept_keys_are_checked_counted_as_given_and_read_back():
    k = Kept.model_validate({"rating": "a", "reason": "b"})
    assert k.model_extra == {"rating": "A", "reason": "B"} and k.rating == "A" and k.model_fields_set == {"rating", "reason"}
    assert problems(Kept, {"rating": "1", "reason": "ok", "other": "2"}) == [
        ("value_error", ("rating",), "a word", "1"), ("value_error", ("other",), "a word", "2")]


def test_a_record_is_frozen_copied_with_changes_compared_by_value_and_pickled():
    o = Outer(title="t", tags=["a"])
    with pytest.raises(TypeError):
        o.title = "u"
    changed = o.model_copy(update={"title": "U"})
    assert (o.title, changed.title, changed.tags) == ("T", "U", ["A"]) and "title" in changed.model_fields_set
    assert o == Outer(title="t", tags=["a"]) and o != changed
    assert dict(iter(Inner(name="x"))) == {"name": "X", "kind": "a"}
    assert pickle.loads(pickle.dumps(o)) == o
    assert hash(Inner(name="x")) == hash(Inner(name="x"))


def test_python_arguments_that_do_not_fit_raise_with_every_problem():
    with pytest.raises(ValidationError) as info:
        Outer(title="1", tags=[])
    assert [e["loc"] for e in info.value.errors()] == [("title",), ("tags",)]
    assert isinstance(info.value, ValueError)


def test_the_keys_an_unknown_keys_message_offers_are_those_of_the_record_at_its_place():
    assert known_keys(Outer, ()) == {"title", "note", "tags", "per_year", "inner", "made", "from", "plain", "anything"}
    assert known_keys(Outer, ("per_year", "2019")) == {"name", "kind"}
    assert known_keys(Outer, ("inner",)) == {"name", "kind"}
    assert known_keys(Outer, ("tags", 0)) == set()


def test_the_loader_reports_every_problem_of_a_file_at_once_in_order(data_copy):
    """Several problems in one file: each on its own located line, in the file's order, the messages exact."""
    path = data_copy / "city.yaml"
    path.write_text("name: [入間市]\nfy2019: 平成元年度\nhead: 市長\nyear_notations: short\nplaning_office: 企画課\n",
                    encoding="utf-8")
    with pytest.raises(DataError) as info:
        load(data_copy)
    lines = [line.split(": ", 1)[1] for line in info.value.render("en").splitlines()]
    where = [line.split(": ", 1)[0].rsplit(":", 2)[1:] for line in info.value.render("en").splitlines()]
    assert where == [["1", "7"], ["2", "9"], ["4", "1"], ["5", "1"]]
    assert lines == [
        "name: expected text, got a list",
        "fy2019: expected one of '令和元年度' or '平成31年度', got '平成元年度'",
        ("year_notations: unknown key 'year_notations' (did you mean 'year_notation'?); expected one of: form_password, "
         "fy2019, head, name, planning_office, pledge_title, prefecture, year_notation"),
        ("planing_office: unknown key 'planing_office' (did you mean 'planning_office'?); expected one of: form_password, "
         "fy2019, head, name, planning_office, pledge_title, prefecture, year_notation"),
    ]
