"""Fixtures of the metrics tests; the helpers are in metrics_cases.py."""

from __future__ import annotations

import pytest
from metrics_cases import Frames, tiny_plan

from papi_etl.plan.model import Plan


@pytest.fixture(scope="session", name="tiny_plan")
def tiny_plan_fixture() -> Plan:
    return tiny_plan()


@pytest.fixture
def frames() -> Frames:
    return Frames([], [], [])
