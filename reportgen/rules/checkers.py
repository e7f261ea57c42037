"""The validator's pieces: one checking function per type a record's field may have, and the problem records they raise.

Each checker takes a value as the YAML holds it and returns what the field keeps, or raises
`Problems` with every problem found in it, each placed relative to the value (`loc`); the caller
puts its own place in front on the way out (rules/typed.py puts the field's key).
"""
from __future__ import annotations

import types
import typing
from typing import Annotated, Any, Literal

from reportgen.rules.problems import ReportgenError

MISSING: Any = object()  # no value (a required field's default; a mapping's key that did not parse)


class Problems(ReportgenError):
    """The problems of one value, their places relative to it (prefixed on the way out); caught by the
    record that asked (rules/typed.py), never shown as such."""

    def __init__(self, errors: list[dict]):
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors


def problem(kind: str, msg: str, value: Any, ctx: dict | None = None) -> Problems:
    err = {"type": kind, "loc": (), "msg": msg, "input": value}
    if ctx is not None:
        err["ctx"] = ctx
    return Problems([err])


def under(errors: list[dict], *place) -> list[dict]:
    for err in errors:
        err["loc"] = place + err["loc"]
    return errors


# ---------------------------------------------------------------------------- checkers, one per type


def checker(tp: Any, min_length: int | None = None):
    """The function that checks (and converts) a value of type `tp`, raising Problems."""
    origin = typing.get_origin(tp)
    if origin is Annotated:
        inner, *parsers = typing.get_args(tp)
        return _parsed(checker(inner, min_length), list(reversed(parsers)))
    if origin is typing.Union or origin is types.UnionType:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) != 1 or len(typing.get_args(tp)) != 2:
            raise TypeError(f"only `T | None` unions are supported, not {tp}")
        return _nullable(checker(args[0], min_length))
    if origin is list:
        (item,) = typing.get_args(tp)
        return _list(checker(item), min_length)
    if origin is dict:
        key, value = typing.get_args(tp)
        return _dict(checker(key), checker(value))
    if origin is Literal:
        return _literal(typing.get_args(tp))
    if tp is Any:
        return _any
    if tp is str:
        return _str
    if isinstance(tp, type) and hasattr(tp, "__record_plan__"):  # a record (rules/typed.py) checks itself
        return tp._validate
    if isinstance(tp, type):
        return _instance(tp)
    raise TypeError(f"unsupported field type {tp!r}")


def _any(value):
    return value


def _str(value):
    if isinstance(value, str):
        return value
    raise problem("string_type", "Input should be a valid string", value)


_str.cls = str


def _instance(cls: type):
    def check(value):
        if isinstance(value, cls):
            return value
        raise problem("is_instance_of", f"Input should be an instance of {cls.__name__}", value,
                     {"class": cls.__name__})
    check.cls = cls
    return check


def _parsed(inner, parsers):
    if len(parsers) == 1 and (inner is _any or hasattr(inner, "cls")):
        # the common case, one parser making a value of a class (or of any type): one call less per value
        (parse,), cls = parsers, getattr(inner, "cls", object)

        def check_one(value):
            try:
                made = parse(value)
            except (ValueError, AssertionError) as exc:
                raise problem("value_error", f"Value error, {exc}", value, {"error": exc}) from None
            return made if isinstance(made, cls) else inner(made)
        return check_one

    def check(value):
        written = value
        try:
            for parse in parsers:
                value = parse(value)
        except (ValueError, AssertionError) as exc:
            raise problem("value_error", f"Value error, {exc}", written, {"error": exc}) from None
        return inner(value)
    return check


def _nullable(inner):
    def check(value):
        return None if value is None else inner(value)
    return check


def _list(item, min_length: int | None):
    def check(value):
        if not isinstance(value, (list, tuple)):
            raise problem("list_type", "Input should be a valid list", value)
        out, errors = [], []
        for i, v in enumerate(value):
            try:
                out.append(item(v))
            except Problems as p:
                errors += under(p.errors, i)
        if errors:
            raise Problems(errors)
        if min_length is not None and len(out) < min_length:
            raise problem("too_short", f"List should have at least {min_length} item after validation, not {len(out)}",
                         value, {"field_type": "List", "min_length": min_length, "actual_length": len(out)})
        return out
    return check


def _dict(key_check, value_check):
    def check(value):
        if not isinstance(value, dict):
            raise problem("dict_type", "Input should be a valid dictionary", value)
        out, errors = {}, []
        for k, v in value.items():
            try:
                key = key_check(k)
            except Problems as p:
                key, errors = MISSING, errors + under(p.errors, k, "[key]")
            try:
                v = value_check(v)
            except Problems as p:
                errors += under(p.errors, k)
                continue
            if key is not MISSING:
                out[key] = v
        if errors:
            raise Problems(errors)
        return out
    return check


def _literal(allowed: tuple):
    shown = [repr(a) for a in allowed]
    expected = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} or {shown[-1]}"

    def check(value):
        # equal and of the same type (True is not 1, as pydantic had it)
        for a in allowed:
            if type(value) is type(a) and value == a:
                return a
        raise problem("literal_error", f"Input should be {expected}", value, {"expected": expected})
    return check
