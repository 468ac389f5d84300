"""The annex tables as an Excel workbook, one sheet per table, for officials who recompute.

Every cell goes through `spreadsheet_text.put`: the annexes quote units' own text, which
must never become a formula.

Numbers are stored as numbers with an Excel number format (a Vietnamese Excel shows
"1.234,5" and "90,0 %"), never as text, so that they can be summed and charted. The first
sheet says what the workbook is; each sheet repeats the synthetic-data warning when due.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from papi_etl.report.model import Num, Report, Table
from papi_etl.report.notation import EXCEL_FORMATS
from papi_etl.spreadsheet_text import put

HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WARNING = Font(bold=True, color="C00000", size=12)
CHARS_PER_UNIT = 7  # column width (characters) per unit of a table's relative widths
HEADER_ROW = 4


def _about(sheet: Worksheet, report: Report) -> None:
    lines = [
        (f"{report.header.authority} {report.header.authority_area}", Font(bold=True)),
        (f"{report.heading} {report.subject}", Font(bold=True, size=13)),
        (f"{report.header.number} – {report.place_date}", Font(italic=True)),
        (f"Phiên bản {report.edition.version}", Font()),
        ("", Font()),
        ("Các phụ lục:", Font(bold=True)),
        *((table.title, Font()) for table in report.annexes),
    ]
    if report.notice:
        lines.insert(0, (report.notice, WARNING))
    for row, (text, font) in enumerate(lines, start=1):
        cell = put(sheet.cell(row=row, column=1), text)
        cell.font = font
    sheet.column_dimensions["A"].width = 100


def _table(sheet: Worksheet, table: Table, notice: str | None) -> None:
    put(sheet.cell(row=1, column=1), table.title).font = Font(bold=True, size=12)
    if notice:
        put(sheet.cell(row=2, column=1), notice).font = WARNING
    for column, title in enumerate(table.columns, start=1):
        cell = put(sheet.cell(row=HEADER_ROW, column=column), title)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row, values in enumerate(table.rows, start=HEADER_ROW + 1):
        for column, value in enumerate(values, start=1):
            if isinstance(value, Num):
                cell = put(sheet.cell(row=row, column=column), value.value)
                cell.number_format = EXCEL_FORMATS[value.fmt]
            else:
                cell = put(sheet.cell(row=row, column=column), value)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = BORDER
    last = HEADER_ROW + len(table.rows)
    if table.note:
        put(sheet.cell(row=last + 2, column=1), table.note).font = Font(italic=True)
    for column, width in enumerate(table.widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width * CHARS_PER_UNIT
    sheet.row_dimensions[HEADER_ROW].height = 45
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    if table.rows:
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(table.columns))}{last}"


def write(report: Report, path: Path) -> Path:
    """Write the annexes to `path` (.xlsx): a first sheet about the report, then one sheet per
    annex table, named by its key."""
    workbook = Workbook()
    about = workbook.active
    about.title = "Thông tin"
    _about(about, report)
    for table in report.annexes:
        _table(workbook.create_sheet(table.key), table, report.notice)
    workbook.properties.title = f"Phụ lục – {report.subject}"
    workbook.properties.language = "vi-VN"
    workbook.save(path)
    return path
