"""`generate.py check`: the data and every template checked without building; prints every problem."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reportgen.cli.common import EXIT_BAD_INPUT, EXIT_OK, RAW, add_lang
from reportgen.lint.templatecheck import check
from reportgen.rules.problems import Msg, UsageError
from reportgen.templating import templateset

EXAMPLES = """examples:
  python generate.py check                      check data/ and every template; nothing is built or written
  python generate.py check --data other/data    another data folder
  python generate.py check --lang en            the problems in English

Reported, all at once, each with its file and place (the table, row and column of a Word
template, or its paragraph, and the text around it): bad data; a name a template uses that its
document's data does not have ({{ r.baseilne }}); an unbalanced {% if %}/{% for %}; a tag Word
split into parts of different formatting; a tag Jinja cannot read. `build` runs the same check
first and writes nothing when it fails.
"""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="generate.py check", epilog=EXAMPLES,
                                formatter_class=RAW,
                                description="Check the data and every template (Word and labels) without building.")
    p.add_argument("--data", type=Path, default=Path("data"), help="data folder (default: data)")
    add_lang(p)
    return p


def run(args, lang: str) -> int:
    if not args.data.is_dir():
        raise UsageError(Msg(ja=f"フォルダがありません: {args.data}", en=f"no such folder: {args.data}"))
    tset = templateset.for_data(args.data)  # the shipped templates, each replaced by the data folder's own
    paths = [f.path for f in tset.files]
    with templateset.using(tset):
        problems, warnings, years = check(args.data, paths)
    for w in warnings:
        print(w.render(lang), file=sys.stderr)
    for p in problems:
        print(p.render(lang), file=sys.stderr)
    if problems:
        n = len(problems)
        print(Msg(ja=f"問題 {n} 件（build はこれが直るまで何も書き込みません）。",
                  en=f"{n} problem(s) (build writes nothing until they are fixed).")(lang), file=sys.stderr)
        return EXIT_BAD_INPUT
    print(Msg(ja=f"問題はありません: データ（{years} 年度）、テンプレート {len(paths)} 件（{', '.join(p.name for p in paths)}）。",
              en=f"no problems: the data ({years} fiscal years), {len(paths)} templates ({', '.join(p.name for p in paths)}).")(lang))
    return EXIT_OK
