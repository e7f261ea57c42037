"""Command line: the verb chosen, its arguments parsed in the clerk's language, and every error — located,
usage or the operating system's — caught here and told in one line with its exit status (common.EXIT_TABLE).

One module per verb (build, collect, open, status, close, verify, check, init), each with its
examples, its parser() and its run(args, lang); this module only dispatches and is where errors are caught.
A verb's module is imported when that verb runs, never the others: `generate.py build` does not pay
for the inbox's web server or collect's readers (docs/performance.md, "Cold start")."""
from __future__ import annotations

import difflib
import errno
import importlib
import os
import shlex
import shutil
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType

from reportgen.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_PIPE,
    EXIT_SYSTEM,
    EXIT_USAGE,
    localize,
    reset_language,
    set_language,
)
from reportgen.rules.commands import Invocation, invoked_as
from reportgen.rules.problems import Msg, ReportgenError


class Verbs(Mapping):
    """The verbs in the order the usage lists them, each its module reportgen.cli.<verb>, imported on first use."""

    def __init__(self, names: tuple[str, ...]):
        self.names = names

    def __getitem__(self, name: str) -> ModuleType:
        if name not in self.names:
            raise KeyError(name)
        return importlib.import_module(f"{__name__}.{name}")

    def __contains__(self, name) -> bool:  # Mapping's own would import the module to answer
        return name in self.names

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


VERBS = Verbs(("build", "collect", "verify", "check", "init", "open", "status", "close", "correct", "serve"))

# What a hint repeats so that pasting it acts on the same data set (`open R8 --data abira/data` → `status R8 --data abira/data`).
CARRIED = (("--data", "data", Path("data")), ("--out", "out", Path("out")))
KEPT = Msg(ja="アーカイブとデータは前の状態のままです", en="the archive and the data are as they were")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = _lang_of(argv)
    token = set_language(lang)
    try:
        return _main(argv, lang)
    except KeyboardInterrupt:  # Ctrl-C while parsing or anywhere in a verb: every write is atomic, nothing is half done
        _say(Msg(ja="中断しました。アーカイブは前の状態のままです", en="interrupted. The archive is as it was")(lang))
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `generate.py status | head`: the reader has what it wanted
        return _closed_pipe()
    finally:
        reset_language(token)


def _main(argv: list[str], lang: str) -> int:
    lead, rest = _leading_lang(argv)  # `generate.py --lang en status` is `generate.py status --lang en`
    if rest and rest[0] in VERBS:
        verb, argv = rest[0], lead + rest[1:]
    elif rest and not rest[0].startswith("-"):  # build takes no positional argument: a word here is a verb
        return _unknown_verb(rest[0], lang)
    else:
        verb = "build"
    module = VERBS[verb]
    try:
        args = localize(module.parser(), tuple(VERBS) if verb == "build" else ()).parse_args(argv)
    except SystemExit as exc:  # argparse: 0 after --help, 2 on a usage error (already printed in the clerk's language)
        return int(exc.code or 0)
    lang = getattr(args, "lang", lang)
    with invoked_as(Invocation(program=_program(), carried=_carried(args), accepts=_accepts)):
        try:
            code = module.run(args, lang)
            sys.stdout.flush()  # a closed pipe is met here, not in Python's flush at exit
            return code
        except ReportgenError as exc:  # every located, usage or refusal error: its lines, its exit status
            for line in exc.report(lang):
                print(line, file=sys.stderr)
            return exc.exit_status
        except OSError as exc:
            if isinstance(exc, BrokenPipeError):
                raise
            message, code = system_message(exc)
            _say(message(lang))
            return code
        except MemoryError:
            _say(Msg(ja=f"メモリが足りません。{KEPT.ja}", en=f"out of memory. {KEPT.en}")(lang))
            return EXIT_SYSTEM


