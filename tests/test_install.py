"""Installing: the Quick start installs the locked, hashed versions; `pip install .` carries the templates."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib.metadata import PackageNotFoundError, distribution, version
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from support import DATA, ROOT


def locked() -> dict[str, tuple[str, list[str]]]:
    """requirements.lock as name -> (version, hashes), read here without pip."""
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    entries = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 1)[1] if text.startswith("#") else text):
        first = block.strip().splitlines()[0] if block.strip() else ""
        if not first or first.startswith("#"):
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([^\s\\]+)\s*\\?", first.strip())
        assert m, f"not an exact pin: {first!r}"
        entries[canonicalize_name(m.group(1))] = (m.group(2), re.findall(r"--hash=sha256:([0-9a-f]{64})", block))
    return entries


def quick_start() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"^## Quick start.*?^```[^\n]*\n(.*?)^```", text, re.S | re.M).group(1)
    return [line for line in block.splitlines() if line.strip() and not line.strip().startswith("#")]


def test_the_lock_pins_every_package_and_every_dependency_of_one_with_hashes():
    lock = locked()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]]
    for req in wanted:  # every direct dependency, at a version the ranges of pyproject.toml allow
        name = canonicalize_name(req.name)
        assert name in lock, req.name
        assert req.specifier.contains(lock[name][0]), (req, lock[name][0])
    env = default_environment()
    for name, (ver, hashes) in lock.items():
        assert hashes, f"{name} has no hash"
        # dependencies of dependencies too: whatever the locked package requires is locked
        for dep in distribution(name).requires or []:
            r = Requirement(dep)
            if r.marker is None or r.marker.evaluate({**env, "extra": ""}):
                assert canonicalize_name(r.name) in lock, f"{name} needs {r.name}, which is not locked"
    for name in ("python-docx", "openpyxl", "docxtpl", "jinja2", "lxml", "pyyaml", "pydantic", "ruamel-yaml", "defusedxml"):
        assert lock[name][1], name


def test_the_quick_start_and_ci_install_the_lock_with_hashes_before_reportgen():
    commands = quick_start()
    assert len(commands) == 2
    for cmd in commands:
        steps = [s.strip() for s in cmd.split("&&")]
        assert steps[0] == "python3 -m pip install --require-hashes -r requirements.lock"
        assert steps[1] == "python3 -m pip install --no-deps ."  # reportgen, without pulling other versions
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "print(commands[1])" in ci and 'eval "$test_command"' in ci  # CI runs the second command


def test_the_installed_libraries_are_the_locked_versions_and_the_manifest_names_them(built):
    lock = locked()
    for name, (ver, _) in lock.items():
        try:
            assert version(name) == ver, f"{name} {version(name)} is installed, the lock says {ver}"
        except PackageNotFoundError:
            raise AssertionError(f"{name} is locked but not installed") from None
    recorded = json.loads((built / "2024_R6" / "manifest.json").read_text(encoding="utf-8"))["environment"]["libraries"]
    for name in ("openpyxl", "python-docx", "docxtpl", "jinja2", "lxml", "pyyaml", "markupsafe", "et-xmlfile"):
        assert recorded[name] == lock[canonicalize_name(name)][0], name


def test_pip_install_then_reportgen_in_an_empty_folder_builds_with_the_shipped_templates(tmp_path):
    # from a copy of what the source tree holds: setuptools reuses a build/ folder left in the checkout
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for name in ("reportgen", "templates"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(src)],
                   check=True, capture_output=True, cwd=tmp_path)
    wheel = next(wheels.glob("reportgen-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    shipped = sorted(p.name for p in (ROOT / "templates").iterdir() if p.is_file())
    assert sorted(n.split("/")[-1] for n in names if n.startswith("reportgen/templates/")) == shipped
    # a fresh environment that sees the locked libraries but not this checkout
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(venv)], check=True)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q", "--no-deps",
                    "--force-reinstall", str(wheel)], check=True, capture_output=True)
    empty = tmp_path / "empty"
    empty.mkdir()
    run = subprocess.run([str(venv / "bin" / "reportgen"), "--data", str(DATA), "--year", "H29"],
                         cwd=empty, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import reportgen.templating.templateset as t; print(t.shipped())"],
                           cwd=empty, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where).is_relative_to(venv)  # the installed copy's own templates, not the checkout's
    year = empty / "out" / "2017_H29"
    assert (year / "01_対象事業一覧_平成29年度.docx").is_file() and (year / "templates" / "target_list.docx").is_file()
    verify = subprocess.run([str(venv / "bin" / "reportgen"), "verify"], cwd=empty, capture_output=True, text=True)
    assert verify.returncode == 0, verify.stderr
    # the skeleton `init` writes is package data too: a new city's folder from the installed copy alone builds
    init = subprocess.run([str(venv / "bin" / "reportgen"), "init", "town", "--city", "安平町"], cwd=empty,
                          capture_output=True, text=True)
    assert init.returncode == 0, init.stderr
    town = subprocess.run([str(venv / "bin" / "reportgen"), "--data", "town/data", "--out", "town/out"], cwd=empty,
                          capture_output=True, text=True)
    assert town.returncode == 0, town.stderr
    assert (empty / "town" / "out" / "2025_R7" / "01_指標一覧_令和7年度.docx").is_file()
