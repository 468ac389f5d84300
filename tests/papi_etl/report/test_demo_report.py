"""The consolidated report of the demo's 2019-Q1, read as Sở Nội vụ's reviewer reads it.

The store is the demo's (`demo_store`: its seed, real validation, the steward's accepted
exceptions). The PDF and the DOCX are checked for what the reviewer asked of issue 13: each
dimension quotes what units reported, with their evidence; accepted exceptions are named
with their reason; the PDF is set in Times New Roman's metrics (Liberation Serif, embedded)
with the page number at the top; no number or word is broken inside a table cell; Q1 and
the year compare with the year before; the PDF of 2019-Q1 has at most half the 34 pages it
had. LibreOffice (Debian's `libreoffice-*-nogui`, installed by `.ci/run`) converts the DOCX
and the workbook, in one run, and the workbook prints landscape, fitted to the width.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from demo_store import fill
from docx import Document
from openpyxl import load_workbook

from papi_etl import steward
from papi_etl.report import produce
from papi_etl.report.model import Num
from papi_etl.report.notation import NBSP, Fmt
from papi_etl.workspace import Workspace

PAGES_BEFORE = 34  # the PDF of the demo's 2019-Q1 on main before issue 13
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# "Kế hoạch số 06/KH-UBND ngày 17/01/2019", "Công văn số 82/UBND ngày 29/01/2019"
EVIDENCE = re.compile(r"Văn bản: [^.]*số \d+/[\wĐđ-]+ ngày \d{2}/\d{2}/\d{4}")
QUOTE = re.compile(r"nhiệm vụ (D\d|T3)\.\d\d \((hoàn thành|đang triển khai)\): “")


@pytest.fixture(scope="module")
def demo(tmp_path_factory, loaded) -> Workspace:
    workspace = fill(tmp_path_factory.mktemp("demo-store"), loaded)
    yield workspace
    workspace.sessions.kw["bind"].dispose()


@pytest.fixture(scope="module")
def reports(demo, tmp_path_factory) -> dict[str, produce.ProducedReport]:
    out = tmp_path_factory.mktemp("demo-reports")
    found = {}
    for period in ("2019-Q1", "2019-Y"):
        with demo.sessions.begin() as session:
            found[period] = produce.produce(session, demo.plan, period, out)
    return found


@pytest.fixture(scope="module")
def q1(reports):
    return reports["2019-Q1"]


def _flat(text: str) -> str:
    """One line of NFC text: a PDF's or a document's line breaks become spaces."""
    text = unicodedata.normalize("NFC", text).replace(NBSP, " ").replace("\u2060", "")
    return re.sub(r"\s+", " ", text)


def _pdf_pages(path: Path) -> list[str]:
    document = pdfium.PdfDocument(str(path))
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def _docx_text(path: Path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def _sections(text: str, plan) -> list[str]:
    """The text of each dimension's section, and of the assignments' (section III)."""
    titles = [f"{d.number}. Nội dung “{d.name_vi}”" for d in plan.dimensions]
    titles += [f"{len(plan.dimensions) + 1}. Tổ chức thực hiện (mục III của Kế hoạch)"]
    ends = [*titles[1:], "III. XẾP HẠNG CÁC PHƯỜNG"]
    found = []
    for start, end in zip(titles, ends, strict=True):
        assert start in text, start
        found.append(text.split(start, 1)[1].split(end, 1)[0])
    return found


@pytest.mark.parametrize("form", ["pdf", "docx"])
def test_each_dimension_quotes_unit_results_with_their_evidence(q1, demo, form):
    path = q1.paths[form]
    text = _flat("\n".join(_pdf_pages(path)) if form == "pdf" else _docx_text(path))
    names = [u.short_name or u.name for u in demo.plan.units]
    for section in _sections(text, demo.plan):
        quotes = QUOTE.findall(section)
        assert quotes, section[:300]
        assert EVIDENCE.search(section), section[:300]
        assert any(f"{name}, nhiệm vụ" in section for name in names)


@pytest.mark.parametrize("form", ["pdf", "docx"])
def test_accepted_exceptions_are_named_with_their_reason(q1, demo, form):
    with demo.sessions() as session:
        accepted = steward.accepted(session, demo.plan, "2019-Q1")
    assert [(e.unit, e.subject) for e in accepted] == [("TTA", "D3.02")]  # the demo's
    path = q1.paths[form]
    text = _flat("\n".join(_pdf_pages(path)) if form == "pdf" else _docx_text(path))
    exception = accepted[0]
    assert "Lỗi được chấp nhận ngoại lệ (1;" in text
    assert f"Phường Tân Tạo A: {exception.message_vi.rstrip('.')}. Lý do chấp nhận:" in text
    assert exception.decision.reason.rstrip(".") in text
    assert "Chấp nhận ngoại lệ: D3.02 (xem mục I)" in text  # Phụ lục 1's "Ghi chú"


def test_the_pdf_embeds_a_times_new_roman_metric_font(q1):
    data = q1.paths["pdf"].read_bytes()
    embedded = set(re.findall(rb"/FontName /[A-Z]{6}\+([\w-]+)", data))
    assert embedded >= {b"LiberationSerif", b"LiberationSerif-Bold", b"LiberationSerif-Italic"}
    assert not any(name.startswith(b"DejaVu") for name in embedded)
    assert b"/FontFile2" in data


def test_page_numbers_are_at_the_top_centre_from_page_two(q1):
    document = pdfium.PdfDocument(str(q1.paths["pdf"]))
    try:
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            band = page.get_textpage().get_text_bounded(
                left=width / 3, bottom=height - 50, right=2 * width / 3, top=height
            )
            expected = "" if index == 0 else str(index + 1)
            assert band.strip() == expected, (index, band)
    finally:
        document.close()


def _tables(report_json: Path) -> list[dict]:
    import json

    data = json.loads(report_json.read_text(encoding="utf-8"))
    found = [b for s in data["sections"] for b in s["blocks"] if b["type"] == "Table"]
    return found + [t for t in data["annexes"] if not t["stand_in"]]


def _words_kept_whole(text: str, tables: list[dict]) -> list[str]:
    """The numbers and header words of the tables that the text does not hold whole."""
    broken = []
    for table in tables:
        words = [w for title in table["columns"] for w in title.split(" ")]
        for row in table["rows"]:
            for cell in row:
                if isinstance(cell, dict):  # a Num
                    words.append(Num(cell["value"], Fmt(cell["fmt"])).text)
                else:
                    words += [w for w in cell.split(" ") if re.search(r"\d", w)]
        broken += [w for w in words if len(w) > 2 and _flat(w) not in text]
    return broken


def test_no_table_cell_breaks_a_number_or_a_word(q1):
    text = _flat(" ".join(_pdf_pages(q1.paths["pdf"])))
    tables = _tables(q1.paths["json"])
    assert len(tables) >= 15
    assert _words_kept_whole(text, tables) == []
    assert "Tăng/giảm" in text


def test_q1_and_the_year_compare_with_the_year_before(reports):
    for period, before in (("2019-Q1", "Năm 2018"), ("2019-Y", "Năm 2018")):
        text = _flat(" ".join(_pdf_pages(reports[period].paths["pdf"])))
        assert f"So với {before[0].lower()}{before[1:]}: chỉ số thực hiện kế hoạch chung" in text
        annex = text.split("Phụ lục 4. Các chỉ tiêu tổng hợp", 1)[1].split("Phụ lục 5.", 1)[0]
        assert re.search(r"Cải thiện|Kém đi", annex)  # judged against the year before
    q1 = _flat(_docx_text(reports["2019-Q1"].paths["docx"]))
    assert re.search(r"Năm 2018 Quý I năm 2019 Tăng/giảm Đánh giá", q1)
    assert re.search(r"bằng \d+,\d %", q1)  # a quarter's sums against the whole of 2018
    year = _flat(_docx_text(reports["2019-Y"].paths["docx"]))
    assert "So với năm 2018 So với 9 tháng đầu năm 2019" in year


def test_the_q1_pdf_has_at_most_half_its_former_pages_with_nothing_left_out(q1):
    pages = _pdf_pages(q1.paths["pdf"])
    assert len(pages) <= PAGES_BEFORE // 2
    text = _flat(" ".join(pages))
    for title in [f"Phụ lục {n}." for n in range(1, 10)] + [f"Bảng {n}." for n in range(1, 11)]:
        assert title in text
    assert "Phụ lục 9. Kết quả thực hiện" in text and "PL9 Kết quả thực hiện" in text


def test_libreoffice_converts_the_docx_and_the_workbook(q1, tmp_path):
    assert SOFFICE, "LibreOffice is not installed (apt-get install libreoffice-writer-nogui)"
    docx = shutil.copy(q1.paths["docx"], tmp_path / "van-ban.docx")
    xlsx = shutil.copy(q1.paths["xlsx"], tmp_path / "phu-luc.xlsx")
    ran = subprocess.run(
        [
            SOFFICE,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            str(docx),
            str(xlsx),
        ],
        env={"HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stderr
    document = _pdf_pages(tmp_path / "pdf" / "van-ban.pdf")
    assert len(document) <= PAGES_BEFORE // 2
    assert _words_kept_whole(_flat(" ".join(document)), _tables(q1.paths["json"])) == []

    workbook = load_workbook(q1.paths["xlsx"])
    tables = [workbook[name] for name in workbook.sheetnames[1:]]
    for sheet in workbook.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
    for sheet in tables:
        assert sheet.print_title_rows == "$4:$4"
    printed = pdfium.PdfDocument(str(tmp_path / "pdf" / "phu-luc.pdf"))
    try:
        sizes = [printed[i].get_size() for i in range(len(printed))]
        pages = [_flat(printed[i].get_textpage().get_text_range()) for i in range(len(printed))]
    finally:
        printed.close()
    assert all(width > height for width, height in sizes)  # landscape
    headers = [
        (_flat(str(sheet.cell(4, 1).value)), _flat(str(sheet.cell(4, sheet.max_column).value)))
        for sheet in tables
    ]
    # Fitted to the width: every page after the first holds the first and the last column
    # of its sheet, under the header row repeated on each page.
    for text in pages[1:]:
        assert any(first in text and last in text for first, last in headers), text[:200]
