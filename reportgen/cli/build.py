"""`generate.py [build]`: every fiscal year of the data built into the archive; prints what was written."""
from __future__ import annotations

import argparse
import sys

from reportgen import __version__
from reportgen.archive.build import build
from reportgen.cli import common
from reportgen.cli.common import EXIT_OK, add_data, add_lang, add_out, fiscal_year, require_data, text
from reportgen.rules.problems import Msg, UsageError


def parser() -> argparse.ArgumentParser:
    p = common.parser("build", text(
        "data/ の各年度の公式文書を作り、アーカイブ（out/）に書き込みます。動詞を書かなければ build です"
        "（ほかの動詞は使い方の2行目。それぞれ generate.py VERB --help で説明）。",
        "Build the yearly archive of official documents from data/ (no verb means build; the other verbs are on "
        "the usage's second line, each explained by generate.py VERB --help)."), text(
        """例:
  python3 generate.py                          data/ のすべての年度を out/ に作る
  python3 generate.py --year R6 --year H29     令和6年度と平成29年度だけ（2024, 令和6年度, FY2024 なども可）
  python3 generate.py --pdf                    各文書の PDF も作る（LibreOffice）
  python3 generate.py --jobs 2                 2 プロセスで描画（同じバイト、速い）
  python3 generate.py --data abira/data --out abira/out   別の市町村のデータとアーカイブ
""", """examples:
  python3 generate.py                          build every fiscal year in data/ into out/
  python3 generate.py --year R6 --year H29     only 令和6年度 and 平成29年度 (any spelling: 2024, 令和6年度, FY2024)
  python3 generate.py --pdf                    also a PDF of each document (LibreOffice)
  python3 generate.py --jobs 2                 render in two processes (same bytes, faster)
  python3 generate.py --data abira/data --out abira/out   another town's data and archive
"""))
    p.add_argument("--year", action="append", type=fiscal_year, metavar="YEAR",
                   help=text("作る年度（繰り返し可。R6, 令和6年度, H29, 2024, FY2024 …）。既定: データのすべての年度",
                             "fiscal year to build (repeatable; R6, 令和6年度, H29, 2024, FY2024 …); default: every year in the data"))
    add_data(p)
    add_out(p)
    p.add_argument("--pdf", action="store_true", help=text("公開する各文書の PDF も書き込む（LibreOffice が必要）",
                                                          "also write a PDF of each published document (needs LibreOffice)"))
    p.add_argument("--jobs", type=int, default=1, metavar="N",
                   help=text("N プロセスで描画する（既定 1。出力は同じ）", "render documents in N processes (default 1; the output is the same)"))
    p.add_argument("--version", action="version", version=f"reportgen {__version__}")
    add_lang(p)
    return p


def run(args, lang: str) -> int:
    tty = sys.stderr.isatty()
    count = [0]

    def progress(what: str) -> None:
        count[0] += 1
        if tty:
            print(f"\r\033[K[{count[0]}] {what}", end="", file=sys.stderr, flush=True)

    require_data(args.data)
    if args.jobs < 1:
        raise UsageError(Msg(ja="--jobs は1以上です", en="--jobs must be at least 1"))
    result = build(args.data, args.out, args.year, pdf=args.pdf, progress=progress, jobs=args.jobs)
    if tty:
        print("\r\033[K", end="", file=sys.stderr)
    for w in result.dataset.warnings:
        print(w.render(lang), file=sys.stderr)
    total = 0
    for yb in result.years:
        size = sum(f["bytes"] for f in yb.files)
        total += len(yb.files)
        print(f"{result.out / yb.folder}: {len(yb.files)} " + Msg(ja="ファイル", en="files")(lang) + f" ({size:,} bytes)")
    print(Msg(ja=f"{len(result.years)} 年度・{total} ファイルを書き込みました。",
              en=f"wrote {total} files for {len(result.years)} fiscal year(s).")(lang))
    return EXIT_OK
