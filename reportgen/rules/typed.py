"""Frozen records declared by annotations, and their validator: every problem of a file in one pass, located.

A record's fields are its annotations (`name: Str = Field("", description=…)`); `Cls.model_validate(v)`
or `Cls(**fields)` checks what the YAML holds (mappings, lists, text, None). The types are exactly
those the model uses: `Annotated[T, parser]` (the parser takes the value as written and raises
`Invalid`, then the result is checked against T), `T | None` (None: None, T not asked), `list[T]`
(`Field(min_length=…)`), `dict[K, V]` (keys checked too), `Literal[…]`, `str`, `Any`, a record, an
instance of a class. Per field: a default (or factory), an alias, a description (docs/data.md); per
class: unknown keys refused (or kept, `extra=<type>`), `@after` checks once every field validated.

Its problems keep the shape and places pydantic gave this data before (the loader's messages stayed
byte for byte the same): `{"type", "loc", "msg", "input", "ctx"}`, fields in declared order and then
unknown keys in the file's order, a mapping's bad key at `(…, key, "[key]")`. A class's plan (one
checking function per field, rules/checkers.py) is made on its first validation, so importing the model costs only its
class statements; annotations are our own source, evaluated in their own module, never the data.
"""
from __future__ import annotations

import functools
import sys
import types
import typing
from typing import Annotated, Any

from reportgen.rules.checkers import MISSING, Problems, checker, problem, under
from reportgen.rules.problems import ReportgenError


class FieldInfo:
    """One field of a record: its name, the key it is written under, its default, what it is for."""

    __slots__ = ("alias", "annotation", "default", "default_factory", "description", "min_length", "name")

    def __init__(self, default: Any = MISSING, *, default_factory=None, alias: str | None = None,
                 description: str | None = None, min_length: int | None = None):
        self.name = ""
        self.alias, self.default, self.default_factory = alias, default, default_factory
        self.description, self.min_length = description, min_length
        self.annotation: Any = None  # the resolved type, once the class's plan is made

    @property
    def key(self) -> str:
        return self.alias or self.name


def Field(default: Any = MISSING, **kw) -> Any:
    """A field's default and what else it declares (alias, description, min_length, default_factory)."""
    return FieldInfo(default, **kw)


def after(fn):
    """Mark a record's method as a check across its fields, run once every field validated."""
    fn.__after__ = True
    return fn


class ValidationError(ReportgenError, ValueError):
    """A record given as Python arguments that do not fit (the data's problems go to the loader instead)."""

    def __init__(self, title: str, errors: list[dict]):
        self._errors = errors
        lines = [f"{len(errors)} problem(s) in {title}"]
        lines += [f"  {'.'.join(map(str, e['loc'])) or '(record)'}: {e['msg']}" for e in errors]
        super().__init__("\n".join(lines))

    def errors(self) -> list[dict]:
        return self._errors


# ---------------------------------------------------------------------------- records


class _Plan:
    """What validating one record class takes: its fields' checkers, the keys it knows, its checks."""

    __slots__ = ("afters", "aliased", "by_key", "extra", "fields")

    def __init__(self, cls: type[Record]):
        hints = _hints(cls)
        # per field: its name, its key, the name it may also be given under, its checker, and its default:
        # (MISSING: required), with `fresh` making a new one for each record (a list, a mapping, a factory)
        self.fields = []
        for f in cls.model_fields.values():
            f.annotation = hints[f.name]
            d = f.default
            fresh = f.default_factory or (type(d) if isinstance(d, (list, dict, set)) and not d else None)
            if fresh is None and isinstance(d, (list, dict, set)):
                fresh = d.copy
            self.fields.append((f.name, f.key, f.name if f.alias else None, checker(f.annotation, f.min_length),
                                None if f.default_factory else d, fresh))
        self.by_key = {f.key for f in cls.model_fields.values()} | {f.name for f in cls.model_fields.values()}
        # a field with an alias (`from`) may be given by its name (`from_`: Python's callers); both given, the name is extra
        self.aliased = {f.name: f.alias for f in cls.model_fields.values() if f.alias}
        extra = cls.__record_extra__
        self.extra = None if extra is None else checker(extra)
        afters = {}  # by name: a subclass's method of the same name replaces its base's
        for klass in reversed(cls.__mro__):
            afters.update({name: fn for name, fn in vars(klass).items() if getattr(fn, "__after__", False)})
        self.afters = list(afters.values())


