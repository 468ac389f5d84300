"""Loading from the store and persisting into metric_values, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from papi_etl import calendar, store
from papi_etl.metrics import load, persist
from papi_etl.metrics.compute import compute
from papi_etl.metrics.model import WHOLE
from papi_etl.plan.model import Plan
from papi_etl.store import schema
from papi_etl.store.schema import FindingState, SubmissionStatus
from papi_etl.store.types import LOCAL_ZONE

Q1_ON_TIME = dt.datetime(2019, 3, 5, 9, 0, tzinfo=LOCAL_ZONE)
Q1_LATE = dt.datetime(2019, 3, 11, 9, 0, tzinfo=LOCAL_ZONE)
TASKS = {"D1.01": "hoan_thanh", "D1.02": "dang_trien_khai", "D2.01": "chua_trien_khai"}


class Store:
    """Writes submissions the way ingestion does: a raw file, then the next version."""

    def __init__(self, session: Session, plan: Plan) -> None:
        self.session = session
        self.plan = plan
        self._numbers = itertools.count(1)

    def send(
        self,
        unit: str,
        period: str,
        received_at: dt.datetime,
        *,
        status: SubmissionStatus = SubmissionStatus.VALID,
        values: dict[str, float] | None = None,
    ) -> schema.Submission:
        number = next(self._numbers)
        raw = schema.RawFile(
            sha256=f"{number:064x}",
            size=number,
            source="inbox",
            original_name=f"{unit}_{period}.json",
            claimed_unit_code=unit,
            received_at=received_at,
            archive_path=f"raw/{number}",
        )
        self.session.add(raw)
        self.session.flush()
        previous = self.session.scalar(
            select(schema.Submission).where(
                schema.Submission.plan_id == self.plan.id,
                schema.Submission.unit_code == unit,
                schema.Submission.period_code == period,
                schema.Submission.status != SubmissionStatus.SUPERSEDED,
            )
        )
        row = schema.Submission(
            plan_id=self.plan.id,
            unit_code=unit,
            period_code=period,
            version=previous.version + 1 if previous else 1,
            raw_file_id=raw.id,
            status=status,
            received_at=received_at,
            on_time=not calendar.period(self.plan, period).is_late(received_at),
        )
        row.tasks = [
            schema.SubmissionTask(row_number=i, task_code=t, status=s, difficulties="Khó")
            for i, (t, s) in enumerate(TASKS.items(), start=1)
        ]
        row.indicator_values = [
            schema.IndicatorValue(row_number=i, indicator_code=code, value=value)
            for i, (code, value) in enumerate((values or {}).items(), start=1)
        ]
        self.session.add(row)
        self.session.flush()
        if previous is not None:
            previous.status = SubmissionStatus.SUPERSEDED
            previous.superseded_by_id = row.id
            self.session.flush()
        return row

    def find(self, submission: schema.Submission, n: int, state: FindingState) -> None:
        for i in range(n):
            self.session.add(
                schema.Finding(
                    submission_id=submission.id,
                    rule=f"rule-{state.value}-{i}",
                    message_vi="Lỗi",
                    message_en="Error",
                    state=state,
                )
            )
        self.session.flush()


@pytest.fixture
def filled(session: Session, tiny_plan: Plan) -> Store:
    store.sync_plan(session, tiny_plan, file_sha256="0" * 64)
    writer = Store(session, tiny_plan)
    # W01: on time, then a late correction: still on time.
    writer.send("W01", "2019-Q1", Q1_ON_TIME, status=SubmissionStatus.RECEIVED)
    writer.send("W01", "2019-Q1", Q1_LATE, values={"I1": 4})
    writer.send("W02", "2019-Q1", Q1_LATE, values={"I1": 6})
    bad = writer.send("W03", "2019-Q1", Q1_ON_TIME, status=SubmissionStatus.INVALID)
    writer.find(bad, 2, FindingState.OPEN)
    writer.find(bad, 1, FindingState.RESOLVED)
    writer.send("W01", "2018-Y", dt.datetime(2018, 11, 5, tzinfo=LOCAL_ZONE))
    writer.send("W01", "2019-6M", dt.datetime(2019, 6, 5, tzinfo=LOCAL_ZONE), values={"I1": 9})
    session.commit()
    return writer


def test_on_time_and_arrival_are_the_first_versions(session, tiny_plan, filled):
    inputs = load.inputs(session, tiny_plan, calendar.period(tiny_plan, "2019-Q1"))
    loaded = inputs.submissions
    # 2018-Y is the report 2019-Q1 compares with a year earlier; the later 6M is not loaded.
    assert set(loaded["period"]) == {"2019-Q1", "2018-Y"}
    subs = loaded[loaded["period"] == "2019-Q1"].set_index("unit")
    assert subs.loc["W01", "version"] == 2 and bool(subs.loc["W01", "on_time"]) is True
    assert subs.loc["W01", "received_at"] == Q1_ON_TIME
    assert bool(subs.loc["W02", "on_time"]) is False
    assert subs.loc["W03", "open_findings"] == 2 and subs.loc["W03", "status"] == "invalid"
    q1_rows = inputs.task_rows[inputs.task_rows["period"] == "2019-Q1"]
    assert len(q1_rows) == 3 * 3  # current versions only
    assert inputs.papi_scores is not None and len(inputs.papi_scores) == 5


def test_the_previous_periods_of_the_year_are_loaded_for_the_change(session, tiny_plan, filled):
    period = calendar.period(tiny_plan, "2019-6M")
    inputs = load.inputs(session, tiny_plan, period, papi_scores=None, papi_targets=None)
    assert set(inputs.submissions["period"]) == {"2019-Q1", "2019-6M"}
    m = compute(tiny_plan, period, inputs)
    i1 = m.indicators.set_index("indicator").loc["I1"]
    assert (i1["value"], i1["previous_value"], i1["change"]) == (9, 10, -1)
    assert m.papi_context.empty


def _stored(session: Session) -> list[tuple]:
    table = schema.MetricValue
    return [
        tuple(row)
        for row in session.execute(
            select(
                table.id,
                table.period_code,
                table.unit_code,
                table.dimension_code,
                table.metric,
                table.value,
                table.computed_at,
            ).order_by(table.id)
        )
    ]


def test_persisting_twice_gives_the_same_rows(session, tiny_plan, filled):
    period = calendar.period(tiny_plan, "2019-Q1")
    metrics = compute(tiny_plan, period, load.inputs(session, tiny_plan, period))
    count = persist.persist(session, metrics)
    session.commit()
    first = _stored(session)
    assert len(first) == count > 0

    again = compute(tiny_plan, period, load.inputs(session, tiny_plan, period))
    assert persist.persist(session, again) == count
    session.commit()
    assert _stored(session) == first  # same ids, values and computed_at

    by_key = {(r[2], r[3], r[4]): r[5] for r in first}
    assert by_key[WHOLE, WHOLE, "reporting_rate"] == pytest.approx(3 / 11 * 100)
    assert by_key[WHOLE, WHOLE, "on_time_reporting_rate"] == pytest.approx(2 / 11 * 100)
    assert by_key[WHOLE, WHOLE, "reporting_rate:ward"] == pytest.approx(30.0)
    assert by_key["W01", WHOLE, "on_time"] == 1 and by_key["W02", WHOLE, "on_time"] == 0
    assert by_key["W04", WHOLE, "on_time"] is None
    assert by_key["W01", "D1", "implementation_index"] == pytest.approx(7.5)
    assert by_key[WHOLE, WHOLE, "indicator:I1:value"] == 10
    assert by_key[WHOLE, WHOLE, "left_out_reports:invalid"] == 1


def test_a_metric_that_no_longer_exists_is_removed(session, tiny_plan, filled):
    period = calendar.period(tiny_plan, "2019-Q1")
    persist.persist(session, compute(tiny_plan, period, load.inputs(session, tiny_plan, period)))
    session.commit()
    session.execute(
        update(schema.Submission)
        .where(
            schema.Submission.unit_code == "W02",
            schema.Submission.period_code == "2019-Q1",
        )
        .values(status=SubmissionStatus.INVALID)
    )
    persist.persist(session, compute(tiny_plan, period, load.inputs(session, tiny_plan, period)))
    session.commit()

    keys = {(r[2], r[3], r[4]): r[5] for r in _stored(session)}
    assert ("W02", "D1", "implementation_index") not in keys
    assert keys["W02", WHOLE, "counted"] == 0
    assert keys[WHOLE, WHOLE, "indicator:I1:value"] == 4
