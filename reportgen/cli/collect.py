"""`generate.py collect FILE…`: returned forms taken back into data/ (reportgen.collect); prints each form's report."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reportgen.cli import common
from reportgen.cli.common import add_data, add_lang, fiscal_year, require_data, text
from reportgen.collect.collecting import collect
from reportgen.collect.report import CollectResult, FormReport
from reportgen.formkinds import kinds
from reportgen.model import cycle_state as st
from reportgen.rules import era
from reportgen.rules.commands import command
from reportgen.rules.era import FiscalYear
from reportgen.rules.problems import Msg, UsageError


def collect_forms(data: Path, files: list[Path], *, years: list[FiscalYear] | None = None, force: bool = False,
        dry_run: bool = False, reopen: list[FiscalYear] = (), lang: str = "ja") -> int:
    """Collect the forms, print every form's report; 0 when every form was taken without conflicts, else 1."""
    result = collect(data, files, kinds(), years=years, force=force, dry_run=dry_run, reopen=reopen)
    print_report(result, lang, data)
    return 0 if result.ok else 1


def _short(text: str, n: int = 30) -> str:
    one = text.replace("\n", " ")
    return one if len(one) <= n else one[: n - 1] + "…"


LINE_FIELDS = ("progress",)  # a list of lines (取組状況): the report names the lines added and removed


def _lines_changed(old: str, new: str, lang: str) -> str:
    before, after = old.split("\n") if old else [], new.split("\n") if new else []
    added = [f"+{_short(x)}" for x in after if x not in before]
    removed = [f"-{_short(x)}" for x in before if x not in after]
    return " ".join(added + removed) or Msg(ja="行の順序を変更", en="lines reordered")(lang)


def _field(name: str, lang: str) -> str:
    return kinds().field(name) if lang == "ja" else name


def _change_field(c, lang: str) -> str:
    return c.shown if c.shown and lang == "ja" else _field(c.field, lang)


def form_lines(r: FormReport, lang: str) -> list[str]:
    """One form's report; every line names the file and the fiscal year the form changes."""
    where = f"{r.path}: " + (f"{era.long(r.year, fy2019=era.NATIONAL)}: " if r.year else "")
    empty = Msg(ja="（空）", en="(empty)")(lang)
    if r.refused is not None:
        return [where + Msg(ja="受け付けません: ", en="refused: ")(lang) + r.refused(lang)]
    if r.problems:
        lines = []
        for p in r.problems:
            at = (f"{p.sheet}!{p.ref}: " if p.ref else f"{p.sheet}: " if p.sheet else "")
            lines.append(where + at + (f"{_field(p.field, lang)}: " if p.field else "") + p.message(lang))
        lines.append(where + Msg(ja=f"問題 {len(r.problems)} 件のため、この様式は取り込みません（この様式の値は何も書き込んでいません）",
                                 en=f"{len(r.problems)} problem(s): this form is not collected (none of its values was written)")(lang))
        return lines
    kind = kinds().named(r.kind)(lang)
    head = where + " ".join(filter(None, (kind, r.department))) + (f" (build {r.build})" if r.build else "") + ": " + Msg(
        ja=f"変更 {len(r.applied)} 件、変更なし {r.unchanged} 件、競合 {len(r.conflicts)} 件",
        en=f"{len(r.applied)} change(s), {r.unchanged} unchanged, {len(r.conflicts)} conflict(s)")(lang)
    lines = [head]
    for c in r.applied:
        fix = Msg(ja="修正: ", en="correction: ")(lang) if c.corrects else ""
        lines.append(where + f"{c.label} / {_change_field(c, lang)}: " + fix + (
            _lines_changed(c.old, c.new, lang) if c.field in LINE_FIELDS else f"{_short(c.old) or empty} → {_short(c.new) or empty}")
            + (Msg(ja=f"（前回の提出 {c.corrects}）", en=f" (earlier return {c.corrects})")(lang) if c.corrects else ""))
    for c, now in r.conflicts:
        lines.append(where + Msg(ja="競合（データ側も送付後に変更されています。--force で様式の値を採用）",
                                 en="conflict (data/ changed too since the form was sent; --force takes the form's value)")(lang)
                     + f": {c.label} / {_change_field(c, lang)}: data={_short(now)!r} form={_short(c.new)!r}")
    return lines


