"""--pdf as a city publishes it: the mapped typefaces only, tagged PDF/UA with title and ja-JP, table
header rows as TH, every chart with its alternative text, each goal from a new page (continuing under
its header rows, never shrunk: tests/archive/test_pdf_publishable.py)."""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import realclient as rc
from support import ROOT


def need_pikepdf():
    """pikepdf (a test extra); skip where absent, but fail when CI is set."""
    if os.environ.get("CI"):
        import pikepdf

        return pikepdf
    return pytest.importorskip("pikepdf")

# What a Windows face must become in the PDF (the free face with its metrics and style). Written
# here from the fonts' own documentation, not read from reportgen/fonts.conf.
MAPPED = {
    "ＭＳ 明朝": "IPAMincho", "MS Mincho": "IPAMincho", "ＭＳ Ｐ明朝": "IPAPMincho", "MS PMincho": "IPAPMincho",
    "ＭＳ ゴシック": "IPAGothic", "MS Gothic": "IPAGothic", "ＭＳ Ｐゴシック": "IPAPGothic", "MS PGothic": "IPAPGothic",
    "游明朝": "IPAexMincho", "Yu Mincho": "IPAexMincho", "游ゴシック": "IPAexGothic", "Yu Gothic": "IPAexGothic",
    "BIZ UD明朝 Medium": "BIZ UDMincho", "BIZ UDゴシック": "BIZ UDGothic",
}
R6_TREND = "2024_R6/03_KPI目標値達成状況推移_令和6年度"


@pytest.fixture(scope="module")
def pdfs(request) -> Path:
    """Every year of the shipped data built with --pdf (one LibreOffice run; shared with test_pdf_publishable)."""
    rc.need_soffice()
    need_pikepdf()  # --pdf puts the charts' alternative text in with it
    if not shutil.which("pdffonts"):
        if os.environ.get("CI"):
            pytest.fail("poppler-utils (pdffonts, pdfinfo) are required in CI")
        pytest.skip("poppler-utils are not installed")
    return request.getfixturevalue("built_pdf")


def published(out: Path) -> list[tuple[Path, Path]]:
    """(source document, its PDF) for every published document of every year, from the manifests."""
    pairs = []
    for manifest in sorted(out.glob("*/manifest.json")):
        for f in json.loads(manifest.read_text(encoding="utf-8"))["files"]:
            if f["publish"] and not f["path"].endswith(".pdf"):
                source = manifest.parent / f["path"]
                pairs.append((source, source.with_suffix(".pdf")))
    return pairs


def faces_used(pdf: Path) -> set[str]:
    """The faces pdffonts lists, without the subset prefix (ABCDEF+)."""
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    return {re.sub(r"^[A-Z]{6}\+", "", line.split()[0]) for line in lines if line.strip()}


def faces_named(source: Path) -> set[str]:
    """Every face a document names: Word's rFonts, Excel's cell fonts, charts' typefaces, footer fonts."""
    z = zipfile.ZipFile(source)
    names = set()
    for part in z.namelist():
        if not part.endswith(".xml") or "theme" in part:
            continue
        xml = z.read(part).decode("utf-8")
        names |= set(re.findall(r'w:(?:ascii|hAnsi|eastAsia)="([^"]+)"', xml))
        names |= set(re.findall(r'typeface="([^"]+)"', xml))
        if part == "xl/styles.xml":
            used = re.search(r"<fonts[^>]*>(.*?)</fonts>", xml, re.DOTALL).group(1)
            names |= set(re.findall(r'<name val="([^"]+)"', used))
        names |= {html.unescape(n).split(",")[0] for n in re.findall(r'&amp;&quot;([^&]+?)&quot;', xml)}
        names |= {html.unescape(n).split(",")[0] for n in re.findall(r'&amp;"([^"]+?)"', xml)}
    return {html.unescape(n) for n in names}


