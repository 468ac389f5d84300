"""Every rule, broken once: each case is a ward's valid report with one thing wrong, and
must give exactly the findings named (sheet, row, field, rule), nothing else.

All cases are validated together in one run (each under its own submission id), as a
period's submissions are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

import expectations
from papi_etl.plan import assignments
from papi_etl.plan.model import Plan, ValueType
from papi_etl.schema import INDICATOR_SHEET, TASK_SHEET
from papi_etl.submission import IndicatorRow, Submission
from papi_etl.validation import frames

UNIT = "AL"

Edit = Callable[[Plan, Submission], tuple[Submission, dict[str, float] | None]]


def _task(submission: Submission, row: int, **changes: object) -> Submission:
    tasks = tuple(
        dataclasses.replace(t, **changes) if t.row == row else t for t in submission.tasks
    )
    return dataclasses.replace(submission, tasks=tasks)


def _indicator(submission: Submission, row: int, **changes: object) -> Submission:
    rows = tuple(
        dataclasses.replace(x, **changes) if x.row == row else x for x in submission.indicators
    )
    return dataclasses.replace(submission, indicators=rows)


def _indicator_row(plan: Plan, submission: Submission, value_type: ValueType) -> IndicatorRow:
    kinds = {x.code: x.value_type for x in plan.indicators}
    return next(x for x in submission.indicators if kinds[x.indicator] is value_type)


def _range_max(plan: Plan, code: str) -> float:
    return next(x.range.max for x in plan.indicators if x.code == code)


# Each case: what to break, and the (sheet, row, field, rule) it must give. Rows of the
# valid report are 1..n in the plan's order; a code is resolved from the plan.


def _drop_task(plan, s):
    return dataclasses.replace(s, tasks=s.tasks[:1] + s.tasks[2:]), None


def _duplicate_task(plan, s):
    copy = dataclasses.replace(s.tasks[2], row=len(s.tasks) + 1)
    return dataclasses.replace(s, tasks=(*s.tasks, copy)), None


def _unassigned_task(plan, s):
    own = {t.code for t in assignments.tasks_of_unit(plan, UNIT)}
    other = next(t for t in assignments.tasks(plan) if t.code not in own)
    extra = dataclasses.replace(s.tasks[0], row=len(s.tasks) + 1, task=other.code)
    return dataclasses.replace(s, tasks=(*s.tasks, extra)), None


def _drop_indicator(plan, s):
    return dataclasses.replace(s, indicators=s.indicators[:1] + s.indicators[2:]), None


def _duplicate_indicator(plan, s):
    copy = dataclasses.replace(s.indicators[2], row=len(s.indicators) + 1)
    return dataclasses.replace(s, indicators=(*s.indicators, copy)), None


def _unassigned_indicator(plan, s):
    own = {x.code for x in assignments.indicators_of_unit(plan, UNIT)}
    other = next(x for x in plan.indicators if x.code not in own)
    extra = IndicatorRow(len(s.indicators) + 1, other.code, 0.0, unit=UNIT, period=s.period)
    return dataclasses.replace(s, indicators=(*s.indicators, extra)), None


def _negative_percent(plan, s):
    row = _indicator_row(plan, s, ValueType.PERCENT)
    return _indicator(s, row.row, value=-5.0), None


def _count_above_max(plan, s):
    # One with a maximum in the thousands, to see how numbers are written in messages.
    row = next(x for x in s.indicators if _range_max(plan, x.indicator) >= 10_000)
    return _indicator(s, row.row, value=_range_max(plan, row.indicator) + 1), None


def _fractional_count(plan, s):
    row = _indicator_row(plan, s, ValueType.COUNT)
    return _indicator(s, row.row, value=0.5), None


def _cumulative_falls(plan, s):
    row = s.indicators[0]  # a ward's first indicator accumulates over the year
    return _indicator(s, row.row, value=3.0), {row.indicator: 4.0}


CASES: dict[str, tuple[Edit, list[tuple[str, object, str, str]]]] = {
    "task_missing": (_drop_task, [(TASK_SHEET, 0, "<code:2>", "task_missing")]),
    "task_duplicate": (
        _duplicate_task,
        [
            (TASK_SHEET, 3, "task", "task_duplicate"),
            (TASK_SHEET, "<last>", "task", "task_duplicate"),
        ],
    ),
    "task_not_assigned": (_unassigned_task, [(TASK_SHEET, "<last>", "task", "task_not_assigned")]),
    "status_required": (
        lambda p, s: (_task(s, 4, status=""), None),
        [(TASK_SHEET, 4, "status", "status_required")],
    ),
    "status_allowed": (
        lambda p, s: (_task(s, 5, status="xong"), None),
        [(TASK_SHEET, 5, "status", "status_allowed")],
    ),
    "result_required": (
        lambda p, s: (_task(s, 6, result=""), None),
        [(TASK_SHEET, 6, "result", "result_required")],
    ),
    "evidence_required": (
        lambda p, s: (_task(s, 7, evidence=""), None),
        [(TASK_SHEET, 7, "evidence", "evidence_required")],
    ),
    "evidence_number": (
        lambda p, s: (_task(s, 8, evidence="Báo cáo ngày 05/03/2019"), None),
        [(TASK_SHEET, 8, "evidence", "evidence_number")],
    ),
    "evidence_date": (
        lambda p, s: (_task(s, 9, evidence="Báo cáo số 12/BC-UBND"), None),
        [(TASK_SHEET, 9, "evidence", "evidence_date")],
    ),
    "evidence_date_after_period": (
        # Q1's span ends on 09/03: a report dated on the 10th cannot be in it.
        lambda p, s: (_task(s, 10, evidence="Số 12/BC-UBND ngày 10/03/2019"), None),
        [(TASK_SHEET, 10, "evidence", "evidence_date_in_period")],
    ),
    "evidence_date_before_period": (
        lambda p, s: (_task(s, 10, evidence="Số 12/BC-UBND ngày 14/12/2018"), None),
        [(TASK_SHEET, 10, "evidence", "evidence_date_in_period")],
    ),
    "task_row_unit": (
        lambda p, s: (_task(s, 11, unit="ALA"), None),
        [(TASK_SHEET, 11, "unit", "unit_matches")],
    ),
    "task_row_period": (
        lambda p, s: (_task(s, 12, period="2019-6M"), None),
        [(TASK_SHEET, 12, "period", "period_matches")],
    ),
    "indicator_missing": (_drop_indicator, [(INDICATOR_SHEET, 0, "<code:2>", "indicator_missing")]),
    "indicator_duplicate": (
        _duplicate_indicator,
        [
            (INDICATOR_SHEET, 3, "indicator", "indicator_duplicate"),
            (INDICATOR_SHEET, "<last>", "indicator", "indicator_duplicate"),
        ],
    ),
    "indicator_not_assigned": (
        _unassigned_indicator,
        [(INDICATOR_SHEET, "<last>", "indicator", "indicator_not_assigned")],
    ),
    "value_required": (
        lambda p, s: (_indicator(s, 4, value=None), None),
        [(INDICATOR_SHEET, 4, "value", "value_required")],
    ),
    "value_is_number": (
        lambda p, s: (_indicator(s, 5, value=None, value_text="nhiều"), None),
        [(INDICATOR_SHEET, 5, "value", "value_is_number")],
    ),
    "value_at_least_min": (
        _negative_percent,
        [(INDICATOR_SHEET, "<row>", "value", "value_at_least_min")],
    ),
    "value_at_most_max": (
        _count_above_max,
        [(INDICATOR_SHEET, "<row>", "value", "value_at_most_max")],
    ),
    "count_whole_non_negative": (
        _fractional_count,
        [(INDICATOR_SHEET, "<row>", "value", "count_whole_non_negative")],
    ),
    "cumulative_not_decreasing": (
        _cumulative_falls,
        [(INDICATOR_SHEET, 1, "value", "cumulative_not_decreasing")],
    ),
    "indicator_row_unit": (
        lambda p, s: (_indicator(s, 6, unit="ALA"), None),
        [(INDICATOR_SHEET, 6, "unit", "unit_matches")],
    ),
    "indicator_row_period": (
        lambda p, s: (_indicator(s, 7, period="2019-6M"), None),
        [(INDICATOR_SHEET, 7, "period", "period_matches")],
    ),
    # Not errors: nothing arose (a blank value with "không phát sinh"), nothing to prove.
    "not_applicable_is_valid": (
        lambda p, s: (_indicator(s, 8, value=None, note="Không phát sinh"), None),
        [],
    ),
    "nothing_arose_needs_no_evidence": (
        lambda p, s: (_task(s, 13, status="khong_phat_sinh", result="", evidence=""), None),
        [],
    ),
    "cumulative_may_stay_level": (
        lambda p, s: (_indicator(s, 1, value=4.0), {s.indicators[0].indicator: 4.0}),
        [],
    ),
}
IDS = {name: number for number, name in enumerate(CASES, start=1)}


def _expected(plan, valid: Submission, broken: Submission, name: str):
    _, wanted = CASES[name]
    resolved = []
    for sheet, row, field, rule in wanted:
        rows = broken.tasks if sheet == TASK_SHEET else broken.indicators
        if row == "<last>":
            row = rows[-1].row
        elif row == "<row>":
            before = {x.row: x for x in valid.indicators}
            row = next(x.row for x in rows if x != before.get(x.row))
        if field.startswith("<code:"):
            at = int(field[6:-1])
            field = (valid.tasks if sheet == TASK_SHEET else valid.indicators)[at - 1]
            field = getattr(field, "task", None) or field.indicator
        resolved.append((sheet, row, field, rule))
    return resolved


@pytest.fixture(scope="module")
def outcome(plan, make_submission, q1):
    valid = make_submission(UNIT)
    broken, earlier = {}, {}
    for name, (edit, _) in CASES.items():
        broken[name], previous = edit(plan, valid)
        if previous:
            earlier[IDS[name]] = previous
    built = frames.of_submissions(plan, {IDS[n]: s for n, s in broken.items()}, earlier)
    return valid, broken, expectations.validate(built, q1)


@pytest.mark.parametrize("name", list(CASES))
def test_a_broken_rule_gives_exactly_its_finding(outcome, plan, places, name):
    valid, broken, findings = outcome
    assert places(findings, IDS[name]) == _expected(plan, valid, broken[name], name)


def test_findings_carry_the_unit_period_value_as_written_and_the_filled_messages(outcome):
    _, broken, findings = outcome
    by_rule = {f.rule: f for f in findings if f.submission_id == IDS["status_allowed"]}
    status = by_rule["status_allowed"]
    assert (status.unit, status.period, status.value) == (UNIT, "2019-Q1", "xong")
    task = broken["status_allowed"].tasks[4].task
    assert status.message_vi == f"Tình trạng “xong” của nhiệm vụ {task} không hợp lệ."
    assert status.message_en == f"The status 'xong' of task {task} is not an allowed status."
    assert status.hint == (
        f"Chọn tình trạng của nhiệm vụ {task}: Chưa triển khai, Đang triển khai, Hoàn thành "
        "hoặc Không phát sinh."
    )


def test_the_evidence_hint_names_the_task(outcome):
    valid, _, findings = outcome
    (number,) = [f for f in findings if f.submission_id == IDS["evidence_number"]]
    task = valid.tasks[7].task
    assert number.value == "Báo cáo ngày 05/03/2019"
    assert number.hint.startswith(f"Điền số/ký hiệu văn bản minh chứng cho nhiệm vụ {task}")


def test_a_missing_row_is_named_by_its_code(outcome):
    valid, _, findings = outcome
    (missing,) = [f for f in findings if f.submission_id == IDS["task_missing"]]
    code = valid.tasks[1].task
    assert (missing.row, missing.field, missing.value) == (0, code, code)
    assert missing.message_vi.startswith(f"Thiếu nhiệm vụ {code}: theo Kế hoạch 461/KH-UBND")
    assert "Quý I năm 2019" in missing.message_vi


def test_numbers_in_messages_are_written_the_vietnamese_way(outcome, plan):
    _, broken, findings = outcome
    (high,) = [f for f in findings if f.submission_id == IDS["value_at_most_max"]]
    row = next(x for x in broken["value_at_most_max"].indicators if x.row == high.row)
    maximum = _range_max(plan, row.indicator)
    assert high.value == f"{int(maximum) + 1:,}".replace(",", ".")
    assert f"({int(maximum):,})".replace(",", ".") in high.message_vi
    assert f"({int(maximum):,})" in high.message_en


def test_the_period_span_comes_from_the_period_validated(outcome):
    _, _, findings = outcome
    (late,) = [f for f in findings if f.submission_id == IDS["evidence_date_after_period"]]
    assert "10/03/2019" in late.message_vi
    assert "15/12/2018 – 09/03/2019" in late.message_vi


def test_finding_fields_are_python_types(outcome):
    _, _, findings = outcome
    for f in findings:
        assert type(f.submission_id) is int and type(f.row) is int
        assert f.value is None or type(f.value) is str
        for text in (f.sheet, f.field, f.rule, f.message_vi, f.message_en, f.hint, f.unit):
            assert type(text) is str and text


def test_every_rule_of_the_suites_has_a_case(plan):
    tested = {rule for _, wanted in CASES.values() for *_, rule in wanted}
    built = {e.meta["rule"] for suite in expectations.build(plan) for e in suite.expectations}
    assert built == tested
