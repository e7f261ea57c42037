"""Verify an archive: the library versions against the recorded ones, re-hash every file, rebuild each year.

An archive may come from elsewhere: its manifest is read as untrusted input. A malformed one is a
finding; an entry's path must stay inside the year folder (never hashed otherwise); and which
files must rebuild is decided by their type, never by the manifest's own `reproducible` flag.
"""
from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from reportgen import __version__
from reportgen.archive.manifest import MANIFEST, TEMPLATES_DIR, environment, sha256
from reportgen.archive.year import build_year, template_set
from reportgen.model.loader import load
from reportgen.rules.era import FiscalYear
from reportgen.rules.filenames import path_problem
from reportgen.rules.problems import DataError, Msg
from reportgen.templating import templateset

LIBRARY, HASH, REBUILD = "library", "hash", "rebuild"

# Which archived files are documents that must rebuild byte for byte: decided by type, whatever the
# manifest says (an edited document with its hash updated and `"reproducible": false` is caught).
REBUILT = (".docx", ".xlsx")
# Hashed only: LibreOffice stamps the PDFs it converts with the time of conversion.
HASHED_ONLY = (".pdf",)
_SHA256 = re.compile(r"[0-9a-f]{64}")
_STAMP = "%Y-%m-%dT%H:%M:%SZ"


@dataclass
class Finding:
    """One thing verify found. kind LIBRARY: an installed version differs from the recorded one
    (said first, and not a failure by itself); HASH: a file changed since it was archived;
    REBUILD: the year no longer rebuilds to the archived bytes."""

    folder: str
    path: str
    message: Msg
    kind: str = REBUILD
    pin: str | None = None  # LIBRARY: the requirement that installs the recorded version (openpyxl==3.1.5)

    @property
    def failed(self) -> bool:
        return self.kind != LIBRARY


def verify(out: Path, templates: Path | None = None,
           anchors: dict[str, str] | None = None) -> tuple[list[str], list[Finding]]:
    """Check every year folder under `out` (or `out` itself if it is one): the library versions,
    then the hashes (has a file changed since it was archived?), then a rebuild from the archived
    data and templates (does it still come out the same?). Findings come in that order."""
    folders = [out] if (out / MANIFEST).is_file() else sorted(
        p for p in out.iterdir() if (p / MANIFEST).is_file() and not p.name.startswith("."))  # staging is not archive
    findings: list[Finding] = []
    for folder in folders:
        findings.extend(_verify_folder(folder, templates))
        findings.extend(_anchor_findings(folder, (anchors or {}).get(folder.name)))
    order = {LIBRARY: 0, HASH: 1, REBUILD: 2}
    findings.sort(key=lambda f: order[f.kind])  # stable: folder order kept within a kind
    return [f.name for f in folders], findings


def _anchor_findings(folder: Path, anchor: str | None) -> list[Finding]:
    """A closed year's manifest against the SHA-256 close (or correct) recorded in data/cycle.yaml: a
    manifest rewritten together with the files it lists passes the re-hash, not this."""
    if anchor is None or not (folder / MANIFEST).is_file():
        return []
    if sha256((folder / MANIFEST).read_bytes()) == anchor:
        return []
    return [Finding(folder.name, MANIFEST, Msg(
        ja=f"締切時に記録したハッシュ（data/cycle.yaml: {anchor[:16]}…）と一致しません（締切後に変更されています）",
        en=f"differs from the SHA-256 recorded at closing (data/cycle.yaml: {anchor[:16]}…): changed since the year was closed"),
        HASH)]


def library_differences(recorded: dict) -> list[tuple[str, str | None, str | None, str | None]]:
    """(name, recorded, installed, requirement that installs the recorded one) for each difference
    between a manifest's `environment` and this process's."""
    now = environment()
    diffs = []
    for name, version in (recorded.get("libraries") or {}).items():
        # only the libraries that shape the bytes now (manifest.SHAPING): an older manifest also records
        # pydantic, which validated the data until reportgen's own validator (rules/typed.py) took its
        # place; no build uses it now, so its version (or its absence) says nothing about a rebuild
        if name in now["libraries"] and version != now["libraries"][name]:
            diffs.append((name, version, now["libraries"][name], f"{name}=={version}" if version else None))
    for name in ("python", "zlib"):
        if name in recorded and recorded[name] != now[name]:
            diffs.append((name, recorded[name], now[name], None))
    return diffs


