"""The notice a unit gets when its dropped report has been checked: valid, or what to fix
with its feedback workbook attached; sent once per version, on both store backends."""

from __future__ import annotations

import re

from sqlalchemy import select

from expectations.period import validate_period
from papi_etl import calendar, notify, synth
from papi_etl.collect import collect
from papi_etl.delivery.email import parse_smtp_url
from papi_etl.reminders import Kind
from papi_etl.sources.inbox import InboxSource
from papi_etl.store import schema
from papi_etl.validation import feedback_files, result_notice

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _checked_period(workspace):
    plan = workspace.plan
    period = calendar.period(plan, "2019-Q1")
    inbox = workspace.data_dir / "inbox"
    reports = synth.build(plan, synth.DEFAULT_SEED, [period], "json")
    synth.write(plan, reports, inbox, "json", seed=synth.DEFAULT_SEED, clean=False)
    taken = collect(workspace.sessions, plan, [InboxSource(inbox)], workspace.data_dir)
    validate_period(workspace.sessions, plan, period.code)
    feedback_files.write_for_period(workspace.sessions, plan, period.code, workspace.data_dir)
    return [s["id"] for s in taken.as_dict()["submissions"]]


def _by_status(workspace, status):
    with workspace.sessions() as session:
        return session.scalars(
            select(schema.Submission).where(schema.Submission.status == status)
        ).all()


def test_each_checked_report_gets_its_verdict(workspace):
    ids = _checked_period(workspace)
    with workspace.sessions() as session:
        notices = {
            m.unit: m
            for m in result_notice.compose(session, workspace.plan, ids, workspace.data_dir)
        }
    invalid = _by_status(workspace, schema.SubmissionStatus.INVALID)
    valid = _by_status(workspace, schema.SubmissionStatus.VALID)
    assert invalid and valid
    assert set(notices) == {s.unit_code for s in invalid + valid}

    bad = notices[invalid[0].unit_code]
    assert bad.kind is Kind.RESULT
    assert "lỗi cần sửa" in bad.subject and "Cách sửa:" in bad.body
    # Each error where the unit's own JSON report has it, in its officer's words.
    assert re.search(r"^  - Báo cáo JSON, (thiếu )?(nhiệm vụ|chỉ tiêu)", bad.body, re.M)
    with workspace.sessions() as session:
        expected = feedback_files.path_of(session, workspace.data_dir, invalid[0]).name
    assert [a.name for a in bad.attachments] == [expected]
    assert bad.payload["status"] == "invalid" and bad.payload["open_findings"] >= 1
    assert bad.key.endswith(f"/result/{invalid[0].id}")

    good = notices[valid[0].unit_code]
    assert "hợp lệ" in good.subject and not good.attachments
    assert "đã đưa vào số liệu tổng hợp" in good.body


def test_an_unchecked_or_superseded_version_gets_no_notice(workspace):
    ids = _checked_period(workspace)
    some = _by_status(workspace, schema.SubmissionStatus.VALID)[0]
    inbox = workspace.data_dir / "inbox"
    first = next((inbox / some.unit_code).iterdir())
    (inbox / some.unit_code / "v2.json").write_bytes(first.read_bytes() + b"\n")
    taken = collect(workspace.sessions, workspace.plan, [InboxSource(inbox)], workspace.data_dir)
    [newer] = [s["id"] for s in taken.as_dict()["submissions"]]
    with workspace.sessions() as session:
        told = result_notice.compose(session, workspace.plan, [*ids, newer], workspace.data_dir)
    assert some.unit_code not in {m.unit for m in told}
    assert len(told) == len(ids) - 1  # every other version was checked and is current


def test_the_notice_is_mailed_once_with_the_feedback_attached(workspace, mailbox):
    ids = _checked_period(workspace)
    invalid = _by_status(workspace, schema.SubmissionStatus.INVALID)[0]
    with workspace.sessions() as session:
        messages = result_notice.compose(session, workspace.plan, [invalid.id], workspace.data_dir)
    channel = notify.EmailChannel(parse_smtp_url(_secret(mailbox.url())), timeout=5.0)
    first = notify.send(workspace.sessions, workspace.plan, messages, [channel])
    again = notify.send(workspace.sessions, workspace.plan, messages, [channel])
    assert (first.sent, again.sent, again.skipped) == (1, 0, 1)
    [mail] = mailbox.messages
    assert mail["To"] == f"{invalid.unit_code.lower()}@binhtan.example"
    [attached] = list(mail.iter_attachments())
    assert attached.get_content_type() == XLSX
    with workspace.sessions() as session:
        expected = feedback_files.path_of(session, workspace.data_dir, invalid)
    assert attached.get_filename() == expected.name
    assert attached.get_content() == expected.read_bytes()
    assert ids


def _secret(text):
    from pydantic import SecretStr

    return SecretStr(text)
