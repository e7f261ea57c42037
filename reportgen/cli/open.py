"""`generate.py open YEAR`: the year's forms written and recorded; prints what was sent."""
from __future__ import annotations

import argparse
from pathlib import Path

from reportgen.cli.common import RAW, add_lang, fiscal_year, require_data
from reportgen.collect.names import KIND_LABELS  # one name per kind of form, as collect prints it
from reportgen.cycle import links
from reportgen.cycle.opening import open_year
from reportgen.model import cycle_state as st
from reportgen.rules import era
from reportgen.rules.era import FiscalYear
from reportgen.rules.problems import Msg


def _kind(kind: str, lang: str) -> str:
    return KIND_LABELS[kind](lang) if kind in KIND_LABELS else kind


def run_open(data: Path, out: Path, fy: FiscalYear, *, pledges: str | None = None, dry_run: bool = False,
             lang: str = "ja") -> int:
    r = open_year(data, out, fy, pledges=pledges, dry_run=dry_run)
    where = st.display(st.path(data))
    label = f"{era.long(fy)}（{era.short(fy)}）"
    kinds = "、".join(f"{_kind(k, lang)} {n}" for k, n in r.kinds.items())
    if dry_run:
        print(Msg(ja=f"--dry-run: {label}を開くと、様式 {len(r.forms)} 件（{kinds}）を {r.folder}/ に書き込み、"
                     f"{where} に記録します（build {r.build}）:",
                  en=f"--dry-run: opening {era.short(fy)} would write {len(r.forms)} form(s) ({kinds}) to {r.folder}/ "
                     f"and record them in {where} (build {r.build}):")(lang))
    else:
        print(Msg(ja=f"{label}を開きました: 様式 {len(r.forms)} 件（{kinds}）を {r.folder}/ に書き込み、{where} に記録しました"
                     f"（build {r.build}）:",
                  en=f"opened {era.short(fy)}: wrote {len(r.forms)} form(s) ({kinds}) to {r.folder}/ and recorded them in "
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
        print(Msg(ja=f"次: {r.folder}/ の様式を各課へ送り、返ってきた様式を generate.py collect 返送/*.xlsx で取り込みます。"
                     f"提出状況は generate.py status {era.short(fy)}",
                  en=f"next: send the forms in {r.folder}/ to the departments, take the returned ones with generate.py collect "
                     f"returned/*.xlsx; see who answered with generate.py status {era.short(fy)}")(lang))
    return 0


EXAMPLES = """examples:
  python generate.py open R7 --dry-run          list the forms 令和7年度 would send and what would be recorded; write nothing
  python generate.py open R7                    write 令和7年度's forms to out/sent/2025_R7/ and record them in data/cycle.yaml
  python generate.py open 令和7年度 --pledges 2025-03   also start the pledge list as of 2025-03 (carried over from the last)

Opens a fiscal year for collection: the KPI forms (year-end values, R7末) of every department
where a strategy's period holds the year, and the evaluation forms where a strategy runs an
evaluation round ending that year. A year outside every strategy period, a closed year and a year
already open are refused; nothing is changed then.
"""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="generate.py open", epilog=EXAMPLES, formatter_class=RAW,
                                description="Open a fiscal year for collection: write its forms and record what was sent.")
    p.add_argument("year", type=fiscal_year, metavar="YEAR", help="fiscal year (R7, 令和7年度, 2025, FY2025 …)")
    p.add_argument("--dry-run", action="store_true", help="list what would be written and recorded; write nothing")
    p.add_argument("--pledges", metavar="YYYY-MM", help="also start the pledge list as of this month")
    p.add_argument("--out", type=Path, default=Path("out"), help="archive folder (default: out; forms go to out/sent/)")
    p.add_argument("--data", type=Path, default=Path("data"), help="data folder (default: data)")
    add_lang(p)
    return p


def run(args, lang: str) -> int:
    require_data(args.data)
    return run_open(args.data, args.out, args.year, pledges=args.pledges, dry_run=args.dry_run, lang=lang)
