import json

from prefect.artifacts import Artifact
from sqlalchemy import select

from flows.collect import collect
from flows.validate import validate
from papi_etl import calendar, synth
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.store import schema
from papi_etl.workspace import open_workspace


def test_collect_then_validate_a_period(data_dir):
    plan = load(DEFAULT_PLAN)
    period = calendar.period(plan.plan, "2019-Q1")
    reports = synth.build(plan.plan, synth.DEFAULT_SEED, [period], "json")
    synth.write(
        plan.plan, reports, data_dir / "inbox", "json", seed=synth.DEFAULT_SEED, clean=False
    )
    collected = collect(period="2019-Q1", answer=False)
    assert "validated" not in collected, "run_period validates the whole period next"
    checked = validate(period="2019-Q1")
    workspace = open_workspace(Settings(data_dir=data_dir), plan)
    with workspace.sessions() as session:
        statuses = session.scalars(select(schema.Submission.status)).all()
    assert collected["sources"][0]["new"] == len(statuses) > 20
    assert checked["invalid"] >= 1 and checked["valid"] >= 1
    assert checked["feedback"], "an invalid report gets its feedback workbook"
    docs = data_dir / "data-docs" / "2019-Q1" / "data-docs" / "index.html"
    assert checked["data_docs"] == str(docs.resolve()) and docs.is_file()
    # The operator's table says each unit's status as officials do, not as the store keeps it.
    table = json.loads(Artifact.get(f"reporting-status-{plan.plan.id}-2019-q1").data)
    shown = {row["Trạng thái / status"] for row in table}
    assert {"Hợp lệ", "Còn lỗi chưa xử lý"} <= shown
    assert shown <= {s.label_vi for s in schema.SubmissionStatus} | {""}


def test_a_scheduled_collect_answers_what_is_new(data_dir):
    """The every-2-hours collection validates and answers new reports itself: a report that
    came through the API is not left unchecked until the period is consolidated."""
    plan = load(DEFAULT_PLAN)
    period = calendar.period(plan.plan, "2019-6M")
    reports = synth.build(plan.plan, synth.DEFAULT_SEED, [period], "json")
    synth.write(
        plan.plan, reports, data_dir / "inbox", "json", seed=synth.DEFAULT_SEED, clean=False
    )
    first = collect(period="2019-6M")
    checked = first["validated"]["2019-6M"]
    sent = sum(1 for r in reports if not r.missing)
    assert checked["valid"] + checked["invalid"] == sent and checked["invalid"] >= 1
    assert first["told"] == 0 and len(first["not_told"]) == sent  # no SMTP or webhook here
    again = collect(period="2019-6M")
    assert again["validated"] == {} and again["not_told"] == []
