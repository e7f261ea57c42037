"""`generate.py correct YEAR --reason "…"`: a closed year's new edition, the earlier kept beside it; prints the editions."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reportgen.cli.common import RAW, add_lang, announce_waits, fiscal_year, require_data
from reportgen.cycle.closing import CloseFailed
from reportgen.cycle.correcting import correct_year
from reportgen.model import cycle_state as st
from reportgen.rules import era
from reportgen.rules.problems import Msg

EXAMPLES = """examples:
  python generate.py correct R7 --reason "KPI 4-② の令和7年度実績の誤記を訂正"
  python generate.py correct R7 --reason "…" --pdf     the new edition with PDFs

A closed year's archive never changes by build. correct rebuilds it from today's data as a new
edition (第2版, 第3版 …): the earlier edition's folder is kept beside it as it was (out/2025_R7_第1版),
the new manifest names the edition it supersedes and the reason, both are verified, and
data/cycle.yaml records every edition with its manifest's SHA-256 (verify compares with it).
"""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="generate.py correct", epilog=EXAMPLES, formatter_class=RAW,
                                description="Correct a closed fiscal year: a new edition of its archive, the earlier kept.")
    p.add_argument("year", type=fiscal_year, metavar="YEAR", help="closed fiscal year (R7, 令和7年度, 2025 …)")
    p.add_argument("--reason", required=True, help="why the year is corrected (recorded in the manifest and data/cycle.yaml)")
    p.add_argument("--pdf", action="store_true", help="also write a PDF of each published document")
    p.add_argument("--out", type=Path, default=Path("out"), help="archive folder (default: out)")
    p.add_argument("--data", type=Path, default=Path("data"), help="data folder (default: data)")
    add_lang(p)
    return p


def run(args, lang: str) -> int:
    require_data(args.data)
    announce_waits(lang)
    try:
        r = correct_year(args.data, args.out, args.year, args.reason, pdf=args.pdf)
    except CloseFailed as exc:
        for m in exc.lines:
            print(m(lang), file=sys.stderr)
        return 1
    code = era.short(args.year)
    shown = "、".join(r.changed[:5]) + (f" ほか {len(r.changed) - 5} 件" if len(r.changed) > 5 else "")
    print(Msg(ja=f"{r.folder}: {era.long(args.year)}（{code}）の第{r.edition}版を作成し、検証しました。変更: {shown}",
              en=f"{r.folder}: edition {r.edition} of {code} written and verified; changed: {', '.join(r.changed)}")(lang))
    print(Msg(ja=f"{code} の版（{st.display(st.path(args.data))}）:", en=f"{code}'s editions ({st.display(st.path(args.data))}):")(lang))
    for e in r.editions:
        why = f"　理由: {e['reason']}" if e.get("reason") else ""
        why_en = f"  reason: {e['reason']}" if e.get("reason") else ""
        print(Msg(ja=f"  第{e['edition']}版  {args.out / e['folder']}  {st.shown(e['date'])}  manifest sha256 {e['manifest_sha256'][:16]}{why}",
                  en=f"  edition {e['edition']}  {args.out / e['folder']}  {st.shown(e['date'])}  manifest sha256 "
                     f"{e['manifest_sha256'][:16]}{why_en}")(lang))
    return 0
