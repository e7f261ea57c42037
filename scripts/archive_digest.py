"""Prints the SHA-256 of every file reportgen builds: each data folder's archive and the forms `open` sends.

Run it before and after a change that must not change a byte (a move, a rename, a refactor) and
compare the two outputs with `diff`: `python3 scripts/archive_digest.py > before.txt`.
The data folders are copied to a temporary folder first, so `data/` and `examples/` are untouched.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The year each data folder opens for collection (the forms `open` sends are part of the proof).
OPEN_YEAR = {"data": "R7"}


def digest_tree(folder: Path, label: str) -> list[str]:
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {label}/{rel}")
    return lines


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("SOURCE_DATE_EPOCH", None)
    return subprocess.run([sys.executable, str(ROOT / "generate.py"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True)


def main() -> int:
    folders = [("data", ROOT / "data")] + [
        (f"examples/{p.parent.name}", p) for p in sorted(ROOT.glob("examples/*/data"))]
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, source in folders:
            work = Path(tmp) / label.replace("/", "_")
            shutil.copytree(source, work / "data")
            built = run(["--data", "data", "--out", "out"], work)
            lines.append(f"# {label}: build exit {built.returncode}")
            year = OPEN_YEAR.get(label)
            if year:
                opened = run(["open", year, "--data", "data", "--out", "out"], work)
                lines.append(f"# {label}: open {year} exit {opened.returncode}")
            lines += digest_tree(work / "out", label)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
