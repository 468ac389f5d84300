"""The store and the plan, made ready once for a command or a flow run.

Every step that touches the store needs it migrated and the plan's units, tasks and
periods in it (submissions refer to them); doing both here, idempotently, means no step
can run against a store that is behind the code or the plan file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from papi_etl import store
from papi_etl.errors import StoreMissingError
from papi_etl.plan import LoadedPlan
from papi_etl.plan.model import Plan
from papi_etl.settings import Settings


@dataclass(frozen=True)
class Workspace:
    settings: Settings
    loaded: LoadedPlan
    sessions: sessionmaker[Session]

    @property
    def plan(self) -> Plan:
        return self.loaded.plan

    @property
    def data_dir(self) -> Path:
        return self.settings.data_dir


_OPENED: dict[tuple[str, str, str], Workspace] = {}


def open_workspace(settings: Settings, loaded: LoadedPlan, *, create: bool = True) -> Workspace:
    """Migrate the store to head and sync the plan into it, once per process.

    A flow run opens the workspace in each of its sub-flows; the store, the plan file and
    the engine (with its connection pool) are the same each time, so they are reused.
    What takes reports in (collect, the flows) creates the store; what only reads it passes
    `create=False` and gets StoreMissingError for a store that does not exist yet (no
    SQLite file, or a database without the schema), rather than an empty one made here
    that would report every unit missing: a mistyped PAPI_DATA_DIR must not look like a
    district where nobody reported.
    """
    key = (settings.resolved_database_url, str(settings.data_dir.resolve()), loaded.sha256)
    if key in _OPENED and settings.data_dir.exists():
        return _OPENED[key]
    url = settings.resolved_database_url
    if not create and store.current_revision(url) is None:
        raise StoreMissingError(store.redacted(url), settings.data_dir)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store.upgrade(url)
    sessions = store.sessions(store.connect(url))
    with sessions.begin() as session:
        store.sync_plan(session, loaded.plan, file_sha256=loaded.sha256)
    _OPENED[key] = Workspace(settings, loaded, sessions)
    return _OPENED[key]
