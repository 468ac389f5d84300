"""The report workbook a unit fills in for one period, prefilled from the plan.

Sheets `NhiemVu` (one row per task the unit must report) and `ChiSo` (one row per indicator
it must give a value for) each open with a title block (unit, period, deadline, plan), then
the Vietnamese headers and, hidden under them, the machine keys a reader looks for. What
the plan fills (codes, task text, indicator name, unit of measure, range) is locked by sheet
protection, without a password: protection prevents slips, not a determined user, and the
reader does not trust the layout anyway. A third sheet, `HuongDan`, says how to fill it in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from papi_etl import calendar, schema
from papi_etl.calendar import Period
from papi_etl.errors import PapiError
from papi_etl.forms import layout
from papi_etl.forms.layout import Layout
from papi_etl.forms.numbers import format_number
from papi_etl.plan import assignments
from papi_etl.plan.model import Indicator, Plan, Unit, ValueType
from papi_etl.schema import TaskStatus
from papi_etl.spreadsheet_text import put
from papi_etl.submission import Submission

GUIDE_SHEET = "HuongDan"
HEADER_ROW = 8
KEY_ROW = HEADER_ROW + 1
FIRST_ROW = KEY_ROW + 1

_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
# Named styles (one assignment per cell instead of five) that officials also see in Excel.
_HEADER = NamedStyle(
    "Tiêu đề cột",
    font=Font(bold=True),
    fill=PatternFill("solid", fgColor="DDEBF7"),
    border=_BORDER,
    alignment=Alignment(wrap_text=True, horizontal="center", vertical="center"),
)
_LOCKED = NamedStyle(
    "Ô điền sẵn",
    fill=PatternFill("solid", fgColor="EDEDED"),
    border=_BORDER,
    alignment=_WRAP_TOP,
)
_INPUT = NamedStyle(
    "Ô nhập số", border=_BORDER, alignment=_WRAP_TOP, protection=Protection(locked=False)
)
_INPUT_TEXT = NamedStyle(
    "Ô nhập chữ",
    border=_BORDER,
    alignment=_WRAP_TOP,
    protection=Protection(locked=False),
    number_format="@",  # "05/03/2019" stays text, never a date
)
_LINE_POINTS = 15.0
_STATUS_LIST = ",".join(s.label_vi for s in TaskStatus)


class UnknownUnitError(PapiError):
    """A unit code that the plan does not have."""


@dataclass(frozen=True)
class Written:
    """A workbook written: where, for whom, and how many rows each sheet holds."""

    path: Path
    unit: str
    period: str
    tasks: int
    indicators: int


def unit_of(plan: Plan, code: str) -> Unit:
    """The plan's unit with that code (any case); raises UnknownUnitError naming the valid ones."""
    for unit in plan.units:
        if unit.code.upper() == code.strip().upper():
            return unit
    known = ", ".join(u.code for u in plan.units)
    raise UnknownUnitError(
        f"Unit '{code}' is not in plan {plan.id}; its units are: {known}.",
        f"Đơn vị '{code}' không có trong kế hoạch {plan.document.number}; các mã đơn vị: {known}.",
    )


def _range(indicator: Indicator) -> str:
    return f"{format_number(indicator.range.min)} – {format_number(indicator.range.max)}"


def _lines(text: str, width: float) -> int:
    """Lines `text` wraps to in a column `width` characters wide.

    Excel does not size the rows of a generated file to their wrapped text, so the template
    sets each row's height itself.
    """
    per_line = max(int(width) - 2, 1)
    return sum(max(math.ceil(len(part) / per_line), 1) for part in text.split("\n"))


def _title(sheet: Worksheet, plan: Plan, unit: Unit, period: Period, heading: str) -> None:
    doc = plan.document
    consolidator = unit_of(plan, plan.calendar.consolidating_unit)
    lines = [
        heading,
        f"Thực hiện Kế hoạch số {doc.number} ngày {doc.date:%d/%m/%Y} của {doc.issuer}: "
        f"{doc.title}",
        f"Đơn vị báo cáo: {unit.name} (mã {unit.code})",
        f"Kỳ báo cáo: {period.label_vi} (mã {period.code}); số liệu từ ngày "
        f"{period.starts:%d/%m/%Y} đến hết ngày {period.ends:%d/%m/%Y}",
        f"Hạn nộp: trước 00:00 ngày {period.unit_deadline:%d/%m/%Y}, gửi {doc.issuer} "
        f"(qua {consolidator.name})",
        "Chỉ điền các ô nền trắng; ô nền xám được điền sẵn từ kế hoạch và đã khóa. "
        f"Cách điền: xem sheet {GUIDE_SHEET}.",
    ]
    last = get_column_letter(sheet.max_column)
    width = sum(
        sheet.column_dimensions[get_column_letter(c)].width for c in range(1, sheet.max_column + 1)
    )
    for row, line in enumerate(lines, start=1):
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = put(sheet.cell(row=row, column=1), line)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.font = Font(bold=row in (1, 5), size=14 if row == 1 else 11, italic=row == 6)
        extra = 6 if row == 1 else 0  # the heading is 14 points high
        sheet.row_dimensions[row].height = _lines(line, width) * _LINE_POINTS + extra


