"""The databases of the tests: a throw-away PostgreSQL database on the test server, and a
look into a store's metrics. Imported by name (`from databases_for_tests import ...`): a module
named `conftest` is not one module but one per folder."""

from __future__ import annotations

import os
import secrets

from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from papi_etl.store import schema

POSTGRES_SERVER = os.environ.get(
    "PAPI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/"
)


class PostgresTestDatabase:
    """A throw-away database on the test server, driven from its `postgres` database."""

    def __init__(self, server: URL) -> None:
        self.name = f"papi_test_{os.getpid()}_{secrets.token_hex(4)}"
        self.url = server.set(database=self.name).render_as_string(hide_password=False)
        self._admin: Engine = create_engine(
            server.set(database="postgres"),
            isolation_level="AUTOCOMMIT",
            connect_args={"connect_timeout": 5},
        )

    def create(self) -> None:
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.name}"'))

    def _terminate_connections(self) -> None:
        with self._admin.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": self.name},
            )

    def empty(self) -> None:
        # A connection a failed test left open must not block the DROP with its locks.
        self._terminate_connections()
        engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        finally:
            engine.dispose()

    def drop(self) -> None:
        self._terminate_connections()
        with self._admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}"'))
        self._admin.dispose()


def district_metric(session: Session, plan_id: str, period: str, metric: str) -> float | None:
    """A plan's stored metric over all its units and dimensions (`metric_values`)."""
    value = schema.MetricValue
    return session.scalar(
        select(value.value).where(
            value.plan_id == plan_id,
            value.period_code == period,
            value.unit_code == schema.WHOLE,
            value.dimension_code == schema.WHOLE,
            value.metric == metric,
        )
    )
