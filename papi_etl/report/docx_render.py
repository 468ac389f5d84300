"""The report as a Word document, laid out as a Vietnamese administrative report.

The form follows Nghị định 30/2020/NĐ-CP where python-docx allows: A4, margins 2 cm top
and bottom, 3 cm left, 1.5 cm right, Times New Roman 13 pt (Word substitutes a metric
twin where the font is missing), the issuing body and the national heading side by side,
the number and the place and date under them (the date left to fill in), the page number
at the top centre from page 2 on, "Nơi nhận" at the bottom left and the signature block at
the bottom right, with room for the signature and the seal above the signer's name.
Tables repeat their header row on every page and have the PDF's column widths, under which
no number or word is broken (`widths`); the annexes are on landscape pages, where their
many columns fit.
"""

from __future__ import annotations

import re
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.table import _Cell, _Row
from docx.text.paragraph import Paragraph as DocxParagraph

from papi_etl.report import widths
from papi_etl.report.model import Bullets, Figure, Num, Paragraph, Report, Section, Table
from papi_etl.report.notation import NBSP
from papi_etl.report.wording import lower_first

FONT = "Times New Roman"
BODY_PT = 13
TABLE_PT = 10.0  # the largest table text, as in the PDF
ANNEX_PT = 8.5
CELL_MARGIN_PT = 2.5  # left and right of a cell's text, as in the PDF
PORTRAIT_TEXT_CM = 21.0 - 3.0 - 1.5
LANDSCAPE_TEXT_CM = 29.7 - 2.0 - 2.0
FIGURE_CM = 12.0
POINTS_PER_CM = 72 / 2.54
WORD_JOINER = "\u2060"
SYMBOL = re.compile(r"\S*\d\S*[/-]\S*|\S*[/-]\S*\d\S*")  # a word with a digit and a / or -
WARNING = RGBColor(0xC0, 0x00, 0x00)
CELL_STYLE = "Ô bảng"


def _paragraph(
    container: DocxDocument | _Cell,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = False,
    after: float = 6,
) -> DocxParagraph:
    paragraph = container.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        run.bold = bold
        run.italic = italic
        if size is not None:
            run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(after)
    fmt.space_before = Pt(0)
    if indent:
        fmt.first_line_indent = Cm(1)
    return paragraph


def _cell_paragraph(cell: _Cell, lines: list[tuple[str, bool, bool, float]]) -> None:
    """Lines of a header cell, centred: (text, bold, italic, size)."""
    cell.paragraphs[0].text = ""
    for i, (text, bold, italic, size) in enumerate(lines):
        paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)


def _no_borders(table: DocxTable) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _widths(table: DocxTable, relative: tuple[float, ...], total_cm: float) -> None:
    """Fixed column widths: LibreOffice reads the table grid, Word each cell's width."""
    scale = total_cm / sum(relative)
    widths = [Cm(width * scale) for width in relative]
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _header(document: DocxDocument, report: Report) -> None:
    header = report.header
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    _cell_paragraph(
        left,
        [
            (header.authority, False, False, 12.5),
            (header.authority_area, True, False, 12.5),
            ("———", False, False, 10),
            (header.number, False, False, 13),
        ],
    )
    _cell_paragraph(
        right,
        [
            (header.nation, True, False, 12),
            (header.motto, True, False, 13),
            ("———————————", False, False, 10),
            (report.place_date, False, True, 13),
        ],
    )
    _widths(table, (6.0, 10.5), PORTRAIT_TEXT_CM)


def _notice(document: DocxDocument, notice: str) -> None:
    paragraph = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER, after=8)
    run = paragraph.add_run(notice)
    run.bold = True
    run.font.color.rgb = WARNING
    run.font.size = Pt(14)


def _field(paragraph: DocxParagraph, instruction: str) -> None:
    """A field Word and LibreOffice compute when they lay the page out ("PAGE")."""
    run = paragraph.add_run()
    for tag, text in (("begin", None), (None, instruction), ("end", None)):
        if tag:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), tag)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _page_furniture(document: DocxDocument, report: Report) -> None:
    """The page number at the top centre from page 2 on (Nghị định 30/2020/NĐ-CP); the
    synthetic-data warning at the foot of every page after the first, which has it in large
    type at the top."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(number, "PAGE")
    if report.notice:
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(report.notice)
        run.bold = True
        run.font.size = Pt(10)
        run.font.color.rgb = WARNING


def _repeat_header(row: _Row) -> None:
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _unbroken(text: str) -> str:
    """The text with its numbers and document symbols ("22/CT-UBND", "84/2015/NĐ-CP") kept
    on one line: Word and LibreOffice may break a line after a slash or a hyphen, which a
    word joiner after each forbids. reportlab breaks only at spaces."""
    return SYMBOL.sub(lambda match: re.sub(r"([/-])", "\\1" + WORD_JOINER, match[0]), text)


def _cell_margins(table: DocxTable) -> None:
    """Left and right cell margins as the PDF's, which the column widths count on."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(round(CELL_MARGIN_PT * 20)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.append(margins)


def _write_cell(
    cell: _Cell,
    text: str,
    style_id: str,
    size: float,
    *,
    bold: bool = False,
    right: bool = False,
) -> None:
    # Size and spacing come from the cell style, set by its id: python-docx's `style` setter
    # looks the style up again on every call, which took most of the time of a large table.
    paragraph = cell.paragraphs[0]
    paragraph._p.style = style_id
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    if bold:
        run.bold = True


