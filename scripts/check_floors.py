"""Check that the lowest versions pyproject.toml allows really work: install each dependency at its
floor into a fresh virtual environment, install reportgen (not editable), build data/ and verify it.

    python3 scripts/check_floors.py            # the floors of pyproject.toml's [project] dependencies
    python3 scripts/check_floors.py jinja2==3.1.2 docxtpl==0.19.0   # try other versions of some

It works in a temporary folder (removed afterwards unless --keep) and uses pip's configured index.
The Quick start installs requirements.lock instead: these floors are for people who install
reportgen as a library next to other packages. The last result is recorded in docs/dependencies.md.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def floors() -> dict[str, str]:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    found = {}
    for dep in deps:
        m = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*>=\s*([^,;\s]+).*", dep)
        if not m:
            raise SystemExit(f"no floor in {dep!r}")
        found[m.group(1).lower()] = m.group(2)
    return found


def run(cmd: list[str], cwd: Path | None = None) -> str:
    print("+", " ".join(cmd), flush=True)
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if done.returncode:
        print(done.stdout[-4000:], done.stderr[-4000:], sep="\n")
        raise SystemExit(f"failed ({done.returncode}): {' '.join(cmd)}")
    return done.stdout


def main(argv: list[str]) -> int:
    keep = "--keep" in argv
    pins = floors()
    for arg in (a for a in argv if a != "--keep"):
        name, _, version = arg.partition("==")
        pins[name.lower()] = version
    tmp = Path(tempfile.mkdtemp(prefix="reportgen-floors-"))
    try:
        venv = tmp / "venv"
        run([sys.executable, "-m", "venv", str(venv)])
        py = str(venv / "bin" / "python")
        run([py, "-m", "pip", "install", "-q", *(f"{n}=={v}" for n, v in pins.items())])
        run([py, "-m", "pip", "install", "-q", "--no-deps", str(ROOT)])
        print(run([py, "-m", "pip", "freeze"]), end="")
        work = tmp / "work"  # an empty folder: the installed package must find its own templates
        work.mkdir()
        run([py, "-c", "import reportgen.cli, reportgen.archive.build, reportgen.cli.collect, reportgen.render.docx, reportgen.render.xlsx"], work)
        print(run([str(venv / "bin" / "reportgen"), "--data", str(ROOT / "data"), "--out", "out"], work), end="")
        print(run([str(venv / "bin" / "reportgen"), "verify", "out"], work), end="")
        print("floors work:", ", ".join(f"{n}=={v}" for n, v in pins.items()))
        return 0
    finally:
        if keep:
            print("kept", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
