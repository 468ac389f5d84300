"""`papi-etl db upgrade`: create or migrate the store."""

from __future__ import annotations

from papi_etl.cli.bilingual import BilingualTyper
from papi_etl.cli.context import echo, settings

app = BilingualTyper(
    help="Cơ sở dữ liệu: tạo mới hoặc cập nhật cấu trúc. / The store: create or migrate it."
)


@app.command()
def upgrade() -> None:
    """Tạo cơ sở dữ liệu, hoặc cập nhật lên cấu trúc hiện hành (SQLite hoặc PostgreSQL). /
    Create the store, or migrate it to the current schema (SQLite or PostgreSQL)."""
    from papi_etl.store import database

    url = settings().resolved_database_url
    revision = database.upgrade(url)
    echo(f"Cơ sở dữ liệu tại {database.redacted(url)} ở phiên bản cấu trúc {revision}.")
    echo(f"Store at {database.redacted(url)} is at revision {revision}.")
