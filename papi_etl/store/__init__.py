"""The store: every received file, submission, finding, decision, metric and delivery.

SQLAlchemy over SQLite (the default) or PostgreSQL, its schema made by Alembic migrations.
Writers upsert on natural keys (`upsert`), so re-running a step gives the same tables.
The models are in `papi_etl.store.schema`.
"""

from papi_etl.store.database import (
    connect,
    current_revision,
    head_revision,
    redacted,
    sessions,
    upgrade,
)
from papi_etl.store.plan_sync import sync as sync_plan
from papi_etl.store.plan_sync import sync_all as sync_plans
from papi_etl.store.upsert import upsert

__all__ = [
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
