"""What each speed shortcut (reportgen/fast/) saves of a 10× build, measured with it on and off in turn.

    python3 bench/shortcuts.py                  # 10× synthetic data, every shortcut, 1 round
    python3 bench/shortcuts.py --only merge,charts --rounds 2

On a machine shared by several people, two builds of 20 s a minute apart differ by ±15 % in CPU
time as well as in wall time, more than some shortcuts save. So the switch is turned in one
process, document by document: every document of every year is rendered twice in a row, with
the shortcut on and off (which first, at random), and the CPU time of each render
(time.process_time: user + system, every thread) is added to its side; both sides then see the
same moments of the machine. A shortcut's saving is the difference between the sides, as a share
of a whole 10× build's CPU time (the median of fresh-process builds with every shortcut on,
measured first). Every render's bytes are compared with the first render's: a shortcut that
changed a byte stops the run. Data is SYNTHETIC (bench/synth.py).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import synth  # noqa: E402

from reportgen import fast  # noqa: E402
from reportgen.fast import SHORTCUTS  # noqa: E402

BUILD_CHILD = r"""
import json, resource, sys
sys.path.insert(0, {root!r})
from pathlib import Path
from reportgen.archive.build import build
import reportgen.render.docx, reportgen.render.xlsx
import reportgen.deliverables  # noqa: E402,F401 (every deliverable module: imports are not the build's work)
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
c = cpu()
build(Path({data!r}), Path({out!r}))
print(json.dumps({{"cpu": cpu() - c}}))
"""

def child(code: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "REPORTGEN_REFERENCE_PATHS"}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode:
        raise SystemExit(proc.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def switched(off: frozenset[str]):
    fast.OFF = off


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=1, help="times every document is rendered on and off")
    ap.add_argument("--builds", type=int, default=3, help="fresh-process builds for the whole build's CPU time")
    ap.add_argument("--only", default="", help="comma-separated shortcut names (default: every one)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    names = [n for n in args.only.split(",") if n] or list(SHORTCUTS)
    rng = random.Random(args.seed)

    from reportgen.deliverables import outputs_for, present_years
    from reportgen.model.loader import load
    from reportgen.render.dispatch import render
    from reportgen.templating import templateset
    from reportgen.templating.year import year_settings

    with tempfile.TemporaryDirectory(prefix="reportgen-shortcuts-") as tmp:
        tmp = Path(tmp)
        data = synth.generate(ROOT / "data", tmp / "data", args.scale)
        builds = [child(BUILD_CHILD.format(root=str(ROOT), data=str(data), out=str(tmp / f"out{i}")))["cpu"]
                  for i in range(args.builds)]
        whole = statistics.median(builds)
        print(f"{args.scale}× build, every shortcut on: {whole:.2f} s CPU (median of {', '.join(f'{b:.2f}' for b in builds)})",
              flush=True)

        ds = load(data)
        tset = templateset.for_data(data)
        years = [year_settings(fy, ds.city.fy2019, tset) for fy in present_years(ds)]
        work = [(job, year) for year in years for job in outputs_for(ds, year)]
        reference = [render(job, year, ds.city.name) for job, year in work]  # also what warms every cache
        print(f"{len(work)} documents", flush=True)
        results = {}
        for name in names:
            spent = {True: 0.0, False: 0.0}
            for _ in range(args.rounds):
                for (job, year), expected in zip(work, reference):
                    for on in rng.sample([True, False], 2):
                        switched(frozenset() if on else frozenset({name}))
                        c = time.process_time()
                        made = render(job, year, ds.city.name)
                        spent[on] += time.process_time() - c
                        if made != expected:
                            raise SystemExit(f"shortcut {name} {'on' if on else 'off'} changed {job.filename}")
            switched(frozenset())
            saved = (spent[False] - spent[True]) / args.rounds
            results[name] = saved
            print(f"{name:10} on {spent[True] / args.rounds:6.2f} s, off {spent[False] / args.rounds:6.2f} s CPU: "
                  f"saves {saved:+.2f} s = {100 * saved / whole:+.1f} % of the build", flush=True)
    print()
    print(f"| shortcut | saves of a {args.scale}× build (CPU) |")
    print("| --- | ---: |")
    for name in sorted(results, key=lambda n: -results[n]):
        print(f"| {name} | {results[name]:+.2f} s ({100 * results[name] / whole:+.1f} %) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
