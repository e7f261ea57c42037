"""Located, bilingual problem reports: what was expected, what was found, and where."""
from __future__ import annotations

import re

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Msg:
    """A message in Japanese (for the clerk, the default) and English (`--lang en`)."""

    ja: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.en if lang == "en" else self.ja


class ReportgenError(Exception):
    """The root of every error reportgen reports to a person: its lines in the person's language and
    the exit status the command line returns for it (caught in one place: reportgen.cli.main)."""

    exit_status = 1

    def report(self, lang: str = "ja") -> list[str]:
        return [str(self)]


class Invalid(ReportgenError, ValueError):
    """A value that does not fit its field: `expected` says what fits, `got` what was written."""

    def __init__(self, expected: Msg, got: object):
        self.expected, self.got = expected, got
        super().__init__(f"expected {expected.en}, got {show(got)}")

    def report(self, lang: str = "ja") -> list[str]:
        return [expected_got(self.expected, self.got)(lang)]


# what stands where a value was expected but is no single value, in each language ("書かれていた値: nothing" was English)
_NO_VALUE = {"ja": ("（なし）", "「項目: 値」の組", "リスト"), "en": ("nothing", "a mapping", "a list")}


def show(value: object, lang: str = "en") -> str:
    """How a wrong value is quoted in a message (short, one line, no raw control characters); in `lang`
    where it is not a value but a shape (nothing, a mapping, a list)."""
    words = _NO_VALUE["ja" if lang == "ja" else "en"]
    if value is None:
        return words[0]
    if isinstance(value, dict):
        return words[1]
    if isinstance(value, list):
        return words[2]
    text = str(value)
    if len(text) > 60:
        text = text[:57] + "…"
    return repr(text)


@dataclass(frozen=True)
class Problem:
    """One located problem: `file:line:col: path: message`."""

    file: str
    line: int
    column: int
    path: str
    message: Msg
    warning: bool = False

    def render(self, lang: str = "ja") -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        path = f" {shown_path(self.path, lang)}:" if self.path else ""
        return f"{where}:{path} {self.message(lang)}"


def shown_path(path: str, lang: str = "ja") -> str:
    """A path as a person counts: kpis[2] (the third KPI) is kpis[3件目], kpis[#3] in English."""
    return re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + 1}件目]" if lang == "ja" else f"[#{int(m.group(1)) + 1}]", path)


def expected_got(expected: Msg, got: object) -> Msg:
    g = show(got)
    if got is None:  # a key written with no value: said in the clerk's words
        return Msg(ja=f"{expected.ja}が必要です。値が書かれていません", en=f"expected {expected.en}, got {g}")
    return Msg(ja=f"{expected.ja}が必要です。書かれていた値: {show(got, 'ja')}", en=f"expected {expected.en}, got {g}")


@dataclass
class DataError(ReportgenError):
    """Bad data or a bad returned form: every problem found in one run, in file order (exit status 1)."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return self.render("en")

    def render(self, lang: str = "ja") -> str:
        return "\n".join(p.render(lang) for p in self.problems)

    def report(self, lang: str = "ja") -> list[str]:
        n = len(self.problems)
        return [self.render(lang), Msg(ja=f"エラー {n} 件: 何も書き込んでいません。", en=f"{n} error(s): nothing was written.")(lang)]


class UsageError(ReportgenError):
    """A command line that cannot be carried out (exit status 2)."""

    exit_status = 2

    def __init__(self, message: Msg):
        super().__init__(message.en)
        self.message = message

    def report(self, lang: str = "ja") -> list[str]:
        return [self.message(lang)]


class Refusal(ReportgenError):
    """Something refused as a whole with one bilingual message (a returned form collect will not read)."""

    def __init__(self, message: Msg):
        super().__init__(message.en)
        self.message = message

    def report(self, lang: str = "ja") -> list[str]:
        return [self.message(lang)]


class Failure(ReportgenError):
    """A step that failed after its checks passed, with every reason (a close whose build or verify failed)."""

    def __init__(self, lines: list[Msg]):
        super().__init__("\n".join(m.en for m in lines))
        self.lines = lines

    def report(self, lang: str = "ja") -> list[str]:
        return [m(lang) for m in self.lines]
