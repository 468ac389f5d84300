"""What the tests of the GX suites share: the period, and findings by submission.

GX is imported once per test session and the runner keeps one context per process, so
every test here shares it. Tests that break rules put each broken submission under its
own submission id in one combined frame and validate it once: a rule's test reads the
findings of its own submission.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from great_expectations.validator.v1_validator import Validator

from papi_etl import calendar
from papi_etl.calendar import Period
from papi_etl.plan.model import Plan
from papi_etl.validation.finding import Finding

Place = tuple[str, int, str, str]
"""(sheet, row, field, rule): where a finding is and what it says is wrong."""


def _places(findings: Iterable[Finding], submission_id: int) -> list[Place]:
    return [(f.sheet, f.row, f.field, f.rule) for f in findings if f.submission_id == submission_id]


@pytest.fixture(scope="session")
def places():
    """places(findings, submission_id): the (sheet, row, field, rule) of its findings."""
    return _places


@pytest.fixture(scope="session")
def q1(plan: Plan) -> Period:
    return calendar.period(plan, "2019-Q1")


@pytest.fixture
def runs(monkeypatch):
    """Counts GX validations of a suite (however the runner starts them)."""
    counted = {"suites": 0}
    validate = Validator.validate_expectation_suite

    def counting(self, *args, **kwargs):
        counted["suites"] += 1
        return validate(self, *args, **kwargs)

    monkeypatch.setattr(Validator, "validate_expectation_suite", counting)
    return counted