def _table(sheet: Worksheet, table: Layout, rows: Sequence[dict[str, object]]) -> None:
    """Headers, the hidden key row and the rows; machine-key columns other than codes are input."""
    locked = {schema.UNIT, schema.PERIOD, schema.TASK, schema.INDICATOR}
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
        header = sheet.cell(row=HEADER_ROW, column=index)
        header.style = _HEADER.name
        put(header, column.header)
        put(sheet.cell(row=KEY_ROW, column=index), column.key).font = Font(size=8, color="808080")
        if column.read_only or column.key in locked:
            style = _LOCKED.name
        else:
            style = _INPUT.name if column.key == schema.VALUE else _INPUT_TEXT.name
        for offset, values in enumerate(rows):
            cell = sheet.cell(row=FIRST_ROW + offset, column=index)
            cell.style = style
            put(cell, values.get(column.key))
    sheet.row_dimensions[HEADER_ROW].height = 3 * _LINE_POINTS
    sheet.row_dimensions[KEY_ROW].hidden = True
    for offset, values in enumerate(rows):
        lines = max(_lines(str(values.get(c.key) or ""), c.width) for c in table.columns)
        sheet.row_dimensions[FIRST_ROW + offset].height = min(lines * _LINE_POINTS, 409)
    sheet.freeze_panes = f"E{FIRST_ROW}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # officials may widen a column or a row
    sheet.protection.formatRows = False


def _status_validation(sheet: Worksheet, count: int) -> None:
    if not count:
        return
    choice = DataValidation(type="list", formula1=f'"{_STATUS_LIST}"', allow_blank=True)
    choice.promptTitle = "Tình trạng"
    choice.prompt = "Chọn từ danh sách: " + _STATUS_LIST.replace(",", ", ") + "."
    choice.errorTitle = "Tình trạng không hợp lệ"
    choice.error = "Chỉ chọn một trong: " + _STATUS_LIST.replace(",", ", ") + "."
    choice.showInputMessage = choice.showErrorMessage = True
    letter = get_column_letter(layout.TASKS.position(schema.STATUS))
    choice.add(f"{letter}{FIRST_ROW}:{letter}{FIRST_ROW + count - 1}")
    sheet.add_data_validation(choice)


