"""The validation rules of a plan, as two GX expectation suites: one per frame.

`build(plan)` returns the tasks suite (sheet NhiemVu) and the indicators suite (sheet ChiSo)
that `expectations.runner` runs over the frames of `papi_etl.validation.frames`. The rules
are the plan's (461/KH-UBND, section III: "báo cáo kết quả thực hiện" every period, for
every task and indicator a unit is given) and DESIGN.md's: completeness against the plan,
values, evidence for what is reported done, dates inside the period, cumulative values not
falling within a year. Each expectation is one rule and carries everything a finding needs
in its `meta`:

    rule        stable id, part of a finding's key in the store
    sheet       NhiemVu or ChiSo
    field       the machine key of the cell at fault ('{task}' / '{indicator}': the code
                of a row that is missing, so that each missing row is its own finding)
    value       the frame column holding the value as the unit wrote it (None: nothing)
    message_vi, message_en, hint
                templates, filled per finding with {task}, {indicator}, {unit}, {period},
                {period_label}, {period_starts}, {period_ends}, {row}, {value},
                {range_min}, {range_max}, {previous_value}, {evidence_date}

The period's span is a suite parameter ({"$PARAMETER": "period_starts"} / "period_ends"),
so one suite serves every period. The checked-in JSON under expectations/suites/<plan-id>/
is a snapshot of what this module builds (`python -m expectations.snapshot`).
"""

from __future__ import annotations

import json
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import great_expectations as gx
import great_expectations.expectations as gxe
from great_expectations.expectations.expectation import Expectation
from great_expectations.expectations.row_conditions import Column

from expectations.custom import (
    ExpectColumnValuesToBeDatesBetween,
    ExpectColumnValuesToBeWholeNonNegative,
)
from papi_etl.plan.model import Plan, ValueType
from papi_etl.schema import (
    ASSIGNED,
    CUMULATIVE,
    EVIDENCE,
    EVIDENCE_DATE,
    EVIDENCE_NUMBER,
    INDICATOR,
    INDICATOR_SHEET,
    NOT_APPLICABLE,
    PERIOD,
    PRESENT,
    PREVIOUS_VALUE,
    RANGE_MAX,
    RANGE_MIN,
    RESULT,
    ROW,
    ROW_PERIOD,
    ROW_UNIT,
    STATUS,
    SUBMISSION_ID,
    TASK,
    TASK_SHEET,
    UNIT,
    VALUE,
    VALUE_TEXT,
    VALUE_TYPE,
    TaskStatus,
)

PERIOD_STARTS = "period_starts"
PERIOD_ENDS = "period_ends"
TASKS = "tasks"
INDICATORS = "indicators"

PLACEHOLDERS = frozenset(
    {
        TASK,
        INDICATOR,
        UNIT,
        PERIOD,
        "period_label",
        PERIOD_STARTS,
        PERIOD_ENDS,
        ROW,
        VALUE,
        RANGE_MIN,
        RANGE_MAX,
        PREVIOUS_VALUE,
        EVIDENCE_DATE,
    }
)
"""What a message, hint or field template may name; the runner fills each per finding."""

# Row conditions: which rows a rule judges (GX Condition objects over the frames' columns).
_SENT = Column(PRESENT) == True  # noqa: E712 (a GX condition, not a comparison)
_DONE = Column(STATUS) == TaskStatus.HOAN_THANH.value
_DONE_WITH_EVIDENCE = _DONE & Column(EVIDENCE).is_not_null()
_VALUE_OWED = _SENT & (Column(NOT_APPLICABLE) == False) & Column(VALUE_TEXT).is_null()  # noqa: E712
_COUNT = Column(VALUE_TYPE) == ValueType.COUNT.value
_CUMULATIVE = Column(CUMULATIVE) == True  # noqa: E712


@dataclass(frozen=True)
class Rule:
    """What a finding of one expectation says; `{...}` are filled per finding."""

    id: str
    field: str
    value: str | None
    message_vi: str
    message_en: str
    hint: str


def _words(plan: Plan) -> dict[str, str]:
    """Plan-wide words the templates use, fixed when the suite is built."""
    steward = next((u for u in plan.units if u.code == plan.calendar.consolidating_unit), None)
    labels = [s.label_vi for s in TaskStatus]
    return {
        "{doc}": plan.document.number,
        "{steward}": (steward.short_name or steward.name) if steward else "đơn vị tổng hợp",
        "{statuses}": ", ".join(labels[:-1]) + " hoặc " + labels[-1],
    }


