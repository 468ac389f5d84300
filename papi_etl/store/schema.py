"""The tables of the store, as SQLAlchemy models; the Alembic migrations build the same.

Three groups of tables:

- the plan, copied from the plan file by `plan_sync` (plans, units, tasks, indicators,
  periods), so that SQL can join submissions to what was expected of whom;
- what units sent and what came of it (raw_files, submissions with their task and
  indicator rows, findings and the stewards' decisions on them);
- what the district produced (metric_values, reports, deliveries, delivery_attempts).

Every row belongs to one plan (and so to one district): directly by `plan_id`, or through
the submission, report, finding or delivery it hangs from; many plans share one store and
none reads another's rows. Rows are found by natural keys (plan + code, plan + unit +
period + version, ...), each a unique constraint, so that writers can upsert. Foreign
keys are RESTRICT and relationships never cascade: nothing received or decided is deleted
as a side effect of deleting something else. Values received from units are kept as
given (text), since an invalid value must be stored to be reported; values the store
itself owns (a submission's status, a finding's state) are enums checked by the database.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Double,
    Enum,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from papi_etl.store.types import AwareDateTime, Json, now

# Deterministic constraint names, so that migrations can name what they alter. Constraints
# over several columns are named by hand: generated names would pass PostgreSQL's 63 bytes.
NAMING_CONVENTION = {
    "pk": "pk_%(table_name)s",
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
}

# In metric_values, a metric of the whole district has unit_code '' and one over all
# dimensions has dimension_code '': NULL is never equal to NULL in a unique key, so a NULL
# there would let an upsert insert the same district-wide metric again on every run.
WHOLE = ""

CODE = 40  # the plan schema's longest code


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _enum(enum: type[StrEnum], name: str) -> Enum:
    """A VARCHAR with a CHECK of the values (portable, unlike a native PostgreSQL enum)."""
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class Timestamped:
    created_at: Mapped[dt.datetime] = mapped_column(AwareDateTime, default=now)
    updated_at: Mapped[dt.datetime] = mapped_column(AwareDateTime, default=now, onupdate=now)


class SubmissionStatus(StrEnum):
    RECEIVED = "received"
    VALID = "valid"
    INVALID = "invalid"
    ACCEPTED_WITH_EXCEPTION = "accepted_with_exception"
    SUPERSEDED = "superseded"

    @property
    def label_vi(self) -> str:
        """The status as officials read it (tables, the steward's messages); the value
        stays the machine's (JSON, the store)."""
        return _SUBMISSION_STATUS_LABELS[self]


_SUBMISSION_STATUS_LABELS = {
    SubmissionStatus.RECEIVED: "Đã nhận, chưa kiểm tra",
    SubmissionStatus.VALID: "Hợp lệ",
    SubmissionStatus.INVALID: "Còn lỗi chưa xử lý",
    SubmissionStatus.ACCEPTED_WITH_EXCEPTION: "Chấp nhận ngoại lệ",
    SubmissionStatus.SUPERSEDED: "Đã thay bằng phiên bản mới",
}


class FindingState(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    ACCEPTED = "accepted"


class Decision(StrEnum):
    """What a data steward decided about a finding."""

    ACCEPT_EXCEPTION = "accept_exception"
    CORRECT = "correct"
    REQUEST_RESUBMISSION = "request_resubmission"


class DeliveryState(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


def _period_of(table: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["plan_id", "period_code"],
        ["periods.plan_id", "periods.code"],
        name=f"fk_{table}_period",
        ondelete="RESTRICT",
    )


# --- the plan -------------------------------------------------------------------------


class Plan(Base):
    """One plan; a new version of its file updates this row in place."""

    __tablename__ = "plans"

    id: Mapped[str] = mapped_column(String(CODE), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    document_number: Mapped[str] = mapped_column(String(100))
    district: Mapped[str | None] = mapped_column(
        Text, comment="the district (or city) the plan is of, as its document names it"
    )
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(AwareDateTime, default=now)
    loaded_at: Mapped[dt.datetime] = mapped_column(
        AwareDateTime, default=now, comment="when the store last took in a change of the plan"
    )


class Unit(Timestamped, Base):
    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("plan_id", "code", name="uq_units_plan_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id", ondelete="RESTRICT"))
    code: Mapped[str] = mapped_column(String(CODE))
    name: Mapped[str] = mapped_column(Text)
    short_name: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(CODE))
    contact: Mapped[dict[str, Any]] = mapped_column(Json)


class Task(Timestamped, Base):
    """A task of section II (with its dimension) or an assignment of section III (without)."""

    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("plan_id", "code", name="uq_tasks_plan_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id", ondelete="RESTRICT"))
    code: Mapped[str] = mapped_column(String(CODE))
    dimension_code: Mapped[str | None] = mapped_column(String(CODE))
    section: Mapped[str] = mapped_column(String(CODE))
    text: Mapped[str] = mapped_column(Text)
    inferred: Mapped[bool] = mapped_column(Boolean)
    inference_note: Mapped[str | None] = mapped_column(Text)


class Indicator(Timestamped, Base):
    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("plan_id", "code", name="uq_indicators_plan_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id", ondelete="RESTRICT"))
    code: Mapped[str] = mapped_column(String(CODE))
    name_vi: Mapped[str] = mapped_column(Text)
    unit_of_measure: Mapped[str] = mapped_column(Text)
    value_type: Mapped[str] = mapped_column(String(CODE))
    range_min: Mapped[float] = mapped_column(Double)
    range_max: Mapped[float] = mapped_column(Double)
    aggregate_units: Mapped[str] = mapped_column(String(CODE))
    aggregate_periods: Mapped[str] = mapped_column(String(CODE))
    better: Mapped[str] = mapped_column(String(CODE))