def _library_findings(folder: Path, manifest: dict) -> list[Finding]:
    found = []
    tool = manifest.get("tool", {}).get("version")
    if tool != __version__:
        found.append(Finding(folder.name, "reportgen", Msg(
            ja=f"reportgen: 記録 {tool}、現在 {__version__}", en=f"reportgen: recorded {tool}, installed {__version__}"), LIBRARY))
    for name, recorded, installed, pin in library_differences(manifest.get("environment", {})):
        got = installed or Msg(ja="なし", en="not installed")
        found.append(Finding(folder.name, name, Msg(
            ja=f"{name}: 記録 {recorded}、現在 {got if isinstance(got, str) else got.ja}",
            en=f"{name}: recorded {recorded}, installed {got if isinstance(got, str) else got.en}"), LIBRARY, pin))
    return found


def _shape_problems(manifest) -> list[tuple[str, Msg]]:
    """(where, what) for each part of a manifest that is not what a build writes: read as untrusted,
    so verify never trips over it (a missing sha256, a number where a list belongs)."""
    if not isinstance(manifest, dict):
        return [("", Msg("JSON のオブジェクト（{ … }）が必要です", "expected a JSON object ({ … })"))]
    found: list[tuple[str, Msg]] = []

    def entries(where: str, value) -> None:
        if not isinstance(value, list):
            found.append((where, Msg("ファイルの並び（[ … ]）が必要です", "expected a list of files ([ … ])")))
            return
        for i, e in enumerate(value):
            at = f"{where}[{i}]"
            if not isinstance(e, dict):
                found.append((at, Msg("path と sha256 を持つオブジェクトが必要です", "expected an object with path and sha256")))
                continue
            if not isinstance(e.get("path"), str):
                found.append((f"{at}.path", Msg("ファイルのパス（文字列）が必要です", "expected the file's path (text)")))
            if not isinstance(e.get("sha256"), str) or not _SHA256.fullmatch(e["sha256"]):
                found.append((f"{at}.sha256", Msg("SHA-256（16進数64桁）が必要です", "expected a SHA-256 (64 hex digits)")))

    entries("files", manifest.get("files"))
    data = manifest.get("data")
    if not isinstance(data, dict):
        found.append(("data", Msg("data（files を持つオブジェクト）が必要です", "expected data (an object with files)")))
    else:
        entries("data.files", data.get("files"))
    if "templates" in manifest:
        entries("templates", manifest["templates"])
    fy = manifest.get("fiscal_year")
    if not isinstance(fy, dict) or type(fy.get("western")) is not int or not 1868 <= fy["western"] <= 9999:
        found.append(("fiscal_year.western", Msg("西暦の年度（整数）が必要です", "expected the fiscal year (a whole number)")))
    try:
        datetime.strptime(manifest.get("stamp"), _STAMP)
    except (TypeError, ValueError):
        found.append(("stamp", Msg("日時（例: 2025-03-31T00:00:00Z）が必要です", "expected a time such as 2025-03-31T00:00:00Z")))
    for key in ("tool", "environment"):
        if key in manifest and not isinstance(manifest[key], dict):
            found.append((key, Msg("オブジェクト（{ … }）が必要です", "expected an object ({ … })")))
    env = manifest.get("environment")
    if isinstance(env, dict) and "libraries" in env and not isinstance(env["libraries"], dict):
        found.append(("environment.libraries", Msg("オブジェクト（{ … }）が必要です", "expected an object ({ … })")))
    return found


def _outside(folder: Path, rel: str) -> Msg | None:
    """Why an entry's path is not a file inside the year folder (None: it is)."""
    why = path_problem(rel)
    if why is None:
        base = folder.resolve()
        if not (base / rel).resolve().is_relative_to(base):
            why = Msg("フォルダの外へのリンクを通らないパス", "a path that does not pass through a link out of the folder")
    return why


