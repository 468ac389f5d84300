"""Alembic's environment for the store, run by `papi_etl.store.database.upgrade`.

`upgrade` hands over an open connection in `config.attributes["connection"]`. To write the
next migration, autogenerate it against a store migrated to head and review it by hand:

    from alembic import command
    from papi_etl.store.database import alembic_config, upgrade
    upgrade("sqlite:////tmp/papi-head.sqlite3")
    command.revision(alembic_config("sqlite:////tmp/papi-head.sqlite3"),
                     "what changes", autogenerate=True, rev_id="0002")
"""

from alembic import context
from sqlalchemy import Connection

from papi_etl.errors import StoreError
from papi_etl.store.database import connect
from papi_etl.store.schema import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    if context.is_offline_mode():
        raise StoreError("The store's migrations run online only, on a connection.")
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = connect(context.config.get_main_option("sqlalchemy.url", ""))
    try:
        with engine.begin() as connection:
            _run(connection)
    finally:
        engine.dispose()


_main()
