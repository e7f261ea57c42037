"""Crash safety: builds and collects killed before each change they make to the disk leave out/ and data/ old or new, complete."""
import contextlib
import io
import shutil

import pytest
from forked import run_cli
from formfill import fill
from support import DATA, tree

from reportgen.archive.build import build
from reportgen.archive.publish import recover
from reportgen.archive.verification import verify
from reportgen.cli import main
from reportgen.model.datastore import recover_data
from reportgen.model.loader import load
from reportgen.rules.era import parse_fy

YEAR = "2017_H29"
SPREAD = 6  # kill points spread over the run's changes before its commit protocol begins (each leaves the old state)


@pytest.fixture(scope="module")
def states(tmp_path_factory):
    base = tmp_path_factory.mktemp("crash")
    old_data, new_data = base / "old", base / "new"
    shutil.copytree(DATA, old_data)
    shutil.copytree(DATA, new_data)
    f = new_data / "strategies/1/projects.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("name: ジュニアエコノミースクール", "name: こども経済教室"), encoding="utf-8")
    old_out, new_out = base / "old_out", base / "new_out"
    build(old_data, old_out, years=[parse_fy("H29")])
    build(new_data, new_out, years=[parse_fy("H29")])
    return base, old_data, new_data, tree(old_out / YEAR), tree(new_out / YEAR), old_out


def difference(state: dict, old: dict, new: dict) -> str:
    """Which files of a year folder are neither the old nor the new build's (for the failure message)."""
    lines = []
    for path in sorted(set(state) | set(old) | set(new)):
        s, o, n = state.get(path), old.get(path), new.get(path)
        if s != n or s != o:
            lines.append(f"  {path}: {'old' if s == o else 'new' if s == n else 'missing' if s is None else 'neither'}"
                         f"{'' if o == n else ' (old and new differ)'}")
    return "\n".join(lines)


def kill_points(changes: list[str], committing, each: int) -> list[int]:
    """Before each of SPREAD changes spread evenly over the run up to its commit protocol (from the
    first change that `committing` names), before each of the protocol's first `each` changes, before
    SPREAD // 3 of the rest (the cleanup), and len(changes): the run left to finish."""
    first = next(i for i, change in enumerate(changes) if committing(change))
    rest = max(len(changes) - (first + each), 0)
    return sorted({first * k // SPREAD for k in range(SPREAD)} | set(range(first, min(first + each, len(changes)))) |
                  {first + each + rest * k // (SPREAD // 3) for k in range(SPREAD // 3)} | {len(changes)})


def test_a_build_killed_before_each_change_it_makes_leaves_the_old_or_the_new_year_and_verify_passes(states, tmp_path):
    _, _, new_data, old, new, old_out = states
    assert old != new
    args = ["--data", str(new_data), "--year", "H29"]
    reference = tmp_path / "reference"
    shutil.copytree(old_out, reference)
    changes = run_cli(args + ["--out", str(reference)], tmp_path).changes
    assert tree(reference / YEAR) == new
    # the commit protocol: the staged year swapped into place (renameat2, or two renames where the
    # system has none), the old one removed
    points = kill_points(changes, lambda change: change == "ctypes.dlsym renameat2" or
                         change.startswith("os.rename") and YEAR in change, each=4)
    assert len(points) > SPREAD + 2, changes
    seen = {"old": 0, "new": 0}
    for k in points:
        out = tmp_path / f"out{k}"
        shutil.copytree(old_out, out)
        run_cli(args + ["--out", str(out)], tmp_path, kill_at=k)
        state = tree(out / YEAR)
        assert state in (old, new), f"killed before change {k} of {len(changes)} ({changes[k] if k < len(changes) else 'the end'}): " \
            "a mixed year folder\n" + difference(state, old, new)
        seen["old" if state == old else "new"] += 1
        recover(out)  # what the next build does first, under the lock
        assert [p.name for p in out.iterdir() if p.name.startswith(".") and p.name != ".lock"] == []
        assert verify(out)[1] == []
        shutil.rmtree(out)
    assert seen["old"] and seen["new"], seen  # the kills fell both before and after the swap


def test_a_collect_killed_before_each_change_it_makes_leaves_data_old_or_new_and_loadable(states, tmp_path):
    _, old_data, _, _, _, old_out = states
    form = old_out / YEAR / "forms" / "実施事業評価等入力表_平成29年度_人権推進課.xlsx"
    filled = fill(form, tmp_path / "filled.xlsx", {"s1-001": {11: "確認済み"}, "s1-002": {6: "A"}})
    target = "strategies/1/projects.yaml"
    before = (old_data / target).read_bytes()
    reference = tmp_path / "reference"
    shutil.copytree(old_data, reference)
    args = ["collect", str(filled)]
    warm = tmp_path / "warm"  # the collect once in this process first: the children forked from it start
    shutil.copytree(old_data, warm)  # with what it read (as the build's children start after the fixture's builds)
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(args + ["--data", str(warm)]) == 0
    changes = run_cli(args + ["--data", str(reference)], tmp_path).changes
    after = (reference / target).read_bytes()
    assert after != before
    # the commit protocol, every step of it: the backups, the new files beside the old, the journal
    # naming them (its rename is the commit point), the renames into place, the journal's removal
    points = kill_points(changes, lambda change: "/.backups" in change, each=len(changes))
    assert len(points) > SPREAD + 2, changes
    seen = {"old": 0, "new": 0}
    for k in points:
        data = tmp_path / f"data{k}"
        shutil.copytree(old_data, data)
        run_cli(args + ["--data", str(data)], tmp_path, kill_at=k)
        recover_data(data)  # what the next collect or build does first
        state = (data / target).read_bytes()
        assert state in (before, after), f"killed before change {k} ({changes[k] if k < len(changes) else 'the end'}): a half-written file"
        seen["old" if state == before else "new"] += 1
        load(data)
        assert not list(data.rglob(".*.yaml.new")) and not (data / ".collect-journal.json").exists()
    assert seen["old"] and seen["new"], seen
