"""Fixtures shared by every test: the bundled plan, complete submissions built from it, and
the databases (every store test runs on SQLite and on PostgreSQL).

PostgreSQL is the server on 127.0.0.1:5432 (trust auth; PAPI_TEST_POSTGRES_URL overrides
it). One database, `papi_test_<pid>_<random>`, is created for the test session and dropped at
its end; each test gets it emptied. When the server cannot be reached the PostgreSQL tests
fail, never skip: CI must not pass on SQLite alone.
"""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Callable, Iterator

import pytest
from aiosmtpd.controller import Controller
from databases_for_tests import POSTGRES_SERVER, PostgresTestDatabase
from pytest_httpserver import HTTPServer
from sqlalchemy import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from papi_etl.plan import assignments, load
from papi_etl.plan.model import Plan
from papi_etl.settings import DEFAULT_PLAN
from papi_etl.store import database
from papi_etl.submission import IndicatorRow, Submission, TaskRow


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[PostgresTestDatabase]:
    server = make_url(POSTGRES_SERVER)
    test_database = PostgresTestDatabase(server)
    try:
        test_database.create()
    except OperationalError as error:
        pytest.fail(
            f"PostgreSQL is not reachable at {database.redacted(server)} ({error.orig}). "
            "The store's tests need it: start the server (see .ci/run), set "
            "PAPI_TEST_POSTGRES_URL, or deselect these tests locally with -m 'not postgres'.",
            pytrace=False,
        )
    yield test_database
    test_database.drop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """The URL of an empty database, on each backend in turn."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store' / 'papi.sqlite3'}"
    test_database: PostgresTestDatabase = request.getfixturevalue("postgres_database")
    test_database.empty()
    return test_database.url


@pytest.fixture
def store_url(database_url: str) -> str:
    """The URL of a store migrated to head."""
    database.upgrade(database_url)
    return database_url


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    engine = database.connect(store_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with database.sessions(engine)() as session:
        yield session


# --- the plan, and submissions built from it ---------------------------------------------

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


@pytest.fixture(scope="session")
def running_server() -> Iterator[HTTPServer]:
    """A real HTTP server on loopback, threaded so that a retry is served while a slow
    handler still sleeps; one per session (stopping one takes half a second)."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def server(running_server: HTTPServer) -> Iterator[HTTPServer]:
    running_server.clear()
    yield running_server
    running_server.check_handler_errors()


class Mailbox:
    """What a real SMTP server on loopback (aiosmtpd) received, parsed."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.port = 0

    async def handle_DATA(self, _server, _session, envelope) -> str:  # noqa: N802 (aiosmtpd)
        self.messages.append(
            email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        )
        return "250 OK"

    def url(self) -> str:
        """PAPI_SMTP_URL for this server (plain SMTP on loopback, the district's sender)."""
        return f"smtp://127.0.0.1:{self.port}?from=pnv@binhtan.example&starttls=0"


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Mailbox()
    box.port = port
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box
    controller.stop()
