"""The files of a report: each opens, shows Vietnamese with its diacritics, and holds what
the content says (dimension names, period, official header)."""

from __future__ import annotations

import unicodedata

import pypdfium2 as pdfium
import pytest
from docx import Document
from openpyxl import load_workbook
from PIL import Image

from papi_etl.report.model import SYNTHETIC_NOTICE

HEADER_LINES = (
    "ỦY BAN NHÂN DÂN",
    "QUẬN BÌNH TÂN",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Số: .../BC-UBND",
    "Bình Tân, ngày ... tháng ... năm ...",
    "BÁO CÁO",
)
PERIOD_LABEL = "Quý I năm 2019"


def _docx_text(path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    parts += [p.text for p in document.sections[0].header.paragraphs]
    return "\n".join(parts)


def test_the_docx_holds_header_period_and_every_dimension(rendered, loaded):
    text = _docx_text(rendered["docx"])
    assert unicodedata.is_normalized("NFC", text)
    for line in HEADER_LINES:
        assert line in text
    assert PERIOD_LABEL in text
    for dimension in loaded.plan.dimensions:
        assert dimension.name_vi in text
    assert SYNTHETIC_NOTICE in text
    assert "Nơi nhận:" in text and "- Sở Nội vụ TP: VP, P.CCHC;" in text
    assert "Lê Văn Thinh" in text


def test_the_docx_is_a4_in_times_new_roman_with_charts_and_repeated_table_headers(rendered):
    document = Document(str(rendered["docx"]))
    first = document.sections[0]
    assert (round(first.page_width.cm, 1), round(first.page_height.cm, 1)) == (21.0, 29.7)
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert document.styles["Normal"].font.size.pt == 13
    assert len(document.inline_shapes) == 3
    headed = [t for t in document.tables if t.rows[0]._tr.xpath("./w:trPr/w:tblHeader")]
    assert len(headed) >= 10


def _non_white(image: Image.Image) -> int:
    grey = image.convert("L")
    return sum(count for level, count in enumerate(grey.histogram()) if level < 200)


@pytest.fixture(scope="module")
def pdf(rendered):
    document = pdfium.PdfDocument(str(rendered["pdf"]))
    yield document
    document.close()


def test_the_pdf_pages_are_drawn(pdf):
    assert len(pdf) >= 5
    for index in range(3):
        image = pdf[index].render(scale=1).to_pil()
        assert image.size[0] > 500
        assert _non_white(image) > 0.02 * image.size[0] * image.size[1]


def test_the_pdf_text_is_vietnamese_with_diacritics(pdf, loaded):
    text = unicodedata.normalize(
        "NFC", "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    )
    for line in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "QUẬN BÌNH TÂN", PERIOD_LABEL):
        assert line in text
    assert "không phải điểm PAPI" in text
    for dimension in loaded.plan.dimensions:
        assert dimension.name_vi.split()[0] in text
    assert SYNTHETIC_NOTICE in text


def test_the_xlsx_has_one_sheet_per_annex_with_numbers_as_numbers(rendered, built):
    workbook = load_workbook(rendered["xlsx"])
    annexes = [t.key for t in built.report.annexes]
    assert workbook.sheetnames == ["Thông tin", *annexes, "Tỷ lệ báo cáo", "Xếp hạng phường"]
    units = workbook[built.report.annexes[0].key]
    assert units["A1"].value.startswith("Phụ lục 1.")
    assert units["A2"].value == SYNTHETIC_NOTICE
    headers = [c.value for c in units[4]]
    assert headers[:3] == ["STT", "Đơn vị", "Loại đơn vị"]
    column = headers.index("Mức độ đầy đủ") + 1
    assert units.cell(row=5, column=column).value is None  # the ward not yet validated
    completeness = units.cell(row=6, column=column)
    assert isinstance(completeness.value, int | float) and completeness.number_format == '0.0" %"'
    assert units.freeze_panes == "A5"


@pytest.mark.parametrize("key", ["ty-le-bao-cao", "chi-so-thuc-hien", "xu-huong"])
def test_charts_are_pngs_of_a_printable_size(rendered, key):
    path = rendered[f"chart:{key}"]
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(path) as image:
        width, height = image.size
        assert 1000 <= width <= 2000 and 400 <= height <= 1200
        assert _non_white(image) > 0.02 * width * height


def test_the_markdown_and_html_overviews(rendered, built):
    md = rendered["md"].read_text(encoding="utf-8")
    assert md.startswith(f"> **{SYNTHETIC_NOTICE}**")
    assert (
        "| Tỷ lệ báo cáo |" in md and "Chỉ số thực hiện kế hoạch (0–10), không phải điểm PAPI" in md
    )
    assert "Phường An Lạc (báo cáo chưa được kiểm tra)" in md
    html = rendered["html"].read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="vi">' in html
    assert "Công khai, minh bạch" in html and "<script" not in html
