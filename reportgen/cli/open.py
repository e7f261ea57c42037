"""`generate.py open YEAR`: the year's forms written and recorded; prints what was sent."""
from __future__ import annotations

import argparse
from pathlib import Path

from reportgen.cli import common
from reportgen.cli.common import add_data, add_lang, add_out, fiscal_year, require_data, text
from reportgen.cycle import links
from reportgen.cycle.opening import open_year
from reportgen.formkinds import kinds
from reportgen.model import cycle_state as st
from reportgen.rules import era
from reportgen.rules.commands import command
from reportgen.rules.era import FiscalYear
from reportgen.rules.problems import Msg


def _kind(kind: str, lang: str) -> str:
    return kinds().named(kind)(lang)  # one name per kind of form, as collect prints it


def run_open(data: Path, out: Path, fy: FiscalYear, *, pledges: str | None = None, dry_run: bool = False,
             lang: str = "ja") -> int:
    r = open_year(data, out, fy, pledges=pledges, dry_run=dry_run)
    where = st.display(st.path(data))
    label = f"{era.long(fy, fy2019=era.NATIONAL)}（{fy}）"
    kinds = "、".join(f"{_kind(k, lang)} {n}" for k, n in r.kinds.items())
    if dry_run:
        print(Msg(ja=f"--dry-run: {label}を開くと、様式 {len(r.forms)} 件（{kinds}）を {r.folder}/ に書き込み、"
                     f"{where} に記録します（build {r.build}）:",
                  en=f"--dry-run: opening {fy} would write {len(r.forms)} form(s) ({kinds}) to {r.folder}/ "
                     f"and record them in {where} (build {r.build}):")(lang))
    else:
        print(Msg(ja=f"{label}を開きました: 様式 {len(r.forms)} 件（{kinds}）を {r.folder}/ に書き込み、{where} に記録しました"
                     f"（build {r.build}）:",
                  en=f"opened {fy}: wrote {len(r.forms)} form(s) ({kinds}) to {r.folder}/ and recorded them in "
                     f"{where} (build {r.build}):")(lang))
    year = None if dry_run else st.load(data).year(fy)
    urls = links.urls(data, year) if year is not None else {}
    for f in r.forms:  # beside each form, its department's link to the forms inbox (generate.py serve)
        link = f"\t{urls[f.department]}" if f.department in urls else ""
        print(f"  {f.department}\t{_kind(f.kind, lang)}\t{f.file}\tsha256 {f.sha256[:16]}{link}")
    if r.pledges:
        made = r.pledge_file or Path(data) / "pledges" / f"{r.pledges}.yaml"
        print(Msg(ja=f"公約一覧 {made}（{r.pledges} 現在、前回の一覧から引き継ぎ）を" + ("作成します" if dry_run else "作成しました"),
                  en=f"pledge list {made} (as of {r.pledges}, carried over from the last one) " +
                     ("would be created" if dry_run else "created"))(lang))
    if dry_run:
        print(Msg(ja="--dry-run: 何も書き込んでいません", en="--dry-run: nothing was written")(lang))
    else:
        print(Msg(ja=f"次: {r.folder}/ の様式を各課へ送り、返ってきた様式を {command('collect', '返送/*.xlsx')} で取り込みます。"
                     f"提出状況は {command('status', era.short(fy, fy2019=era.NATIONAL))}",
                  en=f"next: send the forms in {r.folder}/ to the departments, take the returned ones with "
                     f"{command('collect', 'returned/*.xlsx')}; see who answered with {command('status', era.short(fy, fy2019=era.NATIONAL))}")(lang))
    return 0


def parser() -> argparse.ArgumentParser:
    p = common.parser("open", text("年度を開きます: その年度の様式を書き込み、送ったものを記録します。",
                                   "Open a fiscal year for collection: write its forms and record what was sent."), text(
        """例:
  python3 generate.py open R7 --dry-run          令和7年度を開くと送る様式と記録の内容を表示するだけで、何も書き込まない
  python3 generate.py open R7                    令和7年度の様式を out/sent/2025_R7/ に書き込み、data/cycle.yaml に記録する
  python3 generate.py open 令和7年度 --pledges 2025-03   2025-03 現在の公約一覧も始める（前回の一覧から引き継ぎ）
  python3 generate.py open R8 --data abira/data --out abira/out   別の市町村のデータ

年度を集計のために開きます: 戦略の期間がその年度を含む課の KPI 実績値等入力表（年度末の値、R7末）と、
評価の回がその年度で終わる戦略の実施事業評価等入力表。どの戦略の期間にもない年度、締め切った年度、
すでに開いている年度は受け付けず、何も変更しません。
""", """examples:
  python3 generate.py open R7 --dry-run          list the forms 令和7年度 would send and what would be recorded; write nothing
  python3 generate.py open R7                    write 令和7年度's forms to out/sent/2025_R7/ and record them in data/cycle.yaml
  python3 generate.py open 令和7年度 --pledges 2025-03   also start the pledge list as of 2025-03 (carried over from the last)
  python3 generate.py open R8 --data abira/data --out abira/out   another town's data

Opens a fiscal year for collection: the KPI forms (year-end values, R7末) of every department
where a strategy's period holds the year, and the evaluation forms where a strategy runs an
evaluation round ending that year. A year outside every strategy period, a closed year and a year
already open are refused; nothing is changed then.
"""))
    p.add_argument("year", type=fiscal_year, metavar="YEAR", help=text("年度（R7, 令和7年度, 2025, FY2025 …）",
                                                                       "fiscal year (R7, 令和7年度, 2025, FY2025 …)"))
    p.add_argument("--dry-run", action="store_true", help=text("書き込むものと記録する内容を表示し、何も書き込まない",
                                                              "list what would be written and recorded; write nothing"))
    p.add_argument("--pledges", metavar="YYYY-MM", help=text("この月現在の公約一覧も始める", "also start the pledge list as of this month"))
    add_out(p, "アーカイブのフォルダ（既定: out。様式は out/sent/ へ）", "archive folder (default: out; forms go to out/sent/)")
    add_data(p)
    add_lang(p)
    return p


def run(args, lang: str) -> int:
    require_data(args.data)
    return run_open(args.data, args.out, args.year, pledges=args.pledges, dry_run=args.dry_run, lang=lang)
