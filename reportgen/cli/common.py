"""What every verb shares: exit statuses, the parser that speaks the clerk's language, the fiscal-year argument, --lang, --data."""
from __future__ import annotations

import argparse
import os
import re
import sys
import unicodedata
from contextvars import ContextVar
from pathlib import Path

from reportgen.model.lock import Waiting
from reportgen.rules import era
from reportgen.rules.problems import Invalid, Msg, UsageError, expected_got

# One table for every verb: the same cause gives the same status whichever verb met it (README "Exit status").
EXIT_OK, EXIT_BAD_INPUT, EXIT_USAGE, EXIT_SYSTEM, EXIT_INTERRUPTED, EXIT_PIPE = 0, 1, 2, 3, 130, 141
EXIT_TABLE = (
    (EXIT_OK, Msg(ja="成功（status: 年度のすべての様式が提出・反映済み）", en="success (status: every form of the year returned and applied)")),
    (EXIT_BAD_INPUT, Msg(ja="データ・様式・テンプレートの誤り、検証の失敗、競合、未提出の様式（status）: 問題はすべて場所つきで表示",
                         en="bad data, a bad form or template, a failed verification, conflicts, forms not in (status): "
                            "every problem is listed with its place")),
    (EXIT_USAGE, Msg(ja="使い方の誤り: 不明な動詞・オプション、ないフォルダ・ファイル、対象外の年度など（何も変更しません）",
                     en="a usage error: unknown verb or option, no such folder or file, a year that does not apply (nothing changed)")),
    (EXIT_SYSTEM, Msg(ja="OS の問題: 書き込めないフォルダ、ディスクの空き不足、メモリ不足（アーカイブとデータは前の状態のまま）",
                      en="a system problem: a folder not writable, the disk full, out of memory (archive and data as they were)")),
    (EXIT_INTERRUPTED, Msg(ja="中断（Ctrl-C）（アーカイブとデータは前の状態のまま）",
                           en="interrupted (Ctrl-C) (archive and data as they were)")),
    (EXIT_PIPE, Msg(ja="出力先のパイプが閉じられた（generate.py status を head に渡したときなど）",
                    en="the output pipe was closed (generate.py status piped into head, …)")),
)
RAW = argparse.RawDescriptionHelpFormatter

# The language of the parser being built: the command line reads --lang before it builds the verb's
# parser, so help, usage and argparse's own errors are in the clerk's language from the first line.
_language: ContextVar[str] = ContextVar("reportgen_cli_language", default="")


def language() -> str:
    return _language.get() or ("en" if os.environ.get("REPORTGEN_LANG") == "en" else "ja")


def set_language(lang: str):
    return _language.set(lang)


def reset_language(token) -> None:
    _language.reset(token)


def text(ja: str, en: str) -> str:
    """A help text in the language of the parser being built."""
    return Msg(ja=ja, en=en)(language())


def exit_table(lang: str) -> str:
    head = Msg(ja="終了ステータス:", en="exit status:")(lang)
    return "\n".join([head] + [f"  {code:<4} {what(lang)}" for code, what in EXIT_TABLE])


# argparse's own phrases (Python 3.11), in Japanese: the clerk sees no English in the default language.
_ARGPARSE_JA = [
    (r"unrecognized arguments: (.*)", r"不明な引数です: \1"),
    (r"the following arguments are required: (.*)", r"必須の引数がありません: \1"),
    (r"argument (\S+): (.*)", None),  # the inner message translated on its own
    (r"expected one argument", "値を1つ指定してください"),
    (r"expected at most one argument", "値は1つまでです"),
    (r"expected at least one argument", "値を1つ以上指定してください"),
    (r"expected (\d+) arguments?", r"値を \1 個指定してください"),
    (r"invalid choice: (.*) \(choose from (.*)\)", r"選べない値です: \1（選べる値: \2）"),
    (r"invalid (\S+) value: (.*)", r"値が正しくありません: \2"),
    (r"ignored explicit argument (.*)", r"このオプションは値をとりません: \1"),
    (r"not allowed with argument (.*)", r"\1 と一緒には指定できません"),
    (r"one of the arguments (.*) is required", r"\1 のどれかが必要です"),
    (r"ambiguous option: (\S+) could match (.*)", r"オプション \1 はあいまいです（候補: \2）"),
]


