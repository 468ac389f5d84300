"""The CSV form: one table whose columns are the machine keys of both tables.

A district clerk makes it from one Excel sheet (Save As "CSV UTF-8"): a task's row fills
`task` and the task columns, an indicator's row fills `indicator`, `value` and `note`;
unit and period are on every row. See docs/submission-forms.md. Excel in a Vietnamese
locale separates fields with ';', so the delimiter is whichever of ',', ';' or tab makes
the key row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from itertools import chain, islice
from pathlib import Path

from papi_etl import schema
from papi_etl.forms import layout, rows, safety
from papi_etl.forms.layout import NumberedRow
from papi_etl.forms.normalise import sentence
from papi_etl.forms.numbers import format_number
from papi_etl.forms.rejection import RejectedSubmission, RejectionCode
from papi_etl.forms.rows import Record, Table
from papi_etl.plan.model import Plan
from papi_etl.spreadsheet_text import csv_field, csv_value
from papi_etl.submission import Submission

_TABLE = Table("tệp CSV", "the CSV file", "dòng", "line")
_DELIMITERS = (",", ";", "\t")
_ONLY_TASK = frozenset(schema.TASK_COLUMNS) - {schema.UNIT, schema.PERIOD}
_ONLY_INDICATOR = frozenset(schema.INDICATOR_COLUMNS) - {schema.UNIT, schema.PERIOD}


def _delimiter(text: str) -> str:
    """Whichever delimiter makes a key (or header) row out of one of the first lines."""
    lines = list(islice(io.StringIO(text), layout.SCAN_ROWS))

    def named(delimiter: str) -> int:
        return max(
            (layout.score(cells, layout.CSV) for cells in csv.reader(lines, delimiter=delimiter)),
            default=0,
        )

    return max(_DELIMITERS, key=named)


def _numbered(text: str) -> Iterator[NumberedRow]:
    """Each record with the line it starts on (a quoted cell may span several lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    start = 1
    for cells in reader:
        yield start, cells
        start = reader.line_num + 1


def _kind(record: Record) -> str:
    """schema.TASK or schema.INDICATOR: which table a row belongs to, by what it fills."""
    filled = {key for key in record.cells if record.get(key)}
    if schema.TASK in filled and not filled & _ONLY_INDICATOR:
        return schema.TASK
    if schema.INDICATOR in filled and not filled & _ONLY_TASK:
        return schema.INDICATOR
    shown = ", ".join(k for k in layout.CSV.keys if k in filled)
    raise RejectedSubmission(
        RejectionCode.BAD_CSV,
        f"{sentence(_TABLE.at_vi(record.row))} phải là dòng nhiệm vụ (ghi cột task, không "
        "ghi indicator, value, note) hoặc dòng chỉ tiêu (ghi cột indicator, không ghi task, "
        f"status, result, evidence, difficulties, proposals); dòng này ghi: {shown}.",
        f"{sentence(_TABLE.at_en(record.row))} must be a task row (task filled, no "
        f"indicator, value, note) or an indicator row (indicator filled, no task columns); it "
        f"fills: {shown}.",
    )


def _records(text: str) -> tuple[list[Record], list[Record]]:
    numbered = _numbered(text)
    head = list(islice(numbered, layout.SCAN_ROWS))
    found = layout.find(head, layout.CSV, _TABLE)
    tables: dict[str, list[Record]] = {schema.TASK: [], schema.INDICATOR: []}
    for number, cells in chain(head[found.index + 1 :], numbered):
        picked = {
            k: csv_value(cells[i]) if i < len(cells) else "" for k, i in found.columns.items()
        }
        if rows.is_blank(picked):
            continue
        record = Record(number, picked)
        kind = _kind(record)
        keys = schema.TASK_COLUMNS if kind == schema.TASK else schema.INDICATOR_COLUMNS
        tables[kind].append(Record(number, {k: picked[k] for k in keys}))
        rows.check_count(len(tables[kind]), _TABLE)
    return tables[schema.TASK], tables[schema.INDICATOR]


def read(content: bytes, plan: Plan) -> Submission:
    """The submission in a CSV file. Raises RejectedSubmission (see `papi_etl.forms`)."""
    text = safety.decode_text(content, "CSV")
    try:
        tasks, indicators = _records(text)
    except csv.Error as error:
        raise RejectedSubmission(
            RejectionCode.BAD_CSV,
            f"Tệp CSV không đọc được: {error}. Hãy lưu lại từ Excel bằng 'CSV UTF-8'.",
            f"The CSV file cannot be parsed: {error}.",
        ) from None
    return rows.assemble(plan, "csv", (_TABLE, tasks), (_TABLE, indicators))


def write(submission: Submission, path: Path) -> None:
    """The submission as a CSV form: UTF-8 with a BOM (so Excel shows Vietnamese), ','.

    Text that starts like a formula is written with a leading apostrophe
    (`spreadsheet_text.csv_field`), which `read` removes; a value that is a number is
    written as the number.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        out = csv.DictWriter(file, fieldnames=layout.CSV.keys, restval="")
        out.writeheader()
        for task in submission.tasks:
            fields = {
                schema.UNIT: task.unit or submission.unit,
                schema.PERIOD: task.period or submission.period,
                schema.TASK: task.task,
                schema.STATUS: task.status,
                schema.RESULT: task.result,
                schema.EVIDENCE: task.evidence,
                schema.DIFFICULTIES: task.difficulties,
                schema.PROPOSALS: task.proposals,
            }
            out.writerow({key: csv_field(value) for key, value in fields.items()})
        for indicator in submission.indicators:
            fields = {
                schema.UNIT: indicator.unit or submission.unit,
                schema.PERIOD: indicator.period or submission.period,
                schema.INDICATOR: indicator.indicator,
                schema.VALUE: indicator.value_text,
                schema.NOTE: indicator.note,
            }
            row = {key: csv_field(value) for key, value in fields.items()}
            if not indicator.value_text and indicator.value is not None:
                row[schema.VALUE] = format_number(indicator.value)  # a number, never escaped
            out.writerow(row)
