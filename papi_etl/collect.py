"""Collecting from every source: each item taken in by `ingest`, one transaction per item.

One item's failure never stops the others: a bad file becomes a rejection, and a source
that fails (an API down after its retries) is reported while the other sources go on. A
source's cursor advances in the same transaction as the item it follows, so that what was
taken in and where the next run resumes can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from papi_etl.ingest import Ingested, Outcome, ingest
from papi_etl.plan.model import Plan
from papi_etl.sources.base import Source, SourceError
from papi_etl.store import schema


@dataclass(frozen=True)
class SourceFailure:
    source: str
    error: str


@dataclass(frozen=True)
class CollectResult:
    items: tuple[Ingested, ...] = ()
    failures: tuple[SourceFailure, ...] = ()

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
            "source_errors": [{"source": f.source, "error": f.error} for f in self.failures],
        }


@dataclass
class _Progress:
    items: list[Ingested] = field(default_factory=list)
    failures: list[SourceFailure] = field(default_factory=list)


def _cursor(session: Session, plan: Plan, source: Source) -> str | None:
    row = session.get(schema.SourceCursor, (plan.id, source.name))
    return row.cursor if row is not None else None


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
        with sessions() as session:
            cursor = _cursor(session, plan, source)
        try:
            for item in source.fetch(cursor):
                with sessions.begin() as session:
                    done = ingest(session, plan, item, data_dir)
                    if item.cursor is not None:
                        session.merge(
                            schema.SourceCursor(
                                plan_id=plan.id, source=source.name, cursor=item.cursor
                            )
                        )
                progress.items.append(done)
                if on_item is not None:
                    on_item(done)
        except SourceError as error:
            progress.failures.append(SourceFailure(source.name, str(error)))
    return CollectResult(tuple(progress.items), tuple(progress.failures))