class Period(Timestamped, Base):
    __tablename__ = "periods"
    __table_args__ = (UniqueConstraint("plan_id", "code", name="uq_periods_plan_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id", ondelete="RESTRICT"))
    code: Mapped[str] = mapped_column(String(CODE))
    kind: Mapped[str] = mapped_column(String(CODE))
    year: Mapped[int] = mapped_column(Integer)
    label_vi: Mapped[str] = mapped_column(Text)
    starts: Mapped[dt.date] = mapped_column(Date)
    ends: Mapped[dt.date] = mapped_column(Date)
    unit_deadline: Mapped[dt.datetime] = mapped_column(AwareDateTime)
    consolidated_deadline: Mapped[dt.datetime] = mapped_column(AwareDateTime)


# --- what units sent ------------------------------------------------------------------


class RawFile(Base):
    """Bytes as received by one plan; the same bytes twice are one row (and so one
    submission). The archive file is shared: two plans sent the same bytes keep one copy
    and a row each, so that neither sees the other's rejections or duplicates.

    A file that cannot become a submission (unreadable, from an unknown unit, claiming to
    be from another unit's folder, ...) stays here with its rejection and reasons: a
    rejection is about what was received, before there is a unit and period to file it by.
    """

    __tablename__ = "raw_files"
    __table_args__ = (UniqueConstraint("plan_id", "sha256", name="uq_raw_files_plan_sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id", ondelete="RESTRICT"))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(
        String(200), comment="e.g. 'inbox', 'http:kf.kobotoolbox.org/api/v2/assets/<uid>/data'"
    )
    original_name: Mapped[str] = mapped_column(Text)
    claimed_unit_code: Mapped[str | None] = mapped_column(
        Text, comment="the unit the file says it is from, unchecked"
    )
    received_at: Mapped[dt.datetime] = mapped_column(AwareDateTime)
    archive_path: Mapped[str] = mapped_column(Text)
    rejection_code: Mapped[str | None] = mapped_column(
        String(CODE), comment="set when the file could not become a submission"
    )
    rejection_reason_vi: Mapped[str | None] = mapped_column(Text)
    rejection_reason_en: Mapped[str | None] = mapped_column(Text)


class SourceCursor(Base):
    """Where each plan's fetch from a source resumes (e.g. the last API submission id it
    archived): two plans reading one API each keep their own place."""

    __tablename__ = "source_cursors"

    plan_id: Mapped[str] = mapped_column(
        ForeignKey("plans.id", ondelete="RESTRICT"), primary_key=True
    )
    source: Mapped[str] = mapped_column(String(200), primary_key=True)
    cursor: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(AwareDateTime, default=now, onupdate=now)


