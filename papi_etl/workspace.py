"""The store and the plan, made ready once for a command or a flow run, and where the
plan's files go in the data dir.

Every step that touches the store needs it migrated and the plan's units, tasks and
periods in it (submissions refer to them); doing both here, idempotently, means no step
can run against a store that is behind the code or the plan file.

Several plans (a city's districts) may share one data dir and one store. The data dir of
one district keeps the layout it always had (`<data dir>/reports/<period>/v<N>/`,
`feedback/<period>/`, `data-docs/<period>/`); once the store holds several plans, what a
plan writes goes to `<data dir>/<kind>/<plan id>/`, so that no plan writes over another's:
the rule of the shared inbox (`papi_etl.sources.inbox.drop_folder`), applied to every kind
of file. The raw archive is shared (content-addressed, one copy of the same bytes) and the
store keys every row by plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from papi_etl import store
from papi_etl.errors import StoreMissingError
from papi_etl.plan import LoadedPlan, family
from papi_etl.plan.model import Plan
from papi_etl.settings import Settings
from papi_etl.sources.inbox import drop_folder
from papi_etl.store import schema

REPORTS = "reports"
FEEDBACK = "feedback"
DATA_DOCS = "data-docs"


def plan_ids(session: Session) -> set[str]:
    """The plans the store holds."""
    return set(session.scalars(select(schema.Plan.id)))


def plan_files(session: Session, data_dir: Path, kind: str, plan_id: str) -> Path:
    """The folder of one kind of a plan's files (REPORTS, FEEDBACK, DATA_DOCS):
    `<data dir>/<kind>/<plan id>/` when that folder exists or the store holds other plans
    too, else `<data dir>/<kind>/`, one district's layout. The folder may not exist yet."""
    own = data_dir / kind / plan_id
    return own if own.is_dir() or plan_ids(session) - {plan_id} else data_dir / kind


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

    def files(self, kind: str) -> Path:
        """The folder of the plan's files of one kind (REPORTS, FEEDBACK, DATA_DOCS)."""
        with self.sessions() as session:
            return plan_files(session, self.data_dir, kind, self.plan.id)

    def inbox(self, root: Path | None = None) -> Path:
        """The plan's drop folder in the inbox `root` (default: PAPI_INBOX, else the data
        dir's inbox/): `<root>/<plan id>/` when the inbox is shared by plans, else `root`
        (see `papi_etl.sources.inbox.drop_folder`)."""
        with self.sessions() as session:
            plans = plan_ids(session)
        chosen = root or self.settings.inbox or self.data_dir / "inbox"
        return drop_folder(chosen, self.plan.id, plans)


_OPENED: dict[tuple[str, str, str], Workspace] = {}
_STORES: dict[tuple[str, str], sessionmaker[Session]] = {}
# The plan files (plan id, sha256) each store was synced with in this process: a city's
# step syncs every district with the city, and each district's own opening then has
# nothing left to write (700 districts, each synced once, not twice).
_SYNCED: dict[tuple[str, str], set[tuple[str, str]]] = {}


def open_workspace(settings: Settings, loaded: LoadedPlan, *, create: bool = True) -> Workspace:
    """Migrate the store to head and sync the plan into it, once per process.

    A flow run opens the workspace in each of its sub-flows, and a city's command opens
    one per district: the store is migrated once and its engine (with its connection
    pool) shared by every plan; each plan file is synced once while it is unchanged.
    What takes reports in (collect, the flows) creates the store; what only reads it passes
    `create=False` and gets StoreMissingError for a store that does not exist yet (no
    SQLite file, or a database without the schema), rather than an empty one made here
    that would report every unit missing: a mistyped PAPI_DATA_DIR must not look like a
    district where nobody reported.
    """
    url = settings.resolved_database_url
    data_dir = str(settings.data_dir.resolve())
    key = (url, data_dir, loaded.sha256)
    if not settings.data_dir.exists():  # a data dir made anew holds a new SQLite store
        _STORES.pop((url, data_dir), None)
    elif key in _OPENED:
        return _OPENED[key]
    if (url, data_dir) not in _STORES:
        if not create and store.current_revision(url) is None:
            raise StoreMissingError(store.redacted(url), settings.data_dir)
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        store.upgrade(url)
        _STORES[(url, data_dir)] = store.sessions(store.connect(url))
        _SYNCED[(url, data_dir)] = set()
    sessions = _STORES[(url, data_dir)]
    synced = _SYNCED.setdefault((url, data_dir), set())
    # A city's districts are in the store from the city's first step, so that each of
    # them finds the data dir shared (`plan_files`) before it writes its first file.
    members = [m for m in [loaded, *family.children(loaded)] if (m.plan.id, m.sha256) not in synced]
    if members:
        with sessions.begin() as session:
            store.sync_plans(session, [(member.plan, member.sha256) for member in members])
        synced.update((m.plan.id, m.sha256) for m in members)
    _OPENED[key] = Workspace(settings, loaded, sessions)
    return _OPENED[key]
