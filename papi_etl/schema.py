"""The machine keys of a submission, defined once for pandas, SQL, GX, templates and JSON.

A submission is one unit's report for one period: a table of tasks (sheet `NhiemVu`) and a
table of indicators (sheet `ChiSo`). The XLSX template carries these keys in a hidden row
under its Vietnamese headers; the CSV and JSON forms use them as they are.
"""

from __future__ import annotations

from enum import StrEnum

TASK_SHEET = "NhiemVu"
INDICATOR_SHEET = "ChiSo"

UNIT = "unit"
PERIOD = "period"
TASK = "task"
STATUS = "status"
RESULT = "result"
EVIDENCE = "evidence"
DIFFICULTIES = "difficulties"
PROPOSALS = "proposals"
INDICATOR = "indicator"
VALUE = "value"
NOTE = "note"

TASK_COLUMNS = (UNIT, PERIOD, TASK, STATUS, RESULT, EVIDENCE, DIFFICULTIES, PROPOSALS)
INDICATOR_COLUMNS = (UNIT, PERIOD, INDICATOR, VALUE, NOTE)


class TaskStatus(StrEnum):
    CHUA_TRIEN_KHAI = "chua_trien_khai"
    DANG_TRIEN_KHAI = "dang_trien_khai"
    HOAN_THANH = "hoan_thanh"
    KHONG_PHAT_SINH = "khong_phat_sinh"

    @property
    def label_vi(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    TaskStatus.CHUA_TRIEN_KHAI: "Chưa triển khai",
    TaskStatus.DANG_TRIEN_KHAI: "Đang triển khai",
    TaskStatus.HOAN_THANH: "Hoàn thành",
    TaskStatus.KHONG_PHAT_SINH: "Không phát sinh",
}
