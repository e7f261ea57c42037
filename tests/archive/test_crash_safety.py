"""Crash safety: builds and collects killed at random moments leave out/ and data/ old or new, complete."""
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest
from formfill import fill
from support import DATA, ROOT, tree

from reportgen.archive.build import build
from reportgen.archive.publish import recover
from reportgen.archive.verification import verify
from reportgen.model.datastore import recover_data
from reportgen.model.loader import load
from reportgen.rules.era import parse_fy

BUILD_TRIALS, COLLECT_TRIALS = 30, 20
YEAR = "2017_H29"


def start(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "generate.py"), *args], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run_and_kill(args: list[str], delay: float) -> None:
    proc = start(args)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def duration(args: list[str]) -> float:
    t = time.monotonic()
    assert start(args).wait() == 0
    return time.monotonic() - t


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


def test_a_build_killed_at_random_moments_leaves_the_old_or_the_new_year_and_verify_passes(states, tmp_path):
    base, old_data, new_data, old, new, old_out = states
    assert old != new
    args = ["--data", str(new_data), "--year", "H29"]
    total = duration(args + ["--out", str(tmp_path / "calibrate")])
    rng = random.Random(2024)
    seen = {"old": 0, "new": 0}

    def trial(n: int, delay: float) -> None:
        out = tmp_path / f"out{n}"
        shutil.copytree(old_out, out)
        run_and_kill(args + ["--out", str(out)], delay)
        state = tree(out / YEAR)
        assert state in (old, new), f"trial {n} (killed at {delay:.2f} s of {total:.2f} s): a mixed year folder\n" + \
            difference(state, old, new)
        seen["old" if state == old else "new"] += 1
        recover(out)  # what the next build does first, under the lock
        assert [p.name for p in out.iterdir() if p.name.startswith(".") and p.name != ".lock"] == []
        assert verify(out)[1] == []
        shutil.rmtree(out)

    # one random moment in each of BUILD_TRIALS equal slots of 1.5× the measured run, as for collect.
    # The swap comes at 73–82 % of a run (measured under load; after it only the old folder's removal
    # and the exit remain): uniform moments over the measured run put a few kills after it, and a run
    # slower than the measured one none, so that the last assert failed about one run in seven.
    for n in range(BUILD_TRIALS):
        trial(n, 1.5 * total * (n + rng.random()) / BUILD_TRIALS)
    # a machine slowed down since the measurement can still push every kill before the swap: then kill
    # later and later (the run's end is reached by 4× unless it ran four times slower)
    extra = BUILD_TRIALS
    while not seen["new"] and extra < BUILD_TRIALS + 3:
        trial(extra, (2 + extra - BUILD_TRIALS) * total)
        extra += 1
    assert seen["old"] and seen["new"], seen  # the kills fell both before and after the swap


def test_a_collect_killed_at_random_moments_leaves_data_old_or_new_and_loadable(states, tmp_path):
    base, old_data, new_data, old, new, old_out = states
    form = old_out / YEAR / "forms" / "実施事業評価等入力表_平成29年度_人権推進課.xlsx"
    filled = fill(form, tmp_path / "filled.xlsx", {"s1-001": {11: "確認済み"}, "s1-002": {6: "A"}})
    target = "strategies/1/projects.yaml"
    before = (old_data / target).read_bytes()
    reference = tmp_path / "reference"
    shutil.copytree(old_data, reference)
    args = ["collect", str(filled)]
    total = duration(args + ["--data", str(reference)])
    after = (reference / target).read_bytes()
    assert after != before
    rng = random.Random(7)
    seen = {"old": 0, "new": 0}
    for trial in range(COLLECT_TRIALS):
        data = tmp_path / f"data{trial}"
        shutil.copytree(old_data, data)
        # one random moment in each of COLLECT_TRIALS equal slots of 1.5× the measured run: kills
        # early in the run and after its end happen whatever the machine's speed at the moment
        # (uniform over the measured run alone once gave 20 kills before the commit point)
        run_and_kill(args + ["--data", str(data)], 1.5 * total * (trial + rng.random()) / COLLECT_TRIALS)
        recover_data(data)  # what the next collect or build does first
        state = (data / target).read_bytes()
        assert state in (before, after), f"trial {trial}: a half-written file"
        seen["old" if state == before else "new"] += 1
        load(data)
        assert not list(data.rglob(".*.yaml.new")) and not (data / ".collect-journal.json").exists()
    assert seen["old"] and seen["new"], seen
