"""The plan documents the importer's tests read, and a DOCX made from one of them.

The province and commune plans (and the odd documents) under `tests/papi_etl/plan/documents/`
were written for these tests in the style of real ones; their numbers, dates and signers
are invented. `docx_from_text` lays a text document out as Word would hold it: the header
and the signature as two-column tables, one paragraph per paragraph of the text, bullets as
Word list paragraphs (the dash is Word's numbering, not text) and the table of tasks as a
table, so that importing it exercises the DOCX reader rather than the text one.
"""

from __future__ import annotations

import re
from pathlib import Path

import docx

from papi_etl.plan.document import BlockKind, blocks, lines_of_text, split_closing

ROOT = Path(__file__).resolve().parents[4]
DOCUMENTS = Path(__file__).resolve().parents[1] / "documents"
SEED = ROOT / "plans" / "documents" / "ke-hoach-461-KH-UBND-binh-tan-2018.txt"
REFERENCE = ROOT / "plans" / "461-KH-UBND-binh-tan.yaml"
PROVINCE = DOCUMENTS / "ke-hoach-58-KH-UBND-tinh-quang-tri-2024.txt"
COMMUNE = DOCUMENTS / "ke-hoach-27-KH-UBND-xa-tan-thong-hoi-2023.txt"
NEWS = DOCUMENTS / "tin-bai-ke-hoach-papi-2024.txt"
NO_TASKS = DOCUMENTS / "ke-hoach-khong-co-danh-sach-nhiem-vu.txt"

_OPENS = re.compile(r"^(Căn cứ|Thực hiện|Nhằm)")


def _paragraphs(lines: list[str]) -> list[str]:
    """The paragraphs between the title and section I ("Căn cứ ...;"), breaks undone."""
    found: list[str] = []
    for line in lines:
        if not found or _OPENS.match(line):
            found.append(line)
        else:
            found[-1] += " " + line
    return found


def _two_columns(document, left: list[str], right: list[str]) -> None:
    table = document.add_table(rows=1, cols=2)
    for cell, lines in zip(table.rows[0].cells, (left, right), strict=True):
        cell.paragraphs[0].text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)


def _table(document, rows: list[tuple[str, ...]]) -> None:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row, cells in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value


def docx_from_text(text: str, path: Path) -> Path:
    """The document laid out in Word. Its body's paragraphs are the blocks the text reader
    finds (the text's line breaks are not what is tested here)."""
    lines = [line for line in text.splitlines() if line.strip()]
    title_at = lines.index("KẾ HOẠCH")
    section_at = next(i for i, line in enumerate(lines) if re.match(r"^I\. ", line))
    header = [line for line in lines[:title_at] if not set(line) <= set("-| ")]
    motto_at = next(i for i, line in enumerate(header) if line.startswith("CỘNG"))
    document = docx.Document()
    _two_columns(document, header[:motto_at], header[motto_at:])
    preamble = lines[title_at:section_at]
    capitals = [line for line in preamble if line.isupper() or not line[:1].isalpha()]
    for line in capitals:
        document.add_paragraph(line)
    for paragraph in _paragraphs(preamble[len(capitals) :]):
        document.add_paragraph(paragraph)
    every = blocks(lines_of_text("\n".join(lines[section_at:])))
    body, _ = split_closing(every)
    rows: list[tuple[str, ...]] = []
    for block in body:
        if block.kind is BlockKind.ROW and block.cells:
            rows.append(block.cells)
            continue
        if rows:
            _table(document, rows)
            rows = []
        if block.kind is BlockKind.BULLET:
            document.add_paragraph(block.text, style="List Bullet")
        elif block.kind in (BlockKind.SECTION, BlockKind.PART):
            document.add_paragraph(f"{block.number}. {block.text}")
        elif block.kind is BlockKind.NUMBERED:
            mark = f"{block.number})" if block.number.isalpha() else f"{block.number}."
            document.add_paragraph(f"{mark} {block.text}")
        else:
            document.add_paragraph(block.text)
    closing = next(b for b in every if b.text.endswith("./."))
    if closing not in body:
        document.add_paragraph(closing.text)
    recipients_at = next(i for i, line in enumerate(lines) if line.startswith("Nơi nhận"))
    signature = [line for line in lines[recipients_at:] if line != "|"]
    signer_at = next(i for i, line in enumerate(signature) if line.isupper())
    _two_columns(document, signature[:signer_at], signature[signer_at:])
    document.save(path)
    return path


def docx_not_a_plan(path: Path) -> Path:
    """A real Word document that is no plan: an invitation to a meeting."""
    document = docx.Document()
    document.add_paragraph("GIẤY MỜI")
    document.add_paragraph(
        "Phòng Nội vụ trân trọng kính mời đại diện lãnh đạo các cơ quan, đơn vị dự cuộc họp "
        "triển khai công tác cải cách hành chính năm 2024."
    )
    document.add_paragraph("Thời gian: 08 giờ 00, ngày 20 tháng 3 năm 2024.")
    document.add_paragraph("Địa điểm: Hội trường Ủy ban nhân dân huyện.")
    document.save(path)
    return path
