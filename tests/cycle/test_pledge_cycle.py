from support import tree, wait_until_blocked_on

"""Starting the next pledge list (pledges_cycle.open_pledge_list): what the new file holds, and refusals that change nothing."""
import os
import threading

import pytest
import yaml

from reportgen.cycle.pledges import open_pledge_list
from reportgen.model.loader import load
from reportgen.model.lock import data_lock, quietly
from reportgen.rules.problems import DataError, UsageError


def plain(path):
    """A list read with PyYAML's BaseLoader (every scalar a string), not with reportgen's loader."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


def test_the_new_list_is_the_last_one_as_of_the_new_month(data_copy):
    last = data_copy / "pledges" / "2023-09.yaml"
    before = last.read_bytes()
    made = open_pledge_list(data_copy, "2025-03")
    assert made == data_copy / "pledges" / "2025-03.yaml"
    assert last.read_bytes() == before
    old, new = plain(last), plain(made)
    assert new["as_of"] == "2025-03"
    # chapters, pledges, items, progress lines and statuses carried over as they were
    assert new["chapters"] == old["chapters"]
    # the file is the last one's text with two lines changed: its title comment and as_of
    changed = [(a, b) for a, b in zip(before.decode().splitlines(), made.read_text(encoding="utf-8").splitlines()) if a != b]
    assert changed == [("# 市長公約（政策宣言）進捗状況一覧表【令和5年9月末現在】", "# 市長公約（政策宣言）進捗状況一覧表【令和7年3月末現在】"),
                       ("as_of: 2023-09", "as_of: 2025-03")]
    assert len(made.read_bytes().splitlines()) == len(before.splitlines())
    ds = load(data_copy)
    assert [str(p.as_of) for p in ds.pledge_lists] == ["2023-09", "2025-03"]
    # no lock, journal or temporary file left behind
    assert sorted(p.name for p in (data_copy / "pledges").iterdir()) == ["2023-09.yaml", "2025-03.yaml"]


def test_departments_are_carried_over(data_copy):
    f = data_copy / "pledges" / "2023-09.yaml"
    text = f.read_text(encoding="utf-8")
    f.write_text(text.replace("            status: A\n", "            status: A\n            department: 商工観光課\n", 1), encoding="utf-8")
    made = open_pledge_list(data_copy, "令和7年3月")  # the month as the documents write it
    assert made.name == "2025-03.yaml"
    item = plain(made)["chapters"][0]["pledges"][0]["items"][0]
    assert item["department"] == "商工観光課" and item["status"] == "A"


@pytest.mark.parametrize("month, says", [
    ("2025/03", "公約一覧の年月は 2025-03 のように書いてください"),
    ("2025-13", "書かれていた値: '2025-13'"),
    ("来年3月", "書かれていた値: '来年3月'"),
    ("2023-09", "pledges/2023-09.yaml はすでにあります"),
    ("2023-08", "最新の公約一覧 pledges/2023-09.yaml（令和5年9月末現在）より後の年月ではありません"),
    ("令和5年4月", "より後の年月ではありません"),
])
def test_a_refused_month_writes_nothing(data_copy, month, says):
    before = tree(data_copy)
    with pytest.raises(UsageError) as exc:
        open_pledge_list(data_copy, month)
    assert says in exc.value.message.ja
    assert tree(data_copy) == before


def test_an_existing_later_file_is_never_replaced(data_copy):
    open_pledge_list(data_copy, "2025-03")
    before = tree(data_copy)
    with pytest.raises(UsageError, match="already exists"):
        open_pledge_list(data_copy, "2025-03")
    with pytest.raises(UsageError, match="not after the latest pledge list pledges/2025-03.yaml"):
        open_pledge_list(data_copy, "2024-03")
    assert tree(data_copy) == before


def test_no_list_to_carry_over_and_bad_data_write_nothing(data_copy):
    (data_copy / "pledges" / "2023-09.yaml").unlink()
    before = tree(data_copy)
    with pytest.raises(UsageError) as exc:
        open_pledge_list(data_copy, "2025-03")
    assert "繰り越す元の公約一覧がありません" in exc.value.message.ja
    assert tree(data_copy) == before


def test_data_that_does_not_load_is_reported_and_nothing_is_written(data_copy):
    f = data_copy / "pledges" / "2023-09.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("status: C", "status: E", 1), encoding="utf-8")
    before = tree(data_copy)
    with pytest.raises(DataError) as exc:
        open_pledge_list(data_copy, "2025-03")
    assert "pledges/2023-09.yaml" in exc.value.render() and "status" in exc.value.render()
    assert tree(data_copy) == before


def test_it_waits_for_the_lock_build_and_collect_take(data_copy):
    done = []
    with data_lock(data_copy, quietly):
        t = threading.Thread(target=lambda: done.append(open_pledge_list(data_copy, "2025-03")))
        t.start()
        # blocked in the kernel on data/.lock (this process's pid: flock names the process, not the thread)
        assert wait_until_blocked_on(data_copy / ".lock", os.getpid(), t.is_alive)
        assert not done and not (data_copy / "pledges" / "2025-03.yaml").exists()
    t.join(10)
    assert done and done[0].is_file()


def test_a_dry_run_checks_everything_and_writes_nothing(data_copy):
    before = tree(data_copy)
    assert open_pledge_list(data_copy, "2025-03", dry_run=True) == data_copy / "pledges" / "2025-03.yaml"
    with pytest.raises(UsageError):
        open_pledge_list(data_copy, "2023-08", dry_run=True)
    assert tree(data_copy) == before
