"""The feedback workbook a unit gets back when its submission fails validation.

A unit fixes its report fastest in the file it made, so an XLSX submission comes back as
that very workbook (from the raw archive, formulas, styles and protection as they were)
with every failing cell filled red and carrying an Excel comment: the Vietnamese message
and how to fix it. A report sent as CSV or JSON comes back as the unit's template holding
its rows, marked the same way. A first sheet, `TomTat`, lists every finding, including
those that no cell can show (a task missing from the report, a whole-file problem).

Cells are found as the reader finds them (`forms.layout.find`: the hidden machine-key row,
else the Vietnamese headers), so the marks land where the unit's own table is, however it
moved it. Units often fix the feedback workbook itself and send it back: the marks and
summary of an earlier feedback are removed before the new ones are added.
"""

from __future__ import annotations

import io
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from papi_etl import calendar, forms, schema
from papi_etl.forms import layout
from papi_etl.forms.rows import Table
from papi_etl.forms.template import FIRST_ROW, unit_of
from papi_etl.plan.model import Plan
from papi_etl.spreadsheet_text import cell_text, put
from papi_etl.submission import Submission
from papi_etl.validation.finding import Finding

SUMMARY_SHEET = "TomTat"
AUTHOR = "papi-etl"
"""The author of the comments this module writes, by which a later feedback finds them."""

MARK = PatternFill("solid", fgColor="FFC7CE")  # Excel's own "Bad" red
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_LAYOUTS = {schema.TASK_SHEET: layout.TASKS, schema.INDICATOR_SHEET: layout.INDICATORS}
_CODE_KEY = {schema.TASK_SHEET: schema.TASK, schema.INDICATOR_SHEET: schema.INDICATOR}
# Where a row of a text form stands in the file the unit sent, for the summary.
_WHERE_SENT = {
    "csv": {sheet: "dòng {row} của tệp CSV" for sheet in _LAYOUTS},
    "json": {
        schema.TASK_SHEET: "phần tử {row} của mảng tasks",
        schema.INDICATOR_SHEET: "phần tử {row} của mảng indicators",
    },
}
_COLUMNS = (
    ("STT", 6),
    ("Vị trí trong tệp đã gửi", 18),
    ("Ô có lỗi", 12),
    ("Cột", 22),
    ("Mã nhiệm vụ / chỉ tiêu", 14),
    ("Giá trị đã ghi", 22),
    ("Lỗi", 60),
    ("Cách sửa", 60),
)


@dataclass(frozen=True)
class Feedback:
    """A feedback workbook written: how many findings it lists, how many it marks on a cell."""

    path: Path
    findings: int
    marked: int


@dataclass(frozen=True)
class _Spot:
    """What the summary says of one finding; `cell` is None when no cell can show it."""

    finding: Finding
    sent_at: str
    cell: Cell | None
    column: str
    code: str
    value: str


def _same_name(a: str, b: str) -> bool:
    return unicodedata.normalize("NFC", a).strip().casefold() == b.casefold()


def _sheet(book: Workbook, name: str) -> Worksheet | None:
    return next((s for s in book.worksheets if _same_name(s.title, name)), None)


