"""`generate.py correct YEAR --reason "…"`: a closed year's new edition, the earlier kept beside it; prints the editions."""
from __future__ import annotations

import argparse

from reportgen.cli import common
from reportgen.cli.common import add_data, add_lang, add_out, waiting_notice, fiscal_year, require_data, text
from reportgen.cycle.correcting import correct_year
from reportgen.model import cycle_state as st
from reportgen.rules import era
from reportgen.rules.problems import Msg

def parser() -> argparse.ArgumentParser:
    p = common.parser("correct", text("締め切った年度を訂正します: アーカイブの新しい版を作り、前の版も残します。",
                                      "Correct a closed fiscal year: a new edition of its archive, the earlier kept."), text(
        """例:
  python3 generate.py correct R7 --reason "KPI 4-② の令和7年度実績の誤記を訂正"
  python3 generate.py correct R7 --reason "…" --pdf     PDF つきの新しい版

締め切った年度のアーカイブは build では変わりません。correct は今のデータから新しい版（第2版、第3版 …）を作ります。
前の版のフォルダはそのまま横に残り（out/2025_R7_第1版）、新しい manifest は置き換えた版と理由を記録し、どちらも
検証されます。data/cycle.yaml はすべての版を manifest の SHA-256 とともに記録します（verify がそれと比べます）。
""", """examples:
  python3 generate.py correct R7 --reason "KPI 4-② の令和7年度実績の誤記を訂正"
  python3 generate.py correct R7 --reason "…" --pdf     the new edition with PDFs

A closed year's archive never changes by build. correct rebuilds it from today's data as a new
edition (第2版, 第3版 …): the earlier edition's folder is kept beside it as it was (out/2025_R7_第1版),
the new manifest names the edition it supersedes and the reason, both are verified, and
data/cycle.yaml records every edition with its manifest's SHA-256 (verify compares with it).
"""))
    p.add_argument("year", type=fiscal_year, metavar="YEAR",
                   help=text("締め切った年度（R7, 令和7年度, 2025 …）", "closed fiscal year (R7, 令和7年度, 2025 …)"))
    p.add_argument("--reason", required=True, help=text("訂正の理由（manifest と data/cycle.yaml に記録）",
                                                        "why the year is corrected (recorded in the manifest and data/cycle.yaml)"))
    p.add_argument("--pdf", action="store_true", help=text("公開する各文書の PDF も書き込む", "also write a PDF of each published document"))
    add_out(p)
    add_data(p)
    add_lang(p)
    return p


def run(args, lang: str) -> int:
    require_data(args.data)
    r = correct_year(args.data, args.out, args.year, args.reason, pdf=args.pdf, waiting=waiting_notice(lang))  # CloseFailed: reported by cli.main
    code = era.short(args.year, fy2019=era.NATIONAL)
    shown = "、".join(r.changed[:5]) + (f" ほか {len(r.changed) - 5} 件" if len(r.changed) > 5 else "")
    print(Msg(ja=f"{r.folder}: {era.long(args.year, fy2019=era.NATIONAL)}（{code}）の第{r.edition}版を作成し、検証しました。変更: {shown}",
              en=f"{r.folder}: edition {r.edition} of {code} written and verified; changed: {', '.join(r.changed)}")(lang))
    print(Msg(ja=f"{code} の版（{st.display(st.path(args.data))}）:", en=f"{code}'s editions ({st.display(st.path(args.data))}):")(lang))
    for e in r.editions:
        why = f"　理由: {e['reason']}" if e.get("reason") else ""
        why_en = f"  reason: {e['reason']}" if e.get("reason") else ""
        print(Msg(ja=f"  第{e['edition']}版  {args.out / e['folder']}  {st.shown(e['date'])}  manifest sha256 {e['manifest_sha256'][:16]}{why}",
                  en=f"  edition {e['edition']}  {args.out / e['folder']}  {st.shown(e['date'])}  manifest sha256 "
                     f"{e['manifest_sha256'][:16]}{why_en}")(lang))
    return 0
