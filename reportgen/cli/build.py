"""`generate.py [build]`: every fiscal year of the data built into the archive; prints what was written."""
from __future__ import annotations

import argparse
import os
import sys

from reportgen import __version__
from reportgen.archive.build import build
from reportgen.cli import common
from reportgen.cli.common import EXIT_OK, add_data, add_lang, add_out, fiscal_year, require_data, text
from reportgen.archive.manifest import CLOSED_KEPT, KEPT, WRITTEN
from reportgen.cli.common import waiting_notice
from reportgen.rules import era
from reportgen.archive.manifest import source_date
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
    result = build(args.data, args.out, args.year, pdf=args.pdf, progress=progress, jobs=args.jobs,
                   waiting=waiting_notice(lang))
    if tty:
        print("\r\033[K", end="", file=sys.stderr)
    for w in result.dataset.warnings:
        print(w.render(lang), file=sys.stderr)
    report(result, lang)
    return EXIT_OK


def report(result, lang: str) -> None:
    """Each year: written (with the PDFs kept, rebuilt and the files removed), kept unchanged, or closed."""
    total = 0
    written = [yb for yb in result.years if yb.outcome == WRITTEN]
    for yb in result.years:
        where = result.out / yb.folder
        if yb.outcome == KEPT:
            print(Msg(ja=f"{where}: 変更なし（そのまま）", en=f"{where}: unchanged (kept as it is)")(lang))
            continue
        if yb.outcome == CLOSED_KEPT:
            code = era.short(yb.fy, fy2019=era.NATIONAL)
            print(Msg(ja=f"{where}: 締切済（そのまま）", en=f"{where}: closed (kept as it is)")(lang))
            if yb.changed:
                shown = "、".join(yb.changed[:5]) + (f" ほか {len(yb.changed) - 5} 件" if len(yb.changed) > 5 else "")
                shown_en = ", ".join(yb.changed[:5]) + (f" and {len(yb.changed) - 5} more" if len(yb.changed) > 5 else "")
                print(Msg(ja=f"締切済の {code} はデータが変わっています: {shown}。締切時のアーカイブはそのままです。"
                             f"訂正するには generate.py correct {code} --reason \"理由\"（第2版として作成し、前の版も残します）",
                          en=f"closed {code}'s data has changed: {shown_en}. Its archive is kept as closed. To correct it: "
                             f"generate.py correct {code} --reason \"why\" (a new edition; the earlier one is kept)")(lang),
                      file=sys.stderr)
            continue
        size = sum(f["bytes"] for f in yb.files)
        total += len(yb.files)
        print(f"{where}: {len(yb.files)} " + Msg(ja="ファイル", en="files")(lang) + f" ({size:,} bytes)")
        if yb.pdf_kept:
            print(Msg(ja=f"  PDF {len(yb.pdf_kept)} 件はそのまま（元の文書が変わっていません）",
                      en=f"  {len(yb.pdf_kept)} PDF(s) kept (their documents did not change)")(lang))
        if yb.pdf_rebuilt:
            print(Msg(ja=f"  PDF {len(yb.pdf_rebuilt)} 件を作り直しました（元の文書が変わりました）: {'、'.join(yb.pdf_rebuilt)}",
                      en=f"  {len(yb.pdf_rebuilt)} PDF(s) rebuilt (their documents changed): {', '.join(yb.pdf_rebuilt)}")(lang))
        for path in yb.removed:
            print(Msg(ja=f"  削除: {path}（この年度の文書ではなくなりました）",
                      en=f"  removed: {path} (no longer one of the year's documents)")(lang))
    if written or not result.years:
        print(Msg(ja=f"{len(written)} 年度・{total} ファイルを書き込みました。",
                  en=f"wrote {total} files for {len(written)} fiscal year(s).")(lang))
    kept = [yb for yb in result.years if yb.outcome != WRITTEN]
    if kept:
        print(Msg(ja=f"{len(kept)} 年度はそのままです（変更なし・締切済）。",
                  en=f"{len(kept)} fiscal year(s) kept as they were (unchanged or closed).")(lang))
    stamp = source_date()
    if stamp is not None:  # set by CI or a packaging tool for its own reasons, it restamps every document
        when = stamp.strftime("%Y-%m-%d %H:%M:%S UTC")
        print(Msg(ja=f"SOURCE_DATE_EPOCH={os.environ['SOURCE_DATE_EPOCH']} が設定されているため、文書の日付は各年度の末日ではなく {when} です。",
                  en=f"SOURCE_DATE_EPOCH={os.environ['SOURCE_DATE_EPOCH']} is set: documents are stamped {when} instead of "
                     "each fiscal year's last day.")(lang))
