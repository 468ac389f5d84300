"""`papi-etl db upgrade`: create or migrate the store."""

from __future__ import annotations

import typer

from papi_etl.cli.context import echo, settings

app = typer.Typer(help="The store: create or migrate its tables.", no_args_is_help=True)


@app.command()
def upgrade() -> None:
    """Create the store, or migrate it to the current schema (SQLite or PostgreSQL)."""
    from papi_etl.store import database

    url = settings().resolved_database_url
    revision = database.upgrade(url)
    echo(f"Store at {database.redacted(url)} is at revision {revision}.")