def _excel_number(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def _value_validation(sheet: Worksheet, indicators: Sequence[Indicator | None]) -> None:
    """Excel checks each value against its indicator's range as it is typed."""
    letter = get_column_letter(layout.INDICATORS.position(schema.VALUE))
    rules: dict[tuple[bool, float, float, str], DataValidation] = {}
    for offset, indicator in enumerate(indicators):
        if indicator is None:
            continue
        whole = indicator.value_type is ValueType.COUNT
        low, high, measure = indicator.range.min, indicator.range.max, indicator.unit_of_measure
        rule = rules.get((whole, low, high, measure))
        if rule is None:
            kind = "số nguyên" if whole else "số"
            bounds = f"từ {format_number(low)} đến {format_number(high)}"
            rule = DataValidation(
                type="whole" if whole else "decimal",
                operator="between",
                formula1=_excel_number(low),
                formula2=_excel_number(high),
                allow_blank=True,
            )
            rule.promptTitle = f"Giá trị ({measure})"[:32]
            rule.prompt = (
                f"Nhập {kind} {bounds} ({measure}). Không phát sinh: để trống ô này và ghi "
                "'không phát sinh' ở cột Ghi chú."
            )
            rule.errorTitle = "Giá trị không hợp lệ"
            rule.error = f"Giá trị phải là {kind} {bounds}."
            rule.showInputMessage = rule.showErrorMessage = True
            rules[(whole, low, high, measure)] = rule
            sheet.add_data_validation(rule)
        rule.add(f"{letter}{FIRST_ROW + offset}")


def _guide(sheet: Worksheet, plan: Plan, unit: Unit, period: Period) -> None:
    doc = plan.document
    consolidator = unit_of(plan, plan.calendar.consolidating_unit)
    statuses = list(TaskStatus)
    lines = [
        "HƯỚNG DẪN ĐIỀN BÁO CÁO",
        f"Mẫu báo cáo của {unit.name} (mã {unit.code}), kỳ {period.label_vi} (mã "
        f"{period.code}), thực hiện Kế hoạch số {doc.number} ngày {doc.date:%d/%m/%Y} của "
        f"{doc.issuer}.",
        "",
        "1. Dùng đúng mẫu này: không dùng mẫu của đơn vị hoặc kỳ khác, không đổi tên các sheet "
        f"{schema.TASK_SHEET} và {schema.INDICATOR_SHEET}, không xóa, thêm hay di chuyển cột. "
        "Chỉ điền các ô nền trắng; các ô nền xám (mã đơn vị, kỳ báo cáo, mã và nội dung "
        "nhiệm vụ, tên chỉ tiêu, đơn vị tính, giới hạn giá trị) được điền sẵn và đã khóa.",
        f"2. Sheet {schema.TASK_SHEET}: mỗi dòng là một nhiệm vụ đơn vị phải báo cáo. Với mỗi "
        "nhiệm vụ, chọn Tình trạng, ghi Kết quả thực hiện (việc đã làm, số liệu chính), Văn "
        "bản minh chứng, Khó khăn, vướng mắc và Đề xuất, kiến nghị (nếu có).",
        "3. Tình trạng: chọn một trong bốn giá trị của danh sách:",
        f"   – {statuses[0].label_vi}: chưa bắt đầu thực hiện trong kỳ;",
        f"   – {statuses[1].label_vi}: đã bắt đầu nhưng chưa xong;",
        f"   – {statuses[2].label_vi}: đã thực hiện xong; phải ghi văn bản minh chứng;",
        f"   – {statuses[3].label_vi}: trong kỳ không có việc phải làm (ghi lý do ở cột Kết "
        "quả thực hiện).",
        "4. Văn bản minh chứng: ghi số/ký hiệu và ngày ban hành theo dạng dd/mm/yyyy, ví dụ "
        '"Số 12/BC-UBND ngày 05/03/2019". Nhiều văn bản thì ngăn cách bằng dấu chấm phẩy (;). '
        f"Ngày của văn bản nằm trong kỳ báo cáo (từ {period.starts:%d/%m/%Y} đến "
        f"{period.ends:%d/%m/%Y}).",
        f"5. Sheet {schema.INDICATOR_SHEET}: ghi số liệu của từng chỉ tiêu vào cột Giá trị, "
        f"lũy kế từ ngày {period.starts:%d/%m/%Y} đến hết ngày {period.ends:%d/%m/%Y}, theo "
        "đơn vị tính và trong giới hạn giá trị đã ghi.",
        "6. Cách ghi số: chỉ ghi số, không ghi đơn vị tính. Dấu phẩy (,) ngăn cách phần thập "
        "phân, dấu chấm (.) ngăn cách hàng nghìn: 1.234,5 là một nghìn hai trăm ba mươi bốn "
        "phẩy năm. Tỷ lệ phần trăm ghi số từ 0 đến 100, ví dụ 85 hoặc 85% (không ghi 0,85). "
        "Chỉ tiêu đếm (cuộc, hồ sơ, đơn...) là số nguyên.",
        '7. Chỉ tiêu không phát sinh trong kỳ: để trống ô Giá trị và ghi "không phát sinh" ở '
        "cột Ghi chú. Nếu số liệu bằng 0 thì ghi 0.",
        f"8. Hạn nộp: trước 00:00 ngày {period.unit_deadline:%d/%m/%Y}, gửi {doc.issuer} (qua "
        f"{consolidator.name}). Báo cáo nhận từ thời điểm đó trở đi được tính là trễ hạn. "
        "Có thể gửi lại bản đã sửa; bản gửi sau thay thế bản trước.",
        "9. Báo cáo được kiểm tra tự động. Nếu có lỗi, đơn vị nhận thông báo ghi rõ sheet, "
        "dòng, cột, lỗi và cách sửa.",
    ]
    sheet.column_dimensions["A"].width = 110
    for row, line in enumerate(lines, start=1):
        cell = put(sheet.cell(row=row, column=1), line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.font = Font(bold=row == 1, size=14 if row == 1 else 11)
        sheet.row_dimensions[row].height = _lines(line, 110) * _LINE_POINTS + (6 if row == 1 else 0)
    sheet.protection.sheet = True


def _workbook(
    plan: Plan,
    unit: Unit,
    period: Period,
    tasks: Sequence[dict[str, object]],
    indicators: Sequence[dict[str, object]],
) -> Workbook:
    book = Workbook()
    for style in (_HEADER, _LOCKED, _INPUT, _INPUT_TEXT):
        book.add_named_style(style)
    task_sheet = book.active
    task_sheet.title = schema.TASK_SHEET
    indicator_sheet = book.create_sheet(schema.INDICATOR_SHEET)
    by_code = {x.code.upper(): x for x in plan.indicators}
    for sheet, table, rows, heading in (
        (task_sheet, layout.TASKS, tasks, "BÁO CÁO KẾT QUẢ THỰC HIỆN NHIỆM VỤ"),
        (indicator_sheet, layout.INDICATORS, indicators, "BÁO CÁO SỐ LIỆU CHỈ TIÊU"),
    ):
        _table(sheet, table, rows)
        _title(sheet, plan, unit, period, heading)
    _status_validation(task_sheet, len(tasks))
    _value_validation(
        indicator_sheet,
        [by_code.get(str(r.get(schema.INDICATOR) or "").strip().upper()) for r in indicators],
    )
    _guide(book.create_sheet(GUIDE_SHEET), plan, unit, period)
    book.properties.title = f"Báo cáo {period.label_vi} — {unit.name}"
    book.properties.subject = f"Kết quả thực hiện Kế hoạch số {plan.document.number}"
    book.properties.creator = "papi-etl"
    book.properties.keywords = f"PAPI; {plan.id}; {unit.code}; {period.code}"
    return book


def _save(book: Workbook, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def write(plan: Plan, unit_code: str, period_code: str, path: Path) -> Written:
    """The blank template of one unit for one period: a row for each task and indicator.

    Raises UnknownUnitError or papi_etl.errors.UnknownPeriodError for codes the plan lacks.
    """
    unit = unit_of(plan, unit_code)
    period = calendar.period(plan, period_code)
    tasks = [
        {schema.UNIT: unit.code, schema.PERIOD: period.code, schema.TASK: t.code, "text": t.text}
        for t in assignments.tasks_of_unit(plan, unit.code)
    ]
    indicators = [
        {
            schema.UNIT: unit.code,
            schema.PERIOD: period.code,
            schema.INDICATOR: x.code,
            "name": x.name_vi,
            "unit_of_measure": x.unit_of_measure,
            "range": _range(x),
        }
        for x in assignments.indicators_of_unit(plan, unit.code)
    ]
    _save(_workbook(plan, unit, period, tasks, indicators), path)
    return Written(path, unit.code, period.code, len(tasks), len(indicators))


def _status_shown(status: str) -> str:
    """A status key as the drop-down shows it; anything else as it was typed."""
    try:
        return TaskStatus(status).label_vi
    except ValueError:
        return status


def write_filled(plan: Plan, submission: Submission, path: Path) -> Written:
    """The unit's template holding exactly the submission's rows, as an official would fill it.

    Rows keep the submission's order and codes as given; the plan's text, names and ranges
    are filled in for codes it knows. A value is written as its text when it has one
    (value_text), else as a number. Raises UnknownUnitError or UnknownPeriodError.
    """
    unit = unit_of(plan, submission.unit)
    period = calendar.period(plan, submission.period)
    texts = {t.code.upper(): t.text for t in assignments.tasks(plan)}
    known = {x.code.upper(): x for x in plan.indicators}
    tasks = [
        {
            schema.UNIT: row.unit or submission.unit,
            schema.PERIOD: row.period or submission.period,
            schema.TASK: row.task,
            "text": texts.get(row.task.strip().upper(), ""),
            schema.STATUS: _status_shown(row.status),
            schema.RESULT: row.result,
            schema.EVIDENCE: row.evidence,
            schema.DIFFICULTIES: row.difficulties,
            schema.PROPOSALS: row.proposals,
        }
        for row in submission.tasks
    ]
    indicators = []
    for row in submission.indicators:
        indicator = known.get(row.indicator.strip().upper())
        indicators.append(
            {
                schema.UNIT: row.unit or submission.unit,
                schema.PERIOD: row.period or submission.period,
                schema.INDICATOR: row.indicator,
                "name": indicator.name_vi if indicator else "",
                "unit_of_measure": indicator.unit_of_measure if indicator else "",
                "range": _range(indicator) if indicator else "",
                schema.VALUE: row.value_text or row.value,
                schema.NOTE: row.note,
            }
        )
    _save(_workbook(plan, unit, period, tasks, indicators), path)
    return Written(path, unit.code, period.code, len(tasks), len(indicators))
