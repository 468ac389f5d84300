"""Where a finding is, in the words of the clerk who made the file.

A finding keeps its place as validation sees it: a table (`NhiemVu`, `ChiSo`), a row and
a machine key. The clerk made a workbook, a CSV or a JSON report, and looks for it there:
"Sheet NhiemVu, dòng 12, cột “Tình trạng”", "Tệp CSV, dòng 12, cột status (Tình trạng)",
"Báo cáo JSON, nhiệm vụ thứ 7 (D1.02), trường result". This is the one wording of a place
for whatever a unit or the steward reads: `papi-etl validate`, the feedback workbook's
summary, the result notice, the reminders, the steward's queue.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from papi_etl import forms, schema
from papi_etl.forms import layout
from papi_etl.store import schema as store

_LAYOUTS = {schema.TASK_SHEET: layout.TASKS, schema.INDICATOR_SHEET: layout.INDICATORS}
_ITEMS = {schema.TASK_SHEET: "nhiệm vụ", schema.INDICATOR_SHEET: "chỉ tiêu"}
WHOLE_REPORT = "Cả báo cáo"


def _column(sheet: str, field: str) -> str:
    """The column's header as the template writes it, without its explanation in brackets."""
    table = _LAYOUTS.get(sheet)
    if table is None or field not in table.keys:
        return field
    return table.header(field).split(" (")[0]


def describe(form: str, sheet: str, row: int, field: str, code: str = "") -> str:
    """The place of a finding in a report of this form ("xlsx", "csv", "json").

    `row` is the sheet's row, the CSV's line or the JSON item's number (1-based), 0 for a
    row the report lacks; `field` a machine key, '' for a whole row; `code` the task or
    indicator of the row, when known.
    """
    if not sheet:
        return WHOLE_REPORT
    if form == "json":
        item = _ITEMS.get(sheet, sheet)
        if not row:
            return f"Báo cáo JSON, thiếu {item}"
        place = f"Báo cáo JSON, {item} thứ {row}" + (f" ({code})" if code else "")
        return place + (f", trường {field}" if field else "")
    where = "Tệp CSV" if form == "csv" else f"Sheet {sheet}"
    if not row:
        return f"{where}, thiếu dòng"
    place = f"{where}, dòng {row}"
    if not field:
        return place
    column = _column(sheet, field)
    if form == "csv":
        return place + (f", cột {field} ({column})" if column != field else f", cột {field}")
    return place + f", cột “{column}”"


def of_stored(session: Session, findings: Sequence[store.Finding]) -> dict[int, str]:
    """The place of each stored finding, by its id: the form from the name of the file the
    unit sent, the code from the row the store kept."""
    ids = {f.submission_id for f in findings}
    if not ids:
        return {}
    names = dict(
        session.execute(
            select(store.Submission.id, store.RawFile.original_name)
            .join(store.RawFile, store.RawFile.id == store.Submission.raw_file_id)
            .where(store.Submission.id.in_(ids))
        ).all()
    )
    codes: dict[tuple[int, str, int], str] = {}
    for sheet, table, column in (
        (schema.TASK_SHEET, store.SubmissionTask, store.SubmissionTask.task_code),
        (schema.INDICATOR_SHEET, store.IndicatorValue, store.IndicatorValue.indicator_code),
    ):
        for submission_id, row, code in session.execute(
            select(table.submission_id, table.row_number, column).where(
                table.submission_id.in_(ids)
            )
        ):
            codes[(submission_id, sheet, row)] = code or ""
    return {
        f.id: describe(
            forms.form_of(b"", names.get(f.submission_id, "")),
            f.sheet,
            f.row,
            f.field,
            codes.get((f.submission_id, f.sheet, f.row), ""),
        )
        for f in findings
    }
