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

# The frames validation checks (papi_etl.validation.frames): a submission's rows joined with
# the plan, one row per submitted row plus one per row the unit owed but did not send.
SUBMISSION_ID = "submission_id"
SHEET = "sheet"
ROW = "row"
ROW_UNIT = "row_unit"
"""The unit as written in the row; `unit` is the submission's."""
ROW_PERIOD = "row_period"
"""The period as written in the row; `period` is the submission's."""
EVIDENCE_NUMBER = "evidence_number"
EVIDENCE_DATE = "evidence_date"
PRESENT = "present"
"""False for a row the unit must report but did not send (its `row` is 0)."""
ASSIGNED = "assigned"
"""True when the plan makes the unit report this task or indicator."""
VALUE_TEXT = "value_text"
"""An indicator's value as typed when it is not a number; empty otherwise."""
NOT_APPLICABLE = "not_applicable"
VALUE_TYPE = "value_type"
RANGE_MIN = "range_min"
RANGE_MAX = "range_max"
CUMULATIVE = "cumulative"
PREVIOUS_VALUE = "previous_value"
"""The unit's value of the indicator in the previous period of the same year, if any."""