def _anchor(sheet: Worksheet, row: int, column: int) -> Cell:
    """The cell at (row, column), or the top-left cell of the merged range holding it."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(cell, MergedCell):
        merged = next(r for r in sheet.merged_cells.ranges if cell.coordinate in r)
        cell = sheet.cell(row=merged.min_row, column=merged.min_col)
    return cell


def _clear_previous(book: Workbook) -> None:
    """Remove what an earlier feedback added, when the unit sends its feedback file back.

    A marked cell gets back the fill of its named style (grey for what the template locks);
    openpyxl gives the named styles themselves only through `_named_styles`.
    """
    old = _sheet(book, SUMMARY_SHEET)
    if old is not None:
        book.remove(old)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.comment is not None and cell.comment.author == AUTHOR:
                    cell.comment = None
                    cell.fill = book._named_styles[cell.style].fill


class _Locator:
    """Finds, for each finding, its row in the file sent and its cell in the workbook."""

    def __init__(self, book: Workbook, submission: Submission, form: str) -> None:
        self.book = book
        self.form = form
        rows = {
            schema.TASK_SHEET: [(t.row, t.task) for t in submission.tasks],
            schema.INDICATOR_SHEET: [(x.row, x.indicator) for x in submission.indicators],
        }
        self.codes = {sheet: dict(pairs) for sheet, pairs in rows.items()}
        # A workbook the unit sent shows each row where it was (a finding's row is the
        # sheet's); one made from a CSV or JSON form holds the rows in order from the
        # template's first row.
        self.rows_in_book = {
            sheet: {
                row: row if form == "xlsx" else FIRST_ROW + index
                for index, (row, _) in enumerate(pairs)
            }
            for sheet, pairs in rows.items()
        }
        self.columns: dict[str, dict[str, int]] = {}

    def _columns(self, sheet: Worksheet, name: str) -> dict[str, int]:
        """Machine key -> 1-based column of the sheet's table, found as the reader finds it."""
        if name not in self.columns:
            head = list(
                enumerate(
                    sheet.iter_rows(min_row=1, max_row=layout.SCAN_ROWS, values_only=True),
                    start=1,
                )
            )
            table = Table(f"sheet {sheet.title}", f"sheet {sheet.title}")
            found = layout.find(head, _LAYOUTS[name], table)
            self.columns[name] = {key: at + 1 for key, at in found.columns.items()}
        return self.columns[name]

    def spot(self, finding: Finding) -> _Spot:
        name = next((n for n in _LAYOUTS if _same_name(finding.sheet, n)), None)
        if name is None or not finding.row:
            # A finding without a row (a missing task) names what it is about in its value.
            return _Spot(
                finding, sent_at="", cell=None, column="", code=finding.value or "", value=""
            )
        table_layout = _LAYOUTS[name]
        column = table_layout.header(finding.field) if finding.field in table_layout.keys else ""
        sent_at = _WHERE_SENT.get(self.form, {}).get(name, "dòng {row}").format(row=finding.row)
        found = _Spot(
            finding=finding,
            sent_at=sent_at,
            cell=None,
            column=column,
            code=self.codes[name].get(finding.row, ""),
            value=finding.value or "",
        )
        book_row = self.rows_in_book[name].get(finding.row)
        sheet = _sheet(self.book, name)
        if book_row is None or sheet is None:
            return found
        # A finding about a whole row is shown on the row's code.
        position = self._columns(sheet, name).get(finding.field or _CODE_KEY[name])
        if position is None:
            return found
        return replace(found, cell=_anchor(sheet, book_row, position))


def _advice(finding: Finding) -> str:
    return f"{finding.message_vi}\nCách sửa: {finding.hint}" if finding.hint else finding.message_vi


