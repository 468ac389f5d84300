"""Collecting from the drop folder into the archive and the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, func, select

from papi_etl import archive, calendar, forms
from papi_etl.collect import collect
from papi_etl.ingest import Outcome
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.sources.inbox import InboxSource
from papi_etl.store import schema
from papi_etl.submission import Submission
from papi_etl.workspace import open_workspace

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
PERIOD = "2019-Q1"


@pytest.fixture(scope="module")
def loaded():
    return load(DEFAULT_PLAN)


@pytest.fixture
def workspace(tmp_path, database_url, loaded):
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url)
    return open_workspace(settings, loaded)


def _drop(
    inbox: Path,
    folder: str,
    name: str,
    submission: Submission,
    plan,
    arrived: dt.datetime,
    form: str = "json",
) -> Path:
    path = inbox / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    forms.write(submission, form, path, plan)
    os.utime(path, (arrived.timestamp(), arrived.timestamp()))
    return path


def _collect(workspace, inbox: Path):
    return collect(workspace.sessions, workspace.plan, [InboxSource(inbox)], workspace.data_dir)


ON_TIME = dt.datetime(2019, 3, 5, 9, 0, tzinfo=HCM)


def test_a_unit_report_is_archived_and_stored_with_its_rows(workspace, tmp_path, make_submission):
    plan = workspace.plan
    inbox = tmp_path / "inbox"
    sent = make_submission("AL")
    path = _drop(inbox, "AL", "bao-cao.json", sent, plan, ON_TIME)
    result = _collect(workspace, inbox)
    assert [i.outcome for i in result.items] == [Outcome.NEW]
    assert archive.path_of(workspace.data_dir, archive.digest(path.read_bytes())).exists()
    with workspace.sessions() as session:
        stored = session.scalars(select(schema.Submission)).one()
        assert (stored.unit_code, stored.period_code, stored.version) == ("AL", PERIOD, 1)
        assert stored.on_time is True
        assert stored.received_at == ON_TIME
        assert [t.task_code for t in stored.tasks] == [t.task for t in sent.tasks]
        assert [v.value for v in stored.indicator_values] == [x.value for x in sent.indicators]


def test_collecting_twice_adds_nothing_the_second_time(workspace, tmp_path, make_submission):
    plan = workspace.plan
    inbox = tmp_path / "inbox"
    for unit in ("AL", "BTD", "PNV"):
        _drop(inbox, unit, f"{unit}.json", make_submission(unit), plan, ON_TIME)
    first = _collect(workspace, inbox)
    second = _collect(workspace, inbox)
    assert first.count(Outcome.NEW) == 3
    assert second.count(Outcome.NEW) == 0 and second.count(Outcome.DUPLICATE) == 3
    with workspace.sessions() as session:
        assert session.scalar(select(func.count()).select_from(schema.Submission)) == 3
        assert session.scalar(select(func.count()).select_from(schema.RawFile)) == 3


def test_a_new_file_supersedes_the_previous_version_and_both_stay(
    workspace, tmp_path, make_submission
):
    plan = workspace.plan
    inbox = tmp_path / "inbox"
    _drop(inbox, "AL", "v1.json", make_submission("AL"), plan, ON_TIME)
    _collect(workspace, inbox)
    later = ON_TIME + dt.timedelta(days=1)
    _drop(inbox, "AL", "v2.json", make_submission("AL", result="Đã bổ sung"), plan, later)
    result = _collect(workspace, inbox)
    assert result.count(Outcome.SUPERSEDED) == 1
    with workspace.sessions() as session:
        versions = session.scalars(select(schema.Submission).order_by("version")).all()
        assert [(s.version, s.status) for s in versions] == [
            (1, schema.SubmissionStatus.SUPERSEDED),
            (2, schema.SubmissionStatus.RECEIVED),
        ]
        assert versions[0].superseded_by_id == versions[1].id


def test_a_late_report_is_accepted_and_counted_late(workspace, tmp_path, make_submission):
    plan = workspace.plan
    deadline = calendar.period(plan, PERIOD).unit_deadline
    inbox = tmp_path / "inbox"
    _drop(inbox, "AL", "late.json", make_submission("AL"), plan, deadline)
    result = _collect(workspace, inbox)
    assert result.items[0].outcome is Outcome.NEW and result.items[0].on_time is False


def test_a_unit_cannot_report_for_another(workspace, tmp_path, make_submission):
    plan = workspace.plan
    inbox = tmp_path / "inbox"
    path = _drop(inbox, "AL", "btd.json", make_submission("BTD"), plan, ON_TIME)
    result = _collect(workspace, inbox)
    item = result.items[0]
    assert item.outcome is Outcome.REJECTED and item.rejection_code == "wrong_unit"
    assert "không được báo cáo thay đơn vị khác" in item.reason_vi
    assert archive.read(workspace.data_dir, item.sha256) == path.read_bytes()
    with workspace.sessions() as session:
        raw = session.scalars(select(schema.RawFile)).one()
        assert raw.rejection_code == "wrong_unit" and raw.claimed_unit_code == "AL"
        assert session.scalar(select(func.count()).select_from(schema.Submission)) == 0


def test_a_folder_that_is_no_unit_is_rejected(workspace, tmp_path, make_submission):
    plan = workspace.plan
    inbox = tmp_path / "inbox"
    _drop(inbox, "KHAC", "al.json", make_submission("AL"), plan, ON_TIME)
    assert _collect(workspace, inbox).items[0].rejection_code == "unknown_unit_folder"


def test_a_report_dated_before_its_period_is_rejected(workspace, tmp_path, make_submission):
    plan = workspace.plan
    inbox = tmp_path / "inbox"
    too_early = dt.datetime(2018, 11, 1, tzinfo=HCM)
    _drop(inbox, "AL", "al.json", make_submission("AL"), plan, too_early)
    assert _collect(workspace, inbox).items[0].rejection_code == "period_not_started"


def test_a_crash_mid_ingestion_leaves_nothing_and_a_rerun_completes(
    workspace, tmp_path, make_submission
):
    plan = workspace.plan
    inbox = tmp_path / "inbox"
    _drop(inbox, "AL", "al.json", make_submission("AL"), plan, ON_TIME)

    engine = workspace.sessions.kw["bind"]
    written = []

    def crash_once_rows_are_written(_conn, _cursor, statement, *_args):
        # The process dies after the submission's task rows reached the database (the raw
        # file and the submission before them), before commit.
        written.append(statement)
        if statement.lstrip().upper().startswith("INSERT INTO SUBMISSION_TASKS"):
            raise SystemExit("power cut")

    event.listen(engine, "after_cursor_execute", crash_once_rows_are_written)
    try:
        with pytest.raises(SystemExit):
            _collect(workspace, inbox)
    finally:
        event.remove(engine, "after_cursor_execute", crash_once_rows_are_written)
    assert any(s.lstrip().upper().startswith("INSERT INTO SUBMISSIONS") for s in written)
    with workspace.sessions() as session:
        for table in (schema.RawFile, schema.Submission, schema.SubmissionTask):
            assert session.scalar(select(func.count()).select_from(table)) == 0
    result = _collect(workspace, inbox)
    assert [i.outcome for i in result.items] == [Outcome.NEW]
    with workspace.sessions() as session:
        assert session.scalar(select(func.count()).select_from(schema.Submission)) == 1


def test_excel_lock_files_and_hidden_files_are_not_submissions(workspace, tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "AL").mkdir(parents=True)
    (inbox / "AL" / "~$bao-cao.xlsx").write_bytes(b"lock")
    (inbox / "AL" / ".DS_Store").write_bytes(b"mac")
    assert _collect(workspace, inbox).items == ()
