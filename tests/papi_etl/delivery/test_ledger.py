"""The ledger on SQLite and PostgreSQL, against the real receiver: never lost, never twice.

Every fault is the server's own (503, a dropped connection, a refused token), except the
crash between the receiver's answer and the store's update, which no server can cause in
this process: a sink wrapper raises right after the real HTTP call returned, as a process
killed at that instant would stop (tests/papi_etl/delivery/test_push_command.py kills a
real `papi-etl push` there too).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from delivery_fakes import TOKEN, Receiver, dropped, status, write_report
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from papi_etl.delivery.base import Receipt, ReportFile
from papi_etl.delivery.http_push import HttpPushSink
from papi_etl.delivery.ledger import deliver_pending, idempotency_key, pending
from papi_etl.plan.model import Plan
from papi_etl.store.schema import Delivery, DeliveryAttempt, DeliveryState, Report

DELIVERED, PENDING, FAILED = DeliveryState.DELIVERED, DeliveryState.PENDING, DeliveryState.FAILED


@pytest.fixture
def sink(receiver: Receiver, sleeps: list[float]) -> Iterator[HttpPushSink]:
    made = HttpPushSink(
        receiver.url,
        SecretStr(TOKEN),
        connect_timeout=1.0,
        read_timeout=2.0,
        retries=2,
        sleep=sleeps.append,
    )
    yield made
    made.close()


@pytest.fixture
def push(
    sessions: sessionmaker[Session], plan: Plan, data_dir: Path, sink: HttpPushSink
) -> Callable[..., list[Any]]:
    """One run of the ledger, as `papi-etl push --period` does it."""

    def run(*sinks: Any, period: str | None = "2019-Q1") -> list[Any]:
        return deliver_pending(
            sessions, plan, list(sinks) or [sink], base_dir=data_dir, period=period
        )

    return run


def key(report: Report, channel: str = "http") -> str:
    return idempotency_key(report, channel)


def deliveries(sessions: sessionmaker[Session]) -> dict[str, tuple[DeliveryState, int]]:
    with sessions() as session:
        return {d.idempotency_key: (d.state, d.attempts) for d in session.scalars(select(Delivery))}


def attempt_log(sessions: sessionmaker[Session], idempotency: str) -> list[DeliveryAttempt]:
    with sessions() as session:
        delivery = session.scalars(
            select(Delivery).where(Delivery.idempotency_key == idempotency)
        ).one()
        return list(delivery.attempt_log)


def test_the_key_names_plan_period_version_content_and_channel(make_report, plan):
    report = make_report(version=2)

    assert key(report, "email") == (f"{plan.id}/2019-Q1/v2/{report.content_sha256[:12]}/email")


def test_every_version_reaches_the_receiver_once_through_its_faults(
    make_report, push, receiver, sessions, data_dir, plan
):
    first, second = make_report(version=1), make_report(version=2)
    receiver.faults += [status(503), dropped]

    outcomes = push()

    assert [(o.version, o.state) for o in outcomes] == [(1, DELIVERED), (2, DELIVERED)]
    assert set(receiver.copies) == {key(first), key(second)}
    assert receiver.keys == [key(first)] * 3 + [key(second)]
    copy = receiver.copies[key(first)]
    assert copy.authorization == f"Bearer {TOKEN}"
    assert copy.files == {
        f["name"]: (f["media_type"], (data_dir / f["path"]).read_bytes()) for f in first.files
    }
    assert copy.summary["idempotency_key"] == key(first)
    assert copy.summary["period"]["label_vi"] == "Quý I năm 2019"
    assert copy.summary["document"]["number"] == "461/KH-UBND"
    assert copy.summary["sender"] == "Phòng Nội vụ quận Bình Tân"
    assert copy.summary["content_sha256"] == first.content_sha256
    assert [f["sha256"] for f in copy.summary["files"]] == [f["sha256"] for f in first.files]
    assert deliveries(sessions) == {key(first): (DELIVERED, 3), key(second): (DELIVERED, 1)}
    log = attempt_log(sessions, key(first))
    assert [(a.http_status, a.error is None) for a in log] == [
        (503, False),
        (None, False),
        (201, True),
    ]
    assert "ConnectionError" in (log[1].error or "")
    assert '"status": "received"' in (log[2].response_excerpt or "")
    assert log[0].attempted_at <= log[1].attempted_at <= log[2].attempted_at


def test_a_delivered_version_is_never_sent_again(make_report, push, receiver):
    first = make_report(version=1)
    push()

    again = push()
    second = make_report(version=2)
    third = push()

    assert again == []
    assert [(o.version, o.state) for o in third] == [(2, DELIVERED)]
    assert receiver.keys == [key(first), key(second)]


def test_an_outage_leaves_the_delivery_pending_and_a_later_run_delivers_it_once(
    make_report, push, receiver, sessions, plan, sleeps
):
    first, second = make_report(version=1), make_report(version=2)
    receiver.faults += [status(503, "Hệ thống đang bảo trì")] * 3

    during = push()

    assert [(o.version, o.state, len(o.attempts)) for o in during] == [
        (1, PENDING, 3),
        (2, PENDING, 0),
    ]
    assert "not delivered after 3 attempts; last: HTTP 503" in (during[0].message or "")
    # A receiver that is down is not asked again for the next version in the same run.
    assert "not tried" in (during[1].message or "")
    assert receiver.copies == {}
    assert len(sleeps) == 2
    assert deliveries(sessions) == {key(first): (PENDING, 3), key(second): (PENDING, 0)}
    assert [a.response_excerpt for a in attempt_log(sessions, key(first))] == [
        "Hệ thống đang bảo trì"
    ] * 3
    with sessions() as session:
        assert [d.idempotency_key for d in pending(session, plan)] == [key(first), key(second)]

    after = push()

    assert [(o.version, o.state) for o in after] == [(1, DELIVERED), (2, DELIVERED)]
    assert set(receiver.copies) == {key(first), key(second)}
    assert receiver.keys == [key(first)] * 4 + [key(second)]
    assert deliveries(sessions) == {key(first): (DELIVERED, 4), key(second): (DELIVERED, 1)}
    with sessions() as session:
        assert pending(session, plan) == []


class ProcessCrash(BaseException):
    """The process dying: nothing in papi_etl may catch it."""


class CrashAfterSending:
    """The real sink, then a crash before the store hears the receiver's answer."""

    def __init__(self, sink: HttpPushSink) -> None:
        self.sink = sink
        self.channel = sink.channel
        self.target = sink.target

    def deliver(
        self, report_files: Sequence[ReportFile], summary: Mapping[str, Any], key: str
    ) -> Receipt:
        self.sink.deliver(report_files, summary, key)
        raise ProcessCrash("killed after the receiver answered 201")


