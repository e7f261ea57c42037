"""`generate.py init`: a new city's commented skeleton data folder, from files shipped as package data, written atomically."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from pathlib import Path

import jinja2

from reportgen.cli import common
from reportgen.cli.common import EXIT_OK, add_lang, text
from reportgen.model.scalars import check_text
from reportgen.rules.commands import command
from reportgen.model.lock import confined, inside
from reportgen.rules.filenames import name_problem
from reportgen.rules.problems import Invalid, Msg, UsageError
from reportgen.templating import templateset

SKELETON = Path(__file__).resolve().parent.parent / "skeleton"
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
    if head is not None and (why := name_problem(head)) is not None:  # the head becomes part of a file name
        problems.append(Msg(ja=f"--head: {why.ja}が必要です。書かれていた値: {head!r}", en=f"--head: expected {why.en}, got {head!r}"))
    if problems:
        raise UsageError(Msg(ja="\n".join(p.ja for p in problems), en="\n".join(p.en for p in problems)))
    files = skeleton_files(city, head or head_for(city), target.as_posix())
    confined(target, files)  # the skeleton's own paths: the writers' guard, before anything is written
    parent = target.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.init-", dir=parent))
    try:
        for rel, content in files.items():
            path = inside(staging, rel)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        # one rename puts the whole folder in place (over an empty folder, which POSIX allows)
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [target / rel for rel in files]


def parser() -> argparse.ArgumentParser:
    p = common.parser("init", text("新しい市町村の、説明つきの雛形データフォルダを DIR/data に書きます。",
                                   "Write a commented skeleton data folder for a new city into DIR/data."), text(
        """例:
  python3 generate.py init anpei --city 安平町                 anpei/data に雛形のデータフォルダ（首長: 町長）
  python3 generate.py init new-city --city 〇〇市 --head 市長
  python3 generate.py check --data anpei/data                 続いて確かめる
  python3 generate.py --data anpei/data --out anpei/out       そのまま文書を作る

雛形（city.yaml、departments.yaml、期間・基本目標・KPI の例をもつ戦略 1 つ、評価の期間、キーごとに上書き
できるようコメントにしたすべてのラベルファイル）はそのまま文書になり、市町村の名前が入ります。DIR は
ないか空のフォルダで、全部書くか何も書かないかのどちらかです。次の手順は docs/data.md（A new city）。
""", """examples:
  python3 generate.py init anpei --city 安平町                 a skeleton data folder in anpei/data (head: 町長)
  python3 generate.py init new-city --city 〇〇市 --head 市長
  python3 generate.py check --data anpei/data                 then check it
  python3 generate.py --data anpei/data --out anpei/out       and build it as it is

The skeleton (city.yaml, departments.yaml, one strategy with its period, goals and a KPI example,
the rating periods, and every labels file commented out, ready to override key by key) builds
as it is and prints the city's name in its documents. DIR must not exist or be empty; the folder
is written whole or not at all. docs/data.md ("A new city") walks through the next steps.
"""))
    p.add_argument("dir", type=Path, metavar="DIR", help=text("新しい（または空の）フォルダ", "a new (or empty) folder"))
    p.add_argument("--city", required=True, help=text("印刷される市町村の名前（安平町）", "the municipality's name as printed (安平町)"))
    p.add_argument("--head", help=text("印刷される首長（市長, 町長, 村長）。既定: 名前の最後の文字から",
                                       "the head as printed (市長, 町長, 村長); default: from the name's last character"))
    add_lang(p)
    return p


def run(args, lang: str) -> int:
    written = init(args.dir, args.city, args.head)
    data, out = (args.dir / "data").as_posix(), (args.dir / "out").as_posix()
    check_it = command("check", "--data", data)
    build_it = command("build", "--data", data, "--out", out)
    print(Msg(ja=f"{args.dir}/ に {args.city} のデータフォルダの雛形を書きました（{len(written)} ファイル）。次: "
                 f"{check_it} で確かめ、{build_it} で文書を作ります",
              en=f"wrote a skeleton data folder for {args.city} into {args.dir}/ ({len(written)} files). Next: "
                 f"check it with {check_it}, build it with {build_it}")(lang))
    return EXIT_OK
