"""The runner: one GX validation per suite over all rows, whatever the number of units or
failures; one context per process."""

from __future__ import annotations

import dataclasses

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
import pytest

import expectations
from expectations import runner
from papi_etl.validation import frames


@pytest.fixture(scope="module")
def district(plan, make_submission):
    """Every unit's valid report for 2019-Q1, as one period's frames."""
    reports = {number: make_submission(u.code) for number, u in enumerate(plan.units, start=1)}
    return frames.of_submissions(plan, reports)


def test_a_clean_district_period_is_one_run_per_suite(district, q1, runs):
    assert len(district.submission_ids) == 26
    assert expectations.validate(district, q1) == []
    assert runs == {"suites": 2}


def test_failures_add_no_run_per_rule_row_or_unit(plan, district, make_submission, q1, runs):
    broken = []
    for number, unit in enumerate(("AL", "PNV", "TTYT"), start=100):
        valid = make_submission(unit)
        tasks = tuple(dataclasses.replace(t, status="xong") for t in valid.tasks)
        broken.append(frames.of_submission(plan, dataclasses.replace(valid, tasks=tasks), number))
    findings = expectations.validate(frames.combine([district, *broken]), q1)
    rows = sum(len(b.tasks) for b in broken)
    assert len(findings) == rows
    assert {f.rule for f in findings} == {"status_allowed"}
    # The failing rows come with the suite's one run.
    assert runs == {"suites": 2}


def test_the_context_and_suites_are_built_once_per_process(plan, district, q1):
    engine = runner._shared_engine()
    expectations.validate(district, q1)
    checks = engine.checks_of(plan)
    expectations.validate(district, q1)
    assert runner._shared_engine() is engine
    assert engine.checks_of(plan) is checks
    # Two suites for this plan's words (other plans with other words have their own).
    suffix = checks[0].definition.suite.name.rpartition("@")[2]
    assert len([s for s in engine.context.suites.all() if s.name.endswith(f"@{suffix}")]) == 2
    # Results are not kept in the context: a long-running worker does not grow.
    assert engine.context.validation_results_store.list_keys() == []


def test_a_frame_gx_cannot_evaluate_is_an_error_not_findings(plan, district, q1):
    crippled = frames.Frames(
        plan=plan,
        tasks=district.tasks.drop(columns=["status"]),
        indicators=district.indicators,
    )
    with pytest.raises(runner.ExpectationError, match="status"):
        expectations.validate(crippled, q1)


def test_validating_does_not_modify_the_frames(district, q1):
    before = (district.tasks.copy(), district.indicators.copy())
    expectations.validate(district, q1)
    assert district.tasks.equals(before[0])
    assert district.indicators.equals(before[1])


def test_a_period_nobody_reported_for_has_no_finding(plan, q1):
    assert expectations.validate(frames.of_submissions(plan, {}), q1) == []


def test_findings_do_not_depend_on_the_frames_index(plan, district, make_submission, q1):
    valid = make_submission("AL")
    tasks = tuple(dataclasses.replace(t, status="xong") for t in valid.tasks)
    broken = frames.of_submission(plan, dataclasses.replace(valid, tasks=tasks), 100)
    combined = frames.combine([district, broken])
    # GX names failing rows by index label; the runner must find the same rows whatever
    # the labels are (here: descending multiples of 7, not 0..n-1).
    relabelled = frames.Frames(
        plan=plan,
        tasks=combined.tasks.set_axis(pd.RangeIndex(len(combined.tasks))[::-1] * 7),
        indicators=combined.indicators,
    )
    assert expectations.validate(relabelled, q1) == expectations.validate(combined, q1)


def test_gx_is_given_only_the_columns_the_suites_read(plan):
    checks = {c.frame: c for c in runner._shared_engine().checks_of(plan)}
    tasks = checks["tasks"].columns
    # Columns of expectations, of row conditions (status, evidence) and of pairs (unit).
    assert {"present", "status", "evidence", "evidence_date", "row_unit", "unit"} <= tasks
    # The findings read these from the frame itself.
    assert not {"row", "difficulties", "proposals", "sheet"} & tasks
    assert {"value_type", "cumulative", "previous_value"} <= checks["indicators"].columns


def test_a_row_condition_whose_columns_are_unknown_is_refused():
    with pytest.warns(DeprecationWarning, match="string"):  # GX 2.0 drops them anyway
        expectation = gxe.ExpectColumnValuesToNotBeNull(
            column="status", row_condition='present == "x"', condition_parser="pandas"
        )
    suite = gx.ExpectationSuite(name="query", expectations=[expectation])
    with pytest.raises(TypeError, match="not a GX Condition"):
        runner._read_by(suite)