def width(s: str) -> int:
    """Columns on a terminal: a full-width character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def translate(message: str) -> str:
    for pattern, repl in _ARGPARSE_JA:
        m = re.fullmatch(pattern, message, re.DOTALL)
        if m and repl is None:
            return f"引数 {m.group(1)}: {translate(m.group(2))}"
        if m:
            return m.expand(repl)
    return message


class Parser(argparse.ArgumentParser):
    """argparse in the clerk's language: usage, section titles, -h and every error; errors end with the
    verb's --help and exit 2 (usage error) like every other usage error of the command line."""

    verbs: tuple[str, ...] = ()  # the default verb's parser shows the others on its usage's second line

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        localize(self)

    def _with_verbs(self, usage: str) -> str:
        others = [v for v in self.verbs if v not in self.prog]
        if not others:
            return usage
        head, sep, rest = usage.partition("\n\n")
        pad = " " * width(text("使い方: ", "usage: "))
        return f"{head.rstrip()}\n{pad}generate.py {{{','.join(others)}}} ...\n{sep[1:]}{rest}"

    def format_usage(self) -> str:
        return self._with_verbs(super().format_usage())

    def format_help(self) -> str:
        return self._with_verbs(super().format_help())

    def _get_formatter(self):
        formatter = super()._get_formatter()
        add_usage = formatter.add_usage

        def usage(usage, actions, groups, prefix=None):
            add_usage(usage, actions, groups, prefix if prefix is not None else text("使い方: ", "usage: "))
        formatter.add_usage = usage
        return formatter

    def error(self, message: str):
        lang = language()
        self.print_usage(sys.stderr)
        prog = self.prog.replace(" [build]", "")
        shown = translate(message) if lang == "ja" else message
        print(Msg(ja=f"{prog}: エラー: {shown}（詳しくは {prog} --help）",
                  en=f"{prog}: error: {shown} (see {prog} --help)")(lang), file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def localize(p: argparse.ArgumentParser, verbs: tuple[str, ...] = ()) -> argparse.ArgumentParser:
    """Any verb's parser (a plain ArgumentParser too) speaks the clerk's language and ends its help with the exit
    table; `verbs` given, its usage lists them (the default verb's parser is the program's own help)."""
    if type(p) is argparse.ArgumentParser:  # a verb that built a plain parser still speaks the clerk's language
        p.__class__ = Parser
    if verbs and isinstance(p, Parser):
        p.verbs = tuple(verbs)
    p._positionals.title = text("引数", "positional arguments")
    p._optionals.title = text("オプション", "options")
    for action in p._actions:
        if isinstance(action, argparse._HelpAction):
            action.help = text("この説明を表示して終わる", "show this help message and exit")
        elif isinstance(action, argparse._VersionAction):
            action.help = text("版を表示して終わる", "show the version and exit")
    table = exit_table(language())
    if not (p.epilog or "").rstrip().endswith(table.rstrip()):
        p.epilog = f"{p.epilog.rstrip()}\n\n{table}\n" if p.epilog else table
    if p.formatter_class is argparse.HelpFormatter:  # the table keeps its lines
        p.formatter_class = RAW
    return p


def parser(verb: str, description: str, examples: str) -> Parser:
    """A verb's parser: `generate.py VERB`, its description, its examples (python3, as in the README)."""
    prog = "generate.py [build]" if verb == "build" else f"generate.py {verb}"
    return Parser(prog=prog, description=description, epilog=examples, formatter_class=RAW)


def fiscal_year(value: str):
    try:
        return era.parse_fy(value)
    except Invalid as exc:
        raise argparse.ArgumentTypeError(expected_got(exc.expected, exc.got)(language())) from None


def add_lang(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=("ja", "en"), default=language(),
                   help=text("メッセージの言語（既定: ja。環境変数 REPORTGEN_LANG=en でも英語）",
                             "language of messages (default: ja; REPORTGEN_LANG=en too)"))


def add_data(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", type=Path, default=Path("data"),
                   help=text("データフォルダ（既定: data）", "data folder (default: data)"))


def add_out(p: argparse.ArgumentParser, ja: str = "アーカイブのフォルダ（既定: out）", en: str = "archive folder (default: out)") -> None:
    p.add_argument("--out", type=Path, default=Path("out"), help=text(ja, en))


def require_data(data: Path) -> None:
    """Every verb that reads the data checks its folder first, with one message and one status (2)."""
    if not data.is_dir():
        raise UsageError(Msg(
            ja=f"データフォルダがありません: {data}（{data.absolute()} を探しました）。"
               "city.yaml などを含むフォルダを --data で指定してください（例: --data abira/data）",
            en=f"no such data folder: {data} (looked in {data.absolute()}). Name the folder holding city.yaml and the "
               "other data files with --data (e.g. --data abira/data)"))


def waiting_notice(lang: str) -> Waiting:
    """What a run that waits for another's lock on data/ or out/ passes to the lock (model.lock.Waiting):
    it says on screen what it waits for, then goes on waiting."""
    def notice(folder: Path) -> None:
        print(Msg(ja=f"別の処理が実行中です（{folder}/.lock）。終わるのを待っています…",
                  en=f"another run is in progress ({folder}/.lock); waiting for it to finish…")(lang),
              file=sys.stderr, flush=True)

    return notice
