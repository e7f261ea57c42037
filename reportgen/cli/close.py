"""`generate.py close YEAR`: the year's archive built and verified, then the year marked closed; prints the outcome."""
from __future__ import annotations

import argparse
from pathlib import Path

from reportgen.cli import common
from reportgen.cli.common import add_data, add_lang, add_out, waiting_notice, fiscal_year, require_data, text
from reportgen.cycle.closing import close_year
from reportgen.model import cycle_state as st
from reportgen.rules.commands import command
from reportgen.rules import era
from reportgen.rules.era import FiscalYear
from reportgen.rules.problems import Msg


def run_close(data: Path, out: Path, fy: FiscalYear, *, allow_missing: bool = False, pdf: bool = False,
              lang: str = "ja", dry_run: bool = False) -> int:
    r = close_year(data, out, fy, allow_missing=allow_missing, pdf=pdf, dry_run=dry_run,
                   waiting=waiting_notice(lang))  # CloseFailed: reported by cli.main
    if r.kept:
        print(Msg(ja=f"{r.folder}: {r.files} ファイル（作成済みのまま）を検証しました（ハッシュ一致・再構築一致）",
                  en=f"{r.folder}: {r.files} files (as already built) verified (hashes match, rebuild identical)")(lang))
    else:
        print(Msg(ja=f"{r.folder}: {r.files} ファイルを書き込み、検証しました（ハッシュ一致・再構築一致）",
                  en=f"{r.folder}: wrote {r.files} files and verified them (hashes match, rebuild identical)")(lang))
    if r.missing:
        print(Msg(ja="未提出等のまま締め切った様式:", en="closed with these forms not in:")(lang))
        for m in r.missing:
            print(f"  {m}")
    when, where = st.shown(r.closed), st.display(st.path(data))
    if r.opened:
        print(Msg(ja=f"{era.long(fy, fy2019=era.NATIONAL)}（{fy}）を締め切りました（{when}、{where}）。"
                     f"以後この年度の様式は collect で受け付けません（--reopen {fy} を除く）",
                  en=f"closed {fy} ({when}, {where}); collect now refuses its forms "
                     f"(unless --reopen {fy})")(lang))
    else:
        print(Msg(ja=f"{era.long(fy, fy2019=era.NATIONAL)}（{fy}）を締め切りました（{when}、{where}）。サイクル以前の年度を記録として締め切りました",
                  en=f"closed {fy} ({when}, {where}), a year that predates the cycle, as a record")(lang))
    fix = command("correct", era.short(fy, fy2019=era.NATIONAL), "--reason", "理由" if lang != "en" else "why")
    print(Msg(ja=f"以後 {fy} のアーカイブは変更されません（訂正は {fix}）",
              en=f"{fy}'s archive no longer changes (to correct it: {fix})")(lang))
    if r.dry_run:
        print(Msg(ja="--dry-run: 何も書き込んでいません", en="--dry-run: nothing was written")(lang))
    return 0


def parser() -> argparse.ArgumentParser:
    p = common.parser("close", text("年度を締め切ります: アーカイブを作って検証し、締め切ったと記録します。",
                                    "Close a fiscal year: build and verify its archive, then mark it closed."), text(
        """例:
  python3 generate.py close R7                   令和7年度のアーカイブを作って検証し、締め切る
  python3 generate.py close R7 --allow-missing   未提出の様式があっても締め切る（記録されます）
  python3 generate.py close R7 --pdf             PDF つきのアーカイブ
  python3 generate.py close R7 --dry-run         close が言うことを表示するだけ（何も書き込まない）
  python3 generate.py close H29                  サイクル以前の年度を記録として締め切る

作成か検証に失敗したときは年度は開いたままで、何も記録しません。締め切った後、collect はその年度の
様式を受け付けません（--reopen でその年度を指定したときを除く）。どの build もそのフォルダを変えません。
締め切った年度を変える方法は generate.py correct YEAR --reason "…"（新しい版）だけです。
""", """examples:
  python3 generate.py close R7                   build and verify 令和7年度's archive, then mark the year closed
  python3 generate.py close R7 --allow-missing   close although some forms are not in (they are recorded)
  python3 generate.py close R7 --pdf             the archive with PDFs
  python3 generate.py close R7 --dry-run         what close would say, writing nothing
  python3 generate.py close H29                  a year that predates the cycle, closed as a record

If the build or its verification fails, the year stays open and nothing is marked. After close,
collect refuses the year's forms unless --reopen names it, and no build changes its folder: the one
way to change a closed year is generate.py correct YEAR --reason "…" (a new edition).
"""))
    p.add_argument("year", type=fiscal_year, metavar="YEAR", help=text("年度（R7, 令和7年度, 2025 …）", "fiscal year (R7, 令和7年度, 2025 …)"))
    p.add_argument("--allow-missing", action="store_true", help=text("提出・反映されていない様式があっても締め切る",
                                                                    "close although forms are not returned and applied"))
    p.add_argument("--pdf", action="store_true", help=text("公開する各文書の PDF も書き込む", "also write a PDF of each published document"))
    p.add_argument("--dry-run", action="store_true", help=text("一時フォルダで作成・検証するだけで、何も書き込まない",
                                                              "build and verify in a temporary folder; write nothing"))
    add_out(p)
    add_data(p)
    add_lang(p)
    return p


def run(args, lang: str) -> int:
    require_data(args.data)
    return run_close(args.data, args.out, args.year, allow_missing=args.allow_missing, pdf=args.pdf, lang=lang,
                     dry_run=args.dry_run)
