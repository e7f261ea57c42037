"""`generate.py verify [DIR]`: an archive re-hashed and rebuilt; prints every finding by kind."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reportgen.archive.verification import HASH, LIBRARY, REBUILD, verify
from reportgen.cli.common import EXIT_BAD_INPUT, EXIT_OK, RAW, add_lang
from reportgen.model import cycle_state as st
from reportgen.rules.problems import Msg, UsageError

EXAMPLES = """examples:
  python generate.py verify                re-hash and rebuild every year folder in out/
  python generate.py verify out/2017_H29   one year
  (a closed year's manifest is also compared with the SHA-256 close recorded in data/cycle.yaml)
"""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="generate.py verify", epilog=EXAMPLES,
                                formatter_class=RAW,
                                description="Compare the installed library versions with the recorded ones, re-hash every "
                                            "archived file, and rebuild each year from its archived data and templates.")
    p.add_argument("dir", nargs="?", type=Path, default=Path("out"), help="archive folder or one year folder (default: out)")
    p.add_argument("--data", type=Path, default=Path("data"),
                   help="data folder whose cycle.yaml holds the closed years' manifest hashes (default: data)")
    add_lang(p)
    return p


def run(args, lang: str) -> int:
    if not args.dir.is_dir():
        raise UsageError(Msg(ja=f"フォルダがありません: {args.dir}", en=f"no such folder: {args.dir}"))
    anchors = st.load(args.data).anchors() if st.path(args.data).is_file() else {}
    folders, findings = verify(args.dir, anchors=anchors)
    if not folders:
        raise UsageError(Msg(ja=f"{args.dir} に年度フォルダ（manifest.json）がありません",
                             en=f"no year folder (manifest.json) under {args.dir}"))
    libraries = [f for f in findings if f.kind == LIBRARY]
    if libraries:  # first: they explain the differences that follow
        print(Msg(ja="インストールされているライブラリの版が、アーカイブ作成時の記録と異なります:",
                  en="the installed libraries differ from the versions the archive recorded:")(lang), file=sys.stderr)
        lines: dict[str, list[str]] = {}
        for f in libraries:
            lines.setdefault(f.message(lang), []).append(f.folder)
        for line, where in lines.items():
            print(f"  {line} ({', '.join(where)})", file=sys.stderr)
        pins = sorted({f.pin for f in libraries if f.pin})
        if pins:
            print(Msg(ja="記録された版を入れるコマンド:", en="to install the recorded versions:")(lang), file=sys.stderr)
            print("  python3 -m pip install " + " ".join(f'"{p}"' for p in pins), file=sys.stderr)
    for kind, title in ((HASH, Msg(ja="再ハッシュ（保存後に変更されたファイル）:", en="re-hash (files changed since archived):")),
                        (REBUILD, Msg(ja="再構築（今のライブラリで同じバイトにならないファイル）:",
                                      en="rebuild (files that no longer come out the same):"))):
        of_kind = [f for f in findings if f.kind == kind]
        if of_kind:
            print(title(lang), file=sys.stderr)
        for f in of_kind:
            print(f"{f.folder}/{f.path}: {f.message(lang)}" if f.path else f"{f.folder}: {f.message(lang)}", file=sys.stderr)
    failed = [f for f in findings if f.failed]
    if failed:
        hashed = sum(f.kind == HASH for f in failed)
        print(Msg(ja=f"検証失敗: 再ハッシュ {hashed} 件、再構築 {len(failed) - hashed} 件",
                  en=f"verify failed: {hashed} re-hash and {len(failed) - hashed} rebuild finding(s)")(lang), file=sys.stderr)
        return EXIT_BAD_INPUT
    print(Msg(ja=f"検証成功: {', '.join(folders)}（ハッシュ一致・再構築一致）",
              en=f"verified: {', '.join(folders)} (hashes match, rebuild identical)")(lang))
    return EXIT_OK
