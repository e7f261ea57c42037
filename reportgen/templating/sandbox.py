"""The one kind of Jinja environment templates and labels from outside run in: Jinja's immutable sandbox, strict.

A Word template or labels file comes from a data folder, a restyled copy or an archive received
from elsewhere: its tags must not reach Python's internals (`cycler.__init__.__globals__.os`) nor
change the context they are given. The sandbox refuses both at render time (SecurityError);
`refused_attribute` says the same statically, so `check` names the place before anything runs.
"""
from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jinja2
from jinja2 import FileSystemBytecodeCache, StrictUndefined, Template
from jinja2.bccache import Bucket
from jinja2.sandbox import (
    UNSAFE_ASYNC_GENERATOR_ATTRIBUTES,
    UNSAFE_COROUTINE_ATTRIBUTES,
    UNSAFE_FUNCTION_ATTRIBUTES,
    UNSAFE_GENERATOR_ATTRIBUTES,
    UNSAFE_METHOD_ATTRIBUTES,
    ImmutableSandboxedEnvironment,
    SecurityError,
    modifies_known_mutable,
)

from reportgen.rules.problems import Msg, Problem

__all__ = ["ATTRIBUTE_FILTERS", "SecurityError", "compiled", "environment", "refused", "refused_attribute"]

# Names refused whatever they are looked up on (the sandbox refuses them on the objects that have them).
_INTERNAL = (UNSAFE_FUNCTION_ATTRIBUTES | UNSAFE_METHOD_ATTRIBUTES | UNSAFE_GENERATOR_ATTRIBUTES
             | UNSAFE_COROUTINE_ATTRIBUTES | UNSAFE_ASYNC_GENERATOR_ATTRIBUTES | {"mro"})
# The methods that change a list, dict, set or deque: the immutable sandbox refuses them. Asked of
# Jinja's public `modifies_known_mutable` on one sample of each, so the list follows Jinja's own.
# A deque is matched as a MutableSequence first, so Jinja's answer misses its own four; named here.
_MUTATING = frozenset(name for sample in ([], {}, set()) for name in dir(sample)
                      if modifies_known_mutable(sample, name)) | {"appendleft", "extendleft", "popleft", "rotate"}

# Filters that look an attribute up by a name given as text (`attr('x')`, `map(attribute='x')`).
ATTRIBUTE_FILTERS = {"attr", "map", "selectattr", "rejectattr", "groupby", "sort", "sum", "unique", "min", "max"}


def environment(**options: Any) -> ImmutableSandboxedEnvironment:
    """A sandboxed, immutable, strict environment (a name the context lacks fails the render)."""
    return ImmutableSandboxedEnvironment(undefined=StrictUndefined, **options)


_PROBE = environment()


@lru_cache(maxsize=1)
def _bytecode_cache() -> FileSystemBytecodeCache | None:
    """Jinja's own cache of compiled templates: a folder of this user's in the system's temporary
    directory, which Jinja makes mode 0700 and refuses if another user owns it; none where it
    cannot be made (a read-only machine: every template is then compiled, as before)."""
    try:
        return FileSystemBytecodeCache(pattern="reportgen-%s.cache")
    except (OSError, RuntimeError):
        return None


def compiled(env: jinja2.Environment, use: str, source: str) -> Template:
    """`env.from_string(source)`, with the compiled code kept between processes in Jinja's bytecode
    cache, so a fresh process (a one-document build, a `--jobs` worker) does not parse and compile
    each template again: compiling the target list's body is most of its first render.

    `use` names the environment (its options change the code Jinja generates: autoescape is
    compiled in); with Jinja's version and the source's SHA-256 it makes the entry's name, and
    Jinja checks the source's hash again on reading. The code is this process's own compile of the
    template's text, run in the same sandbox as a fresh compile. A cache file that cannot be read
    (cut short, damaged) is compiled anew and written again; one that cannot be written is
    skipped; and as Python does with its own bytecode, nothing is written under
    PYTHONDONTWRITEBYTECODE (-B)."""
    cache = _bytecode_cache()
    if cache is None:
        return env.from_string(source)
    name = f"reportgen {use} jinja {jinja2.__version__} {hashlib.sha256(source.encode('utf-8')).hexdigest()}"
    try:
        bucket = cache.get_bucket(env, name, None, source)
    except Exception:  # noqa: BLE001 - whatever a damaged file raises (pickle, marshal): compile anew
        bucket = Bucket(env, cache.get_cache_key(name), cache.get_source_checksum(source))
    if bucket.code is None:
        bucket.code = env.compile(source)  # what from_string compiles; a syntax error raises as there
        if not sys.dont_write_bytecode:
            try:
                cache.set_bucket(bucket)
            except OSError:  # a full disk, a folder removed meanwhile: the cache is only a saving
                pass
    return env.template_class.from_code(env, bucket.code, env.make_globals(None), None)


def refused_attribute(name: str, types_seen: set[type] | None) -> bool:
    """Whether the sandbox refuses attribute `name` on values of `types_seen` (None: not known, so
    refused when it would be refused on any value: a private or dunder name, an internal attribute,
    a method that changes a list, dict or set)."""
    if name.startswith("_") or name in _INTERNAL:
        return True
    if types_seen is None:
        return name in _MUTATING
    for t in types_seen:
        if t is type(None) or not hasattr(t, name):
            continue
        try:
            sample = t()
        except Exception:  # noqa: BLE001 - a type without a default value: judged by the name alone
            if name in _MUTATING:
                return True
            continue
        if not _PROBE.is_safe_attribute(sample, name, getattr(sample, name, None)):
            return True
    return False


@dataclass(frozen=True)
class Refused(Problem):
    """A template or labels string the sandbox stopped while rendering: the file, and the key of a labels file."""

    def render(self, lang: str = "ja") -> str:
        where = f"{self.file}:{self.line}:{self.column}:" if self.line else f"{self.file}:"
        return f"{where} {self.path}: {self.message(lang)}" if self.path else f"{where} {self.message(lang)}"


def refused(file: str, exc: SecurityError, key: str = "", line: int = 0, column: int = 0) -> Refused:
    """The problem of a template (or of `key` of a labels file) the sandbox stopped."""
    return Refused(file, line, column, key, Msg(
        ja=f"テンプレートが安全のため禁止されている操作をしようとしたため、止めました（{exc}）。"
           "「_」で始まる名前や Python の内部の属性、データを書き換える操作はテンプレートから使えません",
        en=f"the template tried an operation refused for safety and was stopped ({exc}): names starting with "
           "\"_\", Python's internal attributes and operations that change the data cannot be used in a template"))
