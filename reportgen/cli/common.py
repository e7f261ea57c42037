"""What every verb shares: exit statuses, the fiscal-year argument, the --lang option."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from reportgen.model import lock as lock_module
from reportgen.rules import era
from reportgen.rules.problems import Invalid, Msg, UsageError, expected_got

EXIT_OK, EXIT_BAD_INPUT, EXIT_USAGE = 0, 1, 2
RAW = argparse.RawDescriptionHelpFormatter


def fiscal_year(text: str):
    try:
        return era.parse_fy(text)
    except Invalid as exc:  # in Japanese (the default language) and English: the language is not parsed yet
        raise argparse.ArgumentTypeError(f"{expected_got(exc.expected, exc.got).ja} / {exc}") from None


def add_lang(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=("ja", "en"), default=os.environ.get("REPORTGEN_LANG", "ja"),
                   help="language of messages (default: ja)")


def require_data(data: Path) -> None:
    """The cycle's verbs need the data folder before anything else."""
    if not data.is_dir():
        raise UsageError(Msg(ja=f"データフォルダがありません: {data}", en=f"no such data folder: {data}"))


def announce_waits(lang: str) -> None:
    """A run that waits for another's lock on data/ or out/ says what it waits for, then goes on."""
    def notice(folder: Path) -> None:
        print(Msg(ja=f"別の処理が実行中です（{folder}/.lock）。終わるのを待っています…",
                  en=f"another run is in progress ({folder}/.lock); waiting for it to finish…")(lang),
              file=sys.stderr, flush=True)

    lock_module.WAITING[:] = [notice]
