"""Insert-or-update on a natural key, the one way the store's writers write.

`INSERT ... ON CONFLICT (key) DO UPDATE ... WHERE <a value differs>` on both SQLite and
PostgreSQL: atomic under concurrent writers, and a row whose values did not change is not
touched at all, so its `updated_at` stays and re-running a step leaves the tables as they
were.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session

from papi_etl.errors import StoreError
from papi_etl.store.types import now

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def upsert(
    session: Session,
    model: type[DeclarativeBase],
    rows: Sequence[Mapping[str, Any]],
    key: Sequence[str],
    *,
    stamp: str | None = None,
) -> None:
    """Write `rows` into `model`'s table, matched on the columns `key`.

    `key` must be the columns of a unique constraint of the table. Every row gives the same
    columns; those not in `key` are updated when any of them differs from the stored value,
    and then the `stamp` column (default: `updated_at`, when the table has one) is set to
    now. Columns not given keep their stored value, or take their default on insert (a NOT
    NULL column without a default must be given: PostgreSQL checks the row before the
    conflict). Runs in the session's transaction and does not commit.
    """
    if not rows:
        return
    table = model.__table__
    columns = list(rows[0])
    if any(set(row) != set(columns) for row in rows):
        raise ValueError("every row given to upsert must have the same columns")
    dialect = session.get_bind().dialect.name
    if dialect not in _INSERTS:
        raise StoreError(f"The store does not support the {dialect} database.")
    insert = _INSERTS[dialect](table)
    values = [name for name in columns if name not in key]
    if stamp is None and "updated_at" in table.c:
        stamp = "updated_at"
    if values:
        changes: dict[str, Any] = {name: insert.excluded[name] for name in values}
        if stamp is not None:
            changes[stamp] = now()
        statement = insert.on_conflict_do_update(
            index_elements=list(key),
            set_=changes,
            where=or_(*(table.c[name].is_distinct_from(insert.excluded[name]) for name in values)),
        )
    else:
        statement = insert.on_conflict_do_nothing(index_elements=list(key))
    session.execute(statement, [dict(row) for row in rows])
