"""A store with the plan, on SQLite and PostgreSQL, and a way to file a unit's report in it."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest

from papi_etl import forms
from papi_etl.ingest import ingest
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.sources.base import Received
from papi_etl.submission import Submission
from papi_etl.workspace import Workspace, open_workspace

ARRIVED = dt.datetime(2019, 3, 5, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture(scope="module")
def loaded():
    return load(DEFAULT_PLAN)


@pytest.fixture
def workspace(tmp_path, database_url, loaded) -> Workspace:
    return open_workspace(Settings(data_dir=tmp_path / "data", database_url=database_url), loaded)


@pytest.fixture
def send(workspace, tmp_path):
    """File a submission as the unit's next version (arrived on time); returns its id."""
    numbers = itertools.count(1)

    def send_one(submission: Submission) -> int:
        path = tmp_path / "sent" / f"{submission.unit}-{next(numbers)}.json"
        forms.write(submission, "json", path, workspace.plan)
        with workspace.sessions.begin() as session:
            done = ingest(
                session,
                workspace.plan,
                Received(path.read_bytes(), "inbox", path.name, ARRIVED, submission.unit),
                workspace.data_dir,
            )
        assert done.submission_id is not None
        return done.submission_id

    return send_one
