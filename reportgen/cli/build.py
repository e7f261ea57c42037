"""`generate.py [build]`: every fiscal year of the data built into the archive; prints what was written."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from reportgen import __version__
from reportgen.archive.build import build
from reportgen.archive.manifest import source_date
from reportgen.cli.common import EXIT_OK, RAW, add_lang, fiscal_year
from reportgen.rules.problems import Msg, UsageError

EXAMPLES = """examples:
  python generate.py                          build every fiscal year in data/ into out/
  python generate.py --year R6 --year H29     only 令和6年度 and 平成29年度 (any spelling: 2024, 令和6年度, FY2024)
  python generate.py --pdf                    also a PDF of each document (LibreOffice)
  python generate.py --jobs 2                 render in two processes (same bytes, faster)
  python generate.py --data other/data --out /srv/archive
"""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="generate.py", epilog=EXAMPLES,
                                formatter_class=RAW,
                                description="Build the yearly archive of official documents from data/. "
                                            "Other verbs: open, collect, status, close, verify, check, init "
                                            "(see generate.py VERB --help).")
    p.add_argument("--year", action="append", type=fiscal_year, metavar="YEAR",
                   help="fiscal year to build (repeatable; R6, 令和6年度, H29, 2024, FY2024 …); default: every year in the data")
    p.add_argument("--data", type=Path, default=Path("data"), help="data folder (default: data)")
    p.add_argument("--out", type=Path, default=Path("out"), help="archive folder (default: out)")
    p.add_argument("--pdf", action="store_true", help="also write a PDF of each published document (needs LibreOffice)")
    p.add_argument("--jobs", type=int, default=1, metavar="N",
                   help="render documents in N processes (default 1; the output is the same)")
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
    stamp = source_date()
    if stamp is not None:  # set by CI or a packaging tool for its own reasons, it restamps every document
        when = stamp.strftime("%Y-%m-%d %H:%M:%S UTC")
        print(Msg(ja=f"SOURCE_DATE_EPOCH={os.environ['SOURCE_DATE_EPOCH']} が設定されているため、文書の日付は各年度の末日ではなく {when} です。",
                  en=f"SOURCE_DATE_EPOCH={os.environ['SOURCE_DATE_EPOCH']} is set: documents are stamped {when} instead of "
                     "each fiscal year's last day.")(lang))
    return EXIT_OK
