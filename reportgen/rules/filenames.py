"""What a name may hold when it becomes part of a file name, and what a relative path inside a folder may be (pure).

Department names, city.yaml's head and planning office and a strategy's id end up in the names of
the forms and documents (KPI実績値等入力表_令和6年度_商工観光課.xlsx, 04_市長公約進捗状況一覧表_….docx,
事業・KPI登録簿_令和6年度_戦略1.xlsx). The archive is copied to the city's Windows file server and
SharePoint, so a name must be one Windows accepts, must not climb out of the folder, and must not
disguise the file's type (U+202E RIGHT-TO-LEFT OVERRIDE turns 課\u202exslx.exe into 課exe.xlsx on screen).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from reportgen.rules.problems import Invalid, Msg, Problem

SEPARATORS = "/\\"
WINDOWS_REFUSED = ':?*"<>|'
# Control (Cc), format (Cf: U+202E and the other bidirectional overrides, zero-width characters, the
# BOM), surrogate (Cs), line and paragraph separators (Zl, Zp): invisible or misleading in a file name.
_INVISIBLE = {"Cc", "Cf", "Cs", "Zl", "Zp"}

# A name is at most 64 UTF-16 code units (Windows counts file names in UTF-16: 64 kanji, or 32
# emoji). NTFS allows 255 per file name, but the limit that bites first is the whole path: 260
# under Windows' default MAX_PATH, and Excel refuses to open a workbook whose full path passes 218
# characters. The longest file name a name reaches (市長公約進捗状況記入票_令和10年12月末_<name>.xlsx)
# is then at most 95 characters, leaving over 120 for the folders the archive is kept in; and at
# most 251 bytes in UTF-8 (64 kanji are 192 bytes), within the 255 bytes Linux and macOS allow.
NAME_LIMIT = 64
# What NTFS allows for one file or folder name, in UTF-16 code units (the writers' last check).
COMPONENT_LIMIT = 255


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _char(c: str) -> str:
    return f"U+{ord(c):04X}" if unicodedata.category(c) in _INVISIBLE or c.isspace() else c


_REFUSED = re.compile("[" + re.escape(SEPARATORS + WINDOWS_REFUSED) + "]")


def _first_bad(value: str) -> Msg | None:
    for c in value:
        if c in SEPARATORS:
            return Msg("フォルダの区切り（/ \\）を含まない名前（ファイル名になります）",
                       "a name without a folder separator (/ \\), as it becomes a file name")
        if c in WINDOWS_REFUSED:
            return Msg("Windows がファイル名に使えない文字（: ? * \" < > |）を含まない名前",
                       "a name without the characters Windows refuses in file names (: ? * \" < > |)")
        if unicodedata.category(c) in _INVISIBLE:
            return Msg(f"制御文字や書式文字（文字の向きを変える U+202E など）を含まない名前（{_char(c)} があります）",
                       f"a name without control or format characters such as U+202E, which reverses text ({_char(c)} found)")
    return None


def name_problem(value: str, limit: int = NAME_LIMIT) -> Msg | None:
    """Why `value` cannot be part of a file name (None: it can)."""
    if not value:
        return Msg("空でない名前", "a name that is not empty")
    # most names are printable with no refused character: two scans in C instead of a loop per character
    if not value.isprintable() or _REFUSED.search(value) is not None:
        problem = _first_bad(value)
        if problem is not None:
            return problem
    if value[0] == "." or value[-1] == "." or value[0].isspace() or value[-1].isspace():
        return Msg("先頭と末尾が点（.）や空白でない名前（Windows が消したり拒んだりします）",
                   "a name that neither starts nor ends with a dot or a blank (Windows drops or refuses them)")
    if utf16_length(value) > limit:
        return Msg(f"{limit}文字以内の名前（ファイル名になるため、Windows のパスの長さの上限に収まるように。{utf16_length(value)}文字あります）",
                   f"a name of at most {limit} characters, as it becomes part of a file name within Windows' path limit "
                   f"(it has {utf16_length(value)})")
    return None


def check_name(value: str) -> str:
    """`value` as it is, or Invalid saying what a name that becomes a file name must be."""
    problem = name_problem(value)
    if problem is not None:
        raise Invalid(problem, value)
    return value


def path_problem(rel: str) -> Msg | None:
    """Why `rel` is not a relative path that stays inside its folder (None: it is): absolute paths,
    drive letters, backslashes, `..` and `.` and empty parts are refused, and each part must be a
    name Windows accepts within NTFS's limit."""
    if not isinstance(rel, str) or not rel:
        return Msg("フォルダの中の相対パス", "a relative path inside the folder")
    if rel.startswith("/") or "\\" in rel or (len(rel) > 1 and rel[1] == ":"):
        return Msg("フォルダの中の相対パス（絶対パスや \\ は使えません）", "a relative path inside the folder (no absolute path, no \\)")
    for part in rel.split("/"):
        if part in ("", ".", ".."):
            return Msg("フォルダの外を指さない相対パス（.. や . は使えません）", "a relative path that stays inside the folder (no .. or .)")
        problem = name_problem(part, COMPONENT_LIMIT)
        if problem is not None:
            return problem
        if len(part.encode("utf-8")) > COMPONENT_LIMIT:  # Linux and macOS count bytes: 85 kanji
            return Msg(f"UTF-8 で{COMPONENT_LIMIT}バイト以内のファイル名（{len(part.encode('utf-8'))}バイトあります）",
                       f"a file name of at most {COMPONENT_LIMIT} bytes in UTF-8 (it has {len(part.encode('utf-8'))})")
    return None


@dataclass(frozen=True)
class PathProblem(Problem):
    """A path a writer refused (or an archive entry verify refused): the path, what it must be."""

    def render(self, lang: str = "ja") -> str:
        return f"{self.file}: {self.message(lang)}"


def outside(rel: str, root: str, why: Msg) -> PathProblem:
    """The problem of a file `rel` that would be written outside folder `root` (or under a name Windows refuses)."""
    return PathProblem(rel, 0, 0, "", Msg(
        ja=f"書き込み先のファイル名が不正です: {why.ja}が必要です（書き込み先のフォルダ: {root}）",
        en=f"refused file name: expected {why.en} (the folder written: {root})"))