def print_report(result: CollectResult, lang: str, data: Path = Path("data")) -> None:
    """A form that was taken whole goes to stdout; one refused or with conflicts waiting, whole, to stderr."""
    for r in result.reports:
        stream = sys.stdout if r.accepted and not r.conflicts else sys.stderr
        for line in form_lines(r, lang):
            print(line, file=stream)
        for note in r.notes:  # a contradiction with another form or the data: for a person to look at
            print(f"{r.path}: " + (f"{era.long(r.year, fy2019=era.NATIONAL)}: " if r.year else "") + note(lang), file=sys.stderr)
    n, bad = len(result.reports), len(result.refused)
    waiting = sum(len(r.conflicts) for r in result.reports)
    summary = Msg(ja=f"様式 {n} 件: 取り込み {n - bad} 件、受け付けず {bad} 件、競合 {waiting} 件",
                  en=f"{n} form(s): {n - bad} collected, {bad} refused, {waiting} conflict(s)")(lang)
    if bad and n - bad:
        summary += (Msg(ja="（各様式は別々に扱われます: 受け付けなかった様式の値は書き込まず、他の様式を取り込みます）",
                        en=" (each form stands alone: nothing of a refused form would be written, the others would be collected)")
                    if result.dry_run else
                    Msg(ja="（各様式は別々に扱われます: 受け付けなかった様式の値は書き込まず、他の様式は取り込みました）",
                        en=" (each form stands alone: nothing of a refused form was written, the others were collected)"))(lang)
    print(summary, file=sys.stdout if result.ok else sys.stderr)
    # a dry run says what the run says (the files, the record), in the future tense, then that nothing was written
    dry = result.dry_run
    if result.written:
        print((Msg(ja=f"書き込み予定: {', '.join(result.written)}（変更前は .backups/ に保存）",
                   en=f"would write: {', '.join(result.written)} (previous state kept in .backups/)") if dry else
               Msg(ja=f"書き込み: {', '.join(result.written)}（変更前は .backups/ に保存）",
                   en=f"wrote: {', '.join(result.written)} (previous state kept in .backups/)"))(lang))
    else:
        print(Msg(ja="データは変更していません", en="data/ was not changed")(lang))
    if result.recorded:
        record = st.display(st.path(data))  # the data set's own record, not data/'s
        print((Msg(ja=f"提出状況を {record} に記録します（{command('status')} で確認できます）",
                   en=f"the forms' outcomes would be recorded in {record} (see {command('status')})") if dry else
               Msg(ja=f"提出状況を {record} に記録しました（{command('status')} で確認できます）",
                   en=f"the forms' outcomes were recorded in {record} (see {command('status')})"))(lang))
    if dry:
        print(Msg(ja="--dry-run: 何も書き込んでいません", en="--dry-run: nothing was written")(lang))


def parser() -> argparse.ArgumentParser:
    p = common.parser("collect", text("返ってきた各課の様式を読み、その回答をデータに取り込みます。",
                                      "Read returned department forms and merge their answers into the data."), text(
        """例:
  python3 generate.py collect 返送/*.xlsx              返ってきた様式を data/ に取り込む
  python3 generate.py collect --dry-run 様式.xlsx      何が変わるかを表示するだけで、何も書き込まない
  python3 generate.py collect --force 様式.xlsx        送付後にデータ側も変わった箇所（競合）でも様式の値を採用する
  python3 generate.py collect --year H29 old/*.xlsx    平成29年度の様式（取り込み中の年度でないとき）
  python3 generate.py collect --reopen R7 late.xlsx    close R7 で締め切った令和7年度に遅れて届いた様式

取り込む年度は open で開いた年度です（開いていなければ、データがその種類の様式を出す最新の年度）。
各様式の結果（反映、変更なし、受け付けない理由、競合）は data/cycle.yaml に記録され、status で見られます。
""", """examples:
  python3 generate.py collect returned/*.xlsx          merge the departments' returned forms into data/
  python3 generate.py collect --dry-run form.xlsx      show what would change, write nothing
  python3 generate.py collect --force form.xlsx        apply the department's answers over conflicting edits
  python3 generate.py collect --year H29 old/*.xlsx    forms of 平成29年度 (not the year being collected)
  python3 generate.py collect --reopen R7 late.xlsx    a late form of 令和7年度, which close R7 closed

The year being collected is the year opened with `open` (else the latest year the data issues
that kind of form for). Each form's outcome (applied, unchanged, refused with why, conflicts
waiting) is recorded in data/cycle.yaml for `status`.
"""))
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help=text("返ってきた様式（.xlsx）", "returned .xlsx forms"))
    add_data(p)
    p.add_argument("--force", action="store_true", help=text("送付後にデータ側も変わった箇所でも様式の値を採用する",
                                                            "apply answers even where data/ changed since the form was sent"))
    p.add_argument("--dry-run", action="store_true", help=text("何が変わるかを表示し、何も書き込まない",
                                                              "report what would change without writing"))
    p.add_argument("--year", action="append", type=fiscal_year, metavar="YEAR",
                   help=text("この年度の様式を取り込む（繰り返し可）。既定: 取り込み中の年度（open で開いた年度。なければ、"
                             "データがその種類の様式を出す最新の年度）",
                             "collect forms of this fiscal year (repeatable); default: the year being collected, "
                             "i.e. the year opened with open, else the latest year the data issues that kind of form for"))
    p.add_argument("--reopen", action="append", type=fiscal_year, metavar="YEAR", default=[],
                   help=text("締め切ったこの年度の様式も取り込む（繰り返し可）", "take forms of this closed fiscal year (repeatable)"))
    add_lang(p)
    return p


def run(args, lang: str) -> int:
    require_data(args.data)
    folders = [f for f in args.files if Path(f).is_dir()]
    if folders and len(folders) == len(args.files):  # `collect 返送` for `collect 返送/*.xlsx`: a usage slip
        # (a folder among forms is refused as that one form, and the others are taken)
        raise UsageError(Msg(ja=f"ファイルを指定してください（フォルダが指定されました）: {folders[0]}。何も変更していません",
                             en=f"a file is needed here, this is a folder: {folders[0]}. Nothing was changed"))
    return collect_forms(args.data, args.files, years=args.year, force=args.force, dry_run=args.dry_run,
                         reopen=args.reopen, lang=lang)