def _table(document: DocxDocument, table: Table, width_cm: float, largest: float) -> None:
    caption = _paragraph(
        document, table.title, bold=True, size=11.5, align=WD_ALIGN_PARAGRAPH.CENTER, after=3
    )
    caption.paragraph_format.keep_with_next = True
    if table.stand_in:
        _paragraph(document, table.stand_in, italic=True, size=10, after=8)
        return
    size, points = widths.fit(table, width_cm * POINTS_PER_CM, CELL_MARGIN_PT, largest)
    grid = document.add_table(rows=1 + len(table.rows), cols=len(table.columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    _cell_margins(grid)
    style = document.styles[CELL_STYLE].style_id
    for cell, name in zip(grid.rows[0].cells, table.columns, strict=True):
        _write_cell(cell, name, style, size, bold=True)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _shade(cell, "D9E2F3")
    _repeat_header(grid.rows[0])
    for row, values in zip(grid.rows[1:], table.rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            if isinstance(value, Num):  # a number is never broken: its spaces do not break
                _write_cell(cell, value.text.replace(" ", NBSP), style, size, right=True)
            else:
                _write_cell(cell, _unbroken(value), style, size)
    _widths(grid, tuple(points), sum(points) / POINTS_PER_CM)
    if table.note:
        _paragraph(document, table.note, italic=True, size=10, after=8)
    else:
        _paragraph(document, after=4)


def _section(document: DocxDocument, section: Section, charts: dict[str, Path]) -> None:
    heading = _paragraph(document, section.heading, bold=True, size=BODY_PT, after=6)
    heading.paragraph_format.keep_with_next = True
    for block in section.blocks:
        if isinstance(block, Paragraph):
            _paragraph(
                document,
                block.text,
                bold=block.bold,
                italic=block.italic,
                align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                indent=True,
            )
        elif isinstance(block, Bullets):
            for item in block.items:
                paragraph = _paragraph(
                    document, f"- {item}", align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=3
                )
                paragraph.paragraph_format.first_line_indent = Cm(1)
        elif isinstance(block, Table):
            _table(document, block, PORTRAIT_TEXT_CM, TABLE_PT)
        elif isinstance(block, Figure) and block.chart in charts:
            document.add_picture(str(charts[block.chart]), width=Cm(FIGURE_CM))
            document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _paragraph(
                document, block.caption, italic=True, size=11, align=WD_ALIGN_PARAGRAPH.CENTER
            )


def _closing(document: DocxDocument, report: Report) -> None:
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    run = left.paragraphs[0].add_run("Nơi nhận:")
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    for recipient in report.recipients:
        paragraph = left.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.add_run(f"- {recipient}").font.size = Pt(11)
    signature = report.signature
    _cell_paragraph(
        right,
        [
            (signature.on_behalf, True, False, 13),
            (signature.title, True, False, 13),
            *(("", False, False, 13) for _ in range(5)),  # room for the signature and seal
            *(((signature.name, True, False, 14),) if signature.name else ()),
        ],
    )
    _widths(table, (8.0, 8.5), PORTRAIT_TEXT_CM)


def _annexes(document: DocxDocument, report: Report) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.different_first_page_header_footer = False  # copied from the first section
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.0)
    _paragraph(document, "PHỤ LỤC", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(
        document,
        f"(Kèm theo báo cáo {lower_first(report.subject)})",
        italic=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    for table in report.annexes:
        _table(document, table, LANDSCAPE_TEXT_CM, ANNEX_PT)


def _setup(document: DocxDocument, report: Report) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(1.5)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    # A paragraph style, not a table style: Word lets Normal's 13 pt override a table style.
    cell_style = document.styles.add_style(CELL_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cell_style.base_style = normal
    cell_style.font.size = Pt(TABLE_PT)
    cell_style.paragraph_format.space_after = Pt(0)
    cell_style.paragraph_format.space_before = Pt(0)
    properties = document.core_properties
    properties.title = f"{report.heading} {report.subject}"
    properties.author = report.header.authority + " " + report.header.authority_area
    properties.language = "vi-VN"


def write(report: Report, path: Path, charts: dict[str, Path]) -> Path:
    """Write the report to `path` (.docx) with the charts' PNGs (by chart key) embedded."""
    document = Document()
    _setup(document, report)
    _page_furniture(document, report)
    if report.notice:
        _notice(document, report.notice)
    _header(document, report)
    _paragraph(document, after=6)
    _paragraph(
        document, report.heading, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, after=0
    )
    _paragraph(
        document, report.subject, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, after=0
    )
    _paragraph(document, "———————", align=WD_ALIGN_PARAGRAPH.CENTER, after=10)
    _paragraph(document, report.preamble, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    _paragraph(document, "Tóm tắt kết quả:", bold=True, italic=True, indent=True, after=3)
    for sentence in report.summary:
        paragraph = _paragraph(document, f"- {sentence}", align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=3)
        paragraph.paragraph_format.first_line_indent = Cm(1)
    for section in report.document_sections():
        _section(document, section, charts)
    _closing(document, report)
    if report.annexes:
        _annexes(document, report)
    document.save(str(path))
    return path
