"""The speed shortcuts' switch: each shortcut that reaches past a library's own path, by name.

Every shortcut reportgen takes for speed lives in this package, one module per library
(openpyxl.py, zipfile.py; python-docx, docxtpl and Jinja are used through their public API only,
render/docx.py preparing each Word template once per process), and each one is
taken only while `on(name)`. REPORTGEN_REFERENCE_PATHS=1 turns them all off (the libraries' own
code, as their users call it); a comma-separated list of names turns off only those (bench/
shortcuts.py measures each one so). tests/fast/test_reference_paths.py builds every document both ways
and compares the bytes. docs/performance.md says what each one saves.
"""
from __future__ import annotations

import os

# name -> what the shortcut does (docs/performance.md gives each one's measured saving)
SHORTCUTS = {
    "styles": "style objects shared by every workbook of a process (openpyxl hashes each one it is given)",
    "put": "a cell's style copied as an index array from the first cell of the same style in its workbook",
    "merge": "merged ranges' borders combined once per process, without openpyxl's scans",
    "charts": "the first chart of each shape built by openpyxl, the others copied from its XML",
    "writer": "a workbook's parts written into memory (no temporary file per sheet)",
    "stylesheet": "a workbook's stylesheet written once per set of shared style objects",
    "zip": "a package zipped in one pass from its parts, not zipped and then normalised",
}

_VALUE = os.environ.get("REPORTGEN_REFERENCE_PATHS", "").strip()
if _VALUE in ("", "0"):
    OFF: frozenset[str] = frozenset()
elif _VALUE == "1":
    OFF = frozenset(SHORTCUTS)
else:
    OFF = frozenset(n.strip() for n in _VALUE.split(",") if n.strip())
    if OFF - set(SHORTCUTS):
        raise ValueError(f"REPORTGEN_REFERENCE_PATHS: unknown shortcut(s) {sorted(OFF - set(SHORTCUTS))}; "
                         f"known: 1 (all) or {', '.join(SHORTCUTS)}")


def on(name: str) -> bool:
    """Whether the shortcut `name` is taken (False: the library's own path)."""
    return name not in OFF
