"""The store side of delivery: what is due, every attempt made, the state of each delivery.

A delivery is one report version sent to one channel: a `deliveries` row whose
idempotency key is

    {plan}/{period}/v{version}/{content_sha256[:12]}/{channel}

and goes with every copy sent, so that a receiver keeps one however often we resend. The
content hash is part of it so that a report remade under a number already used can never be
taken by the receiver for the copy it already holds.

Its states, and what moves it from one to the next:

    (no row)        -> pending     created, and committed, before anything is sent
    pending|failed  -> delivered   the receiver has it (2xx, or 409 "already received");
                                   final: a delivered row is never sent again
    pending|failed  -> pending     the receiver is unavailable after the sink's retries
    pending|failed  -> failed      refused (token, request, the files changed on disk)

Both pending and failed rows are sent again by every later run; failed ones need an
operator to fix the cause first, and say so.

The row is created and committed *before* anything is sent, and each outcome is committed
together with its attempts right after the sink returns; no transaction is open while the
network is used. So a report can reach the receiver without the store knowing only between
the receiver's answer and that commit: a crash there leaves the row pending, the next run
sends the same key again, and the receiver drops the second copy. Every run sends what is
not delivered, in the order the reports were made. A receiver found unavailable is not
asked again for the rest of the run (its other deliveries stay pending, untouched); a
refusal concerns one report, so the next one is tried.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from papi_etl import calendar
from papi_etl.delivery.base import (
    Attempt,
    DeliveryRefused,
    DeliveryUnavailable,
    Receipt,
    ReportFile,
    Sink,
)
from papi_etl.errors import PapiError
from papi_etl.plan.model import Plan
from papi_etl.store.schema import Delivery, DeliveryAttempt, DeliveryState, Report
from papi_etl.store.types import now

LOGGER = logging.getLogger(__name__)

UNDELIVERED = (DeliveryState.PENDING, DeliveryState.FAILED)


class ReportFilesError(PapiError):
    """A report's files on disk are missing or are not the ones the store recorded.

    Sending them under that version's idempotency key would deliver something else than the
    version says, so the delivery fails until the files are restored or a new version made.
    """


@dataclass(frozen=True)
class Outcome:
    """What became of one delivery in a run.

    `attempts` are this run's: none when it was not tried, because its receiver was found
    unavailable earlier in the run or a concurrent run had delivered it; `message` says why
    it is not delivered.
    """

    period: str
    version: int
    channel: str
    target: str
    idempotency_key: str
    state: DeliveryState
    attempts: tuple[Attempt, ...] = ()
    message: str | None = None
    duplicate: bool = False
    files: tuple[str, ...] = ()


def idempotency_key(report: Report, channel: str) -> str:
    """The key every copy of `report` sent to `channel` carries (see the module)."""
    return (
        f"{report.plan_id}/{report.period_code}/v{report.version}/"
        f"{report.content_sha256[:12]}/{channel}"
    )


def pending(
    session: Session, plan: Plan, *, period: str | None = None, channel: str | None = None
) -> list[Delivery]:
    """The plan's deliveries not yet delivered (pending or failed), oldest report first."""
    query = (
        select(Delivery)
        .join(Report, Report.id == Delivery.report_id)
        .where(Report.plan_id == plan.id, Delivery.state.in_(UNDELIVERED))
        .order_by(Report.id, Delivery.id)
    )
    if period is not None:
        query = query.where(Report.period_code == period)
    if channel is not None:
        query = query.where(Delivery.channel == channel)
    return list(session.scalars(query))


def record_attempt(session: Session, delivery: Delivery, attempt: Attempt) -> DeliveryAttempt:
    """Add one attempt to the delivery's log and count it; does not commit."""
    row = DeliveryAttempt(
        delivery_id=delivery.id,
        attempted_at=attempt.at,
        http_status=attempt.http_status,
        response_excerpt=attempt.answer,
        error=attempt.error,
    )
    session.add(row)
    delivery.attempts += 1
    return row


