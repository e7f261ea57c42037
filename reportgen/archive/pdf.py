"""PDF through LibreOffice: one headless process converts a whole batch, in the mapped typefaces, tagged.

What the run is given, all in its own temporary folder (no system or user setting changes):
- fonts.conf (shipped beside this module) after the system's fontconfig configuration, through
  FONTCONFIG_FILE: the Windows faces the documents name become their metric-compatible free faces;
- a fresh LibreOffice profile whose settings ask for a tagged PDF/UA export (both the Writer and the
  Calc PDF filter read them, so one `--convert-to pdf` serves a mixed batch) with the office locale
  ja-JP (the language Calc writes into the PDF's catalog; Word documents carry their own).
LibreOffice 7.4 writes no alternative text for a chart; the text a workbook gives each chart
(`descr` in its drawing) is put on the chart's Figure element afterwards (`add_chart_alt_text`).
"""
from __future__ import annotations

import io
import os
import posixpath
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from reportgen.rules.problems import Msg, UsageError

FONTS_CONF = Path(__file__).resolve().parent / "fonts.conf"
# where the system's fontconfig configuration lives (Linux; the BSDs), unless FONTCONFIG_FILE says
SYSTEM_FONTS_CONFS = (Path("/etc/fonts/fonts.conf"), Path("/usr/local/etc/fonts/fonts.conf"))
LOCALE = "ja-JP"

# Settings of the temporary profile (registrymodifications.xcu): path, property, value.
PROFILE_SETTINGS = (
    ("/org.openoffice.Office.Common/Filter/PDF/Export", "UseTaggedPDF", "true"),
    ("/org.openoffice.Office.Common/Filter/PDF/Export", "PDFUACompliance", "true"),
    ("/org.openoffice.Office.Common/Filter/PDF/Export", "ExportBookmarks", "true"),
    ("/org.openoffice.Setup/L10N", "ooSetupSystemLocale", LOCALE),
    ("/org.openoffice.Office.Linguistic/General", "DefaultLocale", LOCALE),
    ("/org.openoffice.Office.Linguistic/General", "DefaultLocale_CJK", LOCALE),
)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def fontconfig_file(folder: Path) -> Path:
    """A fontconfig file for LibreOffice's run: the system's configuration, then reportgen's substitutions."""
    given = os.environ.get("FONTCONFIG_FILE")
    system = Path(given) if given else next((p for p in SYSTEM_FONTS_CONFS if p.is_file()), SYSTEM_FONTS_CONFS[0])
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
        f'  <include ignore_missing="yes">{escape(str(system))}</include>\n'
        f"  <include>{escape(str(FONTS_CONF))}</include>\n</fontconfig>\n", encoding="utf-8")
    return conf


def new_profile(folder: Path) -> Path:
    """A LibreOffice user profile holding only PROFILE_SETTINGS."""
    user = folder / "user"
    user.mkdir(parents=True)
    items = "".join(f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse"><value>{value}</value></prop></item>\n'
                    for path, name, value in PROFILE_SETTINGS)
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n' + items + "</oor:items>\n", encoding="utf-8")
    return folder


def environment(folder: Path) -> dict[str, str]:
    """The environment of LibreOffice's run: its own home and fontconfig file."""
    return {**os.environ, "HOME": str(folder), "FONTCONFIG_FILE": str(fontconfig_file(folder))}


