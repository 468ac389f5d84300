"""The annex tables as an Excel workbook, one sheet per table, for officials who recompute.

Numbers are stored as numbers with an Excel number format (a Vietnamese Excel shows
"1.234,5" and "90,0 %"), never as text, so that they can be summed and charted. The first
sheet says what the workbook is; each sheet repeats the synthetic-data warning when due.
After the annexes come the body's tables that earlier versions printed as annexes too (the
reporting rates, the wards' ranking).

Every sheet prints as the annexes of the PDF do: A4 landscape, fitted to the page's width,
the header row repeated on every page, the page number in the footer. Text is set in Times
New Roman (Liberation Serif where it is missing, with the same widths), so that the columns
can be sized as the PDF's are (`widths`: no word broken, short cells on one line) and the
height of each row measured: a row is as tall as its longest wrapped cell, and no row
overlaps the next when LibreOffice or Excel prints it.
"""

from __future__ import annotations

import math
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from papi_etl.report import fonts, sections, widths
from papi_etl.report.model import Num, Report, Table, cell_text
from papi_etl.report.notation import EXCEL_FORMATS
from papi_etl.spreadsheet_text import put

FONT = "Times New Roman"
SIZE = 11
HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WARNING = Font(name=FONT, bold=True, color="C00000", size=12)
HEADER_ROW = 4
# A column's width is counted in digits of the workbook's default font, here Times New
# Roman 11 (Liberation Serif in LibreOffice), whose digit is 5.5 points wide; Excel rounds
# it to 7 pixels (5.25 points). Columns are set for the first and rows measured for the
# second, so that a row is never too short for its text in either.
POINTS_PER_CHAR = 5.5
MEASURED_PER_CHAR = 7 * 0.75
MARGIN_PT = 3 * 0.75
# The width the columns are laid out in: A4 landscape less the margins below, a little
# more, which fitting to the page's width takes back (the text prints at ~90 %).
PAGE_PT = (29.7 - 2.3) / 2.54 * 72 * 1.1
LINE = 1.25  # line height / font size
# The body's tables the workbook holds after the annexes.
BODY_TABLES = (sections.REPORTING_TABLE, sections.RANKING_TABLE)


def _put(sheet: Worksheet, row: int, column: int, value: object, font: Font | None = None):
    """Every cell of the workbook is written here: a unit's text stays text (`put`)."""
    cell = put(sheet.cell(row=row, column=column), value)
    cell.font = font or Font(name=FONT, size=SIZE)
    return cell


def _lines(text: str, width_pt: float, size: float, bold: bool = False) -> int:
    """How many lines `text` takes wrapped at its spaces in a column `width_pt` wide."""
    count = 0
    for paragraph in text.split("\n"):
        line, count = 0.0, count + 1
        for word in paragraph.split(" "):
            wide = fonts.width(word, size, bold=bold)
            gap = fonts.width(" ", size) if line else 0.0
            if line and line + gap + wide > width_pt:
                count, line = count + 1, wide
            else:
                line += gap + wide
            count += max(0, math.ceil(wide / width_pt) - 1)  # a word wider than the column
    return count


def _print_setup(sheet: Worksheet, title_rows: str | None) -> None:
    setup = sheet.page_setup
    setup.orientation = sheet.ORIENTATION_LANDSCAPE
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # as many pages down as needed
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(left=0.5, right=0.4, top=0.6, bottom=0.6)
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "Trang &P / &N"
    if title_rows:
        sheet.print_title_rows = title_rows


def _about(sheet: Worksheet, report: Report, tables: list[Table]) -> None:
    lines = [
        (f"{report.header.authority} {report.header.authority_area}", Font(name=FONT, bold=True)),
        (f"{report.heading} {report.subject}", Font(name=FONT, bold=True, size=13)),
        (f"{report.header.number} – {report.place_date}", Font(name=FONT, italic=True)),
        (f"Phiên bản {report.edition.version}", None),
        ("", None),
        ("Các bảng:", Font(name=FONT, bold=True)),
        *((table.title, None) for table in tables),
    ]
    if report.notice:
        lines.insert(0, (report.notice, WARNING))
    for row, (text, font) in enumerate(lines, start=1):
        _put(sheet, row, 1, text, font)
    sheet.column_dimensions["A"].width = 110
    _print_setup(sheet, None)


def _table(sheet: Worksheet, table: Table, notice: str | None) -> None:
    _put(sheet, 1, 1, table.title, Font(name=FONT, bold=True, size=12))
    if notice:
        _put(sheet, 2, 1, notice, WARNING)
    size, points = widths.fit(table, PAGE_PT, MARGIN_PT, SIZE)
    room = [width / POINTS_PER_CHAR * MEASURED_PER_CHAR - 2 * MARGIN_PT for width in points]
    plain, bold = Font(name=FONT, size=size), Font(name=FONT, size=size, bold=True)
    for column, title in enumerate(table.columns, start=1):
        cell = _put(sheet, HEADER_ROW, column, title, bold)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    header_lines = max(
        _lines(title, space, size, bold=True)
        for title, space in zip(table.columns, room, strict=True)
    )
    sheet.row_dimensions[HEADER_ROW].height = header_lines * size * LINE + 4
    for row, values in enumerate(table.rows, start=HEADER_ROW + 1):
        for column, value in enumerate(values, start=1):
            if isinstance(value, Num):
                cell = _put(sheet, row, column, value.value, plain)
                cell.number_format = EXCEL_FORMATS[value.fmt]
                cell.alignment = Alignment(vertical="top")
            else:
                cell = _put(sheet, row, column, value, plain)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = BORDER
        tallest = max(
            _lines(cell_text(v), space, size) for v, space in zip(values, room, strict=True)
        )
        sheet.row_dimensions[row].height = tallest * size * LINE + 3
    last = HEADER_ROW + len(table.rows)
    if table.note:
        _put(sheet, last + 2, 1, table.note, Font(name=FONT, size=size, italic=True))
    for column, width in enumerate(points, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width / POINTS_PER_CHAR
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    if table.rows:
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(table.columns))}{last}"
    _print_setup(sheet, f"{HEADER_ROW}:{HEADER_ROW}")


def write(report: Report, path: Path) -> Path:
    """Write the annexes to `path` (.xlsx): a first sheet about the report, then one sheet per
    annex table, named by its key, then the body's BODY_TABLES."""
    tables = [*report.annexes, *(report.table(key) for key in BODY_TABLES)]
    workbook = Workbook()
    # The default font sets the unit of column widths (see POINTS_PER_CHAR); openpyxl has
    # no public setter for it.
    workbook._fonts = IndexedList([Font(name=FONT, size=SIZE)])
    workbook._named_styles["Normal"].font = Font(name=FONT, size=SIZE)
    about = workbook.active
    about.title = "Thông tin"
    _about(about, report, tables)
    for table in tables:
        _table(workbook.create_sheet(table.key), table, report.notice)
    workbook.properties.title = f"Phụ lục – {report.subject}"
    workbook.properties.language = "vi-VN"
    workbook.save(path)
    return path
