"""What every verb shares: exit statuses, the fiscal-year argument, the --lang option."""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from reportgen.rules import era
from reportgen.rules.problems import Invalid, Msg, UsageError, expected_got

EXIT_OK, EXIT_BAD_INPUT = 0, 1  # a usage error exits 2 (UsageError.exit_status)
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
