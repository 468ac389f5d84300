"""The steward's queue and decisions, on real stores (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from papi_etl import steward
from papi_etl.errors import PapiError, UnknownPeriodError
from papi_etl.forms.template import UnknownUnitError
from papi_etl.store import schema
from papi_etl.validation import outcome
from papi_etl.validation.finding import Finding

Status = schema.SubmissionStatus
State = schema.FindingState
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
REASON = "Phường tổ chức thêm đối thoại theo chỉ đạo của Quận ủy; số liệu đúng."
BY = "Trần Thị Bình"


def finding(submission_id: int, row: int = 1, unit: str = "AL", **changes) -> Finding:
    values = {
        "submission_id": submission_id,
        "unit": unit,
        "period": "2019-Q1",
        "sheet": "ChiSo",
        "row": row,
        "field": "value",
        "rule": "value_in_range",
        "value": "900",
        "message_vi": "Giá trị 900 ngoài giới hạn 0 – 500.",
        "message_en": "Value 900 is outside 0 – 500.",
        "hint": "Kiểm tra lại số liệu; nếu đúng, ghi giải thích ở cột Ghi chú.",
    }
    return Finding(**{**values, **changes})


@pytest.fixture
def invalid(workspace, send, make_submission):
    """Submission of AL for 2019-Q1 recorded with two open findings: (id, [finding ids])."""
    sid = send(make_submission("AL"))
    with workspace.sessions.begin() as session:
        outcome.record(session, workspace.plan, [sid], [finding(sid, 1), finding(sid, 2)])
    with workspace.sessions() as session:
        ids = session.scalars(
            select(schema.Finding.id)
            .where(schema.Finding.submission_id == sid)
            .order_by(schema.Finding.row)
        ).all()
    return sid, list(ids)


def accept(workspace, sid, fid, reason=REASON, by=BY) -> steward.Accepted:
    with workspace.sessions.begin() as session:
        return steward.accept(session, workspace.plan, sid, fid, reason, by)


def test_accepting_records_who_when_why_and_settles_the_status(workspace, invalid):
    sid, (first, second) = invalid
    before = dt.datetime.now(dt.UTC)
    done = accept(workspace, sid, first)
    assert (done.finding_id, done.submission_id, done.unit, done.period, done.version) == (
        first,
        sid,
        "AL",
        "2019-Q1",
        1,
    )
    assert done.submission_status == Status.INVALID  # the second finding is still open
    assert (done.decision.decision, done.decision.reason, done.decision.decided_by) == (
        "accept_exception",
        REASON,
        BY,
    )
    assert before <= done.decision.decided_at <= dt.datetime.now(dt.UTC)
    assert done.decision.decided_at.utcoffset() == dt.timedelta(hours=7)
    last = accept(workspace, sid, second, "Đã xác minh với phường.", "Lê Văn Cường")
    assert last.submission_status == Status.ACCEPTED_WITH_EXCEPTION
    with workspace.sessions() as session:
        assert session.get_one(schema.Submission, sid).status is Status.ACCEPTED_WITH_EXCEPTION
        row = session.get_one(schema.Finding, first)
        assert row.state is State.ACCEPTED
        (decision,) = row.decisions
        assert (decision.decision, decision.reason, decision.decided_by) == (
            schema.Decision.ACCEPT_EXCEPTION,
            REASON,
            BY,
        )
        assert decision.decided_at == done.decision.decided_at


def test_reason_and_name_are_kept_in_nfc_without_surrounding_blanks(workspace, invalid):
    sid, (first, _) = invalid
    done = accept(
        workspace, sid, first, "  " + unicodedata.normalize("NFD", REASON) + "\n", " Trần Thị Bình "
    )
    assert (done.decision.reason, done.decision.decided_by) == (REASON, BY)
    with workspace.sessions() as session:
        (decision,) = session.get_one(schema.Finding, first).decisions
        assert decision.reason == REASON and unicodedata.is_normalized("NFC", decision.reason)


def decisions(workspace) -> int:
    with workspace.sessions() as session:
        return session.scalar(select(func.count()).select_from(schema.StewardDecision))


@pytest.mark.parametrize(("reason", "by"), [("", BY), (" \n\t", BY), (REASON, ""), (REASON, "  ")])
def test_a_decision_without_reason_or_name_is_refused(workspace, invalid, reason, by):
    sid, (first, _) = invalid
    with pytest.raises(steward.IncompleteDecisionError) as raised:
        accept(workspace, sid, first, reason, by)
    assert raised.value.message_vi and "để trống" in raised.value.message_vi
    assert decisions(workspace) == 0


def test_an_unknown_submission_is_refused(workspace, invalid):
    sid, (first, _) = invalid
    with pytest.raises(steward.UnknownSubmissionError) as raised:
        accept(workspace, sid + 100, first)
    assert f"báo cáo số {sid + 100}" in str(raised.value)
    assert decisions(workspace) == 0


def test_a_finding_of_another_submission_or_none_is_refused(
    workspace, invalid, send, make_submission
):
    sid, (first, _) = invalid
    other = send(make_submission("TT"))
    with workspace.sessions.begin() as session:
        outcome.record(session, workspace.plan, [other], [])
    with pytest.raises(steward.FindingNotInSubmissionError) as raised:
        accept(workspace, other, first)
    assert f"lỗi của báo cáo số {sid}" in str(raised.value)
    with pytest.raises(steward.FindingNotInSubmissionError):
        accept(workspace, sid, first + 100)
    assert decisions(workspace) == 0


def test_a_superseded_submission_is_refused_naming_its_successor(
    workspace, invalid, send, make_submission
):
    sid, (first, _) = invalid
    newer = send(make_submission("AL", result="Đã sửa"))
    with pytest.raises(steward.SupersededSubmissionError) as raised:
        accept(workspace, sid, first)
    assert f"phiên bản 2 (báo cáo số {newer})" in str(raised.value)
    with workspace.sessions() as session:
        assert session.get_one(schema.Finding, first).state is State.OPEN
    assert decisions(workspace) == 0


def test_a_resolved_finding_is_refused(workspace, invalid):
    sid, (first, second) = invalid
    with workspace.sessions.begin() as session:
        outcome.record(session, workspace.plan, [sid], [finding(sid, 2)])
    with pytest.raises(steward.FindingResolvedError) as raised:
        accept(workspace, sid, first)
    assert "đã được khắc phục" in str(raised.value)
    assert decisions(workspace) == 0


def test_accepting_twice_keeps_the_first_decision(workspace, invalid):
    sid, (first, _) = invalid
    accept(workspace, sid, first)
    with pytest.raises(steward.FindingAlreadyAcceptedError) as raised:
        accept(workspace, sid, first, "Lý do khác.", "Người khác")
    assert BY in str(raised.value) and REASON in str(raised.value)
    assert decisions(workspace) == 1


def test_every_steward_error_is_a_papi_error_in_both_languages():
    for error in (
        steward.IncompleteDecisionError,
        steward.UnknownSubmissionError,
        steward.SupersededSubmissionError,
        steward.FindingNotInSubmissionError,
        steward.FindingResolvedError,
        steward.FindingAlreadyAcceptedError,
    ):
        assert issubclass(error, steward.StewardError) and issubclass(error, PapiError)


def test_the_queue_holds_open_findings_of_current_submissions(workspace, send, make_submission):
    old = send(make_submission("TT"))
    tt = send(make_submission("TT", result="Bản sửa"))
    al = send(make_submission("AL"))
    q2 = send(make_submission("AL", period="2019-6M"))
    with workspace.sessions.begin() as session:
        plan = workspace.plan
        outcome.record(session, plan, [old], [finding(old, unit="TT")])  # history only
        outcome.record(session, plan, [tt], [finding(tt, 3, unit="TT")])
        outcome.record(session, plan, [al], [finding(al, 2), finding(al, 1), finding(al, 4)])
        outcome.record(session, plan, [q2], [finding(q2, 1, period="2019-6M")])
    with workspace.sessions() as session:
        queue = steward.open_findings(session, workspace.plan)
        accepted = next(f.finding_id for f in queue if f.unit == "AL" and f.row == 4)
    accept(workspace, al, accepted)
    with workspace.sessions() as session:
        queue = steward.open_findings(session, workspace.plan)
        assert [(f.period, f.unit, f.submission_id, f.row) for f in queue] == [
            ("2019-Q1", "AL", al, 1),
            ("2019-Q1", "AL", al, 2),
            ("2019-6M", "AL", q2, 1),
            ("2019-Q1", "TT", tt, 3),
        ]
        entry = queue[0]
        assert (entry.sheet, entry.field, entry.rule, entry.value, entry.version) == (
            "ChiSo",
            "value",
            "value_in_range",
            "900",
            1,
        )
        assert entry.message_vi.startswith("Giá trị 900") and entry.hint
        assert queue[3].version == 2
        by_period = steward.open_findings(session, workspace.plan, period="2019-6m")
        assert [f.submission_id for f in by_period] == [q2]
        by_unit = steward.open_findings(session, workspace.plan, unit="tt")
        assert [f.submission_id for f in by_unit] == [tt]
        both = steward.open_findings(session, workspace.plan, period="2019-Q1", unit="AL")
        assert [f.row for f in both] == [1, 2]


def test_the_queue_shows_the_decisions_taken_so_far(workspace, invalid):
    sid, (first, _) = invalid
    with workspace.sessions.begin() as session:
        session.add(
            schema.StewardDecision(
                finding_id=first,
                decision=schema.Decision.REQUEST_RESUBMISSION,
                reason="Đề nghị phường kiểm tra lại và gửi bản sửa.",
                decided_by=BY,
                decided_at=dt.datetime(2019, 3, 6, 8, 0, tzinfo=HCM),
            )
        )
    with workspace.sessions() as session:
        queue = steward.open_findings(session, workspace.plan)
    assert [len(f.decisions) for f in queue] == [1, 0]
    (decision,) = queue[0].decisions
    assert decision.decision == "request_resubmission" and decision.decided_by == BY
    assert decision.decided_at == dt.datetime(2019, 3, 6, 8, 0, tzinfo=HCM)


def test_the_queue_refuses_unknown_codes(workspace):
    with workspace.sessions() as session:
        with pytest.raises(UnknownPeriodError):
            steward.open_findings(session, workspace.plan, period="2019-Q5")
        with pytest.raises(UnknownUnitError):
            steward.open_findings(session, workspace.plan, unit="XX")