def _mark(spots: Sequence[_Spot]) -> int:
    """Fill each failing cell and comment on it (several findings of a cell in one comment)."""
    by_cell: dict[tuple[str, str], tuple[Cell, list[Finding]]] = {}
    for spot in spots:
        if spot.cell is not None:
            key = (spot.cell.parent.title, spot.cell.coordinate)
            by_cell.setdefault(key, (spot.cell, []))[1].append(spot.finding)
    for cell, findings in by_cell.values():
        text = "\n\n".join(_advice(finding) for finding in findings)
        if cell.comment is not None:  # the unit's own note stays, under ours
            text += f"\n\n({cell.comment.author}): {cell.comment.text}"
        lines = sum(len(part) // 45 + 1 for part in text.split("\n"))
        cell.comment = Comment(cell_text(text), AUTHOR, height=min(15 * lines + 10, 400), width=320)
        cell.fill = MARK
    return sum(len(findings) for _, findings in by_cell.values())


def _height(texts: Sequence[tuple[str, float]]) -> float:
    """Points for a row whose cells wrap these texts in columns this wide.

    Excel does not size the rows of a generated file to their wrapped text.
    """
    lines = max(
        sum(len(part) // max(int(width) - 2, 1) + 1 for part in text.split("\n"))
        for text, width in texts
    )
    return min(15.0 * lines + 3, 409)


def _summary(
    book: Workbook, plan: Plan, submission: Submission, name: str, form: str, spots: list[_Spot]
) -> None:
    sheet = book.create_sheet(SUMMARY_SHEET, 0)
    unit = unit_of(plan, submission.unit)
    period = calendar.period(plan, submission.period)
    marked = sorted({spot.cell.parent.title for spot in spots if spot.cell is not None})
    remade = (
        f"Đơn vị gửi báo cáo dạng {form.upper()}; tệp này trình bày lại số liệu đã gửi theo "
        "mẫu báo cáo để chỉ ra chỗ lỗi. "
        if form != "xlsx"
        else ""
    )
    where = (
        f"Các ô có lỗi được tô đỏ và có ghi chú (đưa chuột vào ô để xem) trong sheet "
        f"{', '.join(marked)}. "
        if marked
        else ""
    )
    todo = (
        f"{remade}{where}Sửa hết các lỗi rồi gửi lại toàn bộ báo cáo (hạn nộp: trước 00:00 "
        f"ngày {period.unit_deadline:%d/%m/%Y}); bản gửi sau thay thế bản trước."
        if spots
        else "Báo cáo không có lỗi."
    )
    lines = [
        f"Kết quả kiểm tra báo cáo {period.label_vi} của {unit.name}",
        f"Tệp đã gửi: {name}. Số lỗi cần sửa: {len(spots)}.",
        todo,
    ]
    last = get_column_letter(len(_COLUMNS))
    wide = sum(width for _, width in _COLUMNS)
    for row, line in enumerate(lines, start=1):
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = put(sheet.cell(row=row, column=1), line)
        cell.font = Font(bold=row == 1, size=14 if row == 1 else 11)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.row_dimensions[row].height = _height([(line, wide)]) + (6 if row == 1 else 0)
    header_row = len(lines) + 2
    for column, (header, width) in enumerate(_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
        cell = put(sheet.cell(row=header_row, column=column), header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.border = _BORDER
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    for number, spot in enumerate(spots, start=1):
        row = header_row + number
        values = (
            number,
            spot.sent_at,
            f"{spot.cell.parent.title}!{spot.cell.coordinate}" if spot.cell is not None else "",
            spot.column,
            spot.code,
            spot.value,
            spot.finding.message_vi,
            spot.finding.hint,
        )
        for column, value in enumerate(values, start=1):
            cell = put(sheet.cell(row=row, column=column), value)
            cell.border = _BORDER
            cell.alignment = _WRAP_TOP
        sheet.row_dimensions[row].height = _height(
            [(str(v or ""), w) for v, (_, w) in zip(values, _COLUMNS, strict=True)]
        )
        if spot.cell is not None:
            link = sheet.cell(row=row, column=3)
            link.hyperlink = Hyperlink(
                ref=link.coordinate,
                location=f"'{spot.cell.parent.title}'!{spot.cell.coordinate}",
                tooltip="Đến ô có lỗi",
            )
            link.font = Font(color="0563C1", underline="single")
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    # Open on the summary, and on it alone: two selected tabs would group the sheets.
    for other in book.worksheets:
        other.sheet_view.tabSelected = False
    book.active = 0
    sheet.sheet_view.tabSelected = True


def _book(path: Path, raw_bytes: bytes, submission: Submission, form: str, plan: Plan) -> Workbook:
    """The workbook to mark: the unit's own, or its template holding the rows it sent."""
    if form != "xlsx":
        forms.write(submission, "xlsx", path, plan)
        return load_workbook(path)
    with warnings.catch_warnings():
        # openpyxl warns about extensions it drops (slicers, rich validation): harmless.
        warnings.simplefilter("ignore")
        book = load_workbook(io.BytesIO(raw_bytes))
    _clear_previous(book)
    return book


def write(
    path: Path, raw_bytes: bytes, original_name: str, findings: Sequence[Finding], plan: Plan
) -> Feedback:
    """Write the feedback workbook of one submission to `path`, creating its folder.

    `raw_bytes` and `original_name` are the file as received (`RawFile.archive_path` and
    `original_name`); `findings` are the submission's. A finding is marked on its cell when
    its sheet (NhiemVu, ChiSo), row and field (a machine key; '' for the whole row, shown on
    the row's code) name one; all are listed in TomTat, those without a row (a missing task,
    whose code is the finding's value) there only. The unit's sheets keep their
    protection. Raises RejectedSubmission when the bytes are not a readable submission
    (only what was stored as one has findings).
    """
    submission = forms.read(raw_bytes, original_name, plan)
    form = forms.form_of(raw_bytes, original_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = _book(path, raw_bytes, submission, form, plan)
    locator = _Locator(book, submission, form)
    spots = [locator.spot(finding) for finding in findings]
    marked = _mark(spots)
    _summary(book, plan, submission, original_name, form, spots)
    book.save(path)
    return Feedback(path, len(spots), marked)
