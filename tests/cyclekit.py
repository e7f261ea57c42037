"""Helpers for the year-cycle tests: run a verb as the command line does, hash folders, read the sent forms."""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import yaml

from reportgen.cli import main

R7_FOLDER = "sent/2025_R7"


def run(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    got = capsys.readouterr()
    return code, got.out, got.err


def identity(form: Path) -> dict:
    """The identity a form carries in its very hidden sheet, read with openpyxl (as a person's tool would)."""
    wb = openpyxl.load_workbook(form)
    ws = wb["_reportgen"]
    return json.loads("".join(str(c.value) for row in ws.iter_rows(min_row=2) for c in row if c.value))


def state(data: Path) -> dict:
    return yaml.safe_load((data / "cycle.yaml").read_text(encoding="utf-8"))


def kpi_departments(data: Path, strategy: str = "2") -> set[str]:
    """The departments that answer for a strategy's measures, read straight from its YAML (sub-units go
    to their parent's form), independently of reportgen's code."""
    parents = {d["name"]: d.get("parent") or d["name"]
               for d in yaml.safe_load((data / "departments.yaml").read_text(encoding="utf-8"))["departments"]}
    doc = yaml.safe_load((data / "strategies" / strategy / "kpis.yaml").read_text(encoding="utf-8"))
    names = set()
    for m in doc.get("indicators", []) + doc.get("kpis", []):
        names |= set(m.get("departments") or [])
        for s in m.get("sub_items") or []:
            names |= set(s.get("departments") or [])
        for r in m.get("revisions") or []:
            names |= set((r.get("set") or {}).get("departments") or [])
    return {parents[n] for n in names}
