"""Templates compiled once, where labels.py imports them from (they live in fast/jinja.py)."""
from .fast.jinja import CompileOnce, TextMemo

__all__ = ["CompileOnce", "TextMemo"]