@functools.cache
def _evaluated(module: str, text: str) -> Any:
    """The type an annotation's text names (`from __future__ import annotations`): our own source, in
    its own module; one evaluation per text (Str | None is written many times)."""
    return eval(text, vars(sys.modules[module]))


def _hints(cls: type) -> dict[str, Any]:
    """The fields' types, each from the nearest class that declares it."""
    hints: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        for name, ann in vars(klass).get("__annotations__", {}).items():
            if name in cls.model_fields:
                hints[name] = _evaluated(klass.__module__, ann) if isinstance(ann, str) else ann
    return hints


_new, _set = object.__new__, object.__setattr__  # a frozen record's own __setattr__ refuses


class Record:
    """Base of a frozen record: fields from its annotations, unknown keys refused (or kept: `extra=`)."""

    __slots__ = ("__dict__", "_extra", "_fields_set")
    model_fields: typing.ClassVar[dict[str, FieldInfo]] = {}
    __record_extra__: Any = None
    __record_plan__: _Plan | None = None

    def __init_subclass__(cls, extra: Any = None, **kw):
        super().__init_subclass__(**kw)
        fields = dict(cls.model_fields)
        for name in vars(cls).get("__annotations__", {}):
            if name.startswith("_") or name == "model_fields":
                continue
            given = vars(cls).get(name, MISSING)
            info = given if isinstance(given, FieldInfo) else FieldInfo(given)
            info.name = name
            fields[name] = info
            if name in vars(cls):
                delattr(cls, name)  # the instance's value, not the class's default, answers `obj.name`
        cls.model_fields = fields
        cls.__record_extra__ = extra if extra is not None else cls.__record_extra__
        cls.__record_plan__ = None

    # ------------------------------------------------------------------ validation

    @classmethod
    def _plan(cls) -> _Plan:
        plan = cls.__dict__.get("__record_plan__")
        if plan is None:
            plan = cls.__record_plan__ = _Plan(cls)
        return plan

    @classmethod
    def _validate(cls, value: Any):
        if isinstance(value, cls):
            return value
        if not isinstance(value, dict):
            raise problem("dict_type", "Input should be a valid dictionary or instance of " + cls.__name__, value)
        plan = cls.__dict__.get("__record_plan__") or cls._plan()
        data, given, errors = {}, set(), []
        for name, key, alt, check, default, fresh in plan.fields:
            raw = value.get(key, MISSING)
            if raw is MISSING:
                if alt is not None and alt in value:
                    raw, key = value[alt], alt  # its problems are placed at the key it was given under
                elif fresh is not None:
                    data[name] = fresh()
                    continue
                elif default is MISSING:
                    errors.append({"type": "missing", "loc": (key,), "msg": "Field required", "input": value})
                    continue
                else:
                    data[name] = default
                    continue
            given.add(name)
            try:
                data[name] = check(raw)
            except Problems as p:
                errors += under(p.errors, key)
        extra = None
        unknown = len(given) < len(value) and [
            k for k in value if k not in plan.by_key or (k in plan.aliased and plan.aliased[k] in value)]
        if unknown:
            if plan.extra is None:
                errors += [{"type": "extra_forbidden", "loc": (k,), "msg": "Extra inputs are not permitted",
                            "input": value[k]} for k in unknown]
            else:
                extra = {}
                given.update(unknown)  # a kept key counts as given (pydantic's fields_set had them too)
                for k in unknown:
                    try:
                        extra[k] = plan.extra(value[k])
                    except Problems as p:
                        errors += under(p.errors, k)
        if errors:
            raise Problems(errors)
        obj = _new(cls)
        _set(obj, "__dict__", data)
        _set(obj, "_fields_set", given)
        _set(obj, "_extra", extra)
        for fn in plan.afters:
            try:
                fn(obj)
            except (ValueError, AssertionError) as exc:
                raise problem("value_error", f"Value error, {exc}", value, {"error": exc}) from None
        return obj

    @classmethod
    def validation_errors(cls, value: Any) -> tuple[Any, list[dict]]:
        """(the record, []) or (None, every problem of `value`, in order)."""
        try:
            return cls._validate(value), []
        except Problems as p:
            return None, p.errors

    @classmethod
    def model_validate(cls, value: Any):
        made, errors = cls.validation_errors(value)
        if errors:
            raise ValidationError(cls.__name__, errors)
        return made

    def __init__(self, **data: Any):
        made = type(self).model_validate(data)
        object.__setattr__(self, "__dict__", made.__dict__)
        object.__setattr__(self, "_fields_set", made._fields_set)
        object.__setattr__(self, "_extra", made._extra)

    # ------------------------------------------------------------------ what callers use

    @property
    def model_fields_set(self) -> set[str]:
        """The fields the data gave (not left to their defaults)."""
        return self._fields_set

    @property
    def model_extra(self) -> dict[str, Any] | None:
        return self._extra

    def model_copy(self, update: dict[str, Any] | None = None):
        """A copy with `update`'s fields replaced (not checked again: they come from the code, not the data)."""
        new = object.__new__(type(self))
        object.__setattr__(new, "__dict__", {**self.__dict__, **(update or {})})
        object.__setattr__(new, "_fields_set", self._fields_set | set(update or ()))
        object.__setattr__(new, "_extra", None if self._extra is None else dict(self._extra))
        return new

    def __iter__(self):
        yield from self.__dict__.items()
        if self._extra:
            yield from self._extra.items()

    def __getattr__(self, name: str):
        extra = object.__getattribute__(self, "_extra") if name != "_extra" else None
        if extra and name in extra:
            return extra[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any):
        raise TypeError(f"{type(self).__name__} is frozen: make a changed copy with model_copy(update=…)")

    def __delattr__(self, name: str):
        raise TypeError(f"{type(self).__name__} is frozen")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.__dict__ == other.__dict__ and self._extra == other._extra

    def __hash__(self) -> int:
        return hash((type(self), *self.__dict__.values()))

    def __repr__(self) -> str:
        shown = [f"{k}={v!r}" for k, v in self]
        return f"{type(self).__name__}({', '.join(shown)})"

    def __getstate__(self):
        return self.__dict__, self._fields_set, self._extra

    def __setstate__(self, state):
        data, given, extra = state
        object.__setattr__(self, "__dict__", data)
        object.__setattr__(self, "_fields_set", given)
        object.__setattr__(self, "_extra", extra)


def known_keys(cls: type[Record], loc: tuple) -> set[str]:
    """The keys accepted at `loc` under record class `cls` (an unknown key's message lists them)."""
    tp: Any = cls
    for part in loc:
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, Record):
            tp._plan()  # the fields' types are resolved with the plan
            fld = next((f for f in tp.model_fields.values() if f.key == part), None)
            if fld is None:
                return set()
            tp = fld.annotation
        else:  # an item of a list, a value of a mapping
            args = typing.get_args(tp)
            tp = args[-1] if args else Any
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, Record):
        return {f.key for f in tp.model_fields.values()}
    return set()


def _unwrap(tp: Any) -> Any:
    """The type under its parsers and `| None`."""
    while True:
        origin = typing.get_origin(tp)
        if origin is Annotated:
            tp = typing.get_args(tp)[0]
        elif origin is typing.Union or origin is types.UnionType:
            tp = next(a for a in typing.get_args(tp) if a is not type(None))
        else:
            return tp
