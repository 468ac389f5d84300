"""Collecting from every source: items taken in by `ingest.take_in`, a batch of items per
transaction (BATCH_ITEMS).

One item's failure never stops the others: a bad file becomes a rejection, and a source
that fails (an API down after its retries) is reported while the other sources go on. A
source's cursor advances in the same transaction as the item it follows, so that what was
taken in and where the next run resumes can never disagree. An archive disk that is full
or read-only stops the source at the item it refused (nothing of that item is stored); an
item the source had to skip (a file still being copied) is listed, for the next run. A
database fault that heals (a restart, a lost connection, a concurrent run filing the same
version) is retried per batch (`papi_etl.store.retry`); one that does not stops the run
with `StoreUnavailable`, every batch before it kept whole.

A commit is an fsync (a few ms), and so is keeping a file's bytes safe in the archive: both
are paid per batch rather than per file (as are the batch's statements), so that neither
dominates a city's collect. A kill or a fault loses at most the batch not yet committed,
and nothing of it is half-stored: the next run takes it in again (the files stay where
they are, the archive is content-addressed, a cursor moves only with what it follows).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from papi_etl.archive import ArchiveError
from papi_etl.ingest import Ingested, Outcome, take_in
from papi_etl.plan.model import Plan
from papi_etl.sources.base import Received, Skipped, Source, SourceError
from papi_etl.store import schema
from papi_etl.store.retry import in_transaction


@dataclass(frozen=True)
class SourceFailure:
    source: str
    error: str

    def describe(self) -> str:
        """Vietnamese then English, for the operator: what failed and that nothing is lost."""
        return (
            f"Nguồn {self.source} bị lỗi; các báo cáo đã nhận vẫn được giữ, lần thu thập sau "
            f"sẽ nhận tiếp phần còn lại. / Source {self.source} failed; what was taken in is "
            f"kept, and the next collect takes the rest:\n  {self.error}"
        )


@dataclass(frozen=True)
class CollectResult:
    items: tuple[Ingested, ...] = ()
    failures: tuple[SourceFailure, ...] = ()
    skipped: tuple[Skipped, ...] = ()

    def count(self, outcome: Outcome) -> int:
        return sum(1 for item in self.items if item.outcome is outcome)

    def as_dict(self) -> dict[str, object]:
        """The `collect --json` contract (DESIGN.md), with each new submission listed."""
        return {
            "received": len(self.items),
            "new": self.count(Outcome.NEW),
            "duplicate": self.count(Outcome.DUPLICATE),
            "superseded": self.count(Outcome.SUPERSEDED),
            "rejected": [
                {
                    "file": item.file,
                    "unit": item.unit,
                    "code": item.rejection_code,
                    "reason": item.reason_vi,
                    "reason_en": item.reason_en,
                }
                for item in self.items
                if item.outcome is Outcome.REJECTED
            ],
            "submissions": [
                {
                    "id": item.submission_id,
                    "file": item.file,
                    "unit": item.unit,
                    "period": item.period,
                    "version": item.version,
                    "on_time": item.on_time,
                }
                for item in self.items
                if item.outcome in (Outcome.NEW, Outcome.SUPERSEDED)
            ],
            "skipped": [
                {"file": s.original_name, "unit": s.claimed_unit, "reason": s.reason_vi}
                | {"reason_en": s.reason_en}
                for s in self.skipped
            ],
            "source_errors": [{"source": f.source, "error": f.error} for f in self.failures],
        }


@dataclass
class _Progress:
    items: list[Ingested] = field(default_factory=list)
    failures: list[SourceFailure] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _cursor(session: Session, plan: Plan, source: Source) -> str | None:
    row = session.get(schema.SourceCursor, (plan.id, source.name))
    return row.cursor if row is not None else None


BATCH_ITEMS = 64
BATCH_BYTES = 32 * 2**20
"""A batch holds at most this many items, or items of this many bytes in all."""


def _take_in(
    plan: Plan, items: Sequence[Received], data_dir: Path, source: str, session: Session
) -> tuple[list[Ingested], ArchiveError | None]:
    """The items taken in, in order, up to one the archive refuses (and that refusal), with
    the source's cursor moved to the last of them that has one: the cursor row is written
    once per batch, with the value that merging it item by item would have left."""
    done, refused = take_in(session, plan, items, data_dir)
    cursors = [item.cursor for item in items[: len(done)] if item.cursor is not None]
    if cursors:
        session.merge(schema.SourceCursor(plan_id=plan.id, source=source, cursor=cursors[-1]))
    return done, refused


def _full(items: Sequence[Received]) -> bool:
    return len(items) >= BATCH_ITEMS or sum(len(i.content) for i in items) >= BATCH_BYTES


def _names(items: Sequence[Received]) -> tuple[str, str]:
    """What a batch is, for a store fault's message (English, Vietnamese)."""
    first = items[0].original_name
    if len(items) == 1:
        return first, first
    return f"{first} and {len(items) - 1} more files", f"{first} và {len(items) - 1} tệp khác"


def _commit(
    sessions: sessionmaker[Session],
    plan: Plan,
    data_dir: Path,
    source: str,
    progress: _Progress,
    on_item: Callable[[Ingested], None] | None,
    items: list[Received],
) -> None:
    """Take a batch in, in one transaction; raises the archive's refusal after keeping the
    items before it."""
    if not items:
        return
    what, what_vi = _names(items)
    done, refused = in_transaction(
        sessions,
        partial(_take_in, plan, items, data_dir, source),
        f"taking in {what}",
        f"nhận tệp {what_vi}",
    )
    progress.items.extend(done)
    if on_item is not None:
        for one in done:
            on_item(one)
    if refused is not None:
        raise refused


def collect(
    sessions: sessionmaker[Session],
    plan: Plan,
    sources: Sequence[Source],
    data_dir: Path,
    on_item: Callable[[Ingested], None] | None = None,
) -> CollectResult:
    """Fetch from every source and take each item in; `on_item` reports progress."""
    progress = _Progress()
    for source in sources:
        cursor = in_transaction(
            sessions,
            partial(_cursor, plan=plan, source=source),
            f"reading where {source.name} resumes",
            f"đọc vị trí tiếp tục của nguồn {source.name}",
        )

        commit = partial(_commit, sessions, plan, data_dir, source.name, progress, on_item)
        pending: list[Received] = []
        try:
            try:
                for item in source.fetch(cursor):
                    if isinstance(item, Skipped):
                        progress.skipped.append(item)
                        continue
                    pending.append(item)
                    if _full(pending):
                        commit(pending)
                        pending = []
            except SourceError:
                commit(pending)  # what came before the fault is kept
                raise
            commit(pending)
        except (SourceError, ArchiveError) as error:
            # An archive that refuses one file refuses the next: this source stops here, and
            # a cursor never moves past an item whose bytes are not kept.
            progress.failures.append(SourceFailure(source.name, str(error)))
    return CollectResult(tuple(progress.items), tuple(progress.failures), tuple(progress.skipped))
