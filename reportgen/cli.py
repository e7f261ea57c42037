"""Command line: parse arguments, call the library, map errors to exit statuses (0 ok, 1 bad input, 2 usage)."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__, era
from .problems import DataError, Invalid, Msg, UsageError, expected_got

EXIT_OK, EXIT_BAD_INPUT, EXIT_USAGE = 0, 1, 2

BUILD_EXAMPLES = """examples:
  python generate.py                          build every fiscal year in data/ into out/
  python generate.py --year R6 --year H29     only 令和6年度 and 平成29年度 (any spelling: 2024, 令和6年度, FY2024)
  python generate.py --pdf                    also a PDF of each document (LibreOffice)
  python generate.py --jobs 2                 render in two processes (same bytes, faster)
  python generate.py --data other/data --out /srv/archive
"""
COLLECT_EXAMPLES = """examples:
  python generate.py collect returned/*.xlsx          merge the departments' returned forms into data/
  python generate.py collect --dry-run form.xlsx      show what would change, write nothing
  python generate.py collect --force form.xlsx        apply the department's answers over conflicting edits
  python generate.py collect --year H29 old/*.xlsx    forms of 平成29年度 (not the year being collected)
  python generate.py collect --reopen R7 late.xlsx    a late form of 令和7年度, which close R7 closed

The year being collected is the year opened with `open` (else the latest year the data issues
that kind of form for). Each form's outcome (applied, unchanged, refused with why, conflicts
waiting) is recorded in data/cycle.yaml for `status`.
"""
OPEN_EXAMPLES = """examples:
  python generate.py open R7 --dry-run          list the forms 令和7年度 would send and what would be recorded; write nothing
  python generate.py open R7                    write 令和7年度's forms to out/sent/2025_R7/ and record them in data/cycle.yaml
  python generate.py open 令和7年度 --pledges 2025-03   also start the pledge list as of 2025-03 (carried over from the last)

Opens a fiscal year for collection: the KPI forms (year-end values, R7末) of every department
where a strategy's period holds the year, and the evaluation forms where a strategy runs an
evaluation round ending that year. A year outside every strategy period, a closed year and a year
already open are refused; nothing is changed then.
"""
STATUS_EXAMPLES = """examples:
  python generate.py status           the open year: every form sent, by department, and who to chase
  python generate.py status R7        令和7年度 (open or closed)

Each form: 未提出 (not returned), 提出済・反映済 (returned and applied; returned unchanged counts),
差し戻し (refused, with why), 競合あり (conflicts waiting). Then the departments still to chase, one
per line with their forms, ready to paste into a reminder e-mail.
Exit status: 0 only when every form is returned and applied; 1 otherwise; 2 no such year.
"""
CLOSE_EXAMPLES = """examples:
  python generate.py close R7                   build and verify 令和7年度's archive, then mark the year closed
  python generate.py close R7 --allow-missing   close although some forms are not in (they are recorded)
  python generate.py close R7 --pdf             the archive with PDFs

If the build or its verification fails, the year stays open and nothing is marked. After close,
collect refuses the year's forms unless --reopen names it.
"""
CHECK_EXAMPLES = """examples:
  python generate.py check                      check data/ and every template; nothing is built or written
  python generate.py check --data other/data    another data folder
  python generate.py check --lang en            the problems in English

Reported, all at once, each with its file and place (the table, row and column of a Word
template, or its paragraph, and the text around it): bad data; a name a template uses that its
document's data does not have ({{ r.baseilne }}); an unbalanced {% if %}/{% for %}; a tag Word
split into parts of different formatting; a tag Jinja cannot read. `build` runs the same check
first and writes nothing when it fails.
"""
VERIFY_EXAMPLES = """examples:
  python generate.py verify                re-hash and rebuild every year folder in out/
  python generate.py verify out/2017_H29   one year
"""
INIT_EXAMPLES = """examples:
  python generate.py init anpei --city 安平町                 a skeleton data folder in anpei/data (head: 町長)
  python generate.py init new-city --city 〇〇市 --head 市長
  python generate.py check --data anpei/data                 then check it
  python generate.py --data anpei/data --out anpei/out       and build it as it is

The skeleton (city.yaml, departments.yaml, one strategy with its period, goals and a KPI example,
the rating periods, and every labels file commented out, ready to override key by key) builds
as it is and prints the city's name in its documents. DIR must not exist or be empty; the folder
is written whole or not at all. docs/data.md ("A new city") walks through the next steps.
"""


def _fy(text: str):
    try:
        return era.parse_fy(text)
    except Invalid as exc:  # in Japanese (the default language) and English: the language is not parsed yet
        raise argparse.ArgumentTypeError(f"{expected_got(exc.expected, exc.got).ja} / {exc}") from None


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=("ja", "en"), default=os.environ.get("REPORTGEN_LANG", "ja"),
                   help="language of messages (default: ja)")


def _cycle_parser(verb: str) -> argparse.ArgumentParser:
    raw = argparse.RawDescriptionHelpFormatter
    if verb == "open":
        p = argparse.ArgumentParser(prog="generate.py open", epilog=OPEN_EXAMPLES, formatter_class=raw,
                                    description="Open a fiscal year for collection: write its forms and record what was sent.")
        p.add_argument("year", type=_fy, metavar="YEAR", help="fiscal year (R7, 令和7年度, 2025, FY2025 …)")
        p.add_argument("--dry-run", action="store_true", help="list what would be written and recorded; write nothing")
        p.add_argument("--pledges", metavar="YYYY-MM", help="also start the pledge list as of this month")
        p.add_argument("--out", type=Path, default=Path("out"), help="archive folder (default: out; forms go to out/sent/)")
    elif verb == "status":
        p = argparse.ArgumentParser(prog="generate.py status", epilog=STATUS_EXAMPLES, formatter_class=raw,
                                    description="Every form a year sent, by department, and what came back.")
        p.add_argument("year", nargs="?", type=_fy, metavar="YEAR", help="fiscal year (default: the open year)")
    else:
        p = argparse.ArgumentParser(prog="generate.py close", epilog=CLOSE_EXAMPLES, formatter_class=raw,
                                    description="Close a fiscal year: build and verify its archive, then mark it closed.")
        p.add_argument("year", type=_fy, metavar="YEAR", help="fiscal year (R7, 令和7年度, 2025 …)")
        p.add_argument("--allow-missing", action="store_true", help="close although forms are not returned and applied")
        p.add_argument("--pdf", action="store_true", help="also write a PDF of each published document")
        p.add_argument("--out", type=Path, default=Path("out"), help="archive folder (default: out)")
    p.add_argument("--data", type=Path, default=Path("data"), help="data folder (default: data)")
    return p


def parser_for(verb: str) -> argparse.ArgumentParser:
    if verb in CYCLE_VERBS:
        p = _cycle_parser(verb)
    elif verb == "collect":
        p = argparse.ArgumentParser(prog="generate.py collect", epilog=COLLECT_EXAMPLES,
                                    formatter_class=argparse.RawDescriptionHelpFormatter,
                                    description="Read returned department forms and merge their answers into the data.")
        p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="returned .xlsx forms")
        p.add_argument("--data", type=Path, default=Path("data"), help="data folder (default: data)")
        p.add_argument("--force", action="store_true", help="apply answers even where data/ changed since the form was sent")
        p.add_argument("--dry-run", action="store_true", help="report what would change without writing")
        p.add_argument("--year", action="append", type=_fy, metavar="YEAR",
                       help="collect forms of this fiscal year (repeatable); default: the year being collected, "
                            "i.e. the year opened with open, else the latest year the data issues that kind of form for")
        p.add_argument("--reopen", action="append", type=_fy, metavar="YEAR", default=[],
                       help="take forms of this closed fiscal year (repeatable)")
    elif verb == "check":
        p = argparse.ArgumentParser(prog="generate.py check", epilog=CHECK_EXAMPLES,
                                    formatter_class=argparse.RawDescriptionHelpFormatter,
                                    description="Check the data and every template (Word and labels) without building.")
        p.add_argument("--data", type=Path, default=Path("data"), help="data folder (default: data)")
    elif verb == "init":
        p = argparse.ArgumentParser(prog="generate.py init", epilog=INIT_EXAMPLES,
                                    formatter_class=argparse.RawDescriptionHelpFormatter,
                                    description="Write a commented skeleton data folder for a new city into DIR/data.")
        p.add_argument("dir", type=Path, metavar="DIR", help="a new (or empty) folder")
        p.add_argument("--city", required=True, help="the municipality's name as printed (安平町)")
        p.add_argument("--head", help="the head as printed (市長, 町長, 村長); default: from the name's last character")
    elif verb == "verify":
        p = argparse.ArgumentParser(prog="generate.py verify", epilog=VERIFY_EXAMPLES,
                                    formatter_class=argparse.RawDescriptionHelpFormatter,
                                    description="Compare the installed library versions with the recorded ones, re-hash every "
                                                "archived file, and rebuild each year from its archived data and templates.")
        p.add_argument("dir", nargs="?", type=Path, default=Path("out"), help="archive folder or one year folder (default: out)")
    else:
        p = argparse.ArgumentParser(prog="generate.py", epilog=BUILD_EXAMPLES,
                                    formatter_class=argparse.RawDescriptionHelpFormatter,
                                    description="Build the yearly archive of official documents from data/. "
                                                "Other verbs: open, collect, status, close, verify, check, init "
                                                "(see generate.py VERB --help).")
        p.add_argument("--year", action="append", type=_fy, metavar="YEAR",
                       help="fiscal year to build (repeatable; R6, 令和6年度, H29, 2024, FY2024 …); default: every year in the data")
        p.add_argument("--data", type=Path, default=Path("data"), help="data folder (default: data)")
        p.add_argument("--out", type=Path, default=Path("out"), help="archive folder (default: out)")
        p.add_argument("--pdf", action="store_true", help="also write a PDF of each published document (needs LibreOffice)")
        p.add_argument("--jobs", type=int, default=1, metavar="N",
                       help="render documents in N processes (default 1; the output is the same)")
        p.add_argument("--version", action="version", version=f"reportgen {__version__}")
    _common(p)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    verb = argv[0] if argv and argv[0] in ("build", "collect", "verify", "check", "init", *CYCLE_VERBS) else "build"
    if argv and argv[0] == verb:
        argv = argv[1:]
    try:
        args = parser_for(verb).parse_args(argv)
    except SystemExit as exc:  # argparse: 0 after --help, 2 on a usage error
        return int(exc.code or 0)
    lang = args.lang
    try:
        if verb == "verify":
            return _verify(args, lang)
        if verb == "check":
            return _check(args, lang)
        if verb == "init":
            return _init(args, lang)
        if verb == "collect":
            from .collect import run

            return run(args.data, args.files, years=args.year, force=args.force, dry_run=args.dry_run,
                       reopen=args.reopen, lang=lang)
        if verb in CYCLE_VERBS:
            return _cycle(verb, args, lang)
        return _build(args, lang)
    except DataError as exc:
        print(exc.render(lang), file=sys.stderr)
        n = len(exc.problems)
        print(Msg(ja=f"エラー {n} 件: 何も書き込んでいません。", en=f"{n} error(s): nothing was written.")(lang), file=sys.stderr)
        return EXIT_BAD_INPUT
    except UsageError as exc:
        print(exc.message(lang), file=sys.stderr)
        return EXIT_USAGE


CYCLE_VERBS = ("open", "status", "close")


def _cycle(verb: str, args, lang: str) -> int:
    from .cycle import commands

    if not args.data.is_dir():
        raise UsageError(Msg(ja=f"データフォルダがありません: {args.data}", en=f"no such data folder: {args.data}"))
    if verb == "open":
        return commands.run_open(args.data, args.out, args.year, pledges=args.pledges, dry_run=args.dry_run, lang=lang)
    if verb == "status":
        return commands.run_status(args.data, args.year, lang=lang)
    return commands.run_close(args.data, args.out, args.year, allow_missing=args.allow_missing, pdf=args.pdf, lang=lang)


def _build(args, lang: str) -> int:
    from .build import build

    tty = sys.stderr.isatty()
    count = [0]

    def progress(what: str) -> None:
        count[0] += 1
        if tty:
            print(f"\r\033[K[{count[0]}] {what}", end="", file=sys.stderr, flush=True)

    if args.jobs < 1:
        raise UsageError(Msg(ja="--jobs は1以上です", en="--jobs must be at least 1"))
    result = build(args.data, args.out, args.year, pdf=args.pdf, progress=progress, jobs=args.jobs)
    if tty:
        print("\r\033[K", end="", file=sys.stderr)
    for w in result.dataset.warnings:
        print(w.render(lang), file=sys.stderr)
    total = 0
    for yb in result.years:
        size = sum(f["bytes"] for f in yb.files)
        total += len(yb.files)
        print(f"{result.out / yb.folder}: {len(yb.files)} " + Msg(ja="ファイル", en="files")(lang) + f" ({size:,} bytes)")
    print(Msg(ja=f"{len(result.years)} 年度・{total} ファイルを書き込みました。",
              en=f"wrote {total} files for {len(result.years)} fiscal year(s).")(lang))
    return EXIT_OK


def _verify(args, lang: str) -> int:
    from .verification import HASH, LIBRARY, REBUILD, verify

    if not args.dir.is_dir():
        raise UsageError(Msg(ja=f"フォルダがありません: {args.dir}", en=f"no such folder: {args.dir}"))
    folders, findings = verify(args.dir)
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


def _check(args, lang: str) -> int:
    from . import templateset
    from .templatecheck import check

    if not args.data.is_dir():
        raise UsageError(Msg(ja=f"フォルダがありません: {args.data}", en=f"no such folder: {args.data}"))
    tset = templateset.for_data(args.data)  # the shipped templates, each replaced by the data folder's own
    paths = [f.path for f in tset.files]
    with templateset.using(tset):
        problems, warnings, years = check(args.data, paths)
    for w in warnings:
        print(w.render(lang), file=sys.stderr)
    for p in problems:
        print(p.render(lang), file=sys.stderr)
    if problems:
        n = len(problems)
        print(Msg(ja=f"問題 {n} 件（build はこれが直るまで何も書き込みません）。",
                  en=f"{n} problem(s) (build writes nothing until they are fixed).")(lang), file=sys.stderr)
        return EXIT_BAD_INPUT
    print(Msg(ja=f"問題はありません: データ（{years} 年度）、テンプレート {len(paths)} 件（{', '.join(p.name for p in paths)}）。",
              en=f"no problems: the data ({years} fiscal years), {len(paths)} templates ({', '.join(p.name for p in paths)}).")(lang))
    return EXIT_OK


def _init(args, lang: str) -> int:
    from .init import init

    written = init(args.dir, args.city, args.head)
    print(Msg(ja=f"{args.dir}/ に {args.city} のデータフォルダの雛形を書きました（{len(written)} ファイル）。次: "
                 f"python3 generate.py check --data {args.dir}/data",
              en=f"wrote a skeleton data folder for {args.city} into {args.dir}/ ({len(written)} files). Next: "
                 f"python3 generate.py check --data {args.dir}/data")(lang))
    return EXIT_OK
