"""The XLSX form: a template filled as an official would reads back exactly as typed."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

import openpyxl
import pytest

from papi_etl import forms, schema
from papi_etl.forms.template import FIRST_ROW, HEADER_ROW, KEY_ROW
from papi_etl.plan import assignments, load
from papi_etl.schema import TaskStatus
from papi_etl.settings import DEFAULT_PLAN
from papi_etl.submission import IndicatorRow, TaskRow

UNITS = [u.code for u in load(DEFAULT_PLAN).plan.units]
STATUSES = list(TaskStatus)
# What an official types into Giá trị, and what it must read as: (typed, value, value_text).
VALUES = [
    (12, 12.0, ""),
    (3.5, 3.5, ""),
    ("1.234,5", 1234.5, ""),
    ("85%", 85.0, ""),
    (None, None, ""),
    ("nhiều", None, "nhiều"),
]


def _type_into(sheet, row: int, column: int, value: object) -> None:
    cell = sheet.cell(row=row, column=column)
    assert cell.protection.locked is False, f"{cell.coordinate} is locked: nobody can type there"
    cell.value = value


@pytest.mark.parametrize("unit", UNITS)
def test_a_filled_template_reads_back_exactly_what_was_typed(
    plan, template_bytes, edit, keys_of, unit
):
    tasks = assignments.tasks_of_unit(plan, unit)
    indicators = assignments.indicators_of_unit(plan, unit)
    expected_tasks, expected_indicators = [], []

    def fill(book):
        sheet = book[schema.TASK_SHEET]
        columns = keys_of(sheet)
        for i, task in enumerate(tasks):
            row = FIRST_ROW + i
            status = STATUSES[i % len(STATUSES)]
            typed = {
                schema.STATUS: status.label_vi,
                schema.RESULT: 12 if i == 1 else f"Đã tổ chức {i} hội nghị,\nđạt kế hoạch",
                schema.EVIDENCE: dt.datetime(2019, 3, 5)
                if i == 2
                else f"Số {i}/BC-UBND ngày 05/03/2019",
                schema.DIFFICULTIES: None if i % 2 else "Thiếu kinh phí",
                schema.PROPOSALS: unicodedata.normalize("NFD", "Đề nghị quận hỗ trợ"),
            }
            for key, value in typed.items():
                _type_into(sheet, row, columns[key], value)
            expected_tasks.append(
                TaskRow(
                    row=row,
                    task=task.code,
                    status=status.value,
                    result="12" if i == 1 else f"Đã tổ chức {i} hội nghị,\nđạt kế hoạch",
                    evidence="05/03/2019" if i == 2 else f"Số {i}/BC-UBND ngày 05/03/2019",
                    difficulties="" if i % 2 else "Thiếu kinh phí",
                    proposals="Đề nghị quận hỗ trợ",
                    unit=unit,
                    period="2019-6M",
                )
            )
        sheet = book[schema.INDICATOR_SHEET]
        columns = keys_of(sheet)
        for i, indicator in enumerate(indicators):
            row = FIRST_ROW + i
            typed, value, value_text = VALUES[i % len(VALUES)]
            note = "không phát sinh" if typed is None else ""
            _type_into(sheet, row, columns[schema.VALUE], typed)
            _type_into(sheet, row, columns[schema.NOTE], note or None)
            expected_indicators.append(
                IndicatorRow(row, indicator.code, value, value_text, note, unit, "2019-6M")
            )

    content = edit(template_bytes(unit, "2019-6M"), fill)
    submission = forms.read(content, f"{unit}_2019-6M.xlsx", plan)
    assert (submission.unit, submission.period, submission.form) == (unit, "2019-6M", "xlsx")
    assert list(submission.tasks) == expected_tasks
    assert list(submission.indicators) == expected_indicators


def test_an_untouched_template_reads_as_every_row_with_nothing_reported(plan, template_bytes):
    submission = forms.read(template_bytes("PNV", "2019-Q1"), "PNV.xlsx", plan)
    assert [t.task for t in submission.tasks] == [
        t.code for t in assignments.tasks_of_unit(plan, "PNV")
    ]
    assert {t.status for t in submission.tasks} == {""}
    assert {(x.value, x.value_text) for x in submission.indicators} == {(None, "")}


def test_a_table_moved_down_is_still_found_and_rows_keep_their_numbers(plan, template_bytes, edit):
    def move(book):
        sheet = book[schema.TASK_SHEET]
        sheet.insert_rows(1, amount=3)
        sheet.cell(row=FIRST_ROW + 3, column=5).value = "Hoàn thành"
        sheet.cell(row=FIRST_ROW + 5, column=5).value = "Đang triển khai"

    submission = forms.read(edit(template_bytes(), move), "AL.xlsx", plan)
    assert submission.tasks[0].row == FIRST_ROW + 3
    assert submission.tasks[0].status == "hoan_thanh"
    assert submission.tasks[2].status == "dang_trien_khai"


def test_blank_rows_are_skipped_and_a_read_only_column_is_ignored(plan, template_bytes, edit):
    def change(book):
        sheet = book[schema.TASK_SHEET]
        sheet.insert_rows(FIRST_ROW + 1, amount=2)  # two blank rows inside the table
        sheet.cell(row=FIRST_ROW, column=4).value = "nội dung bị sửa"

    submission = forms.read(edit(template_bytes(), change), "AL.xlsx", plan)
    assert [t.row for t in submission.tasks[:2]] == [FIRST_ROW, FIRST_ROW + 3]
    assert len(submission.tasks) == len(assignments.tasks_of_unit(plan, "AL"))


def test_without_the_key_row_the_vietnamese_headers_are_matched(plan, template_bytes, edit):
    def drop_keys(book):
        for sheet in (book[schema.TASK_SHEET], book[schema.INDICATOR_SHEET]):
            sheet.delete_rows(KEY_ROW)
        book[schema.TASK_SHEET].cell(row=KEY_ROW, column=5).value = "Hoàn thành"

    submission = forms.read(edit(template_bytes(), drop_keys), "AL.xlsx", plan)
    assert submission.tasks[0].row == KEY_ROW
    assert submission.tasks[0].status == "hoan_thanh"
    assert len(submission.indicators) == len(assignments.indicators_of_unit(plan, "AL"))


def test_a_workbook_of_the_units_own_making_is_read_by_its_headers(plan):
    book = openpyxl.Workbook()
    tasks = book.active
    tasks.title = "nhiemvu"
    nfd = lambda text: unicodedata.normalize("NFD", text)  # noqa: E731 - typed on a Mac
    tasks.append(["BÁO CÁO CỦA PHƯỜNG AN LẠC"])
    tasks.append(
        [nfd(h) for h in ("Mã đơn vị", "Kỳ báo cáo", "MÃ NHIỆM VỤ", "Tình trạng")]
        + ["Kết quả thực hiện", "Văn bản minh chứng", "Khó khăn, vướng mắc", "Đề xuất, kiến nghị"]
    )
    tasks.append(["AL", "2019-Q1", "D1.01", "Hoàn thành", "Xong", "Số 1/BC-UBND ngày 01/03/2019"])
    indicators = book.create_sheet("CHISO")
    indicators.append(["Mã đơn vị", "Kỳ báo cáo", "Mã chỉ tiêu", "Giá trị", "Ghi chú"])
    indicators.append(["AL", "2019-Q1", "I1.01", "1.234", None])
    out = io.BytesIO()
    book.save(out)

    submission = forms.read(out.getvalue(), "baocao.xlsx", plan)
    assert submission.tasks == (
        TaskRow(
            3,
            "D1.01",
            "hoan_thanh",
            "Xong",
            "Số 1/BC-UBND ngày 01/03/2019",
            "",
            "",
            "AL",
            "2019-Q1",
        ),
    )
    assert submission.indicators == (IndicatorRow(2, "I1.01", 1234.0, "", "", "AL", "2019-Q1"),)


def test_the_header_row_stands_where_the_template_says(plan, template_bytes):
    sheet = openpyxl.load_workbook(io.BytesIO(template_bytes()))[schema.TASK_SHEET]
    assert sheet.cell(row=HEADER_ROW, column=3).value == "Mã nhiệm vụ"
    assert sheet.cell(row=KEY_ROW, column=3).value == schema.TASK
