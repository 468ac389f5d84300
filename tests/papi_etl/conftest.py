"""Submissions built from the plan, for tests that need a unit's complete report."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from papi_etl.plan import assignments, load
from papi_etl.plan.model import Plan
from papi_etl.settings import DEFAULT_PLAN
from papi_etl.submission import IndicatorRow, Submission, TaskRow

MakeSubmission = Callable[..., Submission]


@pytest.fixture(scope="session")
def plan() -> Plan:
    return load(DEFAULT_PLAN).plan


@pytest.fixture(scope="session")
def make_submission(plan: Plan) -> MakeSubmission:
    """A complete, valid report of `unit` for `period`, every task done with evidence."""

    def make(unit: str, period: str = "2019-Q1", result: str = "Đã thực hiện") -> Submission:
        tasks = tuple(
            TaskRow(
                row=i,
                task=t.code,
                status="hoan_thanh",
                result=result,
                evidence="Báo cáo số 12/BC-UBND ngày 05/03/2019",
                unit=unit,
                period=period,
            )
            for i, t in enumerate(assignments.tasks_of_unit(plan, unit), start=1)
        )
        indicators = tuple(
            IndicatorRow(
                row=i, indicator=x.code, value=float(x.range.min), unit=unit, period=period
            )
            for i, x in enumerate(assignments.indicators_of_unit(plan, unit), start=1)
        )
        return Submission(unit=unit, period=period, tasks=tasks, indicators=indicators, form="json")

    return make
