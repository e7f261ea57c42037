"""A year's manifest: what was built, from which data, templates and library versions; the year's folder name and stamp."""
from __future__ import annotations

import hashlib
import json
import platform
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from reportgen import __version__
from reportgen.model.loader import Dataset
from reportgen.rules import era
from reportgen.rules.era import FiscalYear
from reportgen.templating.year import folder_name, source_date, stamp_for  # noqa: F401 - the archive's names for them

MANIFEST = "manifest.json"


FORMAT = "reportgen-archive/2"  # 2: the templates, labels and library versions are recorded


TEMPLATES_DIR = "templates"  # a year folder's copies of the templates and labels it was built with


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# The libraries whose versions can change a document's bytes (by their distribution names), recorded
# in every manifest and compared by verify (only these: an older manifest's pydantic, which validated
# the data before rules/typed.py did, is not compared). PyYAML reads the data every document is built from.
SHAPING = ("openpyxl", "et-xmlfile", "python-docx", "docxtpl", "jinja2", "markupsafe", "lxml", "pyyaml")


def environment() -> dict:
    """The Python, zlib (every package is deflated by it) and library versions this process builds with."""
    import zlib
    from importlib.metadata import PackageNotFoundError, version

    libs = {}
    for name in SHAPING:
        try:
            libs[name] = version(name)
        except PackageNotFoundError:
            libs[name] = None
    return {"python": platform.python_version(), "zlib": zlib.ZLIB_RUNTIME_VERSION, "libraries": libs}


WRITTEN, KEPT, CLOSED_KEPT = "written", "kept", "closed"  # what a build did with a year's folder

# requirements.lock beside the package (a checkout, as the Quick start installs): its hash and exact
# pins go into every manifest, so a year's library versions can be recovered from the archive alone.
LOCK = Path(__file__).resolve().parent.parent.parent / "requirements.lock"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.\-]*)==([^\s\\;]+)", re.M)


@lru_cache(maxsize=1)
def lock_record() -> dict | None:
    """{"file", "sha256", "pins"} of requirements.lock; None where reportgen runs without it (a wheel
    installed with pip carries no lock: its manifests record the shaping libraries' versions only)."""
    try:
        content = LOCK.read_bytes()
    except OSError:
        return None
    pins = [f"{name}=={ver}" for name, ver in _PIN.findall(content.decode("utf-8", "replace"))]
    return {"file": LOCK.name, "sha256": sha256(content), "pins": pins}


@dataclass
class YearBuild:
    """What one year's build wrote (for the summary and the manifest)."""

    fy: FiscalYear
    folder: str
    files: list[dict] = field(default_factory=list)
    templates: list[dict] = field(default_factory=list)  # the template and labels files archived
    outcome: str = WRITTEN
    changed: list[str] = field(default_factory=list)     # closed (or corrected): what a build now would change
    pdf_kept: list[str] = field(default_factory=list)    # PDFs carried over: their documents did not change
    pdf_rebuilt: list[str] = field(default_factory=list) # PDFs converted again: their documents changed
    removed: list[str] = field(default_factory=list)     # files the earlier folder had and this one has not
    edition: dict | None = None                          # a correction: this edition and the one it supersedes


def manifest_bytes(ds: Dataset, build: YearBuild) -> bytes:
    fy = build.fy
    named = {"fy2019": ds.city.fy2019}  # the year as its folder names it (city.yaml's choice for FY2019)
    doc = {
        "format": FORMAT,
        "tool": {"name": "reportgen", "version": __version__},
        "fiscal_year": {"code": era.short(FiscalYear(fy.year), **named), "western": fy.year,
                        "label": era.long(FiscalYear(fy.year), **named)},
        "city": ds.city.name,
        "stamp": stamp_for(fy).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "environment": environment(),
        "lock": lock_record(),
        "data": {
            "sha256": ds.sha256,
            "files": [{"path": f"data/{s.relpath}", "sha256": s.sha256, "bytes": len(s.content)} for s in ds.sources],
        },
        "templates": build.templates,
        "files": build.files,
    }
    if build.edition:  # a correction (generate.py correct): which edition this is, which it supersedes and why
        doc["edition"] = {k: v for k, v in build.edition.items() if k != "earlier_folder"}
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
