"""`generate.py status [YEAR]`: who has answered, by department; the departments to chase."""
from __future__ import annotations

import argparse
from pathlib import Path

from reportgen.cli.common import RAW, add_lang, fiscal_year, require_data
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


EXAMPLES = """examples:
  python generate.py status           the open year: every form sent, by department, and who to chase
  python generate.py status R7        令和7年度 (open or closed)

Each form: 未提出 (not returned), 提出済・反映済 (returned and applied; returned unchanged counts),
差し戻し (refused, with why), 競合あり (conflicts waiting). Then the departments still to chase, one
per line with their forms, ready to paste into a reminder e-mail.
Exit status: 0 only when every form is returned and applied; 1 otherwise; 2 no such year.
"""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="generate.py status", epilog=EXAMPLES, formatter_class=RAW,
                                description="Every form a year sent, by department, and what came back.")
    p.add_argument("year", nargs="?", type=fiscal_year, metavar="YEAR", help="fiscal year (default: the open year)")
    p.add_argument("--data", type=Path, default=Path("data"), help="data folder (default: data)")
    add_lang(p)
    return p


def run(args, lang: str) -> int:
    require_data(args.data)
    return run_status(args.data, args.year, lang=lang)
