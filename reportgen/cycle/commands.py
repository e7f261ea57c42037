"""The cycle's verbs as the command line prints them: open, status, close (the CLI parses, these print)."""
from __future__ import annotations

import sys
from pathlib import Path

from .. import era
from ..era import FiscalYear
from ..problems import Msg
from . import state as st
from .closing import close_year
from .opening import open_year
from .status import lines, statuses

def _kind(kind: str, lang: str) -> str:
    from ..collect import KIND_LABELS  # one name per kind of form, as collect prints it

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
    for f in r.forms:
        print(f"  {f.department}\t{_kind(f.kind, lang)}\t{f.file}\tsha256 {f.sha256[:16]}")
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


def run_status(data: Path, fy: FiscalYear | None = None, lang: str = "ja") -> int:
    """0 only when every form of the year(s) shown is returned and applied."""
    shown = statuses(data, fy)
    for n, ys in enumerate(shown):
        if n:
            print()
        for line in lines(ys, lang):
            print(line)
    return 0 if all(ys.complete for ys in shown) else 1


def run_close(data: Path, out: Path, fy: FiscalYear, *, allow_missing: bool = False, pdf: bool = False,
              lang: str = "ja") -> int:
    from .closing import CloseFailed

    try:
        r = close_year(data, out, fy, allow_missing=allow_missing, pdf=pdf)
    except CloseFailed as exc:
        for m in exc.lines:
            print(m(lang), file=sys.stderr)
        return 1
    print(Msg(ja=f"{r.folder}: {r.files} ファイルを書き込み、検証しました（ハッシュ一致・再構築一致）",
              en=f"{r.folder}: wrote {r.files} files and verified them (hashes match, rebuild identical)")(lang))
    if r.missing:
        print(Msg(ja="未提出等のまま締め切った様式:", en="closed with these forms not in:")(lang))
        for m in r.missing:
            print(f"  {m}")
    print(Msg(ja=f"{era.long(fy)}（{era.short(fy)}）を締め切りました（{r.closed}、{st.display(st.path(data))}）。"
                 f"以後この年度の様式は collect で受け付けません（--reopen {era.short(fy)} を除く）",
              en=f"closed {era.short(fy)} ({r.closed}, {st.display(st.path(data))}); collect now refuses its forms "
                 f"(unless --reopen {era.short(fy)})")(lang))
    return 0
