"""Recording a validation run: findings upserted on their place, states and statuses settled."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from papi_etl import steward
from papi_etl.store import schema
from papi_etl.validation import outcome
from papi_etl.validation.finding import Finding

Status = schema.SubmissionStatus
State = schema.FindingState


def finding(submission_id: int, row: int = 1, field: str = "status", **changes) -> Finding:
    values = {
        "submission_id": submission_id,
        "unit": "AL",
        "period": "2019-Q1",
        "sheet": "NhiemVu",
        "row": row,
        "field": field,
        "rule": "status_known",
        "value": "xong",
        "message_vi": "Tình trạng 'xong' không có trong danh sách.",
        "message_en": "Status 'xong' is not one of the statuses.",
        "hint": "Chọn một tình trạng trong danh sách, ví dụ Hoàn thành.",
    }
    return Finding(**{**values, **changes})


def record(workspace, ids, findings) -> dict[int, Status]:
    with workspace.sessions.begin() as session:
        return outcome.record(session, workspace.plan, ids, findings)


def stored(workspace, submission_id: int) -> list[schema.Finding]:
    with workspace.sessions() as session:
        return list(
            session.scalars(
                select(schema.Finding)
                .where(schema.Finding.submission_id == submission_id)
                .order_by(schema.Finding.row, schema.Finding.field)
            )
        )


def status_of(workspace, submission_id: int) -> Status:
    with workspace.sessions() as session:
        return session.get_one(schema.Submission, submission_id).status


def test_a_clean_run_makes_the_submission_valid(workspace, send, make_submission):
    sid = send(make_submission("AL"))
    assert status_of(workspace, sid) is Status.RECEIVED
    assert record(workspace, [sid], []) == {sid: Status.VALID}
    assert status_of(workspace, sid) is Status.VALID
    assert stored(workspace, sid) == []


def test_findings_are_stored_open_and_the_submission_invalid(workspace, send, make_submission):
    sid = send(make_submission("AL"))
    assert record(workspace, [sid], [finding(sid, 1), finding(sid, 2)]) == {sid: Status.INVALID}
    rows = stored(workspace, sid)
    assert [(f.sheet, f.row, f.field, f.rule, f.state) for f in rows] == [
        ("NhiemVu", 1, "status", "status_known", State.OPEN),
        ("NhiemVu", 2, "status", "status_known", State.OPEN),
    ]
    assert rows[0].message_vi.startswith("Tình trạng 'xong'")
    assert rows[0].hint and rows[0].value == "xong"


def test_validating_again_gives_the_same_rows_untouched(workspace, send, make_submission):
    sid = send(make_submission("AL"))
    found = [finding(sid, 1), finding(sid, 1, "evidence", rule="evidence_given")]
    record(workspace, [sid], found)
    before = [(f.id, f.updated_at, f.state) for f in stored(workspace, sid)]
    assert record(workspace, [sid], found) == {sid: Status.INVALID}
    assert [(f.id, f.updated_at, f.state) for f in stored(workspace, sid)] == before


def test_a_finding_given_twice_is_stored_once(workspace, send, make_submission):
    sid = send(make_submission("AL"))
    record(workspace, [sid], [finding(sid), finding(sid, message_vi="Lần hai.")])
    rows = stored(workspace, sid)
    assert len(rows) == 1 and rows[0].message_vi.startswith("Tình trạng")


def test_a_changed_message_updates_the_finding_in_place(workspace, send, make_submission):
    sid = send(make_submission("AL"))
    record(workspace, [sid], [finding(sid)])
    (first,) = stored(workspace, sid)
    record(workspace, [sid], [finding(sid, hint="Chọn Hoàn thành nếu đã làm xong.")])
    (again,) = stored(workspace, sid)
    assert again.id == first.id and again.hint == "Chọn Hoàn thành nếu đã làm xong."


def test_a_finding_no_longer_produced_is_resolved_and_kept(workspace, send, make_submission):
    sid = send(make_submission("AL"))
    record(workspace, [sid], [finding(sid, 1), finding(sid, 2)])
    assert record(workspace, [sid], [finding(sid, 2)]) == {sid: Status.INVALID}
    assert [(f.row, f.state) for f in stored(workspace, sid)] == [
        (1, State.RESOLVED),
        (2, State.OPEN),
    ]
    assert record(workspace, [sid], []) == {sid: Status.VALID}
    assert [f.state for f in stored(workspace, sid)] == [State.RESOLVED, State.RESOLVED]


def test_a_resolved_finding_found_again_is_open_again(workspace, send, make_submission):
    sid = send(make_submission("AL"))
    record(workspace, [sid], [finding(sid)])
    record(workspace, [sid], [])
    assert record(workspace, [sid], [finding(sid)]) == {sid: Status.INVALID}
    assert [f.state for f in stored(workspace, sid)] == [State.OPEN]


def accept(workspace, sid: int, finding_id: int) -> None:
    with workspace.sessions.begin() as session:
        steward.accept(
            session, workspace.plan, sid, finding_id, "Số liệu đúng thực tế.", "Nguyễn Văn A"
        )


def test_an_accepted_finding_stays_accepted_whatever_a_revalidation_finds(
    workspace, send, make_submission
):
    sid = send(make_submission("AL"))
    record(workspace, [sid], [finding(sid)])
    (only,) = stored(workspace, sid)
    accept(workspace, sid, only.id)
    assert status_of(workspace, sid) is Status.ACCEPTED_WITH_EXCEPTION
    assert record(workspace, [sid], [finding(sid)]) == {sid: Status.ACCEPTED_WITH_EXCEPTION}
    assert record(workspace, [sid], []) == {sid: Status.ACCEPTED_WITH_EXCEPTION}
    assert [f.state for f in stored(workspace, sid)] == [State.ACCEPTED]
    # A new problem beside the accepted one makes the submission invalid again.
    assert record(workspace, [sid], [finding(sid), finding(sid, 3)]) == {sid: Status.INVALID}
    assert [f.state for f in stored(workspace, sid)] == [State.ACCEPTED, State.OPEN]


def test_a_superseded_submission_keeps_its_status_and_findings(workspace, send, make_submission):
    old = send(make_submission("AL"))
    record(workspace, [old], [finding(old, 1), finding(old, 2)])
    history = [(f.id, f.state, f.updated_at) for f in stored(workspace, old)]
    new = send(make_submission("AL", result="Đã thực hiện xong"))
    assert status_of(workspace, old) is Status.SUPERSEDED
    # A run that raced with the new version's arrival must not rewrite the old one.
    assert record(workspace, [old, new], [finding(old, 3)]) == {
        old: Status.SUPERSEDED,
        new: Status.VALID,
    }
    assert [(f.id, f.state, f.updated_at) for f in stored(workspace, old)] == history
    assert stored(workspace, new) == []


def test_findings_of_submissions_outside_the_run_are_left_alone(workspace, send, make_submission):
    al = send(make_submission("AL"))
    tt = send(make_submission("TT"))
    record(workspace, [al, tt], [finding(al), finding(tt, unit="TT")])
    assert record(workspace, [al], []) == {al: Status.VALID}
    assert [f.state for f in stored(workspace, tt)] == [State.OPEN]
    assert status_of(workspace, tt) is Status.INVALID


def test_an_unknown_submission_or_a_stray_finding_is_the_callers_mistake(
    workspace, send, make_submission
):
    sid = send(make_submission("AL"))
    with pytest.raises(ValueError, match="not submissions of plan"):
        record(workspace, [sid, sid + 100], [])
    with pytest.raises(ValueError, match="not validated in this run"):
        record(workspace, [sid], [finding(sid + 100)])
    with workspace.sessions() as session:
        assert session.scalar(select(func.count()).select_from(schema.Finding)) == 0