def system_message(exc: OSError) -> tuple[Msg, int]:
    """One line for an operating-system event, in the clerk's words (strerror is the C library's English)."""
    name = exc.filename if exc.filename is not None else None
    where = f": {name}" if name else ""
    code = exc.errno
    if isinstance(exc, IsADirectoryError) or code == errno.EISDIR:
        return Msg(ja=f"ファイルを指定してください（フォルダが指定されました）{where}。何も変更していません",
                   en=f"a file is needed here, this is a folder{where}. Nothing was changed"), EXIT_USAGE
    if isinstance(exc, FileNotFoundError) or code == errno.ENOENT:
        return Msg(ja=f"ファイルまたはフォルダがありません{where}。何も変更していません",
                   en=f"no such file or folder{where}. Nothing was changed"), EXIT_USAGE
    if isinstance(exc, NotADirectoryError) or code == errno.ENOTDIR:
        return Msg(ja=f"フォルダを指定してください（ファイルが指定されました）{where}。何も変更していません",
                   en=f"a folder is needed here, this is a file{where}. Nothing was changed"), EXIT_USAGE
    if code == errno.EROFS:
        return Msg(ja=f"読み取り専用の場所には書き込めません{where}。{KEPT.ja}",
                   en=f"cannot write to a read-only file system{where}. {KEPT.en}"), EXIT_SYSTEM
    if isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM):
        return Msg(ja=f"権限がないため読み書きできません{where}（フォルダの権限を確認してください）。{KEPT.ja}",
                   en=f"permission denied{where} (check the folder's permissions). {KEPT.en}"), EXIT_SYSTEM
    if code in (errno.ENOSPC, errno.EDQUOT):
        return Msg(ja=f"ディスクの空きが足りません{where}。空きを作ってからやり直してください。{KEPT.ja}",
                   en=f"the disk is full{where}; free some space and run again. {KEPT.en}"), EXIT_SYSTEM
    label = errno.errorcode.get(code, str(code)) if code is not None else type(exc).__name__
    return Msg(ja=f"OS のエラー（{label}）{where}。{KEPT.ja}", en=f"system error ({label}: {exc.strerror}){where}. {KEPT.en}"), EXIT_SYSTEM


def _say(line: str) -> None:
    try:
        print(line, file=sys.stderr)
    except (BrokenPipeError, OSError):
        pass


def _closed_pipe() -> int:
    # Python flushes stdout again at exit and would print "Exception ignored … BrokenPipeError": point it at devnull
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return EXIT_PIPE


def _lang_of(argv: list[str]) -> str:
    """--lang read before any parser is built, wherever it stands (help and usage errors speak it too)."""
    lang = "en" if os.environ.get("REPORTGEN_LANG") == "en" else "ja"
    for i, word in enumerate(argv):
        if word == "--":
            break
        if word == "--lang" and i + 1 < len(argv) and argv[i + 1] in ("ja", "en"):
            lang = argv[i + 1]
        elif word in ("--lang=ja", "--lang=en"):
            lang = word.split("=", 1)[1]
    return lang


def _leading_lang(argv: list[str]) -> tuple[list[str], list[str]]:
    """The --lang options before the verb, and the rest of the command line."""
    lead: list[str] = []
    while argv:
        if argv[0] == "--lang" and len(argv) > 1:
            lead, argv = lead + argv[:2], argv[2:]
        elif argv[0].startswith("--lang="):
            lead, argv = lead + argv[:1], argv[1:]
        else:
            break
    return lead, argv


def _unknown_verb(word: str, lang: str) -> int:
    names = ", ".join(VERBS)
    close_ = difflib.get_close_matches(word, list(VERBS), n=1, cutoff=0.5)
    maybe = Msg(ja=f"もしかして「{close_[0]}」？", en=f" Did you mean '{close_[0]}'?") if close_ else Msg(ja="", en="")
    print(Msg(ja=f"generate.py: エラー: 「{word}」という動詞はありません。{maybe.ja} 動詞: {names}"
                 f"（動詞を書かなければ build。詳しくは generate.py VERB --help）",
              en=f"generate.py: error: no verb '{word}'.{maybe.en} Verbs: {names} "
                 f"(no verb means build; see generate.py VERB --help)")(lang), file=sys.stderr)
    return EXIT_USAGE


def _program() -> str:
    """The program as the clerk started it, so a hint works pasted where they are (not only in the project folder)."""
    arg0 = sys.argv[0] if sys.argv else ""
    name = Path(arg0).name
    if name == "generate.py":
        return _python() + " " + shlex.quote(arg0)
    if name == "reportgen":
        return "reportgen" if shutil.which("reportgen") else shlex.quote(arg0)
    return "python3 generate.py"


def _python() -> str:
    """python3, unless this is a virtual environment's Python started by its path (.venv/bin/python generate.py,
    not activated): then that path, since the system python3 has none of the libraries."""
    if sys.prefix != sys.base_prefix and os.environ.get("VIRTUAL_ENV") != sys.prefix:
        try:
            relative = os.path.relpath(sys.executable)
        except ValueError:  # another drive (Windows)
            return shlex.quote(sys.executable)
        # .venv/bin/python from the project folder; from elsewhere the whole path, not ../../../.venv/bin/python
        return shlex.quote(sys.executable if relative.startswith("..") else relative)
    return "python3"


def _carried(args) -> tuple[tuple[str, str], ...]:
    return tuple((option, str(getattr(args, dest))) for option, dest, default in CARRIED
                 if getattr(args, dest, None) is not None and Path(getattr(args, dest)) != default)


_ACCEPTS: dict[tuple[str, str], bool] = {}


def _accepts(verb: str, option: str) -> bool:
    if (verb, option) not in _ACCEPTS:
        module = VERBS.get(verb)
        _ACCEPTS[verb, option] = module is not None and option in module.parser()._option_string_actions
    return _ACCEPTS[verb, option]
