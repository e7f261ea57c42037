"""`generate.py verify [DIR]`: an archive re-hashed and rebuilt; prints every finding by kind."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reportgen.archive.verification import HASH, LIBRARY, REBUILD, verify
from reportgen.cli import common
from reportgen.cli.common import EXIT_BAD_INPUT, EXIT_OK, add_lang, text
from reportgen.model import cycle_state as st
from reportgen.rules.problems import Msg, UsageError


def parser() -> argparse.ArgumentParser:
    p = common.parser("verify", text(
        "入っているライブラリの版を記録と比べ、アーカイブのすべてのファイルをハッシュし直し、各年度を保存したデータと"
        "テンプレートから作り直して比べます。",
        "Compare the installed library versions with the recorded ones, re-hash every archived file, and rebuild "
        "each year from its archived data and templates."), text(
        """例:
  python3 generate.py verify                out/ のすべての年度フォルダをハッシュし直し、作り直して比べる
  python3 generate.py verify out/2017_H29   1 年度だけ
  （締め切った年度の manifest は、close が data/cycle.yaml に記録した SHA-256 とも比べます）
""", """examples:
  python3 generate.py verify                re-hash and rebuild every year folder in out/
  python3 generate.py verify out/2017_H29   one year
  (a closed year's manifest is also compared with the SHA-256 close recorded in data/cycle.yaml)
"""))
    p.add_argument("dir", nargs="?", type=Path, default=Path("out"),
                   help=text("アーカイブのフォルダか、1 年度のフォルダ（既定: out）", "archive folder or one year folder (default: out)"))
    p.add_argument("--data", type=Path, default=Path("data"),
                   help=text("締め切った年度の manifest のハッシュを記録した cycle.yaml のあるデータフォルダ（既定: data）",
                             "data folder whose cycle.yaml holds the closed years' manifest hashes (default: data)"))
    add_lang(p)
    return p


def run(args, lang: str) -> int:
    if not args.dir.is_dir():
        raise UsageError(Msg(ja=f"アーカイブのフォルダがありません: {args.dir}（{args.dir.absolute()} を探しました）",
                             en=f"no such archive folder: {args.dir} (looked in {args.dir.absolute()})"))
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
