"""The command line as a clerk meets it: Japanese help and usage errors, --lang anywhere, unknown verbs, one
exit-status table, hints that keep the data set, and one line (never a traceback) for every operating-system event."""
from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT

from reportgen import cli
from reportgen.cli import common, main

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
# as in an activated virtual environment: the hints then say python3 (a venv's Python started by its
# path is named by its path; tests/cli/test_cli.py's venv test checks that)
if sys.prefix != sys.base_prefix:
    ENV["VIRTUAL_ENV"] = sys.prefix
ENV.pop("REPORTGEN_LANG", None)


def run(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    got = capsys.readouterr()
    return code, got.out, got.err


def shell(*args, cwd: Path, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "generate.py"), *map(str, args)], cwd=cwd, env=ENV,
                          capture_output=True, text=True, **kw)


@pytest.fixture(autouse=True)
def japanese(monkeypatch):
    monkeypatch.delenv("REPORTGEN_LANG", raising=False)


@pytest.mark.parametrize("verb", list(cli.VERBS))
def test_every_verbs_help_is_japanese_with_python3_examples_and_the_exit_table(capsys, verb):
    code, out, _ = run(capsys, verb, "--help")
    assert code == 0
    assert out.startswith("使い方: generate.py")
    assert "オプション:" in out and "この説明を表示して終わる" in out and "例:" in out
    for english in ("usage:", "options:", "show this help message", "positional arguments", "examples:"):
        assert english not in out, english
    assert re.search(r"^  python3 generate\.py", out, re.MULTILINE) and not re.search(r"^  python generate", out, re.MULTILINE)
    assert common.exit_table("ja") in out
    code, out, _ = run(capsys, "--lang", "en", verb, "--help")  # --lang before the verb
    assert out.startswith("usage: generate.py") and "examples:" in out and common.exit_table("en") in out


def test_the_programs_usage_shows_the_verbs(capsys):
    code, out, _ = run(capsys, "--help")
    usage = out.split("\n\n")[0]
    assert usage.startswith("使い方: generate.py [build]")
    assert "generate.py {collect,verify,check,init,open,status,close" in usage


def test_usage_errors_are_told_in_japanese_with_the_verbs_help(capsys):
    code, _, err = run(capsys, "open")
    assert code == 2
    assert err.splitlines()[-1] == "generate.py open: エラー: 必須の引数がありません: YEAR（詳しくは generate.py open --help）"
    code, _, err = run(capsys, "--jobs", "x")
    assert (code, err.splitlines()[-1]) == (2, "generate.py: エラー: 引数 --jobs: 値が正しくありません: 'x'（詳しくは generate.py --help）")
    code, _, err = run(capsys, "status", "R7", "R8")
    assert err.splitlines()[-1].startswith("generate.py status: エラー: 不明な引数です: R8")
    code, _, err = run(capsys, "open", "令和99年度X")
    assert "引数 YEAR: " in err and "必要です。書かれていた値: " in err
    code, _, err = run(capsys, "--lang", "zz")
    assert "選べない値です: 'zz'（選べる値: 'ja', 'en'）" in err
    code, _, err = run(capsys, "open", "--lang", "en")
    assert err.splitlines()[-1] == "generate.py open: error: the following arguments are required: YEAR (see generate.py open --help)"


def test_lang_en_before_or_after_the_verb(capsys, tmp_path):
    for args in (("--lang", "en", "status"), ("status", "--lang", "en"), ("--lang=en", "status")):
        code, _, err = run(capsys, *args, "--data", tmp_path / "nowhere")
        assert code == 2 and err.startswith(f"no such data folder: {tmp_path / 'nowhere'}"), args


def test_an_unknown_verb_lists_the_verbs_and_the_closest(capsys):
    code, out, err = run(capsys, "biuld")
    assert code == 2 and out == ""
    assert err.strip() == ("generate.py: エラー: 「biuld」という動詞はありません。もしかして「build」？ 動詞: "
                           + ", ".join(cli.VERBS) + "（動詞を書かなければ build。詳しくは generate.py VERB --help）")
    code, _, err = run(capsys, "--lang", "en", "stauts")
    assert "Did you mean 'status'?" in err


