"""The fix loop end to end, with the real validator (GX) on real stores.

A unit's report fails validation; either the unit fixes it from its feedback workbook and
sends a corrected version, which supersedes the first and validates clean, or the data
steward accepts an exception with a written reason, which the audit trail keeps.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from expectations import runner
from papi_etl import calendar, forms, steward
from papi_etl.ingest import ingest
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.sources.base import Received
from papi_etl.store import schema
from papi_etl.submission import Submission
from papi_etl.validation import feedback, frames, outcome
from papi_etl.workspace import Workspace, open_workspace

Status = schema.SubmissionStatus
State = schema.FindingState
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
PERIOD = "2019-Q1"


@pytest.fixture(scope="module")
def loaded():
    return load(DEFAULT_PLAN)


@pytest.fixture
def workspace(tmp_path, database_url, loaded) -> Workspace:
    return open_workspace(Settings(data_dir=tmp_path / "data", database_url=database_url), loaded)


def send(workspace: Workspace, content: bytes, name: str, day: int) -> int:
    """The unit's file arrives in its inbox folder on `day` March 2019."""
    arrived = dt.datetime(2019, 3, day, 9, 0, tzinfo=HCM)
    with workspace.sessions.begin() as session:
        done = ingest(
            session,
            workspace.plan,
            Received(content, "inbox", name, arrived, "AL"),
            workspace.data_dir,
        )
    assert done.submission_id is not None, done.reason_en
    return done.submission_id


def validate(workspace: Workspace) -> tuple[dict[int, Status], list]:
    """Validate the period's current submissions and record the outcome, as a flow would."""
    plan = workspace.plan
    with workspace.sessions.begin() as session:
        ids = list(
            session.scalars(
                select(schema.Submission.id).where(
                    schema.Submission.plan_id == plan.id,
                    schema.Submission.period_code == PERIOD,
                    schema.Submission.status != Status.SUPERSEDED,
                )
            )
        )
        found = runner.validate(
            frames.of_period(session, plan, PERIOD, ids), calendar.period(plan, PERIOD)
        )
        return outcome.record(session, plan, ids, found), found


def report(
    plan, make_submission, status: str | None, over_max: bool, result: str = "Đã thực hiện"
) -> Submission:
    """AL's report, with a status typed wrong in its 2nd task and/or its 1st value too big."""
    sent = make_submission("AL", PERIOD, result)
    tasks, indicators = list(sent.tasks), list(sent.indicators)
    if status is not None:
        tasks[1] = dataclasses.replace(tasks[1], status=status)
    if over_max:
        first = next(x for x in plan.indicators if x.code == indicators[0].indicator)
        indicators[0] = dataclasses.replace(indicators[0], value=float(first.range.max) + 10)
    return dataclasses.replace(sent, tasks=tuple(tasks), indicators=tuple(indicators))


def xlsx(tmp_path: Path, plan, submission: Submission) -> bytes:
    path = tmp_path / "AL_2019-Q1.xlsx"
    forms.write(submission, "xlsx", path, plan)
    return path.read_bytes()


def findings_of(workspace: Workspace, submission_id: int) -> list[schema.Finding]:
    with workspace.sessions() as session:
        return list(
            session.scalars(
                select(schema.Finding)
                .where(schema.Finding.submission_id == submission_id)
                .order_by(schema.Finding.sheet.desc(), schema.Finding.row)
            )
        )


def status_of(workspace: Workspace, submission_id: int) -> Status:
    with workspace.sessions() as session:
        return session.get_one(schema.Submission, submission_id).status