def _verify_folder(folder: Path, templates: Path | None) -> list[Finding]:
    found: list[Finding] = []

    def bad(path: str, ja: str, en: str, kind: str = REBUILD) -> None:
        found.append(Finding(folder.name, path, Msg(ja=ja, en=en), kind))

    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        bad(MANIFEST, f"マニフェストを JSON として読めません: {exc}", f"cannot read the manifest as JSON: {exc}", HASH)
        return found
    shape = _shape_problems(manifest)
    if shape:  # nothing in it can be trusted to re-hash or rebuild by
        for where, what in shape:
            bad(MANIFEST, f"{where or '全体'}: {what.ja}（マニフェストが壊れています）",
                f"{where or 'the whole'}: {what.en} (the manifest is malformed)", HASH)
        return found
    found.extend(_library_findings(folder, manifest))

    # Re-hash: has any file changed since it was archived? Only paths inside the folder are read.
    inputs = manifest["data"]["files"] + manifest.get("templates", [])
    listed: dict[str, dict] = {}
    changed_inputs = False
    for entry in manifest["files"] + inputs:
        path = entry["path"]
        why = _outside(folder, path)
        if why is not None:
            bad(path, f"アーカイブのフォルダの外を指すパスです（{why.ja}が必要です）。読んでいません",
                f"the path leads outside the archive folder (expected {why.en}); not read", HASH)
            changed_inputs |= entry in inputs
            continue
        if path in listed:
            bad(path, "マニフェストに2度記録されています", "recorded twice in the manifest", HASH)
            continue
        listed[path] = entry
    for path, entry in listed.items():
        p = folder / path
        if not p.is_file():
            bad(path, "ファイルがありません", "file is missing", HASH)
        elif sha256(p.read_bytes()) != entry["sha256"]:
            bad(path, "内容がマニフェストのハッシュと一致しません（保存後に変更されています）",
                "content differs from the manifest's SHA-256 (the file was changed since it was archived)", HASH)
        else:
            continue
        changed_inputs |= entry in inputs
    for entry in manifest["files"]:
        suffix = PurePosixPath(entry["path"]).suffix.lower()
        if entry["path"] in listed and suffix not in REBUILT + HASHED_ONLY:
            bad(entry["path"], "reportgen が作らない種類のファイルです（文書は .docx・.xlsx・.pdf）",
                "not a kind of file reportgen writes (documents are .docx, .xlsx, .pdf)", HASH)
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_file() and rel != MANIFEST and rel not in listed:
            bad(rel, "マニフェストにないファイルです", "file is not in the manifest", HASH)
    if changed_inputs:
        bad("", "再構築していません: 保存されたデータまたはテンプレートが変更されています",
            "not rebuilt: the archived data or templates were changed")
        return found

    # Rebuild: from the archived data and templates, compared with the bytes the manifest records.
    if "templates" in manifest:
        tset = templateset.folder_set(folder / TEMPLATES_DIR, templateset.ARCHIVE)
    else:  # an archive of format 1 kept no templates: today's must do
        tset = template_set(templates)
    with tempfile.TemporaryDirectory(prefix="reportgen-verify-") as tmp:
        try:
            ds = load(folder / "data")
            fy = FiscalYear(manifest["fiscal_year"]["western"])
            # the manifest's stamp, handed to the rebuild (whatever SOURCE_DATE_EPOCH says now)
            stamp = datetime.strptime(manifest["stamp"], _STAMP).replace(tzinfo=timezone.utc)
            rebuilt = build_year(ds, fy, Path(tmp), templates=tset, stamp=stamp)
        except DataError as exc:  # the archived data or templates refused (a template the sandbox stops): each named
            for problem in exc.problems:
                bad("", f"再構築できません: {problem.render('ja')}", f"cannot rebuild: {problem.render('en')}")
            return found
        except Exception as exc:  # noqa: BLE001 - any failure to rebuild is a finding
            bad("", f"記録されたデータとテンプレートから再構築できません（{type(exc).__name__}: {exc}）",
                f"cannot rebuild from the recorded data and templates ({type(exc).__name__}: {exc})")
            return found
        rebuilt_files = {f["path"]: f for f in rebuilt.files}
        for path, entry in ((e["path"], e) for e in manifest["files"]):
            if path not in listed or PurePosixPath(path).suffix.lower() not in REBUILT:
                continue  # by type: a PDF is hashed only, whatever the manifest says of any file
            if path not in rebuilt_files:
                bad(path, "再構築で作成されませんでした", "the rebuild did not produce this file")
            elif rebuilt_files[path]["sha256"] != entry["sha256"]:
                bad(path, "再構築した内容が保存時と一致しません", "the rebuild differs from the archived file")
        for path in sorted(set(rebuilt_files) - set(listed)):
            bad(path, "再構築で新たに作成されるファイルです（マニフェストにありません）", "the rebuild produces this file, the archive lacks it")
    return found