def _bake(rule: Rule, words: Mapping[str, str]) -> Rule:
    def fill(text: str) -> str:
        for token, word in words.items():
            text = text.replace(token, word)
        return text

    return Rule(
        rule.id,
        rule.field,
        rule.value,
        fill(rule.message_vi),
        fill(rule.message_en),
        fill(rule.hint),
    )


def _expect(
    kind: type[Expectation], rule: Rule, sheet: str, words: Mapping[str, str], **kwargs: Any
) -> Expectation:
    baked = _bake(rule, words)
    meta = {
        "rule": baked.id,
        "sheet": sheet,
        "field": baked.field,
        "value": baked.value,
        "message_vi": baked.message_vi,
        "message_en": baked.message_en,
        "hint": baked.hint,
    }
    return kind(meta=meta, **kwargs)


# --- the rules ----------------------------------------------------------------------------

_EXAMPLE_EVIDENCE = "Số 12/BC-UBND ngày 05/03/2019"
_NOTHING_AROSE = (
    "nếu trong kỳ không phát sinh, để trống giá trị và ghi “Không phát sinh” ở cột Ghi chú"
)

TASK_MISSING = Rule(
    "task_missing",
    "{task}",
    TASK,
    "Thiếu nhiệm vụ {task}: theo Kế hoạch {doc}, đơn vị phải báo cáo nhiệm vụ này trong kỳ "
    "{period_label}.",
    "Task {task} is missing: under plan {doc} the unit must report on it for {period_label}.",
    "Thêm dòng báo cáo nhiệm vụ {task} vào sheet NhiemVu (nên dùng mẫu báo cáo của kỳ này).",
)
TASK_DUPLICATE = Rule(
    "task_duplicate",
    TASK,
    TASK,
    "Nhiệm vụ {task} được báo cáo nhiều lần; dòng {row} là một trong các dòng trùng.",
    "Task {task} is reported more than once; row {row} is one of the duplicates.",
    "Giữ lại một dòng cho nhiệm vụ {task} và xóa các dòng trùng.",
)
TASK_NOT_ASSIGNED = Rule(
    "task_not_assigned",
    TASK,
    TASK,
    "Nhiệm vụ {task} không thuộc các nhiệm vụ đơn vị {unit} phải báo cáo theo Kế hoạch {doc}.",
    "Task {task} is not one that unit {unit} must report on under plan {doc}.",
    "Xóa dòng nhiệm vụ {task}; nếu đơn vị được giao thực hiện nhiệm vụ này, liên hệ {steward} "
    "để cập nhật kế hoạch.",
)
STATUS_REQUIRED = Rule(
    "status_required",
    STATUS,
    STATUS,
    "Chưa chọn tình trạng thực hiện nhiệm vụ {task}.",
    "No status is given for task {task}.",
    "Chọn tình trạng của nhiệm vụ {task}: {statuses}.",
)
STATUS_ALLOWED = Rule(
    "status_allowed",
    STATUS,
    STATUS,
    "Tình trạng “{value}” của nhiệm vụ {task} không hợp lệ.",
    "The status '{value}' of task {task} is not an allowed status.",
    "Chọn tình trạng của nhiệm vụ {task}: {statuses}.",
)
RESULT_REQUIRED = Rule(
    "result_required",
    RESULT,
    RESULT,
    "Nhiệm vụ {task} được báo cáo “Hoàn thành” nhưng chưa ghi kết quả thực hiện.",
    "Task {task} is reported done but no result is given.",
    "Ghi kết quả thực hiện nhiệm vụ {task}: việc đã làm, số liệu cụ thể.",
)
EVIDENCE_REQUIRED = Rule(
    "evidence_required",
    EVIDENCE,
    EVIDENCE,
    "Nhiệm vụ {task} được báo cáo “Hoàn thành” nhưng chưa ghi văn bản minh chứng.",
    "Task {task} is reported done but cites no evidence.",
    "Ghi văn bản minh chứng cho nhiệm vụ {task}, gồm số/ký hiệu và ngày ban hành, ví dụ: "
    f"{_EXAMPLE_EVIDENCE}.",
)
EVIDENCE_NUMBER_REQUIRED = Rule(
    "evidence_number",
    EVIDENCE,
    EVIDENCE,
    "Văn bản minh chứng của nhiệm vụ {task} thiếu số/ký hiệu văn bản: “{value}”.",
    "The evidence of task {task} lacks the document's number/symbol: '{value}'.",
    f"Điền số/ký hiệu văn bản minh chứng cho nhiệm vụ {{task}}, ví dụ: {_EXAMPLE_EVIDENCE}.",
)
EVIDENCE_DATE_REQUIRED = Rule(
    "evidence_date",
    EVIDENCE,
    EVIDENCE,
    "Văn bản minh chứng của nhiệm vụ {task} thiếu ngày ban hành (ngày/tháng/năm): “{value}”.",
    "The evidence of task {task} lacks the document's date (dd/mm/yyyy): '{value}'.",
    "Điền ngày ban hành văn bản minh chứng cho nhiệm vụ {task} theo dạng ngày/tháng/năm, "
    "ví dụ: ngày 05/03/2019.",
)
EVIDENCE_DATE_IN_PERIOD = Rule(
    "evidence_date_in_period",
    EVIDENCE,
    EVIDENCE,
    "Văn bản minh chứng của nhiệm vụ {task} đề ngày {evidence_date}, ngoài thời gian của kỳ "
    "báo cáo ({period_starts} – {period_ends}).",
    "The evidence of task {task} is dated {evidence_date}, outside the period's span "
    "({period_starts} – {period_ends}).",
    "Kiểm tra ngày của văn bản minh chứng cho nhiệm vụ {task}: chỉ dẫn văn bản ban hành trong "
    "kỳ báo cáo, từ {period_starts} đến {period_ends}.",
)
UNIT_MATCHES = Rule(
    "unit_matches",
    UNIT,
    ROW_UNIT,
    "Dòng ghi mã đơn vị “{value}” nhưng báo cáo là của đơn vị {unit}.",
    "The row gives unit '{value}' but the report is unit {unit}'s.",
    "Sửa mã đơn vị thành {unit}, hoặc dùng mẫu báo cáo của chính đơn vị.",
)
PERIOD_MATCHES = Rule(
    "period_matches",
    PERIOD,
    ROW_PERIOD,
    "Dòng ghi kỳ báo cáo “{value}” nhưng báo cáo là của kỳ {period} ({period_label}).",
    "The row gives period '{value}' but the report is for {period} ({period_label}).",
    "Sửa kỳ báo cáo thành {period}, hoặc dùng mẫu báo cáo của kỳ {period}.",
)