def test_invalid_then_a_corrected_version_from_the_feedback_workbook_is_valid(
    workspace, tmp_path, make_submission
):
    plan = workspace.plan
    first = send(
        workspace,
        xlsx(tmp_path, plan, report(plan, make_submission, "xong", True)),
        "AL_2019-Q1.xlsx",
        5,
    )
    statuses, found = validate(workspace)
    assert statuses == {first: Status.INVALID}
    stored = findings_of(workspace, first)
    assert [(f.sheet, f.field, f.rule, f.value, f.state) for f in stored] == [
        ("NhiemVu", "status", "status_allowed", "xong", State.OPEN),
        ("ChiSo", "value", "value_at_most_max", "510", State.OPEN),
    ]

    # The unit gets its own workbook back, marked, and fixes the marked cells in it.
    with workspace.sessions() as session:
        raw = session.get_one(schema.Submission, first)
        archived = session.get_one(schema.RawFile, raw.raw_file_id)
        content, name = Path(archived.archive_path).read_bytes(), archived.original_name
    out = tmp_path / "AL_2019-Q1_ket-qua-kiem-tra.xlsx"
    assert feedback.write(out, content, name, found, plan).marked == 2
    book = load_workbook(out)
    marked = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.comment is not None and cell.comment.author == feedback.AUTHOR
    ]
    assert [(c.parent.title, c.value) for c in marked] == [("NhiemVu", "xong"), ("ChiSo", 510)]
    assert "không hợp lệ" in marked[0].comment.text and "Cách sửa:" in marked[0].comment.text
    marked[0].value, marked[1].value = "Hoàn thành", 500
    corrected = io.BytesIO()
    book.save(corrected)

    second = send(workspace, corrected.getvalue(), "AL_2019-Q1_da-sua.xlsx", 7)
    assert status_of(workspace, first) is Status.SUPERSEDED
    statuses, found = validate(workspace)
    assert (statuses, found) == ({second: Status.VALID}, [])
    assert status_of(workspace, second) is Status.VALID
    # The first version and its findings stay as they were: history.
    assert status_of(workspace, first) is Status.SUPERSEDED
    assert [f.state for f in findings_of(workspace, first)] == [State.OPEN, State.OPEN]
    with workspace.sessions() as session:
        assert steward.open_findings(session, plan, PERIOD) == []


def test_invalid_then_a_steward_exception_is_accepted_with_exception_and_audited(
    workspace, tmp_path, make_submission
):
    plan = workspace.plan
    sid = send(
        workspace,
        xlsx(tmp_path, plan, report(plan, make_submission, None, True)),
        "AL_2019-Q1.xlsx",
        5,
    )
    assert validate(workspace)[0] == {sid: Status.INVALID}
    with workspace.sessions() as session:
        (queued,) = steward.open_findings(session, plan, PERIOD, "AL")
    assert (queued.submission_id, queued.rule, queued.value) == (sid, "value_at_most_max", "510")

    reason = "Phường tổ chức thêm đối thoại theo chỉ đạo của Quận ủy; đã xác minh biên bản."
    before = dt.datetime.now(dt.UTC)
    with workspace.sessions.begin() as session:
        done = steward.accept(
            session, workspace.plan, sid, queued.finding_id, reason, "Trần Thị Bình"
        )
    after = dt.datetime.now(dt.UTC)
    assert done.submission_status == Status.ACCEPTED_WITH_EXCEPTION
    assert status_of(workspace, sid) is Status.ACCEPTED_WITH_EXCEPTION
    with workspace.sessions() as session:
        (decision,) = session.scalars(select(schema.StewardDecision)).all()
        assert decision.finding_id == queued.finding_id
        assert (decision.decision, decision.decided_by, decision.reason) == (
            schema.Decision.ACCEPT_EXCEPTION,
            "Trần Thị Bình",
            reason,
        )
        assert before <= decision.decided_at <= after
        assert steward.open_findings(session, plan, PERIOD) == []

    # Validating the period again does not undo the steward's decision.
    statuses, found = validate(workspace)
    assert statuses == {sid: Status.ACCEPTED_WITH_EXCEPTION} and len(found) == 1
    assert [f.state for f in findings_of(workspace, sid)] == [State.ACCEPTED]

    # A new version is new data: the same problem in it needs a decision of its own.
    resent = report(plan, make_submission, None, True, "Đã thực hiện, bổ sung số liệu")
    again = send(workspace, xlsx(tmp_path, plan, resent), "AL_2019-Q1_v2.xlsx", 7)
    assert validate(workspace)[0] == {again: Status.INVALID}
    assert status_of(workspace, sid) is Status.SUPERSEDED
    assert [f.state for f in findings_of(workspace, sid)] == [State.ACCEPTED]