def deliver_pending(
    sessions: sessionmaker[Session],
    plan: Plan,
    sinks: Sequence[Sink],
    *,
    base_dir: Path,
    period: str | None = None,
) -> list[Outcome]:
    """Send every report version of the plan (of `period`, if given) not yet delivered to
    each sink, and record what happened; one outcome per delivery that was due.

    `base_dir` is what relative paths in `Report.files` are relative to (the data dir).
    Receivers' faults and refusals become states and attempts, never exceptions; anything
    else (the store failing, a crash) propagates and leaves the rows pending for the next
    run. See the module for the state machine.
    """
    with sessions.begin() as session:
        _create_missing(session, plan, sinks, period)
    outcomes: list[Outcome] = []
    for sink in sinks:
        with sessions() as session:
            due = [
                _Due(d.id, d.idempotency_key, d.state, session.get_one(Report, d.report_id))
                for d in pending(session, plan, period=period, channel=sink.channel)
            ]
        unavailable: str | None = None
        for delivery in due:
            if unavailable is None:
                outcome = _deliver(sessions, delivery, sink, plan, base_dir)
                if outcome.state is DeliveryState.PENDING:
                    unavailable = f"not tried: {sink.target} was unavailable earlier in this run"
            else:
                outcome = _outcome(delivery, sink, delivery.state, message=unavailable)
            LOGGER.info("%s -> %s: %s", delivery.key, sink.target, outcome.state.value)
            outcomes.append(outcome)
    return outcomes


@dataclass(frozen=True)
class _Due:
    id: int
    key: str
    state: DeliveryState
    report: Report


def _create_missing(
    session: Session, plan: Plan, sinks: Sequence[Sink], period: str | None
) -> None:
    query = select(Report).where(Report.plan_id == plan.id).order_by(Report.id)
    if period is not None:
        query = query.where(Report.period_code == period)
    reports = list(session.scalars(query))
    keys = {idempotency_key(r, s.channel): (r, s) for r in reports for s in sinks}
    known = set(
        session.scalars(
            select(Delivery.idempotency_key).where(Delivery.idempotency_key.in_(list(keys)))
        )
    )
    for key, (report, sink) in keys.items():
        if key in known:
            continue
        try:
            with session.begin_nested():
                session.add(
                    Delivery(
                        report_id=report.id,
                        idempotency_key=key,
                        channel=sink.channel,
                        target_url=sink.target,
                        state=DeliveryState.PENDING,
                        attempts=0,
                    )
                )
        except IntegrityError:
            # Another run created it a moment ago: the row is what matters, not who made it.
            LOGGER.info("%s: created by a concurrent run", key)


def _deliver(
    sessions: sessionmaker[Session], due: _Due, sink: Sink, plan: Plan, base_dir: Path
) -> Outcome:
    """Send one delivery unless a concurrent run delivered it meanwhile, and record it."""
    with sessions() as session:
        if session.get_one(Delivery, due.id).state is DeliveryState.DELIVERED:
            return _outcome(due, sink, DeliveryState.DELIVERED)
    try:
        files = load_files(due.report, base_dir)
        receipt = sink.deliver(files, summary_of(due.report, plan, due.key, files), due.key)
    except DeliveryUnavailable as error:
        return _finish(sessions, due, sink, error.attempts, error)
    except (DeliveryRefused, ReportFilesError) as error:
        return _finish(sessions, due, sink, _attempts_of(error), error)
    return _finish(sessions, due, sink, receipt.attempts, receipt)


def _attempts_of(error: PapiError) -> tuple[Attempt, ...]:
    """The attempts a refusal carries, or one saying why nothing could be sent."""
    attempts = error.attempts if isinstance(error, DeliveryRefused) else ()
    return attempts or (Attempt(now(), error=str(error)),)


def _finish(
    sessions: sessionmaker[Session],
    due: _Due,
    sink: Sink,
    attempts: Sequence[Attempt],
    result: Receipt | DeliveryUnavailable | DeliveryRefused | ReportFilesError,
) -> Outcome:
    """Store the attempts and the state they lead to, in one transaction."""
    if isinstance(result, Receipt):
        state = DeliveryState.DELIVERED
    elif isinstance(result, DeliveryUnavailable):
        state = DeliveryState.PENDING
    else:
        state = DeliveryState.FAILED
    with sessions.begin() as session:
        delivery = session.get_one(Delivery, due.id, with_for_update=True)
        for attempt in attempts:
            record_attempt(session, delivery, attempt)
        delivery.target_url = sink.target
        # A concurrent run may have delivered it meanwhile; delivered is final.
        if delivery.state is not DeliveryState.DELIVERED:
            delivery.state = state
        state = delivery.state
    return _outcome(
        due,
        sink,
        state,
        attempts=tuple(attempts),
        message=None if isinstance(result, Receipt) else str(result),
        duplicate=isinstance(result, Receipt) and result.duplicate,
    )


