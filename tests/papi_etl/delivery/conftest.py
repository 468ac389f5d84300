"""Fixtures of the delivery tests: a receiver on loopback, a store with report rows.

The receiver is a real HTTP server (pytest-httpserver); only the back-off's sleep is
replaced, by a list that records the waits, so that the suite is fast.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from delivery_fakes import PATH, TOKEN, Receiver, write_report
from pytest_httpserver import HTTPServer
from sqlalchemy.orm import Session, sessionmaker

from papi_etl import store
from papi_etl.plan.model import Plan
from papi_etl.store.schema import Report
from papi_etl.store.types import LOCAL_ZONE


@pytest.fixture
def receiver(server: HTTPServer) -> Receiver:
    made = Receiver(server.url_for(PATH))
    server.expect_request(PATH, method="POST").respond_with_handler(made.handle)
    return made


@pytest.fixture
def sleeps() -> list[float]:
    """The waits the sinks asked for, in order (their injectable sleep)."""
    return []


@pytest.fixture(autouse=True)
def token_never_logged(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every test also checks that no log line, ours or a library's, shows the token."""
    caplog.set_level(logging.DEBUG)
    yield
    assert TOKEN not in caplog.text


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "papi-data"
    folder.mkdir()
    return folder


@pytest.fixture
def sessions(store_url: str, plan: Plan) -> Iterator[sessionmaker[Session]]:
    """A migrated store (SQLite, then PostgreSQL) with the bundled plan in it."""
    engine = store.connect(store_url)
    factory = store.sessions(engine)
    with factory.begin() as session:
        store.sync_plan(session, plan, file_sha256="0" * 64)
    yield factory
    engine.dispose()


MakeReport = Callable[..., Report]


@pytest.fixture
def make_report(sessions: sessionmaker[Session], plan: Plan, data_dir: Path) -> MakeReport:
    """Store a report version of `period` with its files under the data dir."""

    def make(period: str = "2019-Q1", version: int = 1) -> Report:
        folder = data_dir / "reports" / period / f"v{version}"
        files = write_report(folder, period, version, relative_to=data_dir)
        content = hashlib.sha256("".join(f["sha256"] for f in files).encode()).hexdigest()
        with sessions.begin() as session:
            report = Report(
                plan_id=plan.id,
                period_code=period,
                version=version,
                content_sha256=content,
                files=files,
                created_at=dt.datetime(2019, 3, 14, 16, 0, tzinfo=LOCAL_ZONE),
            )
            session.add(report)
        return report

    return make
