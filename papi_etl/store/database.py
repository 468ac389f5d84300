"""Opening the store and bringing its schema to the current migration.

The store is SQLite by default (a file in the data dir) and PostgreSQL in production; the
same URL reaches both through `connect`. The schema is only ever made by the Alembic
migrations in `papi_etl/store/migrations`, run in code by `upgrade`, so that no alembic.ini
or working directory is needed where the package is installed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from papi_etl.errors import StoreError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _enforce_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    # SQLite ignores foreign keys unless each connection asks for them.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _no_driver_transactions(dbapi_connection: Any, _record: Any) -> None:
    # Python's sqlite3 opens a transaction only before INSERT/UPDATE/DELETE and runs
    # CREATE/ALTER TABLE outside of any: left to it, a migration killed half-way leaves
    # tables with no alembic_version row, and every later upgrade fails on "table already
    # exists". Off, and BEGIN emitted on SQLAlchemy's begin, DDL commits or rolls back whole.
    dbapi_connection.isolation_level = None


def _begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")


def connect(url: str, *, transactional_ddl: bool = False) -> Engine:
    """An engine for the store at `url`; on SQLite, with foreign keys enforced and, with
    `transactional_ddl` (migrations), schema changes inside the transaction."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _enforce_foreign_keys)
        if transactional_ddl:
            event.listen(engine, "connect", _no_driver_transactions)
            event.listen(engine, "begin", _begin)
    return engine


def sessions(engine: Engine) -> sessionmaker[Session]:
    """The session factory; objects stay readable after commit (flows pass them on)."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str | None = None) -> Config:
    """Alembic's configuration, built in code; `url` is only needed by Alembic's commands
    that open their own connection (`command.revision(..., autogenerate=True)`)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    """The revision the migrations lead to."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise StoreError("The store's migrations have no head revision.")
    return head


def redacted(url: str | URL) -> str:
    """The URL with its password hidden, fit for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_file(url: URL) -> Path | None:
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    return None if database.startswith("file:") else Path(database).expanduser()


def _migrate(connection: Connection) -> None:
    """Run the migrations to head in one transaction.

    SQLite changes a table's constraints by rebuilding it, which its foreign keys forbid
    while other tables refer to it: they are switched off for the migration (outside the
    transaction, where SQLite takes the switch) and checked once it is done.
    """
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Through the driver: SQLAlchemy would emit BEGIN first (`transactional_ddl`), and
        # inside a transaction SQLite ignores the switch.
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
    with connection.begin():
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all() if sqlite else []
        if broken:
            raise StoreError(
                f"Migrating the store would break {len(broken)} references "
                f"(first: {tuple(broken[0])}); nothing was changed.",
                "Cập nhật cơ sở dữ liệu sẽ làm hỏng liên kết giữa các bảng; chưa thay đổi gì.",
            )
    if sqlite:
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


def upgrade(url: str) -> str:
    """Create or migrate the store at `url` to the head revision and return it.

    A store already at head is left as it is. Creates a SQLite file's folder. Raises
    StoreError when the database cannot be reached or its schema is of another version of
    papi-etl (a revision these migrations do not know).
    """
    parsed = make_url(url)
    try:
        if (path := _sqlite_file(parsed)) is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(
            f"Cannot create the folder of the store at {redacted(parsed)}: {error}",
            f"Không tạo được thư mục của cơ sở dữ liệu tại {redacted(parsed)}: {error}",
        ) from error
    engine = connect(url, transactional_ddl=True)
    try:
        with engine.connect() as connection:
            _migrate(connection)
    except OperationalError as error:
        raise StoreError(
            f"Cannot open or migrate the store at {redacted(parsed)}: {error.orig}",
            f"Không mở hoặc cập nhật được cơ sở dữ liệu tại {redacted(parsed)}: {error.orig}",
        ) from error
    except CommandError as error:
        raise StoreError(
            f"The store at {redacted(parsed)} cannot be migrated: {error}. Is it from a newer "
            "papi-etl?",
            f"Không cập nhật được cơ sở dữ liệu tại {redacted(parsed)}: {error}.",
        ) from error
    finally:
        engine.dispose()
    return head_revision()


def current_revision(url: str) -> str | None:
    """The migration the store at `url` is at; None for a database never migrated.

    A SQLite file that does not exist is not created.
    """
    parsed = make_url(url)
    if (path := _sqlite_file(parsed)) is not None and not path.exists():
        return None
    engine = connect(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except OperationalError as error:
        raise StoreError(
            f"Cannot open the store at {redacted(parsed)}: {error.orig}",
            f"Không mở được cơ sở dữ liệu tại {redacted(parsed)}: {error.orig}",
        ) from error
    finally:
        engine.dispose()