class Submission(Timestamped, Base):
    """One unit's report for one period, in one version.

    A new version supersedes the previous one, which stays with status `superseded` and
    `superseded_by_id` pointing at its successor; the database holds the two together.
    """

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint(
            "plan_id", "unit_code", "period_code", "version", name="uq_submissions_version"
        ),
        ForeignKeyConstraint(
            ["plan_id", "unit_code"],
            ["units.plan_id", "units.code"],
            name="fk_submissions_unit",
            ondelete="RESTRICT",
        ),
        _period_of("submissions"),
        # Every step reads one plan's period: with many plans in the store, straight to it.
        Index("ix_submissions_plan_period", "plan_id", "period_code"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint(
            "(status = 'superseded') = (superseded_by_id IS NOT NULL)",
            name="superseded_has_successor",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id", ondelete="RESTRICT"))
    unit_code: Mapped[str] = mapped_column(String(CODE))
    period_code: Mapped[str] = mapped_column(String(CODE))
    version: Mapped[int] = mapped_column(Integer)
    raw_file_id: Mapped[int] = mapped_column(
        ForeignKey("raw_files.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[SubmissionStatus] = mapped_column(
        _enum(SubmissionStatus, "status"), default=SubmissionStatus.RECEIVED
    )
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="RESTRICT")
    )
    received_at: Mapped[dt.datetime] = mapped_column(AwareDateTime)
    on_time: Mapped[bool] = mapped_column(Boolean)

    tasks: Mapped[list[SubmissionTask]] = relationship(
        order_by="SubmissionTask.row_number", passive_deletes="all"
    )
    indicator_values: Mapped[list[IndicatorValue]] = relationship(
        order_by="IndicatorValue.row_number", passive_deletes="all"
    )
    findings: Mapped[list[Finding]] = relationship(passive_deletes="all")


class SubmissionTask(Base):
    """One row of a submission's task sheet, as given (codes may be unknown to the plan)."""

    __tablename__ = "submission_tasks"
    __table_args__ = (
        UniqueConstraint("submission_id", "row_number", name="uq_submission_tasks_row"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="RESTRICT"))
    row_number: Mapped[int] = mapped_column(Integer)
    task_code: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)
    difficulties: Mapped[str | None] = mapped_column(Text)
    proposals: Mapped[str | None] = mapped_column(Text)


class IndicatorValue(Base):
    """One row of a submission's indicator sheet; `value` is NULL when not a number, and
    `value_text` then holds what was typed."""

    __tablename__ = "indicator_values"
    __table_args__ = (
        UniqueConstraint("submission_id", "row_number", name="uq_indicator_values_row"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="RESTRICT"))
    row_number: Mapped[int] = mapped_column(Integer)
    indicator_code: Mapped[str | None] = mapped_column(Text)
    value: Mapped[float | None] = mapped_column(Double)
    not_applicable: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    # What the unit typed when it is not a number ("nhiều"), for its finding; else NULL.
    value_text: Mapped[str | None] = mapped_column(Text)


class Finding(Timestamped, Base):
    """A validation failure, located as precisely as the file allows.

    `sheet`, `field` are '' and `row` is 0 when the finding concerns a whole file, sheet or
    row, so that (submission, sheet, row, field, rule) is a key a re-validation upserts on.
    """

    __tablename__ = "findings"
    __table_args__ = (
        UniqueConstraint(
            "submission_id", "sheet", "row", "field", "rule", name="uq_findings_place"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="RESTRICT"))
    sheet: Mapped[str] = mapped_column(String(CODE), default=WHOLE)
    row: Mapped[int] = mapped_column(Integer, default=0)
    field: Mapped[str] = mapped_column(String(80), default=WHOLE)
    rule: Mapped[str] = mapped_column(String(80))
    value: Mapped[str | None] = mapped_column(Text)
    message_vi: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    hint: Mapped[str | None] = mapped_column(Text)
    state: Mapped[FindingState] = mapped_column(
        _enum(FindingState, "state"), default=FindingState.OPEN
    )

    decisions: Mapped[list[StewardDecision]] = relationship(
        order_by="StewardDecision.decided_at", passive_deletes="all"
    )


