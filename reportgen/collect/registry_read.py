"""Read a returned registry workbook: each of its sheets read as the department forms are (reportgen.collect.read)."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.collect.read import DAMAGED
from reportgen.collect.sheet import FormRefused, ReturnedForm, _cell_meta, _rows, _sheet_part
from reportgen.forms import registry_layout as rl
from reportgen.rules.problems import Msg


@dataclass
class RegistryForm:
    """A returned registry: its identity and one ReturnedForm per sheet (projects, KPIs)."""

    path: Path
    identity: dict
    kind: str = rl.REGISTRY
    parts: dict[str, ReturnedForm] = field(default_factory=dict)
    sha256: str = ""  # of the bytes read, which the cycle's record names


def recognise(path: Path, package, wb, ident: dict) -> RegistryForm:
    """The registry's sheets by the names its identity records; each read row by row like a form (`package`: the
    file's bytes as read, a file object)."""
    try:
        parts = {kind: ident["parts"][kind] for kind in rl.PARTS}
        keys = {kind: [r["key"] for r in part["rows"]] for kind, part in parts.items()}
        sheets = {kind: str(part["sheet"]) for kind, part in parts.items()}
        fixed = {kind: set(part["fixed"]) for kind, part in parts.items()}
    except (KeyError, TypeError):
        raise FormRefused(Msg(ja="登録簿の識別情報が壊れています", en="the registry's identity is damaged")) from None
    form = RegistryForm(path, ident)
    with zipfile.ZipFile(package) as z:
        for kind in rl.PARTS:
            sheet = sheets[kind]
            if sheet not in wb.sheetnames:
                raise FormRefused(Msg(ja=f"シート「{sheet}」がありません", en=f"the sheet {sheet!r} is missing"))
            part = _sheet_part(z, sheet)
            meta = _cell_meta(z, part) if part and part in z.namelist() else {}
            sub = ReturnedForm(path, {**parts[kind], "kind": kind}, sheet, kind)
            form.parts[kind] = _rows(sub, wb[sheet], set(keys[kind]), fixed[kind], meta)
    return form


def read(path: Path, data: bytes, wb, ident: dict) -> RegistryForm:
    """The registry's reader (FormKind.read): what its identity does not hold up is a damaged identity."""
    try:
        return recognise(path, io.BytesIO(data), wb, ident)
    except (ValueError, KeyError, TypeError):
        raise FormRefused(DAMAGED) from None


def extent(ident: dict) -> list[tuple[str, int, int]]:
    """(sheet, rows, columns) of each of the registry's sheets, as its identity gives them (FormKind.extent)."""
    return [(str(p["sheet"]), len(p["rows"]) + len(p["fixed"]), len(rl.COLUMNS[kind]))
            for kind, p in ((k, ident["parts"][k]) for k in rl.PARTS)]
