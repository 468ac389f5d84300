"""Collecting from every source: each item taken in by `ingest`, one transaction per item.

One item's failure never stops the others: a bad file becomes a rejection, and a source
that fails (an API down after its retries) is reported while the other sources go on. A
source's cursor advances in the same transaction as the item it follows, so that what was
taken in and where the next run resumes can never disagree. An archive disk that is full
or read-only stops the source at the item it refused (nothing of that item is stored); an
item the source had to skip (a file still being copied) is listed, for the next run. A
database fault that heals (a restart, a lost connection, a concurrent run filing the same
version) is retried per item (`papi_etl.store.retry`); one that does not stops the run
with `StoreUnavailable`, every item before it kept whole.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from papi_etl.archive import ArchiveError
from papi_etl.ingest import Ingested, Outcome, ingest
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


def _take_in(plan: Plan, item: Received, data_dir: Path, source: str, session: Session) -> Ingested:
    done = ingest(session, plan, item, data_dir)
    if item.cursor is not None:
        session.merge(schema.SourceCursor(plan_id=plan.id, source=source, cursor=item.cursor))
    return done


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
        try:
            for item in source.fetch(cursor):
                if isinstance(item, Skipped):
                    progress.skipped.append(item)
                    continue
                done = in_transaction(
                    sessions,
                    partial(_take_in, plan, item, data_dir, source.name),
                    f"taking in {item.original_name}",
                    f"nhận tệp {item.original_name}",
                )
                progress.items.append(done)
                if on_item is not None:
                    on_item(done)
        except (SourceError, ArchiveError) as error:
            # An archive that refuses one file refuses the next: this source stops here, and
            # a cursor never moves past an item whose bytes are not kept.
            progress.failures.append(SourceFailure(source.name, str(error)))
    return CollectResult(tuple(progress.items), tuple(progress.failures), tuple(progress.skipped))
