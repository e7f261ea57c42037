"""`generate.py status [YEAR]`: who has answered, by department; the departments to chase."""
from __future__ import annotations

import argparse
from pathlib import Path

from reportgen.cli import common
from reportgen.cli.common import add_data, add_lang, fiscal_year, require_data, text
from reportgen.cycle.status import lines, statuses
from reportgen.rules.era import FiscalYear


def run_status(data: Path, fy: FiscalYear | None = None, lang: str = "ja") -> int:
    """0 only when every form of the year(s) shown is returned and applied."""
    shown = statuses(data, fy)
    for n, ys in enumerate(shown):
        if n:
            print()
        for line in lines(ys, lang):
            print(line)
    return 0 if all(ys.complete for ys in shown) else 1


def parser() -> argparse.ArgumentParser:
    p = common.parser("status", text("年度が送ったすべての様式と、返ってきたものを課ごとに表示します。",
                                     "Every form a year sent, by department, and what came back."), text(
        """例:
  python3 generate.py status           受付中の年度: 送ったすべての様式を課ごとに、催促する課も
  python3 generate.py status R7        令和7年度（受付中でも締切済でも）
  python3 generate.py status R8 --data abira/data   別の市町村のデータ

各様式: 未提出、提出済・反映済（変更なしで返ってきたものも含む）、差し戻し（理由つき）、競合あり。
続いて、まだ催促する課を1行に1課ずつ、その様式とともに（催促のメールにそのまま貼れます）。
終了ステータス 0 はすべての様式が提出・反映済みのときだけで、それ以外は 1。
""", """examples:
  python3 generate.py status           the open year: every form sent, by department, and who to chase
  python3 generate.py status R7        令和7年度 (open or closed)
  python3 generate.py status R8 --data abira/data   another town's data

Each form: 未提出 (not returned), 提出済・反映済 (returned and applied; returned unchanged counts),
差し戻し (refused, with why), 競合あり (conflicts waiting). Then the departments still to chase, one
per line with their forms, ready to paste into a reminder e-mail.
Exit status 0 only when every form is returned and applied, else 1.
"""))
    p.add_argument("year", nargs="?", type=fiscal_year, metavar="YEAR",
                   help=text("年度（既定: 受付中の年度）", "fiscal year (default: the open year)"))
    add_data(p)
    add_lang(p)
    return p


def run(args, lang: str) -> int:
    require_data(args.data)
    return run_status(args.data, args.year, lang=lang)
