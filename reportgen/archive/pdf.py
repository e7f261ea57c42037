"""PDF through LibreOffice: one headless process converts a whole batch, in the mapped typefaces, tagged.

What the run is given, all in its own temporary folder (no system or user setting changes):
- fonts.conf (shipped beside this module) after the system's fontconfig configuration, through
  FONTCONFIG_FILE: the Windows faces the documents name become their metric-compatible free faces;
- a fresh LibreOffice profile whose settings ask for a tagged PDF/UA export (both the Writer and the
  Calc PDF filter read them, so one `--convert-to pdf` serves a mixed batch) with the office locale
  ja-JP (the language Calc writes into the PDF's catalog; Word documents carry their own).
A workbook is not converted as it is: Calc's tagged export writes no table structure and shrinks
a goal to fit its page. Its PDF is made from its publication copy, a Word document of the same
cells (reportgen/render/publication.py), which Writer tags as tables, headings and figures with
their alternative text; the workbook stays the working file.
"""
from __future__ import annotations

import html
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

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
        f'  <include ignore_missing="yes">{html.escape(str(system), quote=False)}</include>\n'
        f"  <include>{html.escape(str(FONTS_CONF), quote=False)}</include>\n</fontconfig>\n", encoding="utf-8")
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
    # why here: the publication copy imports openpyxl and python-docx's writer (numpy with openpyxl where
    # installed), a quarter of a second that every build without --pdf would pay at start (docs/performance.md)
    from reportgen.render.publication import publication_docx, with_running_header
    with tempfile.TemporaryDirectory(prefix="reportgen-lo-") as tmp:
        work = Path(tmp)
        names = []
        for i, p in enumerate(paths):  # numbered copies: names never collide, whatever the years
            if p.suffix == ".xlsx" and fmt.startswith("pdf"):  # a workbook's PDF: from its publication copy
                name = f"{i:05d}.docx"
                (work / name).write_bytes(publication_docx(p.read_bytes(), edition=p.stem.rsplit("_", 1)[-1]))
            elif p.suffix == ".docx" and fmt.startswith("pdf"):  # each page says what it is
                name = f"{i:05d}.docx"
                (work / name).write_bytes(with_running_header(p.read_bytes(), edition=p.stem.rsplit("_", 1)[-1]))
            else:
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
            results.append(title_as_heading(data) if fmt.startswith("pdf") else data)
        return results


# ---------------------------------------------------------------------------- the document's title a heading


def title_as_heading(data: bytes) -> bytes:
    """The PDF with Word's Title style read as a heading.

    Writer tags a paragraph of the Title style /Title and maps it to /P: a screen reader's list of
    headings misses the document's title. /Title is no standard type, so the role map decides what
    it is: the first-level heading it is on the page.
    """
    try:
        import pikepdf
    except ImportError:
        raise UsageError(Msg(ja="PDF の構造を整えるには pikepdf が必要です（pip install \".[pdf]\"）",
                             en='tidying the PDF\'s structure needs pikepdf (pip install ".[pdf]")')) from None
    with pikepdf.open(io.BytesIO(data)) as pdf:
        rolemap = pdf.Root.get("/StructTreeRoot", {}).get("/RoleMap")
        if rolemap is None or rolemap.get("/Title") != pikepdf.Name.P:
            return data
        rolemap.Title = pikepdf.Name.H1
        buf = io.BytesIO()
        pdf.save(buf)
        return buf.getvalue()