INDICATOR_MISSING = Rule(
    "indicator_missing",
    "{indicator}",
    INDICATOR,
    "Thiếu chỉ tiêu {indicator}: theo Kế hoạch {doc}, đơn vị phải báo cáo chỉ tiêu này trong kỳ "
    "{period_label}.",
    "Indicator {indicator} is missing: under plan {doc} the unit must report it for "
    "{period_label}.",
    f"Thêm dòng chỉ tiêu {{indicator}} vào sheet ChiSo; {_NOTHING_AROSE}.",
)
INDICATOR_DUPLICATE = Rule(
    "indicator_duplicate",
    INDICATOR,
    INDICATOR,
    "Chỉ tiêu {indicator} được báo cáo nhiều lần; dòng {row} là một trong các dòng trùng.",
    "Indicator {indicator} is reported more than once; row {row} is one of the duplicates.",
    "Giữ lại một dòng cho chỉ tiêu {indicator} và xóa các dòng trùng.",
)
INDICATOR_NOT_ASSIGNED = Rule(
    "indicator_not_assigned",
    INDICATOR,
    INDICATOR,
    "Chỉ tiêu {indicator} không thuộc các chỉ tiêu đơn vị {unit} phải báo cáo theo Kế hoạch {doc}.",
    "Indicator {indicator} is not one that unit {unit} must report under plan {doc}.",
    "Xóa dòng chỉ tiêu {indicator}; nếu đơn vị có số liệu của chỉ tiêu này, liên hệ {steward} "
    "để cập nhật kế hoạch.",
)
VALUE_REQUIRED = Rule(
    "value_required",
    VALUE,
    None,
    "Chưa điền giá trị chỉ tiêu {indicator}.",
    "No value is given for indicator {indicator}.",
    f"Điền giá trị của chỉ tiêu {{indicator}} (từ {{range_min}} đến {{range_max}}); "
    f"{_NOTHING_AROSE}.",
)
VALUE_IS_NUMBER = Rule(
    "value_is_number",
    VALUE,
    VALUE_TEXT,
    "Giá trị “{value}” của chỉ tiêu {indicator} không phải là số.",
    "The value '{value}' of indicator {indicator} is not a number.",
    "Điền một con số cho chỉ tiêu {indicator} (ví dụ 12 hoặc 85,5), không kèm chữ; "
    f"{_NOTHING_AROSE}.",
)
VALUE_AT_LEAST_MIN = Rule(
    "value_at_least_min",
    VALUE,
    VALUE,
    "Giá trị {value} của chỉ tiêu {indicator} nhỏ hơn giới hạn dưới ({range_min}).",
    "The value {value} of indicator {indicator} is below its minimum ({range_min}).",
    "Điền giá trị chỉ tiêu {indicator} trong khoảng từ {range_min} đến {range_max}.",
)
VALUE_AT_MOST_MAX = Rule(
    "value_at_most_max",
    VALUE,
    VALUE,
    "Giá trị {value} của chỉ tiêu {indicator} lớn hơn giới hạn trên ({range_max}).",
    "The value {value} of indicator {indicator} is above its maximum ({range_max}).",
    "Điền giá trị chỉ tiêu {indicator} trong khoảng từ {range_min} đến {range_max}; kiểm tra "
    "lại đơn vị tính và số chữ số.",
)
COUNT_WHOLE = Rule(
    "count_whole_non_negative",
    VALUE,
    VALUE,
    "Chỉ tiêu {indicator} là số đếm nhưng giá trị {value} không phải là số nguyên không âm.",
    "Indicator {indicator} is a count, but {value} is not a whole non-negative number.",
    "Điền số nguyên không âm (0, 1, 2, …) cho chỉ tiêu {indicator}.",
)
CUMULATIVE_NOT_DECREASING = Rule(
    "cumulative_not_decreasing",
    VALUE,
    VALUE,
    "Chỉ tiêu {indicator} là số lũy kế từ đầu năm nhưng giá trị {value} nhỏ hơn giá trị đã báo "
    "cáo kỳ trước ({previous_value}).",
    "Indicator {indicator} accumulates over the year, but {value} is below the value reported "
    "for the previous period ({previous_value}).",
    "Kiểm tra lại chỉ tiêu {indicator}: số lũy kế từ đầu năm không được nhỏ hơn số đã báo cáo "
    "kỳ trước ({previous_value}).",
)


