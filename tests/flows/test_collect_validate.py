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
    collected = collect(period="2019-Q1")
    checked = validate(period="2019-Q1")
    workspace = open_workspace(Settings(data_dir=data_dir), plan)
    with workspace.sessions() as session:
        statuses = session.scalars(select(schema.Submission.status)).all()
    assert collected["sources"][0]["new"] == len(statuses) > 20
    assert checked["invalid"] >= 1 and checked["valid"] >= 1
    assert checked["feedback"], "an invalid report gets its feedback workbook"
    docs = data_dir / "data-docs" / "2019-Q1" / "data-docs" / "index.html"
    assert checked["data_docs"] == str(docs.resolve()) and docs.is_file()
