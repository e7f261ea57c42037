"""Files and folders whose names reportgen owns (issue 24, item 7): a link in their place refused in one
line (or removed where that is safe), never followed; a path that may not be written told in one
line; published folders with the modes the umask gives."""
import errno
import hashlib
import os
import shutil
import stat
from pathlib import Path

import pytest
from formfill import fill
from support import DATA

from reportgen.archive import publish
from reportgen.archive.build import build
from reportgen.cli import main
from reportgen.cycle import opening
from reportgen.rules.era import parse_fy
from reportgen.rules.problems import UsageError


def snapshot(folder: Path) -> dict:
    """Each path under `folder` with whether it is a link (support.tree follows links; here a link is the point)."""
    return {p.relative_to(folder).as_posix(): (p.is_symlink(), hashlib.sha256(p.read_bytes()).hexdigest()
                                               if p.is_file() and not p.is_symlink() else "")
            for p in sorted(folder.rglob("*"))}


@pytest.fixture(scope="module")
def two_years(tmp_path_factory):
    out = tmp_path_factory.mktemp("years") / "out"
    build(DATA, out, years=[parse_fy("H29"), parse_fy("H30")])
    return out


def test_a_year_folder_replaced_by_a_link_stops_the_build_before_any_year_is_published(two_years, tmp_path, capsys):
    out = tmp_path / "out"
    shutil.copytree(two_years, out, symlinks=True)
    elsewhere = tmp_path / "elsewhere"
    (out / "2018_H30").rename(elsewhere)
    (out / "2018_H30").symlink_to(elsewhere, target_is_directory=True)
    before, linked = snapshot(out), snapshot(elsewhere)
    code = main(["--data", str(DATA), "--out", str(out), "--year", "H29", "--year", "H30"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert err.strip().splitlines()[0].endswith(
        f"{out / '2018_H30'} はシンボリックリンクです。reportgen が作る名前なのでリンクはたどりません。削除してからやり直してください"), err
    assert snapshot(out) == before  # H29 not published either, no staging folder left
    assert snapshot(elsewhere) == linked


def test_a_staging_name_that_is_a_link_is_removed_as_a_link(tmp_path):
    out, victim = tmp_path / "out", tmp_path / "victim"
    out.mkdir()
    victim.mkdir()
    (victim / "keep.txt").write_text("残す\n", encoding="utf-8")
    (out / ".staging-2017_H29-abc").symlink_to(victim, target_is_directory=True)
    (out / ".old-2017_H29-123").symlink_to(victim, target_is_directory=True)
    publish.recover(out)
    assert sorted(p.name for p in out.iterdir()) == []  # not restored as out/2017_H29, not left for good
    assert (victim / "keep.txt").read_text(encoding="utf-8") == "残す\n"


def test_a_lock_file_that_is_a_link_is_refused_and_its_target_not_created(data_copy, tmp_path, capsys):
    target = tmp_path / "created-through-the-link"
    (data_copy / ".lock").unlink(missing_ok=True)  # a run on the shipped data leaves its lock file
    (data_copy / ".lock").symlink_to(target)
    code = main(["--data", str(data_copy), "--out", str(tmp_path / "out"), "--year", "H29"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert err.strip() == (f"{data_copy / '.lock'} はシンボリックリンクです。reportgen が作る名前なのでリンクはたどりません。"
                           "削除してからやり直してください"), err
    assert not target.exists() and not (tmp_path / "out").exists()


def test_a_sent_folder_that_is_a_link_is_refused(data_copy, tmp_path):
    out = tmp_path / "out"
    (out / "sent").mkdir(parents=True)
    (out / "sent" / "2025_R7").symlink_to(tmp_path / "nowhere", target_is_directory=True)
    with pytest.raises(UsageError) as exc:
        opening.open_year(data_copy, out, parse_fy("R7"))
    assert exc.value.message.ja.endswith("はシンボリックリンクです。reportgen が作る名前なのでリンクはたどりません。削除してからやり直してください")
    assert not (tmp_path / "nowhere").exists()


def refuse_writes_under(monkeypatch, folder: Path, err: int) -> None:
    """As a read-only folder or disk answers: creating anything under `folder` fails (the tests run as
    root, whom permissions do not stop)."""
    real_open, real_mkdir = os.open, os.mkdir

    def guarded_open(path, flags, *a, **k):
        if flags & (os.O_CREAT | os.O_WRONLY | os.O_RDWR) and Path(path).is_relative_to(folder):
            raise OSError(err, os.strerror(err), str(path))
        return real_open(path, flags, *a, **k)

    def guarded_mkdir(path, *a, **k):
        if Path(path).is_relative_to(folder):
            raise OSError(err, os.strerror(err), str(path))
        return real_mkdir(path, *a, **k)

    monkeypatch.setattr(os, "open", guarded_open)
    monkeypatch.setattr(os, "mkdir", guarded_mkdir)


@pytest.mark.parametrize("err, words", [(errno.EROFS, " に書き込めません（読み取り専用のディスクです）。書き込めるフォルダを指定してください"),
                                        (errno.EACCES, " を使えません（書き込みか読み取りの権限がありません）。権限のあるフォルダを指定してください")])
def test_an_out_folder_that_cannot_be_written_is_told_in_one_line(err, words, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    out.mkdir()
    refuse_writes_under(monkeypatch, out, err)
    code = main(["--data", str(DATA), "--out", str(out), "--year", "H29"])
    printed = capsys.readouterr().err.strip()
    assert code == 2 and printed == f"{out / '.lock'}{words}", printed
    assert list(out.iterdir()) == []


def test_a_data_folder_that_cannot_be_written_is_told_in_one_line_by_collect(two_years, data_copy, tmp_path, monkeypatch, capsys):
    form = two_years / "2017_H29" / "forms" / "実施事業評価等入力表_平成29年度_人権推進課.xlsx"
    filled = fill(form, tmp_path / "ok.xlsx", {"s1-001": {11: "確認済み"}})
    before = snapshot(data_copy)
    monkeypatch.setattr(os, "access", lambda p, mode, *a, **k: False if Path(p) == data_copy else True)  # read-only: not locked
    refuse_writes_under(monkeypatch, data_copy, errno.EROFS)
    code = main(["collect", str(filled), "--data", str(data_copy), "--year", "H29"])
    printed = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and "Traceback" not in "".join(printed)
    assert printed[-1].endswith("に書き込めません（読み取り専用のディスクです）。書き込めるフォルダを指定してください"), printed
    assert printed[-1].startswith(str(data_copy)), printed
    assert snapshot(data_copy) == before


@pytest.mark.parametrize("mask", [0o022, 0o002, 0o077])
def test_a_published_year_and_its_folders_take_their_modes_from_the_umask(mask, tmp_path):
    old = os.umask(mask)
    try:
        build(DATA, tmp_path / "out", years=[parse_fy("H29")])
    finally:
        os.umask(old)
    year = tmp_path / "out" / "2017_H29"
    folders = [year, *(p for p in year.rglob("*") if p.is_dir())]
    files = [p for p in year.rglob("*") if p.is_file()]
    assert {stat.S_IMODE(p.stat().st_mode) for p in folders} == {0o777 & ~mask}
    assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o666 & ~mask}
