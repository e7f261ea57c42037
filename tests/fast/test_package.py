"""Packages: parts zipped in one pass and stylesheets written once give the bytes ZipFile and openpyxl give."""
import gc
import io
import zipfile
from datetime import datetime, timezone

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.styles.stylesheet import write_stylesheet
from openpyxl.xml.functions import tostring

from reportgen.fast import openpyxl as fast_openpyxl
from reportgen.fast.zipfile import Entries, zip_entries
from reportgen.ooxml.package import CoreProps, normalise
from reportgen.render import workbook as xlsx

PROPS = CoreProps("題名 <&> 令和6年度", "入間市", datetime(2025, 3, 31, 15, 0, tzinfo=timezone.utc))

names = st.sampled_from(["[Content_Types].xml", "docProps/core.xml", "xl/styles.xml", "xl/worksheets/シート1.xml", "a"])
# small alphabets and repeated texts: parts that recur across examples, as a theme recurs across workbooks
data = st.binary(max_size=2000) | st.sampled_from([b"", b"<x/>" * 400, "<t>入間市</t>".encode() * 50])
parts = st.lists(st.tuples(names, data), max_size=8, unique_by=lambda part: part[0])


@given(parts)
def test_a_package_zipped_from_its_parts_is_byte_for_byte_the_zipfile_package_normalised(items):
    written = io.BytesIO()
    with zipfile.ZipFile(written, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in items:
            z.writestr(name, content)
    entries = Entries()
    for name, content in items:
        entries.writestr(name, content)
    package = zip_entries(entries, PROPS)
    assert package == normalise(written.getvalue(), PROPS)
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        assert z.testzip() is None and z.namelist() == [name for name, _ in items]


def _parts(wb: Workbook) -> dict[str, bytes]:
    entries = Entries()
    fast_openpyxl._PartsWriter(wb, entries).save()
    return dict(entries.items)


def _book(first_bold: bool, number_format: str | None = None, own_font: Font | None = None) -> Workbook:
    wb = Workbook()
    ws = wb.active
    xlsx.put(ws, 1, 1, "見出し", bold=first_bold, fill=xlsx.HEADER_FILL)
    xlsx.put(ws, 2, 1, "本文", bold=not first_bold, locked=False, fill=xlsx.INPUT_FILL)
    if number_format:
        ws.cell(row=3, column=1, value=1.5).number_format = number_format
    if own_font:
        ws.cell(row=4, column=1, value="赤").font = own_font
    return wb


def test_every_workbook_gets_the_stylesheet_openpyxl_writes_for_it_though_it_is_made_once_per_set_of_styles():
    books = [
        _book(True), _book(True),  # the second one takes the first one's stylesheet
        _book(False),  # the same style objects, first used in another order
        _book(True, "0.0\"件\""), _book(True, "0.00\"件\""),  # the same style objects, another number format
        _book(True, own_font=Font(name="ＭＳ ゴシック", color="FF0000")),  # a font of its own
    ]
    written = [_parts(wb)["xl/styles.xml"] for wb in books]
    assert written == [tostring(write_stylesheet(wb)) for wb in books]
    assert len(set(written)) == 5
    assert b"FF0000" in written[-1] and 'formatCode="0.00&quot;件&quot;"'.encode() in written[4]


def test_a_style_object_made_for_one_workbook_never_lends_its_stylesheet_to_a_later_one():
    """Objects that are not shared die with their workbook and Python reuses their addresses:
    such a stylesheet must not be taken for another one."""
    for colour in ("FF0000", "00FF00", "0000FF", "123456", "654321", "ABCDEF"):
        wb = _book(True, own_font=Font(name="ＭＳ ゴシック", color=colour))
        written = _parts(wb)["xl/styles.xml"]
        assert written == tostring(write_stylesheet(wb)) and f"00{colour}".encode() in written
        del wb
        gc.collect()


def test_a_workbook_with_a_part_the_parts_writer_does_not_write_is_refused_not_written_without_it():
    from openpyxl.packaging.custom import StringProperty

    wb = _book(True)
    wb.custom_doc_props.append(StringProperty(name="担当", value="企画課"))
    try:
        _parts(wb)
    except ValueError as exc:
        assert "does not write" in str(exc)
    else:
        raise AssertionError("a custom property would have been dropped")