def _outcome(due: _Due, sink: Sink, state: DeliveryState, **details: Any) -> Outcome:
    report = due.report
    return Outcome(
        period=report.period_code,
        version=report.version,
        channel=sink.channel,
        target=sink.target,
        idempotency_key=due.key,
        state=state,
        files=tuple(
            str(entry.get("name", "?")) if isinstance(entry, dict) else "?"
            for entry in report.files
        ),
        **details,
    )


def load_files(report: Report, base_dir: Path) -> list[ReportFile]:
    """The report's files, read and checked against the hashes in `Report.files`.

    `Report.files` is a list of {"name", "path", "media_type", "sha256"}; a relative path
    is relative to `base_dir`. Raises ReportFilesError for an entry of another shape, a
    file that cannot be read, or one whose bytes are not those recorded.
    """
    where = f"report {report.plan_id}/{report.period_code} v{report.version}"
    if not report.files:
        raise ReportFilesError(f"The {where} has no files.", f"Báo cáo {where} không có tệp nào.")
    loaded = []
    for entry in report.files:
        try:
            name, path = str(entry["name"]), Path(entry["path"])
            media_type, expected = str(entry["media_type"]), str(entry["sha256"])
        except (KeyError, TypeError):
            raise ReportFilesError(
                f"The {where} lists a file as {entry!r}, not {{name, path, media_type, sha256}}.",
                f"Danh sách tệp của báo cáo {where} không đúng dạng: {entry!r}.",
            ) from None
        try:
            content = (path if path.is_absolute() else base_dir / path).read_bytes()
        except OSError as error:
            raise ReportFilesError(
                f"The {where}: cannot read {name} ({error}).",
                f"Báo cáo {where}: không đọc được tệp {name} ({error}).",
            ) from error
        if hashlib.sha256(content).hexdigest() != expected.lower():
            raise ReportFilesError(
                f"The {where}: {name} has changed since the report was made (SHA-256 differs); "
                "make a new version instead of editing its files.",
                f"Báo cáo {where}: tệp {name} đã bị thay đổi sau khi lập báo cáo; hãy lập "
                "phiên bản mới thay vì sửa tệp.",
            )
        loaded.append(ReportFile(name, media_type, expected.lower(), content))
    return loaded


def summary_of(report: Report, plan: Plan, key: str, files: Sequence[ReportFile]) -> dict[str, Any]:
    """The JSON summary sent with the files: what the report is, for the receiver to file.

    The same for every copy of one version (no send time in it), so that a receiver that
    compares a resent request with the first one under the same key finds them equal.
    """
    period = calendar.period(plan, report.period_code)
    document = plan.document
    consolidating = plan.calendar.consolidating_unit
    sender = next((u.name for u in plan.units if u.code == consolidating), consolidating)
    return {
        "plan": plan.id,
        "document": {
            "number": document.number,
            "title": document.title,
            "issuer": document.issuer,
            "date": document.date.isoformat(),
        },
        "period": {
            "code": period.code,
            "label_vi": period.label_vi,
            "label_en": period.label_en,
            "starts": period.starts.isoformat(),
            "ends": period.ends.isoformat(),
            "consolidated_deadline": period.consolidated_deadline.isoformat(),
        },
        "version": report.version,
        "supplementary": report.supplementary,
        "content_sha256": report.content_sha256,
        "created_at": report.created_at.isoformat(),
        "sender": sender,
        "recipients": list(plan.calendar.recipients),
        "files": [
            {"name": f.name, "media_type": f.media_type, "sha256": f.sha256, "size": len(f.content)}
            for f in files
        ],
        "idempotency_key": key,
    }
