"""The JSON form, for systems that report by API: see docs/submission-json-schema.json.

    {"unit": "AL", "period": "2019-Q1",
     "tasks": [{"task": "D1.01", "status": "hoan_thanh", "result": "...", "evidence": "...",
                "difficulties": "", "proposals": ""}],
     "indicators": [{"indicator": "I1.01", "value": 12, "note": ""}]}

Unit and period are given once for the file. A value is a number, or a string in
Vietnamese notation ("1.234,5", "85%"), or null.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from papi_etl import schema
from papi_etl.forms import normalise, rows, safety
from papi_etl.forms.rejection import RejectedSubmission, RejectionCode
from papi_etl.forms.rows import Record, Table
from papi_etl.plan.model import Plan
from papi_etl.submission import Submission

_TOP = ("unit", "period", "tasks", "indicators")
_PLAIN = frozenset({str, int, float, type(None)})
"""Exact types a field may have (bool, a subclass of int, is not one of them)."""
_TASKS = Table(
    "danh sách nhiệm vụ (tasks)",
    "the tasks",
    "nhiệm vụ thứ {row} của báo cáo JSON",
    "task {row} of the JSON report",
)
_INDICATORS = Table(
    "danh sách chỉ tiêu (indicators)",
    "the indicators",
    "chỉ tiêu thứ {row} của báo cáo JSON",
    "indicator {row} of the JSON report",
)


def _bad(vi: str, en: str) -> RejectedSubmission:
    return RejectedSubmission(
        RejectionCode.BAD_JSON,
        f"Tệp JSON không đúng mẫu: {vi}. Xem docs/submission-json-schema.json.",
        f"The JSON file does not follow the form: {en}.",
    )


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _parse(text: str) -> object:
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise _bad(
            f"cú pháp sai ở dòng {error.lineno}, cột {error.colno} ({error.msg})",
            f"syntax error at line {error.lineno}, column {error.colno} ({error.msg})",
        ) from None
    except RecursionError:
        raise _bad("cấu trúc lồng nhau quá sâu", "nesting too deep to read") from None
    except ValueError as error:
        raise _bad(
            "có số không hợp lệ (NaN, Infinity hoặc số nguyên quá dài)",
            f"an invalid number ({error})",
        ) from None


def _records(data: Mapping[str, object], key: str, keys: tuple[str, ...]) -> list[Record]:
    items = data[key]
    if not isinstance(items, list):
        raise _bad(f"'{key}' phải là một mảng", f"'{key}' must be an array")
    table = _TASKS if key == "tasks" else _INDICATORS
    records = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise _bad(
                f"{table.at_vi(number)} phải là một đối tượng {{...}}",
                f"{table.at_en(number)} must be an object",
            )
        cells = {field: item.get(field) for field in keys}
        for field, value in cells.items():
            if type(value) in _PLAIN:  # the usual case, decided without the checks below
                continue
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, str | int | float)
            ):
                raise _bad(
                    f"trường '{field}' của {table.at_vi(number)} phải là chuỗi, số hoặc null",
                    f"field '{field}' of {table.at_en(number)} must be a string, number or null",
                )
        records.append(Record(number, cells))
        rows.check_count(len(records), table)
    return records


def read(content: bytes, plan: Plan) -> Submission:
    """The submission in a JSON file. Raises RejectedSubmission (see `papi_etl.forms`)."""
    data = _parse(safety.decode_text(content, "JSON"))
    if not isinstance(data, dict):
        raise _bad("tệp phải là một đối tượng {...}", "the document must be an object")
    absent = [key for key in _TOP if key not in data]
    if absent:
        raise _bad(f"thiếu trường {', '.join(absent)}", f"missing field(s) {', '.join(absent)}")
    for key in ("unit", "period"):
        if not isinstance(data[key], str):
            raise _bad(f"'{key}' phải là chuỗi", f"'{key}' must be a string")
    return rows.assemble(
        plan,
        "json",
        (_TASKS, _records(data, "tasks", schema.TASK_COLUMNS)),
        (_INDICATORS, _records(data, "indicators", schema.INDICATOR_COLUMNS)),
        declared_unit=normalise.text(data["unit"]),
        declared_period=normalise.text(data["period"]),
    )


def _number(value: float) -> float | int:
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def write(submission: Submission, path: Path) -> None:
    """The submission as a JSON form (UTF-8, Vietnamese as is, not \\u-escaped)."""
    data = {
        schema.UNIT: submission.unit,
        schema.PERIOD: submission.period,
        "tasks": [
            {
                schema.TASK: t.task,
                schema.STATUS: t.status,
                schema.RESULT: t.result,
                schema.EVIDENCE: t.evidence,
                schema.DIFFICULTIES: t.difficulties,
                schema.PROPOSALS: t.proposals,
            }
            for t in submission.tasks
        ],
        "indicators": [
            {
                schema.INDICATOR: x.indicator,
                schema.VALUE: x.value_text or (None if x.value is None else _number(x.value)),
                schema.NOTE: x.note,
            }
            for x in submission.indicators
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
