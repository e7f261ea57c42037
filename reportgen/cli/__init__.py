"""Command line: the verb chosen, its arguments parsed, every located error mapped to an exit status (0 ok, 1 bad input, 2 usage).

One module per verb (build, collect, open, status, close, verify, check, init), each with its
examples, its parser and its run; this module only dispatches and is where errors are caught."""
from __future__ import annotations

import sys

from reportgen.cli import build, check, close, collect, correct, init, status, verify
from reportgen.cli import open as open_verb
from reportgen.cli.common import EXIT_BAD_INPUT, EXIT_USAGE
from reportgen.rules.problems import DataError, Msg, UsageError

VERBS = {"build": build, "collect": collect, "verify": verify, "check": check, "init": init,
         "open": open_verb, "status": status, "close": close, "correct": correct}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    verb = argv[0] if argv and argv[0] in VERBS else "build"
    if argv and argv[0] == verb:
        argv = argv[1:]
    module = VERBS[verb]
    try:
        args = module.parser().parse_args(argv)
    except SystemExit as exc:  # argparse: 0 after --help, 2 on a usage error
        return int(exc.code or 0)
    lang = args.lang
    try:
        return module.run(args, lang)
    except DataError as exc:
        print(exc.render(lang), file=sys.stderr)
        n = len(exc.problems)
        print(Msg(ja=f"エラー {n} 件: 何も書き込んでいません。", en=f"{n} error(s): nothing was written.")(lang), file=sys.stderr)
        return EXIT_BAD_INPUT
    except UsageError as exc:
        print(exc.message(lang), file=sys.stderr)
        return EXIT_USAGE
