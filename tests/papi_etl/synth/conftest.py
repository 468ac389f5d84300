import pytest

from papi_etl import calendar
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN
from papi_etl.synth import build


@pytest.fixture(scope="session")
def plan():
    return load(DEFAULT_PLAN).plan


@pytest.fixture(scope="session")
def periods(plan):
    return calendar.periods(plan)


@pytest.fixture(scope="session")
def clean_reports(plan, periods):
    """Every unit's clean report for every period of the bundled plan, seed 461."""
    return build(plan, 461, periods, "json", clean=True)


@pytest.fixture(scope="session")
def mixed_reports(plan, periods):
    """The default mix (late, missing, erroneous) for every period, seed 461."""
    return build(plan, 461, periods, "json")