class StewardDecision(Base):
    """The audit trail: who decided what about a finding, when and why. Append only."""

    __tablename__ = "steward_decisions"
    __table_args__ = (CheckConstraint("length(trim(reason)) > 0", name="reason_given"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_id: Mapped[int] = mapped_column(
        ForeignKey("findings.id", ondelete="RESTRICT"), index=True
    )
    decision: Mapped[Decision] = mapped_column(_enum(Decision, "decision"))
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[dt.datetime] = mapped_column(AwareDateTime, default=now)


# --- what the district produced -------------------------------------------------------


class MetricValue(Base):
    """One computed metric; `unit_code` / `dimension_code` are WHOLE ('') when not split."""

    __tablename__ = "metric_values"
    __table_args__ = (
        UniqueConstraint(
            "plan_id",
            "period_code",
            "unit_code",
            "dimension_code",
            "metric",
            name="uq_metric_values_key",
        ),
        _period_of("metric_values"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id", ondelete="RESTRICT"))
    period_code: Mapped[str] = mapped_column(String(CODE))
    unit_code: Mapped[str] = mapped_column(String(CODE), default=WHOLE)
    dimension_code: Mapped[str] = mapped_column(String(CODE), default=WHOLE)
    metric: Mapped[str] = mapped_column(String(120))
    value: Mapped[float | None] = mapped_column(Double)
    computed_at: Mapped[dt.datetime] = mapped_column(AwareDateTime, default=now)


class Report(Base):
    """A consolidated report of a period; a correction is a new version, never an edit."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("plan_id", "period_code", "version", name="uq_reports_version"),
        _period_of("reports"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id", ondelete="RESTRICT"))
    period_code: Mapped[str] = mapped_column(String(CODE))
    version: Mapped[int] = mapped_column(Integer)
    supplementary: Mapped[bool] = mapped_column(Boolean, default=False)
    content_sha256: Mapped[str] = mapped_column(String(64))
    files: Mapped[list[dict[str, Any]]] = mapped_column(Json)
    created_at: Mapped[dt.datetime] = mapped_column(AwareDateTime, default=now)


class Delivery(Timestamped, Base):
    """A report sent to one target; the idempotency key makes a retry the same delivery."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="RESTRICT"), index=True
    )
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[str] = mapped_column(String(CODE))
    target_url: Mapped[str] = mapped_column(Text)
    state: Mapped[DeliveryState] = mapped_column(
        _enum(DeliveryState, "state"), default=DeliveryState.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)

    attempt_log: Mapped[list[DeliveryAttempt]] = relationship(
        order_by="DeliveryAttempt.attempted_at", passive_deletes="all"
    )


class DeliveryAttempt(Base):
    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("deliveries.id", ondelete="RESTRICT"), index=True
    )
    attempted_at: Mapped[dt.datetime] = mapped_column(AwareDateTime, default=now)
    http_status: Mapped[int | None] = mapped_column(Integer)
    response_excerpt: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)


class NotificationState(StrEnum):
    SENT = "sent"
    FAILED = "failed"


class Notification(Base):
    """A reminder, notice or digest sent (or tried) to one recipient over one channel.

    `key` names what the message is for (plan, period, unit, kind, day, channel), so a run
    repeated the same day never sends the same reminder twice; a failed one is tried again.
    """

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id", ondelete="RESTRICT"))
    period_code: Mapped[str] = mapped_column(String(CODE))
    unit_code: Mapped[str] = mapped_column(String(CODE), default=WHOLE)
    kind: Mapped[str] = mapped_column(String(CODE))
    channel: Mapped[str] = mapped_column(String(CODE))
    target: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(Text)
    state: Mapped[NotificationState] = mapped_column(_enum(NotificationState, "state"))
    error: Mapped[str | None] = mapped_column(Text)
    attempted_at: Mapped[dt.datetime] = mapped_column(AwareDateTime, default=now)
