"""Shortcut around Python's cyclic garbage collector: paused while large object graphs are built.

Loading data and laying out a workbook create hundreds of thousands of long-lived objects and
almost no garbage; the collector kept re-scanning them (60% of load time at 60× in the
benchmark). Reference counting still frees everything; cycles are collected when the pause ends.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

from . import on


@contextmanager
def paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    if on("gc"):
        gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def frozen() -> Iterator[None]:
    """Keep every object alive now (the loaded data) out of the collector's sight until the end."""
    if not on("gc"):
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()  # a long-lived process (tests, a server) must get it back
