"""`generate.py init`: a new city's commented skeleton data folder, from files shipped as package data, written atomically."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import jinja2

from . import templateset
from .model import check_text
from .problems import Invalid, Msg, UsageError

SKELETON = Path(__file__).resolve().parent / "skeleton"
LABELS_HEADER = "labels_header.txt"
HEADS = {"市": "市長", "町": "町長", "村": "村長", "区": "区長"}

_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)


def head_for(city: str) -> str:
    """The head a municipality's documents name, from the last character of its name (安平町 → 町長)."""
    return HEADS.get(city[-1:], "市長")


def _yaml_text(text: str) -> str:
    # a double-quoted YAML scalar (JSON's syntax is valid YAML): any name stays text, never a number or a flag
    return json.dumps(text, ensure_ascii=False)


def _commented(text: str) -> str:
    """Every line of a shipped labels file turned into a comment (a comment stays as it is)."""
    out = []
    for line in text.splitlines():
        out.append(line if line.startswith("#") or not line.strip() else f"# {line}")
    return "\n".join(out) + "\n"


def skeleton_files(city: str, head: str, folder: str) -> dict[str, bytes]:
    """Relative path → content of every file of the skeleton for `city`."""
    variables = {"city": city, "head": head, "city_yaml": _yaml_text(city), "head_yaml": _yaml_text(head), "folder": folder}
    files: dict[str, bytes] = {}
    for path in sorted(SKELETON.rglob("*")):
        rel = path.relative_to(SKELETON).as_posix()
        if path.is_file() and rel != LABELS_HEADER:
            files[rel] = _ENV.from_string(path.read_text(encoding="utf-8")).render(**variables).encode("utf-8")
    header = _ENV.from_string((SKELETON / LABELS_HEADER).read_text(encoding="utf-8"))
    for f in templateset.folder_set(templateset.shipped()).files:
        if f.name.endswith(".labels.yaml"):
            text = header.render(file=f.name, **variables) + _commented(f.read().decode("utf-8"))
            files[f"data/{templateset.OVERRIDES}/{f.name}"] = text.encode("utf-8")
    return files


def init(target: Path | str, city: str, head: str | None = None) -> list[Path]:
    """Write the skeleton into `target` (which must not exist, or be an empty folder): all of it or,
    on any failure, nothing. Returns the files written."""
    target = Path(target)
    problems = []
    try:
        city = check_text(city).strip()
        head = check_text(head).strip() if head is not None else None
    except Invalid as exc:
        raise UsageError(Msg(ja=f"--city / --head: {exc.expected.ja}が必要です。書かれていた値: {exc.got!r}",
                             en=f"--city / --head: expected {exc.expected.en}, got {exc.got!r}")) from None
    if not city or "\n" in city:
        problems.append(Msg(ja="--city に市町村の名称（例: 安平町）を1行で指定してください",
                            en="--city needs the municipality's name on one line (e.g. 安平町)"))
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        problems.append(Msg(ja=f"{target} は既にあり、空ではありません（既存のデータを上書きしないため、新しいフォルダ名を指定してください）",
                            en=f"{target} exists and is not empty (choose a new folder: existing data is never overwritten)"))
    if problems:
        raise UsageError(Msg(ja="\n".join(p.ja for p in problems), en="\n".join(p.en for p in problems)))
    files = skeleton_files(city, head or head_for(city), target.as_posix())
    parent = target.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.init-", dir=parent))
    try:
        for rel, content in files.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        # one rename puts the whole folder in place (over an empty folder, which POSIX allows)
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [target / rel for rel in files]