def test_an_answer_lost_in_a_crash_is_resent_with_the_same_key_and_kept_once(
    make_report, push, receiver, sessions, sink
):
    report = make_report()

    with pytest.raises(ProcessCrash):
        push(CrashAfterSending(sink))

    # The receiver has it; the store only knows the delivery was due.
    assert list(receiver.copies) == [key(report)]
    assert deliveries(sessions) == {key(report): (PENDING, 0)}

    [outcome] = push()

    assert receiver.keys == [key(report), key(report)]
    assert list(receiver.copies) == [key(report)]
    assert (outcome.state, outcome.duplicate) == (DELIVERED, True)
    assert [a.http_status for a in attempt_log(sessions, key(report))] == [409]
    assert push() == []


def test_a_refused_token_fails_the_delivery_which_the_next_run_retries(
    make_report, push, receiver, sessions, sleeps
):
    first, second = make_report(version=1), make_report(version=2)
    receiver.faults.append(status(401, f"invalid token {TOKEN}"))

    refused = push()

    # A refusal concerns one request: the next version is still tried (and here accepted).
    assert [(o.version, o.state) for o in refused] == [(1, FAILED), (2, DELIVERED)]
    assert "refused the token (HTTP 401)" in (refused[0].message or "")
    assert sleeps == []
    [attempt] = attempt_log(sessions, key(first))
    assert (attempt.http_status, attempt.response_excerpt) == (401, "invalid token ***")
    assert TOKEN not in repr(refused)

    retried = push()

    assert [(o.version, o.state) for o in retried] == [(1, DELIVERED)]
    assert deliveries(sessions) == {key(first): (DELIVERED, 2), key(second): (DELIVERED, 1)}
    assert list(receiver.copies) == [key(second), key(first)]


def test_files_changed_since_the_report_was_made_are_not_sent(
    make_report, push, receiver, sessions, data_dir
):
    report = make_report()
    pdf = data_dir / next(f["path"] for f in report.files if f["name"].endswith(".pdf"))
    original = pdf.read_bytes()
    pdf.write_bytes(original + b" edited")

    [outcome] = push()

    assert outcome.state is FAILED
    assert "bao-cao-tong-hop.pdf has changed since the report was made" in (outcome.message or "")
    assert receiver.keys == []
    [attempt] = attempt_log(sessions, key(report))
    assert attempt.http_status is None and "đã bị thay đổi" in (attempt.error or "")

    pdf.unlink()
    [missing] = push()
    assert "cannot read bao-cao-tong-hop.pdf" in (missing.message or "")

    pdf.write_bytes(original)
    assert [o.state for o in push()] == [DELIVERED]
    assert deliveries(sessions) == {key(report): (DELIVERED, 3)}


def test_absolute_paths_in_the_report_files_are_read_as_they_are(
    sessions, plan, data_dir, tmp_path, push, receiver
):
    files = write_report(tmp_path / "elsewhere", "2019-Q1", 1)
    with sessions.begin() as session:
        report = Report(
            plan_id=plan.id, period_code="2019-Q1", version=1, content_sha256="f" * 64, files=files
        )
        session.add(report)

    assert [o.state for o in push()] == [DELIVERED]
    assert len(receiver.copies[key(report)].files) == len(files)


def test_only_the_period_asked_for_is_sent(make_report, push, receiver):
    make_report(period="2019-Q1")
    june = make_report(period="2019-6M")

    [outcome] = push(period="2019-6M")

    assert outcome.period == "2019-6M"
    assert receiver.keys == [key(june)]
