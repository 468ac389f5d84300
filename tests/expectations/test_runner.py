"""The runner: one GX validation per suite over all rows, whatever the number of units;
a second, detailed one only for the expectations that failed; one context per process."""

from __future__ import annotations

import dataclasses

import great_expectations as gx
import pytest
from great_expectations.datasource.fluent.interfaces import Batch

import expectations
from expectations import runner
from papi_etl.validation import frames


@pytest.fixture
def runs(monkeypatch):
    """Counts GX validations: summary runs (ValidationDefinition.run) and detail runs."""
    counted = {"summary": 0, "detail": 0}
    summary, detail = gx.ValidationDefinition.run, Batch.validate

    def counting_summary(self, *args, **kwargs):
        counted["summary"] += 1
        return summary(self, *args, **kwargs)

    def counting_detail(self, *args, **kwargs):
        counted["detail"] += 1
        return detail(self, *args, **kwargs)

    monkeypatch.setattr(gx.ValidationDefinition, "run", counting_summary)
    monkeypatch.setattr(Batch, "validate", counting_detail)
    return counted


@pytest.fixture(scope="module")
def district(plan, make_submission):
    """Every unit's valid report for 2019-Q1, as one period's frames."""
    reports = {number: make_submission(u.code) for number, u in enumerate(plan.units, start=1)}
    return frames.of_submissions(plan, reports)


def test_a_clean_district_period_is_one_summary_run_per_suite(district, q1, runs):
    assert len(district.submission_ids) == 26
    assert expectations.validate(district, q1) == []
    assert runs == {"summary": 2, "detail": 0}


def test_failures_add_one_detail_run_per_failing_suite_not_per_row_or_unit(
    plan, district, make_submission, q1, runs
):
    broken = []
    for number, unit in enumerate(("AL", "PNV", "TTYT"), start=100):
        valid = make_submission(unit)
        tasks = tuple(dataclasses.replace(t, status="xong") for t in valid.tasks)
        broken.append(frames.of_submission(plan, dataclasses.replace(valid, tasks=tasks), number))
    findings = expectations.validate(frames.combine([district, *broken]), q1)
    rows = sum(len(b.tasks) for b in broken)
    assert len(findings) == rows
    assert {f.rule for f in findings} == {"status_allowed"}
    # Only the tasks suite failed: its summary and one detail run; the indicators' summary.
    assert runs == {"summary": 2, "detail": 1}


def test_the_context_and_suites_are_built_once_per_process(plan, district, q1):
    engine = runner._shared_engine()
    expectations.validate(district, q1)
    checks = engine.checks_of(plan)
    expectations.validate(district, q1)
    assert runner._shared_engine() is engine
    assert engine.checks_of(plan) is checks
    assert len(engine.context.suites.all()) == 2
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
