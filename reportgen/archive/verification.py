"""Verify an archive: the library versions against the recorded ones, re-hash every file, rebuild each year."""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from reportgen import __version__
from reportgen.archive.manifest import MANIFEST, TEMPLATES_DIR, environment, sha256
from reportgen.archive.year import build_year
from reportgen.model.loader import load
from reportgen.render.dispatch import _template_set
from reportgen.rules.era import FiscalYear
from reportgen.rules.problems import Msg
from reportgen.templating import templateset

LIBRARY, HASH, REBUILD = "library", "hash", "rebuild"


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
        installed = now["libraries"].get(name) if name in now["libraries"] else _installed(name)
        if version != installed:
            diffs.append((name, version, installed, f"{name}=={version}" if version else None))
    for name in ("python", "zlib"):
        if name in recorded and recorded[name] != now[name]:
            diffs.append((name, recorded[name], now[name], None))
    return diffs


def _installed(name: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


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


def _verify_folder(folder: Path, templates: Path | None) -> list[Finding]:
    found: list[Finding] = []

    def bad(path: str, ja: str, en: str, kind: str = REBUILD) -> None:
        found.append(Finding(folder.name, path, Msg(ja=ja, en=en), kind))

    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        bad(MANIFEST, f"マニフェストを読めません: {exc}", f"cannot read the manifest: {exc}", HASH)
        return found
    found.extend(_library_findings(folder, manifest))

    # Re-hash: has any file changed since it was archived?
    inputs = manifest.get("data", {}).get("files", []) + manifest.get("templates", [])
    listed = {e["path"]: e for e in manifest.get("files", []) + inputs}
    changed_inputs = False
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
        tset = _template_set(templates)
    with tempfile.TemporaryDirectory(prefix="reportgen-verify-") as tmp:
        try:
            ds = load(folder / "data")
            fy = FiscalYear(manifest["fiscal_year"]["western"])
            old_epoch = os.environ.get("SOURCE_DATE_EPOCH")
            os.environ["SOURCE_DATE_EPOCH"] = str(int(datetime.strptime(manifest["stamp"], "%Y-%m-%dT%H:%M:%SZ")
                                                      .replace(tzinfo=timezone.utc).timestamp()))
            try:
                rebuilt = build_year(ds, fy, Path(tmp), templates=tset)
            finally:
                if old_epoch is None:
                    os.environ.pop("SOURCE_DATE_EPOCH", None)
                else:
                    os.environ["SOURCE_DATE_EPOCH"] = old_epoch
        except Exception as exc:  # noqa: BLE001 - any failure to rebuild is a finding
            bad("", f"記録されたデータとテンプレートから再構築できません（{type(exc).__name__}: {exc}）",
                f"cannot rebuild from the recorded data and templates ({type(exc).__name__}: {exc})")
            return found
        rebuilt_files = {f["path"]: f for f in rebuilt.files}
        for path, entry in ((e["path"], e) for e in manifest.get("files", [])):
            if not entry.get("reproducible", True):
                continue
            if path not in rebuilt_files:
                bad(path, "再構築で作成されませんでした", "the rebuild did not produce this file")
            elif rebuilt_files[path]["sha256"] != entry["sha256"]:
                bad(path, "再構築した内容が保存時と一致しません", "the rebuild differs from the archived file")
        for path in sorted(set(rebuilt_files) - set(listed)):
            bad(path, "再構築で新たに作成されるファイルです（マニフェストにありません）", "the rebuild produces this file, the archive lacks it")
    return found