def test_every_pdf_shows_only_the_mapped_faces_and_mincho_where_the_document_sets_mincho(pdfs):
    pairs = published(pdfs)
    assert len(pairs) == 13  # 6 years (R7: the year after the last actuals, issue 17 item 6); H28's list left out (only 該当事業なし)
    wrong = {}
    for source, pdf in pairs:
        used = faces_used(pdf)
        named = faces_named(source) - {"Calibri", "Cambria"}  # the unused defaults of an empty style or theme
        expected = {MAPPED[n] for n in named if n in MAPPED}
        if not used or not used <= expected or (source.suffix == ".docx" and "IPAMincho" not in used):
            wrong[pdf.name] = (sorted(used), sorted(named))
    assert wrong == {}


def test_templates_name_their_faces_for_latin_text_too_and_never_the_themes():
    """A theme reference (w:asciiTheme …) overrides the named face in Word: Latin letters and digits
    in a heading would come out in the theme's Calibri, in LibreOffice's fallback in the PDF."""
    templates = ROOT / "templates"
    for template in sorted(templates.glob("*.docx")):
        z = zipfile.ZipFile(template)
        for part in ("word/styles.xml", "word/document.xml"):
            xml = z.read(part).decode("utf-8")
            for fonts in re.findall(r"<w:rFonts [^>]*>", xml):
                assert "Theme=" not in fonts and "cstheme" not in fonts, (template.name, fonts)
                faces = dict(re.findall(r'w:(ascii|hAnsi|eastAsia)="([^"]+)"', fonts))
                assert set(faces) == {"ascii", "hAnsi", "eastAsia"} and len(set(faces.values())) == 1, (template.name, fonts)
        assert re.search(r'<w:rPrDefault><w:rPr>.*?<w:lang w:val="ja-JP" w:eastAsia="ja-JP"', z.read("word/styles.xml").decode())


def test_the_shipped_fontconfig_file_maps_each_windows_face_for_the_run_only(tmp_path):
    from reportgen.archive import pdf

    if not shutil.which("fc-match"):
        if os.environ.get("CI"):
            pytest.fail("fontconfig's fc-match is required in CI")
        pytest.skip("fc-match is not installed")
    env = {**os.environ, "FONTCONFIG_FILE": str(pdf.fontconfig_file(tmp_path))}
    got = {name: subprocess.run(["fc-match", "-f", "%{family[0]}", f"{name}:lang=en"], env=env, capture_output=True,
                                text=True, check=True).stdout for name in MAPPED}
    assert got == MAPPED
    assert "FONTCONFIG_FILE" not in os.environ or os.environ["FONTCONFIG_FILE"] != env["FONTCONFIG_FILE"]


def info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return dict(re.match(r"([^:]+):\s*(.*)", line).groups() for line in out.splitlines() if ":" in line)


def core_title(source: Path) -> str:
    xml = zipfile.ZipFile(source).read("docProps/core.xml").decode("utf-8")
    return html.unescape(re.search(r"<dc:title>(.*?)</dc:title>", xml).group(1))


def elements(node, kind: str) -> list:
    """Structure elements of type `kind` under `node` (not inside another of the same type)."""
    pikepdf = need_pikepdf()
    found = []

    def walk(n) -> None:
        if isinstance(n, pikepdf.Array):
            for k in n:
                walk(k)
        elif isinstance(n, pikepdf.Dictionary):
            if n.get("/S") == kind:
                found.append(n)
            elif "/K" in n:
                walk(n.K)

    walk(node.K if "/K" in node else node)
    return found


def test_every_pdf_is_tagged_pdf_ua_with_the_documents_title_and_japanese(pdfs):
    pikepdf = need_pikepdf()
    for source, pdf in published(pdfs):
        meta = info(pdf)
        assert meta["Tagged"] == "yes", pdf.name
        assert meta["Title"] == core_title(source) != "", pdf.name
        with pikepdf.open(pdf) as doc:
            assert str(doc.Root.Lang) == "ja-JP", pdf.name
            assert doc.Root.MarkInfo.Marked and doc.Root.ViewerPreferences.DisplayDocTitle
            assert str(doc.open_metadata().get("pdfuaid:part")) == "1", pdf.name
            assert "/StructTreeRoot" in doc.Root
    h29 = info(pdfs / "2017_H29/01_対象事業一覧_平成29年度.pdf")
    assert h29["Title"] == "平成29年度入間市まち・ひと・しごと創生総合戦略対象事業"  # seed 000's title


