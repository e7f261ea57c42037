"""The `collect` verb: takes the departments' returned forms back into data/ (reportgen.forms) and prints each form's report."""
from __future__ import annotations

import sys
from pathlib import Path

from . import era
from .era import FiscalYear
from .forms import layout
from .forms.batch import CollectResult, FormReport, collect
from .forms.registry_layout import REGISTRY
from .problems import Msg

FIELD_LABELS = {"status": "状況", "done": "実施内容", "assessment": "評価・課題", "plan": "今後の方針", "memo": "メモ",
                "value": "実績値", "rating": "評価", "reason": "評価理由", "progress": "取組状況", "pledge_status": "評価",
                # the office's registry (reportgen.forms.registry_collect)
                "name": "名称", "description": "事業内容", "policy": "施策", "policies": "施策", "departments": "担当課",
                "first_year": "開始年度", "work": "取組内容", "ended": "廃止", "unit": "単位", "prefix": "接頭語",
                "direction": "方向", "baseline": "基準値", "target": "目標値", "new": "新規登録（ID）", "id": "ID"}
KIND_LABELS = {layout.EVALUATION: Msg(ja="実施事業評価等入力表", en="evaluation form"),
               layout.KPI: Msg(ja="KPI実績値等入力表", en="KPI form"),
               REGISTRY: Msg(ja="事業・KPI登録簿", en="registry"),
               layout.PLEDGE: Msg(ja="市長公約進捗状況記入票", en="pledge progress form")}


def run(data: Path, files: list[Path], *, years: list[FiscalYear] | None = None, force: bool = False,
        dry_run: bool = False, reopen: list[FiscalYear] = (), lang: str = "ja") -> int:
    """Collect the forms, print every form's report; 0 when every form was taken without conflicts, else 1."""
    result = collect(data, files, years=years, force=force, dry_run=dry_run, reopen=reopen)
    print_report(result, lang)
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
    return FIELD_LABELS.get(name, name) if lang == "ja" else name


def _change_field(c, lang: str) -> str:
    return c.shown if c.shown and lang == "ja" else _field(c.field, lang)


def form_lines(r: FormReport, lang: str) -> list[str]:
    """One form's report; every line names the file and the fiscal year the form changes."""
    where = f"{r.path}: " + (f"{era.long(r.year)}: " if r.year else "")
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
    kind = KIND_LABELS[r.kind](lang)
    head = where + " ".join(filter(None, (kind, r.department))) + (f" (build {r.build})" if r.build else "") + ": " + Msg(
        ja=f"変更 {len(r.applied)} 件、変更なし {r.unchanged} 件、競合 {len(r.conflicts)} 件",
        en=f"{len(r.applied)} change(s), {r.unchanged} unchanged, {len(r.conflicts)} conflict(s)")(lang)
    lines = [head]
    for c in r.applied:
        lines.append(where + f"{c.label} / {_change_field(c, lang)}: " + (
            _lines_changed(c.old, c.new, lang) if c.field in LINE_FIELDS else f"{_short(c.old) or empty} → {_short(c.new) or empty}"))
    for c, now in r.conflicts:
        lines.append(where + Msg(ja="競合（データ側も送付後に変更されています。--force で様式の値を採用）",
                                 en="conflict (data/ changed too since the form was sent; --force takes the form's value)")(lang)
                     + f": {c.label} / {_change_field(c, lang)}: data={_short(now)!r} form={_short(c.new)!r}")
    return lines


def print_report(result: CollectResult, lang: str) -> None:
    """A form that was taken whole goes to stdout; one refused or with conflicts waiting, whole, to stderr."""
    for r in result.reports:
        stream = sys.stdout if r.accepted and not r.conflicts else sys.stderr
        for line in form_lines(r, lang):
            print(line, file=stream)
    n, bad = len(result.reports), len(result.refused)
    waiting = sum(len(r.conflicts) for r in result.reports)
    summary = Msg(ja=f"様式 {n} 件: 取り込み {n - bad} 件、受け付けず {bad} 件、競合 {waiting} 件",
                  en=f"{n} form(s): {n - bad} collected, {bad} refused, {waiting} conflict(s)")(lang)
    if bad and n - bad:
        summary += Msg(ja="（各様式は別々に扱われます: 受け付けなかった様式の値は書き込まず、他の様式は取り込みました）",
                       en=" (each form stands alone: nothing of a refused form was written, the others were collected)")(lang)
    print(summary, file=sys.stdout if result.ok else sys.stderr)
    if result.dry_run:
        print(Msg(ja="--dry-run: 何も書き込んでいません", en="--dry-run: nothing was written")(lang))
    elif result.written:
        print(Msg(ja=f"書き込み: {', '.join(result.written)}（変更前は .backups/ に保存）",
                  en=f"wrote: {', '.join(result.written)} (previous state kept in .backups/)")(lang))
    else:
        print(Msg(ja="データは変更していません", en="data/ was not changed")(lang))
    if result.recorded:
        print(Msg(ja="提出状況を data/cycle.yaml に記録しました（generate.py status で確認できます）",
                  en="the forms' outcomes were recorded in data/cycle.yaml (see generate.py status)")(lang))