def tasks_suite(plan: Plan) -> gx.ExpectationSuite:
    """The rules of sheet NhiemVu, over the tasks frame."""
    words = _words(plan)
    sheet = TASK_SHEET
    statuses = [s.value for s in TaskStatus]
    return gx.ExpectationSuite(
        name=f"{plan.id}.{TASKS}",
        meta=_suite_meta(plan, TASKS, sheet, [SUBMISSION_ID, ROW, TASK]),
        expectations=[
            _expect(gxe.ExpectColumnValuesToBeInSet, TASK_MISSING, sheet, words,
                    column=PRESENT, value_set=[True]),
            _expect(gxe.ExpectCompoundColumnsToBeUnique, TASK_DUPLICATE, sheet, words,
                    column_list=[SUBMISSION_ID, TASK]),
            _expect(gxe.ExpectColumnValuesToBeInSet, TASK_NOT_ASSIGNED, sheet, words,
                    column=ASSIGNED, value_set=[True]),
            _expect(gxe.ExpectColumnValuesToNotBeNull, STATUS_REQUIRED, sheet, words,
                    column=STATUS, row_condition=_SENT),
            _expect(gxe.ExpectColumnValuesToBeInSet, STATUS_ALLOWED, sheet, words,
                    column=STATUS, value_set=statuses, row_condition=_SENT),
            _expect(gxe.ExpectColumnValuesToNotBeNull, RESULT_REQUIRED, sheet, words,
                    column=RESULT, row_condition=_DONE),
            _expect(gxe.ExpectColumnValuesToNotBeNull, EVIDENCE_REQUIRED, sheet, words,
                    column=EVIDENCE, row_condition=_DONE),
            _expect(gxe.ExpectColumnValuesToNotBeNull, EVIDENCE_NUMBER_REQUIRED, sheet, words,
                    column=EVIDENCE_NUMBER, row_condition=_DONE_WITH_EVIDENCE),
            _expect(gxe.ExpectColumnValuesToNotBeNull, EVIDENCE_DATE_REQUIRED, sheet, words,
                    column=EVIDENCE_DATE, row_condition=_DONE_WITH_EVIDENCE),
            _expect(ExpectColumnValuesToBeDatesBetween, EVIDENCE_DATE_IN_PERIOD, sheet, words,
                    column=EVIDENCE_DATE, min_value={"$PARAMETER": PERIOD_STARTS},
                    max_value={"$PARAMETER": PERIOD_ENDS}),
            _expect(gxe.ExpectColumnPairValuesToBeEqual, UNIT_MATCHES, sheet, words,
                    column_A=ROW_UNIT, column_B=UNIT),
            _expect(gxe.ExpectColumnPairValuesToBeEqual, PERIOD_MATCHES, sheet, words,
                    column_A=ROW_PERIOD, column_B=PERIOD),
        ],
    )  # fmt: skip