def test_the_word_documents_tables_mark_their_header_rows_and_their_headings(pdfs):
    pikepdf = need_pikepdf()
    for source, pdf in published(pdfs):
        if source.suffix != ".docx":
            continue
        with pikepdf.open(pdf) as doc:
            tables = elements(doc.Root.StructTreeRoot, "/Table")
            assert tables, pdf.name
            for table in tables:
                first_row = elements(table, "/TR")[0]
                assert elements(first_row, "/TH") and not elements(first_row, "/TD"), pdf.name
            assert elements(doc.Root.StructTreeRoot, "/H1"), pdf.name


def chart_titles(xlsx: Path) -> list[str]:
    """The charts' titles in the workbook's drawing order."""
    z = zipfile.ZipFile(xlsx)
    rels = z.read("xl/drawings/_rels/drawing1.xml.rels").decode()
    targets = {re.search(r'Id="([^"]+)"', r).group(1): re.search(r'Target="/?(?:\.\./)?([^"]+)"', r).group(1)
               for r in re.findall(r"<Relationship [^>]*>", rels)}
    ids = re.findall(r'r:id="(rId\d+)"', z.read("xl/drawings/drawing1.xml").decode())
    titles = []
    for rid in ids:
        chart = z.read("xl/" + targets[rid].replace("xl/", "")).decode()
        titles.append(re.search(r"<a:t>([^<]*)</a:t>", chart).group(1))
    return titles


def test_every_chart_has_alternative_text_naming_its_kpi_baseline_target_and_latest_value(pdfs):
    pikepdf = need_pikepdf()
    trends = [(s, p) for s, p in published(pdfs) if s.suffix == ".xlsx" and "KPI" in s.name]
    assert len(trends) == 6  # H28, H29, R4–R7
    for source, pdf in trends:
        titles = chart_titles(source)
        with pikepdf.open(pdf) as doc:
            figures = elements(doc.Root.StructTreeRoot, "/Figure")
            assert len(figures) == len(titles) > 0, pdf.name
            for figure, title in zip(figures, titles):  # the chart is a picture: its text is this
                alt = str(figure.get("/Alt", ""))
                assert alt.startswith(title), (pdf.name, title, alt)
    with pikepdf.open(pdfs / f"{R6_TREND}.pdf") as doc:
        alts = [str(f.Alt) for f in elements(doc.Root.StructTreeRoot, "/Figure")]
    waiting = next(a for a in alts if a.startswith("3-③ 学童保育室待機児童数"))  # seed 003: 103人 (R2) → 0人, R6末 35人
    assert "103人 (R2)" in waiting and "0人" in waiting and "35人" in waiting and "R6末" in waiting


def test_each_goal_starts_a_page_continues_under_its_header_rows_then_its_charts_and_pages_are_numbered(pdfs):
    pdf = pdfs / f"{R6_TREND}.pdf"
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")[:-1]
    charts = next(i for i, p in enumerate(pages) if re.search(r"^\s*グラフ\s*$", p, re.MULTILINE))
    starts = [next(i for i, p in enumerate(pages) if re.search(rf"^\s*基本目標\s*{k}\s*$", p, re.MULTILINE)) for k in range(1, 5)]
    assert starts == sorted(starts) and starts[0] == 0 and starts[-1] < charts  # four goals, in order, then the charts
    assert all("現状値" in p and "評価理由" in p for p in pages[:charts])  # a goal's every page under its header rows
    for i, page in enumerate(pages, 1):
        assert re.search(rf"^\s*- {i} -\s*$", page, re.MULTILINE), i
    chart_pages = pages[charts:]
    headings = [m.group(1) for p in chart_pages if (m := re.search(r"基本目標\s*(\d)：", p))]  # a goal's first chart page
    assert headings == sorted(headings) and set(headings) == {"1", "2", "3", "4"}
    target = subprocess.run(["pdftotext", "-layout", str(pdfs / "2017_H29/01_対象事業一覧_平成29年度.pdf"), "-"],
                            capture_output=True, text=True, check=True).stdout.split("\f")
    assert re.search(r"^\s*- 2 -\s*$", target[1], re.MULTILINE)