def test_the_readme_and_help_share_one_exit_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\d+)` \| (.+?) \|$", readme, re.MULTILINE)
    assert [(int(c), what) for c, what in rows] == [(c, m.en) for c, m in common.EXIT_TABLE]


@pytest.mark.parametrize("args", [[], ["collect", "f.xlsx"], ["open", "R7"], ["status"], ["close", "R7"], ["check"]])
def test_a_missing_data_folder_is_the_same_usage_error_in_every_verb(capsys, tmp_path, args):
    missing = tmp_path / "nowhere"
    code, out, err = run(capsys, *args, "--data", missing)
    assert code == 2
    assert err.strip() == (f"データフォルダがありません: {missing}（{missing} を探しました）。city.yaml などを含むフォルダを "
                           "--data で指定してください（例: --data abira/data）")


def test_the_default_data_folder_missing_names_where_it_looked(tmp_path):
    r = shell("status", cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.strip().startswith(f"データフォルダがありません: data（{tmp_path / 'data'} を探しました）。")
    assert "--data" in r.stderr and "Traceback" not in r.stderr


def test_hints_keep_the_data_set_and_the_program_as_typed(tmp_path):
    """Run from another folder with --data/--out: every hint pasted as printed acts on the same town."""
    elsewhere = tmp_path / "desk"
    elsewhere.mkdir()
    r = shell("init", "town", "--city", "安平町", cwd=elsewhere)
    program = f"{Path(sys.executable).name and 'python3'} {ROOT / 'generate.py'}"
    assert r.returncode == 0, r.stderr
    assert (f"次: {program} check --data town/data で確かめ、{program} --data town/data --out town/out で文書を作ります"
            in r.stdout)
    r = shell("open", "R7", "--data", "town/data", "--out", "town/out", cwd=elsewhere)
    assert r.returncode == 0, r.stderr
    nxt = r.stdout.splitlines()[-1]
    assert f"{program} collect 返送/*.xlsx --data town/data で取り込みます" in nxt
    assert nxt.endswith(f"提出状況は {program} status R7 --data town/data")
    r = shell("open", "R7", "--data", "town/data", "--out", "town/out", cwd=elsewhere)  # already open: the hint keeps --data
    assert r.returncode == 2 and f"{program} status R7 --data town/data で確認できます" in r.stderr


# --- one line for every operating-system event (issue 23, item 9) -------------------------------------------------

EVENTS = {
    "read-only": (OSError(errno.EROFS, "Read-only file system", "out/2017_H29"), 3,
                  "読み取り専用の場所には書き込めません: out/2017_H29。アーカイブとデータは前の状態のままです"),
    "permission": (PermissionError(errno.EACCES, "Permission denied", "out"), 3,
                   "権限がないため読み書きできません: out（フォルダの権限を確認してください）。アーカイブとデータは前の状態のままです"),
    "disk full": (OSError(errno.ENOSPC, "No space left on device"), 3,
                  "ディスクの空きが足りません。空きを作ってからやり直してください。アーカイブとデータは前の状態のままです"),
    "folder given": (IsADirectoryError(errno.EISDIR, "Is a directory", "返送"), 2,
                     "ファイルを指定してください（フォルダが指定されました）: 返送。何も変更していません"),
    "missing file": (FileNotFoundError(errno.ENOENT, "No such file or directory", "a.xlsx"), 2,
                     "ファイルまたはフォルダがありません: a.xlsx。何も変更していません"),
    "interrupted": (KeyboardInterrupt(), 130, "中断しました。アーカイブは前の状態のままです"),
    "memory": (MemoryError(), 3, "メモリが足りません。アーカイブとデータは前の状態のままです"),
}


@pytest.mark.parametrize("event", list(EVENTS))
@pytest.mark.parametrize("verb", list(cli.VERBS))
def test_every_verb_tells_an_operating_system_event_in_one_line(capsys, monkeypatch, verb, event):
    exc, status, line = EVENTS[event]
    module = cli.VERBS[verb]

    def run_(args, lang):
        raise exc
    monkeypatch.setattr(module, "run", run_)
    args = {"open": ["R7"], "close": ["R7"], "correct": ["R7", "--reason", "誤記の訂正"], "collect": ["a.xlsx"],
            "init": ["x", "--city", "安平町"]}.get(verb, [])
    code, out, err = run(capsys, *([verb] + args))
    assert (code, out, err) == (status, "", line + "\n")


def test_interrupting_a_build_leaves_the_archive_and_says_so(capsys, monkeypatch, data_copy, tmp_path):
    from reportgen.archive import build as build_module
    out = tmp_path / "out"
    real = build_module.render if hasattr(build_module, "render") else None
    assert real is not None

    def ctrl_c(*a, **k):
        raise KeyboardInterrupt
    monkeypatch.setattr(build_module, "render", ctrl_c)
    code, stdout, err = run(capsys, "--data", data_copy, "--out", out, "--year", "R6")
    assert (code, err.splitlines()[-1]) == (130, "中断しました。アーカイブは前の状態のままです")
    assert not any(p.is_file() for p in out.rglob("*") if p.name != ".lock")


def test_collect_given_a_folder_is_one_line(tmp_path, data_copy):
    (tmp_path / "返送").mkdir()
    r = shell("collect", "返送", "--data", data_copy, cwd=tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines()[-1] == "ファイルを指定してください（フォルダが指定されました）: 返送。何も変更していません"


def test_a_closed_pipe_ends_quietly(tmp_path):
    """`generate.py status | head`: the reader closes the pipe; no traceback, no 'Exception ignored' at exit."""
    assert shell("init", "town", "--city", "安平町", cwd=tmp_path).returncode == 0
    assert shell("open", "R7", "--data", "town/data", "--out", "town/out", cwd=tmp_path).returncode == 0
    r, w = os.pipe()
    os.close(r)  # the reader is gone before the first line: every write meets a closed pipe
    try:
        proc = subprocess.run([sys.executable, str(ROOT / "generate.py"), "status", "--data", "town/data"], cwd=tmp_path,
                              env=ENV, stdout=w, stderr=subprocess.PIPE, text=True)
    finally:
        os.close(w)
    assert proc.returncode == common.EXIT_PIPE
    assert proc.stderr == ""


def test_status_of_a_year_in_no_strategy_does_not_suggest_opening_it(capsys, data_copy):
    code, _, err = run(capsys, "status", "R3", "--data", data_copy)
    assert (code, err.strip()) == (2, "status R3: 令和3年度 はどの総合戦略の期間にも入っていないため、開いて様式を送る年度ではありません"
                                      "（data/strategies/*/strategy.yaml の period）")
    code, _, err = run(capsys, "status", "R8", "--data", data_copy)
    assert code == 2 and err.strip().endswith(f"python3 generate.py open R8 --data {data_copy} で開きます")


def test_a_venv_python_started_by_its_path_is_named_in_hints(monkeypatch, tmp_path):
    """`.venv/bin/python generate.py …` not activated: the hints name that Python (python3 has none of the
    libraries); from another folder by its whole path, never ../../.venv/bin/python; activated: python3."""
    from reportgen import cli

    venv = tmp_path / ".venv"
    monkeypatch.setattr(sys, "prefix", str(venv))
    monkeypatch.setattr(sys, "base_prefix", "/usr")
    monkeypatch.setattr(sys, "executable", str(venv / "bin" / "python"))
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    monkeypatch.chdir(tmp_path)
    assert cli._python() == ".venv/bin/python"
    (tmp_path / "desk").mkdir()
    monkeypatch.chdir(tmp_path / "desk")
    assert cli._python() == str(venv / "bin" / "python")
    monkeypatch.setenv("VIRTUAL_ENV", str(venv))
    assert cli._python() == "python3"
