"""対象事業一覧: every table row of seed 000 appears in the H29 document as LibreOffice shows it."""
from pathlib import Path

import docx
import pytest
import realclient as rc
from support import DATA, ROOT, seed

from reportgen.archive.build import build
from reportgen.rules.era import parse_fy

H29 = "2017_H29/01_対象事業一覧_平成29年度.docx"


def seed_rows(path: Path) -> list[tuple[str, ...]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if "\t" in line and not line.startswith("---"):
            rows.append(rc.norm_row(line.split("\t")))
    return rows


@pytest.fixture(scope="module")
def h29_rows(built):
    return [rc.norm_row(r) for r in rc.word_rows(built / H29)]


def test_every_table_row_of_seed_000_appears_as_libreoffice_shows_it(h29_rows):
    missing = [r for r in seed_rows(seed("000")) if r not in h29_rows]
    assert missing == []


@pytest.mark.parametrize("cells", [
    ("市内事業所数", "4,986事業所", "4,962事業所※", "△24事業所", "基準値"),
    ("支援による創業者数", "—", "年間15件", "15件", "年間15件"),
    ("転入支援件数", "—", "—", "—", "年間60件"),
    ("多子世帯数※", "2.28%", "2.02%", "△0.26", "2.0%以内"),
    ("合計特殊出生率", "1.18", "1.19", "0.01", "基準値"),
    ("学校評価による教育体制及び教育環境についての充実度", "80%", "80%", "0", "90%"),
    ("20歳から29歳までの社会移動数", "△321人", "△358人", "△37人", "△160人"),
    ("30歳から39歳までの社会移動数", "32人", "△45人", "△77人", "100人"),
    ("観光入込客数（年間）", "7,237,276人", "7,316,532人", "79,256人", "7,250,000人"),
    ("商店街空き店舗数", "25店舗", "12店舗", "△13店舗", "16店舗"),
    ("婚姻届出数", "596件", "526件", "△70件", "基準値以上"),
])
def test_every_computed_difference(h29_rows, cells):
    assert rc.norm_row(cells) in h29_rows


def test_tables_without_a_computable_difference_have_no_difference_column(h29_rows):
    assert rc.norm_row(("市内従業者数", "50,909人", "経済センサス確報値待ち", "基準値")) in h29_rows
    assert rc.norm_row(("日常生活の便利さの市民満足度※", "0.424", "-", "0.474")) in h29_rows


def test_title_lead_sentence_headings_and_notes(built):
    text = rc.norm(rc.word_text(built / H29))
    for expected in ("平成29年度入間市まち・ひと・しごと創生総合戦略対象事業",
                     "◎入間市まち・ひと・しごと創生総合戦略に該当する平成29年度の事業を基本目標、基本施策ごとに、28年度以前からの継続事業、29年度からの新規事業に分けてまとめたものです。",
                     "基本目標1:「働きやすいまちをつくる」〈しごと応援プロジェクト〉",
                     "◇基本施策:しごとの場を創る・しごと探しを支援する", "○継続事業", "○新規事業",
                     "※平成28年度経済センサス速報値。"):
        assert rc.norm(expected) in text


def test_the_h29_projects_split_into_continuing_and_new_by_first_year(built):
    d = docx.Document(built / H29)
    tables = [t for t in d.tables if t.rows[0].cells[0].text == "事業名"]
    names = [r.cells[0].text for t in tables for r in t.rows[1:]]
    assert len(names) == 48 and "ジュニアエコノミースクール" in names and "キッズアカデミー（子供向け経済・産業講座）" not in names


def test_a_second_strategy_year_builds_from_the_second_strategy(built):
    out = built  # R6 of the default archive, as build(DATA, out, years=[R6]) writes it byte for byte
    rows = [rc.norm_row(r) for r in rc.word_rows(out / "2024_R6" / "01_対象事業一覧_令和6年度.docx")]
    # both baselines of goal 1 were measured in H28 (revised in R6): the header names H28, not the
    # strategy's R1; an actual measured in R3 says so (issue 26)
    assert rc.norm_row(("指標", "現状値（H28）", "R5末現在", "基準値からの増減", "目標値（R8）")) in rows
    assert rc.norm_row(("市内事業所数", "4,713事業所", "4,743事業所 (R3)", "30事業所", "現状値以上")) in rows
    assert rc.norm_row(("指標", "現状値（R1）", "R5末現在", "目標値（R8）")) in rows  # 定住意向 78.1% (R1)
    assert rc.norm_row(("2-③ 市と金融機関の提携住宅ローンの融資件数", "31件", "20件", "△11件", "現状値以上")) in rows
    text = rc.norm(rc.word_text(out / "2024_R6" / "01_対象事業一覧_令和6年度.docx"))
    assert "令和6年度第2期入間市まち・ひと・しごと創生総合戦略対象事業" in text and "該当事業なし" in text


def test_a_baseline_header_names_the_year_its_figures_share_as_the_strategy_prints_it(built):
    """Seed 002 (the 2nd strategy) prints 現状値（R1） over 0.293, a KPI measured in R1 where the
    strategy's KPI baselines are R2; and 現状値（R1） over 5,757事業所 with 50,018人(H28) beside it."""
    out = built  # R4 of the default archive
    rows = [rc.norm_row(r) for r in rc.word_rows(out / "2022_R4" / "01_対象事業一覧_令和4年度.docx")]
    at = rows.index(rc.norm_row(("4-① 日常生活の便利さの市民満足度※", "0.293", "—", "0.35")))
    assert rows[at - 1] == rc.norm_row(("重要業績評価指標（KPI）", "現状値（R1）", "R3末現在", "目標値（R8）"))
    assert rows[:3] == [rc.norm_row(r) for r in (("指標", "現状値（R1）", "R3末現在", "目標値（R8）"),
                                                 ("市内事業所数", "5,757事業所", "—", "現状値以上"),
                                                 ("市内事業所における従業員数", "50,018人 (H28)", "—", "現状値以上"))]


def test_text_with_markup_characters_and_line_breaks_renders_exactly(tmp_path, data_copy):
    f = data_copy / "strategies" / "1" / "projects.yaml"
    text = f.read_text(encoding="utf-8")
    marker = "女性のための起業セミナーを実施し、女性の就労支援を行う。"
    assert marker in text
    text = text.replace(f"work: {marker}", 'work: "<小学生> & \\"保護者\\" </w:t>\\n2行目 ]]> &amp;"', 1)
    f.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    build(data_copy, out, years=[parse_fy("H29")])
    expected = '<小学生> & "保護者" </w:t>\n2行目 ]]> &amp;'
    cells = [r.cells[1].text for t in docx.Document(out / H29).tables for r in t.rows
             if r.cells[0].text == "女性就労情報提供・支援事業"]
    assert cells == [expected]  # python-docx reads the line break back as \n
    rows = rc.word_rows(out / H29)
    seen = next(r[1] for r in rows if r and r[0] == "女性就労情報提供・支援事業")
    assert rc.norm(seen) == rc.norm(expected)


def test_a_name_changed_in_data_reaches_the_document(tmp_path, data_copy):
    f = data_copy / "strategies" / "1" / "projects.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("name: ジュニアエコノミースクール", "name: こども経済教室", 1), encoding="utf-8")
    out = tmp_path / "out"
    build(data_copy, out, years=[parse_fy("H29")])
    names = [r.cells[0].text for t in docx.Document(out / H29).tables for r in t.rows]
    assert "こども経済教室" in names and "ジュニアエコノミースクール" not in names


def test_a_restyled_template_is_followed_without_code_changes(tmp_path):
    """A clerk types a heading's wording over its label in the template and changes the table font;
    the output follows (the usual way to reword is the labels file: tests/deliverables/test_city_frame.py)."""
    from shutil import copytree

    templates = tmp_path / "templates"
    copytree(ROOT / "templates", templates)
    t = docx.Document(templates / "target_list.docx")
    for p in t.paragraphs:
        if p.text.startswith("{{ labels.continuing }}"):
            p.runs[0].text = "○継続して実施する事業"
    for table in t.tables:
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    for run in p.runs:
                        run.font.name = "IPAexGothic"
    t.save(templates / "target_list.docx")
    out = tmp_path / "out"
    build(DATA, out, years=[parse_fy("H29")], templates=templates)
    d = docx.Document(out / H29)
    assert any(p.text == "○継続して実施する事業" for p in d.paragraphs)
    assert not any(p.text == "○継続事業" for p in d.paragraphs)
    fonts = {run.font.name for table in d.tables for row in table.rows for cell in row.cells
             for p in cell.paragraphs for run in p.runs if run.text.strip()}
    assert fonts == {"IPAexGothic"}


def test_a4_east_asian_fonts_repeated_headers_unsplit_rows_and_page_numbers(built):
    d = docx.Document(built / H29)
    sec = d.sections[0]
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (210, 297)
    styles = d.styles.element.xml
    assert 'w:eastAsia="ＭＳ 明朝"' in styles and 'w:eastAsia="ＭＳ ゴシック"' in styles
    for t in d.tables:
        assert t.rows[0]._tr.trPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None
        assert all("cantSplit" in r._tr.xml for r in t.rows)
    assert 'w:instr="PAGE"' in sec.footer._element.xml


def test_slimming_a_template_keeps_the_styles_it_uses_and_what_they_build_on_and_drops_the_rest(tmp_path):
    """python-docx's blank document brings 164 styles and a second copy of them; `slim` keeps the
    used ones (with their basedOn/link chain and the defaults) so each render parses less."""
    import importlib.util
    import zipfile

    spec = importlib.util.spec_from_file_location("make_templates", ROOT / "scripts" / "make_templates.py")
    mt = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mt)
    path = tmp_path / "t.docx"
    d = docx.Document()
    d.add_paragraph("{{ title }}", style="Heading 2")
    d.add_paragraph("plain")
    d.save(path)
    mt.slim(path)
    names = zipfile.ZipFile(path).namelist()
    assert "word/stylesWithEffects.xml" not in names and "docProps/thumbnail.jpeg" not in names
    styles = {s.name for s in docx.Document(path).styles}
    assert {"Heading 2", "Heading 2 Char", "Normal", "Default Paragraph Font", "Normal Table"} <= styles
    assert not {"Heading 1", "Title", "Light Shading Accent 1"} & styles and len(styles) < 20  # of 164
    from docxtpl import DocxTemplate

    t = DocxTemplate(str(path))
    t.render({"title": "見出し"})
    t.save(tmp_path / "r.docx")
    assert [p.text for p in docx.Document(tmp_path / "r.docx").paragraphs] == ["見出し", "plain"]
