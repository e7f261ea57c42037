"""One root for errors: every exception reportgen raises for a person derives from ReportgenError, and
the command line reports each in one place, with its lines and its exit status."""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import reportgen
from reportgen.cli import VERBS, main
from reportgen.rules.problems import DataError, Failure, Msg, Problem, Refusal, ReportgenError, UsageError


def test_every_exception_class_derives_from_the_root():
    found = []
    for info in pkgutil.walk_packages(reportgen.__path__, "reportgen."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and issubclass(obj, BaseException) and obj.__module__ == module.__name__:
                found.append(obj)
                assert issubclass(obj, ReportgenError), f"{module.__name__}.{name} is not a ReportgenError"
    assert len(found) >= 8  # DataError, UsageError, Invalid, Refusal, Failure, FormRefused, CloseFailed, …


@pytest.mark.parametrize(("error", "status", "lines"), [
    (DataError([Problem("data/kpis.yaml", 3, 5, "kpis[0]", Msg(ja="値がありません", en="no value"))]), 1,
     ["data/kpis.yaml:3:5: kpis[1件目]: 値がありません", "エラー 1 件: 何も書き込んでいません。"]),
    (UsageError(Msg(ja="フォルダがありません: x", en="no such folder: x")), 2, ["フォルダがありません: x"]),
    (Refusal(Msg(ja="読めません", en="unreadable")), 1, ["読めません"]),
    (Failure([Msg(ja="検証に失敗しました", en="verify failed"), Msg(ja="受付中のままです", en="still open")]), 1,
     ["検証に失敗しました", "受付中のままです"]),
])
def test_the_command_line_reports_each_error_in_one_place(monkeypatch, capsys, error, status, lines):
    def failing(args, lang):
        raise error

    monkeypatch.setattr(VERBS["status"], "run", failing)
    assert main(["status"]) == status
    assert capsys.readouterr().err.splitlines() == lines
