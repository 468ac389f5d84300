"""The store's keys and foreign keys hold on both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from papi_etl.store import plan_sync, schema, upsert
from papi_etl.store.schema import WHOLE, Decision, SubmissionStatus
from papi_etl.store.types import LOCAL_ZONE

RECEIVED = dt.datetime(2019, 3, 8, 9, 30, tzinfo=LOCAL_ZONE)


def _submission(raw: schema.RawFile, version: int, **changes: object) -> schema.Submission:
    fields: dict[str, object] = {
        "plan_id": "test-plan",
        "unit_code": "P-AN-LAC",
        "period_code": "2019-Q1",
        "version": version,
        "raw_file_id": raw.id,
        "received_at": RECEIVED,
        "on_time": True,
    }
    return schema.Submission(**(fields | changes))


def test_a_new_version_supersedes_the_old_and_both_stay(session, synced_plan, add_raw_file):
    first = _submission(add_raw_file(), 1)
    session.add(first)
    session.flush()

    second = _submission(add_raw_file(), 2)
    session.add(second)
    session.flush()
    first.status = SubmissionStatus.SUPERSEDED
    first.superseded_by_id = second.id
    session.commit()
    session.expunge_all()

    rows = session.scalars(select(schema.Submission).order_by(schema.Submission.version)).all()
    assert [(s.version, s.status, s.superseded_by_id) for s in rows] == [
        (1, SubmissionStatus.SUPERSEDED, rows[1].id),
        (2, SubmissionStatus.RECEIVED, None),
    ]


def test_a_version_cannot_be_stored_twice(session, synced_plan, add_raw_file):
    session.add(_submission(add_raw_file(), 1))
    session.commit()

    session.add(_submission(add_raw_file(), 1))
    with pytest.raises(IntegrityError):
        session.commit()


def test_superseded_and_successor_go_together(session, synced_plan, add_raw_file):
    session.add(_submission(add_raw_file(), 1, status=SubmissionStatus.SUPERSEDED))
    with pytest.raises(IntegrityError):
        session.commit()


def test_a_status_outside_the_enum_is_refused_by_the_database(session, synced_plan, add_raw_file):
    session.add(_submission(add_raw_file(), 1))
    session.commit()

    with pytest.raises(IntegrityError):
        session.execute(text("UPDATE submissions SET status = 'lost'"))
        session.commit()


def test_a_submission_must_name_a_unit_and_a_period_of_the_plan(session, synced_plan, add_raw_file):
    raw = add_raw_file()
    session.commit()
    session.add(_submission(raw, 1, unit_code="P-NOWHERE"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()

    session.add(_submission(raw, 1, period_code="2019-Q5"))
    with pytest.raises(IntegrityError):
        session.commit()


def _again(raw: schema.RawFile, plan_id: str) -> schema.RawFile:
    return schema.RawFile(
        plan_id=plan_id,
        sha256=raw.sha256,
        size=raw.size,
        source="http",
        original_name="again.xlsx",
        received_at=RECEIVED,
        archive_path=raw.archive_path,
    )


def test_the_same_bytes_are_stored_once_per_plan(session, add_raw_file, plan):
    raw = add_raw_file()
    other = plan.model_copy(update={"id": "other-plan"})
    plan_sync.sync(session, other)
    session.add(_again(raw, other.id))  # another plan's copy is that plan's row
    session.commit()

    session.add(_again(raw, raw.plan_id))
    with pytest.raises(IntegrityError):
        session.commit()


def _metric(value: float | None, unit: str = WHOLE, dimension: str = WHOLE) -> dict[str, object]:
    return {
        "plan_id": "test-plan",
        "period_code": "2019-Q1",
        "unit_code": unit,
        "dimension_code": dimension,
        "metric": "reporting_rate",
        "value": value,
    }


def _metrics(session: Session) -> list[tuple[str, str, float | None]]:
    rows = session.execute(
        select(
            schema.MetricValue.unit_code,
            schema.MetricValue.dimension_code,
            schema.MetricValue.value,
        ).order_by(schema.MetricValue.unit_code, schema.MetricValue.dimension_code)
    )
    return [tuple(row) for row in rows]


def test_metrics_upsert_on_their_natural_key_with_no_unit(session, synced_plan):
    key = ("plan_id", "period_code", "unit_code", "dimension_code", "metric")
    upsert(
        session,
        schema.MetricValue,
        [_metric(0.5), _metric(1.0, unit="P-AN-LAC"), _metric(None, dimension="D1")],
        key,
    )
    session.commit()
    ids = session.scalars(select(schema.MetricValue.id).order_by(schema.MetricValue.id)).all()

    upsert(
        session,
        schema.MetricValue,
        [_metric(0.75), _metric(1.0, unit="P-AN-LAC"), _metric(0.1, dimension="D1")],
        key,
    )
    session.commit()

    assert _metrics(session) == [(WHOLE, WHOLE, 0.75), (WHOLE, "D1", 0.1), ("P-AN-LAC", WHOLE, 1.0)]
    assert (
        session.scalars(select(schema.MetricValue.id).order_by(schema.MetricValue.id)).all() == ids
    )


def test_upsert_leaves_an_unchanged_row_untouched(session, synced_plan):
    pnv = {
        "plan_id": "test-plan",
        "code": "PNV",
        "name": "Phòng Nội vụ",
        "kind": "agency",
        "contact": {},
    }
    stamped = session.scalar(select(schema.Unit.updated_at).where(schema.Unit.code == "PNV"))

    upsert(session, schema.Unit, [pnv], ("plan_id", "code"))
    session.commit()
    assert (
        session.scalar(select(schema.Unit.updated_at).where(schema.Unit.code == "PNV")) == stamped
    )

    upsert(
        session, schema.Unit, [pnv | {"contact": {"email": "pnv@example.org"}}], ("plan_id", "code")
    )
    session.commit()
    assert session.scalar(select(schema.Unit.updated_at).where(schema.Unit.code == "PNV")) > stamped


def test_upsert_refuses_rows_of_different_shapes(session):
    with pytest.raises(ValueError, match="same columns"):
        upsert(session, schema.MetricValue, [_metric(1.0), {"metric": "x"}], ("metric",))


def _finding_with_decision(
    session: Session, add_raw_file
) -> tuple[schema.Submission, schema.Finding]:
    submission = _submission(add_raw_file(), 1)
    session.add(submission)
    session.flush()
    submission.tasks.append(
        schema.SubmissionTask(row_number=1, task_code="D1.T1", status="hoan_thanh")
    )
    finding = schema.Finding(
        submission_id=submission.id,
        sheet="NhiemVu",
        row=1,
        field="evidence",
        rule="evidence_required",
        message_vi="Nhiệm vụ hoàn thành cần có minh chứng.",
        message_en="A task reported done needs evidence.",
    )
    session.add(finding)
    session.flush()
    finding.decisions.append(
        schema.StewardDecision(
            decision=Decision.ACCEPT_EXCEPTION,
            reason="Minh chứng đã gửi bản giấy.",
            decided_by="chuyen-vien@pnv",
        )
    )
    session.commit()
    return submission, finding


def test_nothing_received_or_decided_is_deleted_by_a_cascade(session, synced_plan, add_raw_file):
    submission, finding = _finding_with_decision(session, add_raw_file)

    for doomed in (
        delete(schema.Plan),
        delete(schema.Unit).where(schema.Unit.code == "P-AN-LAC"),
        delete(schema.Period).where(schema.Period.code == "2019-Q1"),
        delete(schema.RawFile),
        delete(schema.Finding),
    ):
        with pytest.raises(IntegrityError):
            session.execute(doomed)
            session.flush()
        session.rollback()

    for loaded in (finding, submission):  # the ORM must not null the children's keys either
        session.delete(session.get(type(loaded), loaded.id))
        with pytest.raises(IntegrityError):
            session.flush()
        session.rollback()

    assert session.scalar(select(schema.StewardDecision.reason)) == "Minh chứng đã gửi bản giấy."
    assert len(session.scalars(select(schema.SubmissionTask)).all()) == 1


def test_a_decision_needs_a_written_reason(session, synced_plan, add_raw_file):
    _, finding = _finding_with_decision(session, add_raw_file)

    session.add(
        schema.StewardDecision(
            finding_id=finding.id, decision=Decision.CORRECT, reason="  ", decided_by="x"
        )
    )
    with pytest.raises(IntegrityError):
        session.commit()