def indicators_suite(plan: Plan) -> gx.ExpectationSuite:
    """The rules of sheet ChiSo, over the indicators frame."""
    words = _words(plan)
    sheet = INDICATOR_SHEET
    return gx.ExpectationSuite(
        name=f"{plan.id}.{INDICATORS}",
        meta=_suite_meta(plan, INDICATORS, sheet, [SUBMISSION_ID, ROW, INDICATOR]),
        expectations=[
            _expect(gxe.ExpectColumnValuesToBeInSet, INDICATOR_MISSING, sheet, words,
                    column=PRESENT, value_set=[True]),
            _expect(gxe.ExpectCompoundColumnsToBeUnique, INDICATOR_DUPLICATE, sheet, words,
                    column_list=[SUBMISSION_ID, INDICATOR]),
            _expect(gxe.ExpectColumnValuesToBeInSet, INDICATOR_NOT_ASSIGNED, sheet, words,
                    column=ASSIGNED, value_set=[True]),
            _expect(gxe.ExpectColumnValuesToNotBeNull, VALUE_REQUIRED, sheet, words,
                    column=VALUE, row_condition=_VALUE_OWED),
            _expect(gxe.ExpectColumnValuesToBeNull, VALUE_IS_NUMBER, sheet, words,
                    column=VALUE_TEXT),
            _expect(gxe.ExpectColumnPairValuesAToBeGreaterThanB, VALUE_AT_LEAST_MIN, sheet,
                    words, column_A=VALUE, column_B=RANGE_MIN, or_equal=True,
                    ignore_row_if="either_value_is_missing"),
            _expect(gxe.ExpectColumnPairValuesAToBeGreaterThanB, VALUE_AT_MOST_MAX, sheet,
                    words, column_A=RANGE_MAX, column_B=VALUE, or_equal=True,
                    ignore_row_if="either_value_is_missing"),
            _expect(ExpectColumnValuesToBeWholeNonNegative, COUNT_WHOLE, sheet, words,
                    column=VALUE, row_condition=_COUNT),
            _expect(gxe.ExpectColumnPairValuesAToBeGreaterThanB, CUMULATIVE_NOT_DECREASING,
                    sheet, words, column_A=VALUE, column_B=PREVIOUS_VALUE, or_equal=True,
                    ignore_row_if="either_value_is_missing", row_condition=_CUMULATIVE),
            _expect(gxe.ExpectColumnPairValuesToBeEqual, UNIT_MATCHES, sheet, words,
                    column_A=ROW_UNIT, column_B=UNIT),
            _expect(gxe.ExpectColumnPairValuesToBeEqual, PERIOD_MATCHES, sheet, words,
                    column_A=ROW_PERIOD, column_B=PERIOD),
        ],
    )  # fmt: skip


def _suite_meta(plan: Plan, frame: str, sheet: str, key: list[str]) -> dict[str, Any]:
    return {
        "plan": plan.id,
        "plan_version": plan.version,
        "frame": frame,
        "sheet": sheet,
        "key": key,
    }


def signature(plan: Plan) -> str:
    """What the suites of a plan owe to the plan: the plan-wide words baked into their
    texts (the suites' names and meta aside). Plans with the same signature are checked by
    the same suites, so that a city's districts can be validated in one GX run per suite
    rather than one per district (GX's fixed cost per expectation dominates small frames).
    """
    return json.dumps(_words(plan), ensure_ascii=False, sort_keys=True)


def build(plan: Plan) -> list[gx.ExpectationSuite]:
    """The plan's suites, tasks then indicators, not yet added to any GX context."""
    return [tasks_suite(plan), indicators_suite(plan)]


def template_names(text: str) -> set[str]:
    """The placeholders a template names ('{task}' -> {'task'})."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}
