"""The steward's decision taken through a paused flow run, resumed with input as the UI's
Resume form does."""

import threading
import time

from prefect import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName
from prefect.flow_runs import resume_flow_run
from sqlalchemy import select

from flows.collect import collect
from flows.steward_review import steward_review
from flows.validate import validate
from papi_etl import calendar, synth
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.store import schema
from papi_etl.workspace import open_workspace


def _paused_run_id(name: str, timeout: float = 120.0):
    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            runs = client.read_flow_runs(
                flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[name]))
            )
            paused = [r for r in runs if r.state and r.state.is_paused()]
            if paused:
                return paused[0].id
            time.sleep(1)
    raise AssertionError(f"no paused run named {name!r}")


def test_the_steward_accepts_an_exception_from_a_paused_run(data_dir):
    plan = load(DEFAULT_PLAN)
    period = calendar.period(plan.plan, "2019-6M")
    reports = synth.build(plan.plan, synth.DEFAULT_SEED, [period], "json")
    synth.write(
        plan.plan, reports, data_dir / "inbox", "json", seed=synth.DEFAULT_SEED, clean=False
    )
    collect(period="2019-6M")
    validate(period="2019-6M")
    workspace = open_workspace(Settings(data_dir=data_dir), plan)
    with workspace.sessions() as session:
        finding = session.scalars(
            select(schema.Finding).where(schema.Finding.state == schema.FindingState.OPEN)
        ).first()
    result: dict = {}
    runner = threading.Thread(
        target=lambda: result.update(steward_review(period="2019-6M", wait_hours=1))
    )
    runner.start()
    run_id = _paused_run_id("steward review 2019-6M")
    resume_flow_run(
        run_id,
        run_input={
            "finding_ids": [finding.id],
            "reason": "Đơn vị đã giải trình bằng văn bản số 12/GT-UBND",
            "decided_by": "Nguyễn Văn A (Phòng Nội vụ)",
        },
    )
    runner.join(timeout=180)
    assert result["accepted"] == [finding.id]
    with workspace.sessions() as session:
        stored = session.get(schema.Finding, finding.id)
        assert stored.state == schema.FindingState.ACCEPTED
        (decision,) = stored.decisions
        assert decision.decided_by == "Nguyễn Văn A (Phòng Nội vụ)"
        assert decision.reason.startswith("Đơn vị đã giải trình")
