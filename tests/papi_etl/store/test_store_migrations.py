"""The migrations build the store on both backends, idempotently, and match the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, Table, event, inspect, text

import papi_etl.store
from papi_etl.errors import StoreError
from papi_etl.store import database
from papi_etl.store.schema import Base
from papi_etl.store.types import now

TABLES = {
    "plans",
    "units",
    "tasks",
    "indicators",
    "periods",
    "raw_files",
    "source_cursors",
    "submissions",
    "submission_tasks",
    "indicator_values",
    "findings",
    "steward_decisions",
    "metric_values",
    "reports",
    "deliveries",
    "delivery_attempts",
    "notifications",
}


def _differences(url: str, metadata: MetaData) -> list[object]:
    engine = database.connect(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def _table_names(url: str) -> set[str]:
    engine = database.connect(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_from_empty_creates_every_table(database_url):
    assert database.current_revision(database_url) is None

    revision = database.upgrade(database_url)

    assert revision == database.head_revision()
    assert database.current_revision(database_url) == revision
    assert _table_names(database_url) == TABLES | {"alembic_version"}
    assert set(Base.metadata.tables) == TABLES


def test_a_second_upgrade_changes_nothing(database_url):
    database.upgrade(database_url)
    engine = database.connect(database_url)
    with engine.begin() as connection:
        connection.execute(
            Base.metadata.tables["plans"].insert(),
            {"id": "p", "version": 1, "document_number": "1/KH", "loaded_at": now()},
        )
        connection.execute(
            Base.metadata.tables["raw_files"].insert(),
            {
                "plan_id": "p",
                "sha256": "a" * 64,
                "size": 1,
                "source": "inbox",
                "original_name": "a.csv",
                "received_at": now(),
                "archive_path": "raw/a",
            },
        )
    engine.dispose()

    assert database.upgrade(database_url) == database.head_revision()

    engine = database.connect(database_url)
    with engine.connect() as connection:
        assert len(connection.execute(Base.metadata.tables["raw_files"].select()).all()) == 1
    engine.dispose()


def test_the_migrated_schema_matches_the_models(store_url):
    assert _differences(store_url, Base.metadata) == []


def test_the_comparison_would_see_a_drift(store_url):
    drifted = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(drifted)
    Table("unmigrated", drifted, Column("id", Integer, primary_key=True))
    drifted.tables["units"].append_column(Column("extra", Integer))

    differences = _differences(store_url, drifted)

    assert ("add_table", "unmigrated") in [(d[0], getattr(d[1], "name", None)) for d in differences]
    assert ("add_column", "units", "extra") in [
        (d[0], d[2], d[3].name) for d in differences if d[0] == "add_column"
    ]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_upgrade_creates_the_sqlite_file_and_its_folder(database_url):
    path = Path(database_url.removeprefix("sqlite:///"))
    assert not path.parent.exists()

    database.upgrade(database_url)

    assert path.is_file()


def test_an_unreachable_server_is_a_store_error():
    with pytest.raises(StoreError, match="Cannot open or migrate the store at"):
        database.upgrade("postgresql+psycopg://papi:secret@127.0.0.1:1/papi")


def test_the_password_never_shows_in_the_error():
    with pytest.raises(StoreError) as raised:
        database.upgrade("postgresql+psycopg://papi:s3cr3t@127.0.0.1:1/papi")
    assert "s3cr3t" not in str(raised.value)


def test_the_public_surface_does_not_drift():
    assert papi_etl.store.__all__ == [
        "connect",
        "current_revision",
        "head_revision",
        "redacted",
        "sessions",
        "sync_plan",
        "sync_plans",
        "upgrade",
        "upsert",
    ]
    assert all(hasattr(papi_etl.store, name) for name in papi_etl.store.__all__)


_BEFORE_PLANS_EVERYWHERE = [
    "INSERT INTO plans (id, version, document_number, created_at, loaded_at) "
    "VALUES ('p', 1, '1/KH', :t, :t)",
    "INSERT INTO units (plan_id, code, name, kind, contact, created_at, updated_at) "
    "VALUES ('p', 'AL', 'Phường An Lạc', 'ward', '{}', :t, :t)",
    "INSERT INTO periods (plan_id, code, kind, year, label_vi, starts, ends, unit_deadline, "
    "consolidated_deadline, created_at, updated_at) VALUES ('p', '2019-Q1', 'Q1', 2019, "
    "'Quý I năm 2019', '2018-12-15', '2019-03-09', :t, :t, :t, :t)",
    "INSERT INTO raw_files (id, sha256, size, source, original_name, received_at, archive_path, "
    "rejection_code) VALUES (1, :a, 1, 'inbox', 'a.json', :t, 'raw/a', NULL), "
    "(2, :b, 1, 'inbox', 'b.json', :t, 'raw/b', 'unreadable')",
    "INSERT INTO submissions (plan_id, unit_code, period_code, version, raw_file_id, status, "
    "received_at, on_time, created_at, updated_at) "
    "VALUES ('p', 'AL', '2019-Q1', 1, 1, 'received', :t, true, :t, :t)",
    "INSERT INTO source_cursors (source, cursor, updated_at) VALUES ('http:kobo/data', '7', :t)",
]


def test_rows_of_a_store_from_before_every_row_had_a_plan_get_its_plan(database_url):
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True)
    engine = database.connect(database_url)
    try:
        with engine.begin() as connection:
            config = database.alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "0003")
            for statement in _BEFORE_PLANS_EVERYWHERE:
                connection.execute(text(statement), {"t": now(), "a": "a" * 64, "b": "b" * 64})
    finally:
        engine.dispose()

    database.upgrade(database_url)

    engine = database.connect(database_url)
    try:
        with engine.connect() as connection:
            raw = connection.execute(text("SELECT id, plan_id FROM raw_files ORDER BY id")).all()
            cursors = connection.execute(text("SELECT plan_id, source FROM source_cursors")).all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in raw] == [(1, "p"), (2, "p")]
    assert [tuple(c) for c in cursors] == [("p", "http:kobo/data")]


def test_a_migration_cut_short_leaves_no_table_and_the_next_upgrade_completes(
    database_url, monkeypatch
):
    # SIGKILLed mid-way (tests/papi_etl/test_collect_kills.py does it to a real process),
    # SQLite used to keep the tables made so far, with no alembic_version row: every later
    # upgrade then failed on "table ... already exists". Here the cut is an exception after
    # the third CREATE TABLE; the migration must leave all of it or none.
    made = database.connect

    def connect(url: str, **options: object):
        engine = made(url, **options)
        created = []

        @event.listens_for(engine, "after_cursor_execute")
        def cut(_conn, _cursor, statement, *_args) -> None:
            if statement.lstrip().upper().startswith("CREATE TABLE"):
                created.append(statement)
                if len(created) == 3:
                    raise SystemExit("power cut")

        return engine

    monkeypatch.setattr(database, "connect", connect)
    with pytest.raises(SystemExit):
        database.upgrade(database_url)
    monkeypatch.undo()

    engine = database.connect(database_url)
    assert not set(inspect(engine).get_table_names()) & TABLES
    engine.dispose()
    assert database.upgrade(database_url) == database.head_revision()