def convert_batch(paths: list[Path], fmt: str = "pdf", timeout: int = 900) -> list[bytes]:
    """Convert every file with one LibreOffice process; return the converted bytes in order."""
    exe = soffice()
    if exe is None:
        raise UsageError(Msg(ja="PDF 作成には LibreOffice（soffice）が必要です",
                             en="--pdf needs LibreOffice (soffice) on the PATH"))
    if not paths:
        return []
    with tempfile.TemporaryDirectory(prefix="reportgen-lo-") as tmp:
        work = Path(tmp)
        names = []
        for i, p in enumerate(paths):  # numbered copies: names never collide, whatever the years
            name = f"{i:05d}{p.suffix}"
            shutil.copyfile(p, work / name)
            names.append(name)
        profile = new_profile(work / "profile")
        cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--convert-to", fmt, "--outdir", str(work / "out"), *names]
        proc = subprocess.run(cmd, cwd=work, capture_output=True, timeout=timeout, env=environment(work))
        results = []
        for source, name in zip(paths, names):
            out = work / "out" / (Path(name).stem + "." + fmt.split(":")[0])
            if not out.is_file():
                raise RuntimeError(f"LibreOffice did not convert {name}: {proc.stderr.decode(errors='replace')[-500:]}")
            data = out.read_bytes()
            if fmt.startswith("pdf") and source.suffix == ".xlsx":
                data = add_chart_alt_text(data, chart_descriptions(work / name))
            results.append(data)
        return results


# ---------------------------------------------------------------------------- charts' alternative text

_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_XDR = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"


def _rels(z: zipfile.ZipFile, part: str) -> dict[str, str]:
    """A part's relationships: id → the target's part name."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in z.namelist():
        return {}
    root = ElementTree.fromstring(z.read(rels))
    return {r.get("Id"): posixpath.normpath(posixpath.join(folder, r.get("Target"))).lstrip("/")
            for r in root.iter(_REL) if r.get("TargetMode") != "External"}


def chart_descriptions(xlsx: Path | bytes) -> list[str]:
    """The alternative text (`descr`) of every chart a workbook prints, in print order: visible
    sheets in workbook order, each sheet's charts in the order its drawing paints them."""
    z = zipfile.ZipFile(io.BytesIO(xlsx) if isinstance(xlsx, bytes) else xlsx)
    book = "xl/workbook.xml"
    book_rels = _rels(z, book)
    out = []
    for sheet in ElementTree.fromstring(z.read(book)).iter(_MAIN + "sheet"):
        if sheet.get("state") in ("hidden", "veryHidden"):
            continue
        part = book_rels[sheet.get(_R_ID)]
        sheet_rels = _rels(z, part)
        for drawing in ElementTree.fromstring(z.read(part)).iter(_MAIN + "drawing"):
            tree = ElementTree.fromstring(z.read(sheet_rels[drawing.get(_R_ID)]))
            for anchor in tree:
                frame = anchor.find(_XDR + "graphicFrame")
                if frame is not None:
                    out.append(frame.find(f"{_XDR}nvGraphicFramePr/{_XDR}cNvPr").get("descr") or "")
    return out


def figures(pdf) -> list:
    """The outermost Figure elements of a tagged PDF's structure tree, in the tree's order."""
    import pikepdf

    found = []

    def walk(node) -> None:
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid)
        elif isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == "/Figure":
                found.append(node)
            elif "/K" in node:
                walk(node.K)

    if "/StructTreeRoot" in pdf.Root:
        walk(pdf.Root.StructTreeRoot)
    return found


def add_chart_alt_text(data: bytes, descriptions: list[str]) -> bytes:
    """The PDF with each chart's Figure element given its alternative text.

    LibreOffice tags each chart printed whole as one Figure, in the order the drawing paints
    them; a chart cut by a page boundary would make two, which the layout never allows.
    """
    if not any(descriptions):
        return data
    try:
        import pikepdf
    except ImportError:
        raise UsageError(Msg(ja="グラフの代替テキストを PDF に入れるには pikepdf が必要です（pip install \".[pdf]\"）",
                             en='the charts\' alternative text in a PDF needs pikepdf (pip install ".[pdf]")')) from None
    with pikepdf.open(io.BytesIO(data)) as pdf:
        found = figures(pdf)
        if len(found) != len(descriptions):
            raise RuntimeError(f"the PDF tags {len(found)} figures for {len(descriptions)} charts: "
                               "a chart is cut by a page boundary or not printed")
        for figure, text in zip(found, descriptions):
            if text:
                figure.Alt = pikepdf.String(text)
        buf = io.BytesIO()
        pdf.save(buf)
        return buf.getvalue()
