"""Load test of the forms inbox: N departments (default 50) check and then hand in their forms at the same moment.

    python3 bench/inbox_load.py              # 50 departments, each response within 300 s
    python3 bench/inbox_load.py --departments 20 --limit 120

A city of N departments, one KPI each (tests/inboxkit.many_departments), opened for R7; the inbox
served on 127.0.0.1 in its own process. Every department loads its page, checks its filled form,
waits for the others, and all hand in at once. Then: every form recorded exactly once, every value
in data/, every response within --limit seconds; prints the slowest and median response of each
step. Forms are judged two at a time (the inbox's children); the hand-ins queue on data/.lock like
collects, so the last one waits for all before it. Exit 1 when anything was lost or too slow.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from formfill import fill  # noqa: E402
from inboxkit import free_port, many_departments, serve, token  # noqa: E402

from reportgen.cli import main  # noqa: E402


def department(base: str, tok: str, form: Path, barrier: threading.Barrier, times: dict, errors: list) -> None:
    url = f"{base}/d/{tok}"
    try:
        with httpx.Client(timeout=600) as c:
            t = time.monotonic()
            page = c.get(url)
            csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
            times["page"].append(time.monotonic() - t)
            t = time.monotonic()
            checked = c.post(f"{url}/check", data={"csrf": csrf}, files={"form": (form.name, form.read_bytes())})
            times["check"].append(time.monotonic() - t)
            sha = re.search(r'name="upload" value="([0-9a-f]{64})"', checked.text).group(1)
            barrier.wait()
            t = time.monotonic()
            done = c.post(f"{url}/hand-in", data={"csrf": csrf, "upload": sha}, follow_redirects=True)
            times["hand-in"].append(time.monotonic() - t)
            if "提出しました" not in done.text:
                errors.append(f"{form.name}: not handed in")
    except Exception as exc:  # noqa: BLE001 - a bench reports every failure and goes on
        errors.append(f"{form.name}: {exc!r}")
        barrier.abort()


def main_(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--departments", type=int, default=50)
    p.add_argument("--limit", type=float, default=300.0, help="seconds any one response may take")
    a = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        data = many_departments(Path(tmp), a.departments)
        out = Path(tmp) / "out"
        assert main(["open", "R7", "--data", str(data), "--out", str(out)]) == 0
        sent = out / "sent" / "2025_R7"
        names = [f"課{i:02d}" for i in range(1, a.departments + 1)]
        forms = {d: fill(sent / f"KPI実績値等入力表_令和7年度_{d}.xlsx", Path(tmp) / f"KPI実績値等入力表_令和7年度_{d}.xlsx",
                         {f"kpi:K{i:02d}": {6: f"年間{100 + i}件"}}) for i, d in enumerate(names, 1)}
        port = free_port()
        server = serve(data, out, port)
        times: dict[str, list[float]] = {"page": [], "check": [], "hand-in": []}
        errors: list[str] = []
        barrier = threading.Barrier(a.departments)
        started = time.monotonic()
        try:
            threads = [threading.Thread(target=department, args=(f"http://127.0.0.1:{port}", token(data, d), forms[d],
                                                                 barrier, times, errors)) for d in names]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        finally:
            server.kill()
            server.communicate()
        total = time.monotonic() - started
        record = yaml.safe_load((data / "cycle.yaml").read_text(encoding="utf-8"))["years"]["R7"]["forms"]
        kpis = yaml.safe_load((data / "strategies/1/kpis.yaml").read_text(encoding="utf-8"))["kpis"]
        for f in record:
            if f["kind"] == "kpi" and [r["outcome"] for r in f["returns"]] != ["applied"]:
                errors.append(f"{f['file']}: recorded {len(f['returns'])} time(s): {[r['outcome'] for r in f['returns']]}")
        for i, k in enumerate(kpis, 1):
            if str(k["actuals"].get("R7")) != f"年間{100 + i}件":
                errors.append(f"{k['id']}: R7 is {k['actuals'].get('R7')!r} in data/")
        for step, ts in times.items():
            print(f"{step:8s} {len(ts):3d} responses: median {statistics.median(ts):6.1f} s, slowest {max(ts):6.1f} s")
            errors += [f"{step}: a response took {t:.1f} s (limit {a.limit:.0f} s)" for t in ts if t > a.limit]
        print(f"{a.departments} departments in {total:.1f} s; {len(errors)} problem(s)")
        for e in errors:
            print("  " + e)
        return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main_())
