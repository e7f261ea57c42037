"""The collect journal (issue 24, item 4): paths relative to data/, recovered by every run that takes
data/.lock, unique temporary names, and a journal naming anything but a data file inside data/ never
acted on. A kill is simulated by raising at the step, as in test_crash_safety."""
import json
import os
from pathlib import Path

import pytest

from reportgen.cli import main
from reportgen.cycle import opening
from reportgen.model import cycle_state, datastore
from reportgen.model.datastore import JOURNAL, temp_path, write_atomically
from reportgen.model.lock import data_lock, quietly
from reportgen.rules.era import parse_fy

KPIS = "strategies/1/kpis.yaml"
MARK = "# 取り込み済み（テスト）\n"


class Killed(BaseException):
    """The process dying at this step (BaseException: nothing on the way catches it)."""


def killed_after(monkeypatch, replaces: int) -> None:
    """os.replace works `replaces` times, then the process is killed."""
    real, count = os.replace, [0]

    def replace(a, b, *args, **kw):
        count[0] += 1
        if count[0] > replaces:
            raise Killed()
        return real(a, b, *args, **kw)

    monkeypatch.setattr(datastore.os, "replace", replace)


def crashed_collect(data: Path, texts: dict[str, str], replaced: int = 1) -> None:
    """A collect killed in its roll-forward: the journal committed, `replaced` files replaced, not the rest."""
    with pytest.MonkeyPatch.context() as mp:
        killed_after(mp, 1 + replaced)  # the journal's commit, then the files
        with pytest.raises(Killed):
            write_atomically(data, texts)
    assert (data / JOURNAL).is_file()


def new_texts(data: Path) -> dict[str, str]:
    cycle_state.save(data, cycle_state.Cycle())  # the cycle's record, as the first open writes it
    cycle = "# 新しい状態\n" + cycle_state.dump(cycle_state.Cycle())
    return {KPIS: (data / KPIS).read_text(encoding="utf-8") + MARK, cycle_state.FILE: cycle}


def test_a_collect_killed_in_its_roll_forward_is_finished_by_a_run_started_in_another_folder(data_copy, tmp_path, monkeypatch):
    monkeypatch.chdir(data_copy.parent)
    relative = Path(data_copy.name)  # collect --data data, from the data's parent folder
    texts = new_texts(relative)
    crashed_collect(relative, texts)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # build --data /abs/data, from another folder
    with data_lock(data_copy.resolve(), quietly):
        pass
    assert (data_copy / KPIS).read_text(encoding="utf-8") == texts[KPIS]
    assert (data_copy / cycle_state.FILE).read_text(encoding="utf-8") == texts[cycle_state.FILE]
    assert not (data_copy / JOURNAL).exists()
    assert not [p for p in data_copy.rglob("*.new")]


def test_open_finishes_a_killed_collect_before_it_writes_the_cycle(data_copy, tmp_path):
    texts = new_texts(data_copy)
    crashed_collect(data_copy, texts, replaced=0)  # killed right after its commit point
    opening.open_year(data_copy, tmp_path / "out", parse_fy("R7"))
    assert (data_copy / KPIS).read_text(encoding="utf-8") == texts[KPIS]  # the collect, finished first
    text = (data_copy / cycle_state.FILE).read_text(encoding="utf-8")
    assert "R7:" in text and "state: open" in text  # then the year opened on top of it
    assert not (data_copy / JOURNAL).exists()


def test_a_write_of_the_cycle_never_takes_a_pending_files_name(data_copy):
    """open and collect both replace cycle.yaml; a pending file of one is never the other's."""
    crashed_collect(data_copy, new_texts(data_copy))
    pending = sorted(p.name for p in data_copy.glob(".cycle.yaml.*.new"))
    assert len(pending) == 1
    cycle_state.save(data_copy, cycle_state.Cycle())  # the cycle's writer, as open calls it
    assert sorted(p.name for p in data_copy.glob(".cycle.yaml.*.new")) == pending
    assert temp_path(data_copy / "cycle.yaml") != temp_path(data_copy / "cycle.yaml")


PLANTED = {
    "a path out of data/": lambda d, outside: [["../.victim.yaml.0badc0de.new", "../victim.yaml"]],
    "an absolute path": lambda d, outside: [[str(outside.parent / ".victim.yaml.0badc0de.new"), str(outside)]],
    "a link out of data/": lambda d, outside: (os.symlink(outside.parent, d / "link"),
                                               [["link/.victim.yaml.0badc0de.new", "link/victim.yaml"]])[1],
    "a file not a data file": lambda d, outside: [[".city.yaml.0badc0de.new", "city.txt"]],
}


@pytest.mark.parametrize("name", list(PLANTED))
def test_a_planted_journal_naming_a_file_outside_data_is_named_in_one_line_and_left(name, data_copy, tmp_path, capsys):
    outside = data_copy.parent / "victim.yaml"
    outside.write_text("大事なファイル\n", encoding="utf-8")
    (data_copy.parent / ".victim.yaml.0badc0de.new").write_text("上書きする内容\n", encoding="utf-8")
    journal = data_copy / JOURNAL
    journal.write_text(json.dumps({"format": datastore.JOURNAL_FORMAT, "replace": PLANTED[name](data_copy, outside)}),
                       encoding="utf-8")
    before = journal.read_bytes()
    code = main(["build", "--data", str(data_copy), "--out", str(tmp_path / "out"), "--year", "H29"])
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 1 and "Traceback" not in err and len(lines) == 2, err  # the journal's line, and the count
    assert lines[0].startswith(f"{data_copy / JOURNAL}:1:1: 中断された書き込みの記録として使えません（"), err
    assert "何もせずに残しました。内容を確かめてから削除してください" in lines[0]
    assert outside.read_text(encoding="utf-8") == "大事なファイル\n"
    assert journal.read_bytes() == before
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").glob("20*"))


def test_a_journal_of_the_old_form_is_named_and_left(data_copy, tmp_path, capsys):
    """Versions before this one wrote a list of paths relative to the folder collect ran in."""
    journal = data_copy / JOURNAL
    journal.write_text(json.dumps([["data/.kpis.yaml.new", "data/kpis.yaml"]]), encoding="utf-8")
    assert main(["build", "--data", str(data_copy), "--out", str(tmp_path / "out"), "--year", "H29"]) == 1
    assert "format: reportgen-journal/2 と replace の並びが必要です" in capsys.readouterr().err
    assert journal.is_file()
