"""`generate.py check`: the data and every template checked without building; prints every problem."""
from __future__ import annotations

import argparse
import sys

from reportgen.cli import common
from reportgen.cli.common import EXIT_BAD_INPUT, EXIT_OK, add_data, add_lang, require_data, text
from reportgen.lint.templatecheck import check
from reportgen.rules.problems import Msg
from reportgen.templating import templateset


def parser() -> argparse.ArgumentParser:
    p = common.parser("check", text("データとすべてのテンプレート（Word とラベル）を、文書を作らずに確かめます。",
                                    "Check the data and every template (Word and labels) without building."), text(
        """例:
  python3 generate.py check                      data/ とすべてのテンプレートを確かめる。何も作らず、書き込まない
  python3 generate.py check --data abira/data    別のデータフォルダ
  python3 generate.py check --lang en            問題を英語で

問題はすべて一度に、ファイルと場所（Word テンプレートなら表・行・列か段落と周りの文字）つきで表示します:
データの誤り、文書のデータにない名前（{{ r.baseilne }}）、対になっていない {% if %}/{% for %}、
Word が書式の違う部分に分けたタグ、Jinja が読めないタグ。build も最初に同じ確認をし、問題があれば何も書き込みません。
""", """examples:
  python3 generate.py check                      check data/ and every template; nothing is built or written
  python3 generate.py check --data abira/data    another data folder
  python3 generate.py check --lang en            the problems in English

Reported, all at once, each with its file and place (the table, row and column of a Word
template, or its paragraph, and the text around it): bad data; a name a template uses that its
document's data does not have ({{ r.baseilne }}); an unbalanced {% if %}/{% for %}; a tag Word
split into parts of different formatting; a tag Jinja cannot read. `build` runs the same check
first and writes nothing when it fails.
"""))
    add_data(p)
    add_lang(p)
    return p


def run(args, lang: str) -> int:
    require_data(args.data)
    tset = templateset.for_data(args.data)  # the shipped templates, each replaced by the data folder's own
    paths = [f.path for f in tset.files]
    problems, warnings, years = check(args.data, tset)
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
