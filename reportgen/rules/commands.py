"""How a hint names a command: the program as the clerk started it, with the data set's --data/--out carried along."""
from __future__ import annotations

import shlex
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Invocation:
    """`program` as typed (python3 generate.py, python3 ~/reportgen/generate.py, reportgen); `carried`: the
    options that choose the data set (--data, --out), which a hint must repeat or it acts on another data set;
    `accepts(verb, option)`: whether that verb takes the option (status has no --out)."""

    program: str = "python3 generate.py"
    carried: tuple[tuple[str, str], ...] = ()
    accepts: Callable[[str, str], bool] = field(default=lambda verb, option: True)


_current: ContextVar[Invocation | None] = ContextVar("reportgen_invocation", default=None)


@contextmanager
def invoked_as(invocation: Invocation) -> Iterator[None]:
    """Hints printed inside the block name commands as `invocation` says (the command line sets it once)."""
    token = _current.set(invocation)
    try:
        yield
    finally:
        _current.reset(token)


def command(verb: str, *words: str) -> str:
    """`python3 generate.py status R8 --data abira/data`: a line the clerk can paste where they are.
    `verb` "build" is written as the bare program (the default verb)."""
    inv = _current.get() or Invocation()
    parts = [inv.program] + ([] if verb == "build" else [verb]) + [_quote(w) for w in words]
    for option, value in inv.carried:
        if inv.accepts(verb, option):
            parts += [option, _quote(value)]
    return " ".join(parts)


def _quote(word: str) -> str:
    # a path with a space is quoted so the pasted line still works; Japanese, plain words and globs stay as they are
    return shlex.quote(word) if any(c in word for c in " \t'\"$`\\;&|<>()") else word
