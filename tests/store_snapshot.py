"""What a collect has taken in, read back from the store and the raw archive, and the checks
that a crash or a fault left nothing lost, duplicated or half-written.

Shared by the fault tests (a SIGKILLed collect, a PostgreSQL restarted under a run, a full
or read-only archive disk). The reference is an uninterrupted collect of the same inbox:
items are taken in one transaction each, in the inbox's order (arrival time, then path), so
after any crash the store must hold exactly a *prefix* of the reference, each item whole and
equal to the reference's, and the next complete run must reach the reference itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, inspect, select
from sqlalchemy.orm import Session

from papi_etl import archive, collect
from papi_etl.sources.inbox import InboxSource
from papi_etl.store import schema


@dataclass(frozen=True)
class Filed:
    """A submission as the store holds it, without ids (they differ between stores)."""

    unit: str
    period: str
    version: int
    on_time: bool
    tasks: tuple[tuple[object, ...], ...]
    indicators: tuple[tuple[object, ...], ...]


@dataclass(frozen=True)
class Taken:
    """One raw file and what it became: a submission or a rejection."""

    sha256: str
    name: str
    received_at: dt.datetime
    rejection: str | None
    filed: Filed | None


@dataclass(frozen=True)
class Snapshot:
    taken: tuple[Taken, ...]  # in the order taken in
    problems: tuple[str, ...]  # faults internal to the store and archive
    orphans: frozenset[str]  # archived bytes without a raw-file row
    temporary: int  # half-written archive files (.incoming-*) left by a kill

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.taken]


def inbox_order(inbox: Path) -> list[str]:
    """The SHA-256 of each inbox file, in the order collect takes them."""
    return [archive.digest(item.content) for item in InboxSource(inbox).fetch(None)]


def take(url: str, data_dir: Path) -> Snapshot:
    """Read the store at `url` and the archive under `data_dir`, checking as it goes."""
    engine = create_engine(url)
    try:
        if not inspect(engine).has_table(schema.RawFile.__tablename__):
            return _read(None, data_dir)  # killed before the store was made
        with Session(engine) as session:
            return _read(session, data_dir)
    finally:
        engine.dispose()


def _read(session: Session | None, data_dir: Path) -> Snapshot:
    problems: list[str] = []
    if session is None:
        raws, submissions, task_rows, value_rows = [], [], [], []
    else:
        raws = session.scalars(select(schema.RawFile).order_by(schema.RawFile.id)).all()
        submissions = session.scalars(select(schema.Submission)).all()
        task_rows = session.scalars(select(schema.SubmissionTask)).all()
        value_rows = session.scalars(select(schema.IndicatorValue)).all()
    tasks: dict[int, list[tuple[object, ...]]] = defaultdict(list)
    for row in task_rows:
        tasks[row.submission_id].append(
            (row.row_number, row.task_code, row.status, row.result, row.evidence)
            + (row.difficulties, row.proposals)
        )
    values: dict[int, list[tuple[object, ...]]] = defaultdict(list)
    for row in value_rows:
        values[row.submission_id].append(
            (row.row_number, row.indicator_code, row.value, row.not_applicable, row.note)
            + (row.value_text,)
        )
    by_raw: dict[int, list[schema.Submission]] = defaultdict(list)
    for submission in submissions:
        by_raw[submission.raw_file_id].append(submission)
    problems += _versions(submissions)
    taken = []
    for raw in raws:
        filed = by_raw.get(raw.id, [])
        if len(filed) > 1:
            problems.append(f"{raw.original_name}: {len(filed)} submissions from one file")
        if (raw.rejection_code is None) != (len(filed) == 1):
            problems.append(
                f"{raw.original_name}: rejection {raw.rejection_code!r} and {len(filed)} "
                "submission(s): a raw file must be exactly one of the two"
            )
        problems += _archived(data_dir, raw)
        one = filed[0] if len(filed) == 1 else None
        taken.append(
            Taken(
                sha256=raw.sha256,
                name=raw.original_name,
                received_at=raw.received_at.astimezone(dt.UTC),
                rejection=raw.rejection_code,
                filed=None
                if one is None
                else Filed(
                    one.unit_code,
                    one.period_code,
                    one.version,
                    one.on_time,
                    tuple(sorted(tasks[one.id])),
                    tuple(sorted(values[one.id])),
                ),
            )
        )
        if one is not None and not tasks[one.id] and not values[one.id]:
            problems.append(f"{raw.original_name}: a submission without any row")
    archived = {p.name for p in (data_dir / "raw").rglob("*") if p.is_file()}
    problems += [] if session is not None or not archived else ["archived bytes, no store"]
    temporary = sum(1 for name in archived if name.startswith(".incoming-"))
    orphans = frozenset(n for n in archived if not n.startswith(".")) - {r.sha256 for r in raws}
    return Snapshot(tuple(taken), tuple(problems), orphans, temporary)


def _archived(data_dir: Path, raw: schema.RawFile) -> list[str]:
    path = archive.path_of(data_dir, raw.sha256)
    if not path.is_file():
        return [f"{raw.original_name}: a raw-file row without its archived bytes"]
    if hashlib.sha256(path.read_bytes()).hexdigest() != raw.sha256:
        return [f"{raw.original_name}: archived bytes that do not match their SHA-256"]
    return []


def _versions(submissions: list[schema.Submission]) -> list[str]:
    """Each unit's report of a period: versions 1..n, each superseded by the next but the
    last, which is current."""
    problems = []
    chains: dict[tuple[str, str], list[schema.Submission]] = defaultdict(list)
    for submission in submissions:
        chains[(submission.unit_code, submission.period_code)].append(submission)
    for (unit, period), chain in chains.items():
        chain.sort(key=lambda s: s.version)
        if [s.version for s in chain] != list(range(1, len(chain) + 1)):
            problems.append(f"{unit} {period}: versions {[s.version for s in chain]}")
        for earlier, later in zip(chain, chain[1:], strict=False):
            if earlier.superseded_by_id != later.id:
                problems.append(f"{unit} {period} v{earlier.version}: not superseded by the next")
        if chain[-1].superseded_by_id is not None:
            problems.append(f"{unit} {period}: the last version is marked superseded")
    return problems


def faults(
    after: Snapshot, reference: Snapshot, order: list[str], batch: int = collect.BATCH_ITEMS
) -> list[str]:
    """Everything wrong with `after` (a store after a crash) against the reference run:
    its own problems, an item missing, repeated or different, and archived bytes that are
    neither taken in nor among the next items of the inbox (the batch being taken in when
    it crashed: `collect` commits `batch` items at a time, archiving them before)."""
    found = list(after.problems)
    prefix = reference.taken[: len(after.taken)]
    for got, wanted in zip(after.taken, prefix, strict=True):
        if got != wanted:
            found.append(f"{got.name}: differs from the uninterrupted run's {wanted.name}")
    if len(after.taken) > len(reference.taken):
        found.append(f"{len(after.taken)} items taken in, the inbox holds {len(reference.taken)}")
    taken = {t.sha256 for t in after.taken}
    upcoming = set([sha for sha in order if sha not in taken][:batch])
    if after.orphans - upcoming:
        found.append(f"archived bytes from nowhere: {sorted(after.orphans - upcoming)[:3]}")
    return found


def complete(after: Snapshot, reference: Snapshot) -> bool:
    """True when `after` holds exactly what the uninterrupted run took in, and nothing else."""
    return after.taken == reference.taken and after.problems == () and not after.orphans
