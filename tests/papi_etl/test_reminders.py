"""Reminders, notices and the steward's digest, sent to a real SMTP server and a real
webhook on loopback, each at most once."""

from __future__ import annotations

import datetime as dt
import json
import socket
from zoneinfo import ZoneInfo

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from expectations.period import validate_period
from papi_etl import calendar, notify, reminders, synth
from papi_etl.collect import collect
from papi_etl.delivery.email import parse_smtp_url
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.sources.inbox import InboxSource
from papi_etl.store import schema
from papi_etl.workspace import open_workspace

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(scope="module")
def period_store(tmp_path_factory):
    """2019-Q1 of the synthetic district (late, missing and erroneous units), validated."""
    data = tmp_path_factory.mktemp("reminders")
    loaded = load(DEFAULT_PLAN)
    period = calendar.period(loaded.plan, "2019-Q1")
    reports = synth.build(loaded.plan, synth.DEFAULT_SEED, [period], "json")
    synth.write(loaded.plan, reports, data / "inbox", "json", seed=synth.DEFAULT_SEED, clean=False)
    workspace = open_workspace(Settings(data_dir=data), loaded)
    collect(workspace.sessions, loaded.plan, [InboxSource(data / "inbox")], data)
    validate_period(workspace.sessions, loaded.plan, period.code)
    missing = {r.unit.code for r in reports if r.missing}
    return workspace, period, missing


def _channel(port: int) -> notify.EmailChannel:
    url = SecretStr(f"smtp://127.0.0.1:{port}?from=pnv@binhtan.example&starttls=0")
    return notify.EmailChannel(parse_smtp_url(url), timeout=5.0, sleep=lambda _s: None)


def test_units_without_a_valid_report_are_reminded_once(period_store, mailbox):
    workspace, period, missing = period_store
    box, port = mailbox, mailbox.port
    now = dt.datetime(2019, 3, 5, 8, 0, tzinfo=HCM)
    with workspace.sessions() as session:
        messages = reminders.compose(session, workspace.plan, period, reminders.Kind.REMIND, now)
        invalid = set(
            session.scalars(
                select(schema.Submission.unit_code).where(
                    schema.Submission.status == schema.SubmissionStatus.INVALID
                )
            )
        )
    to_units = {m.unit for m in messages if m.kind is reminders.Kind.REMIND}
    assert missing and invalid
    assert to_units == missing | invalid
    digest = [m for m in messages if m.kind is reminders.Kind.DIGEST]
    assert [m.unit for m in digest] == [workspace.plan.calendar.consolidating_unit]

    first = notify.send(workspace.sessions, workspace.plan, messages, [_channel(port)])
    assert first.sent == len(messages) and not first.failed
    received = {m["To"]: m for m in box.messages}
    unit = sorted(missing)[0]
    mail = received[f"{unit.lower()}@binhtan.example"]
    assert "Nhắc báo cáo Quý I năm 2019" in mail["Subject"]
    assert "Đơn vị chưa nộp báo cáo." in mail.get_content()
    a_failing = sorted(invalid)[0]
    failing = received[f"{a_failing.lower()}@binhtan.example"].get_content()
    assert "lỗi cần sửa" in failing and "Cách sửa:" in failing
    assert "\n  - Báo cáo JSON, " in failing, "where, in the words of who made the file"

    again = notify.send(workspace.sessions, workspace.plan, messages, [_channel(port)])
    assert (again.sent, again.skipped) == (0, len(messages))
    assert len(box.messages) == len(messages), "nothing is sent twice"


def test_overdue_notices_are_copied_to_the_steward(period_store):
    workspace, period, missing = period_store
    now = dt.datetime(2019, 3, 11, 8, 0, tzinfo=HCM)
    with workspace.sessions() as session:
        messages = reminders.compose(session, workspace.plan, period, reminders.Kind.OVERDUE, now)
    notice = next(m for m in messages if m.unit in missing)
    assert "pnv@binhtan.example" in notice.emails
    assert "Quá hạn" in notice.subject and "đã quá hạn" in notice.body


def test_a_webhook_gets_the_message_as_json(period_store, httpserver):
    workspace, period, missing = period_store
    httpserver.expect_oneshot_request("/hook", method="POST").respond_with_data("ok")
    message = reminders.Message(
        key="test/2019-Q1/AL/remind/2019-03-05",
        kind=reminders.Kind.REMIND,
        period="2019-Q1",
        unit="AL",
        emails=(),
        webhook=httpserver.url_for("/hook"),
        subject="[PAPI] Nhắc báo cáo",
        body="Kính gửi",
        payload={"unit": "AL"},
    )
    sent = notify.send(workspace.sessions, workspace.plan, [message], [notify.WebhookChannel()])
    assert sent.sent == 1
    request, _ = httpserver.log[0]
    assert json.loads(request.data)["unit"] == "AL"
    assert request.headers["Idempotency-Key"] == message.key


def test_a_failed_send_is_recorded_and_tried_again(period_store):
    workspace, period, missing = period_store
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]  # nothing listens here once the probe is closed
    now = dt.datetime(2019, 3, 8, 8, 0, tzinfo=HCM)
    with workspace.sessions() as session:
        messages = reminders.compose(session, workspace.plan, period, reminders.Kind.REMIND, now)
    outcome = notify.send(workspace.sessions, workspace.plan, messages[:1], [_channel(closed)])
    assert outcome.failed and outcome.sent == 0
    with workspace.sessions() as session:
        row = session.scalars(
            select(schema.Notification).where(schema.Notification.key == f"{messages[0].key}/email")
        ).one()
    assert row.state == schema.NotificationState.FAILED and row.error
