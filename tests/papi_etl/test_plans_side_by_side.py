"""Two districts' plans in one store and one data dir, on SQLite and PostgreSQL: neither
sees the other's submissions, rejections, findings, metrics, reports or API position; the
city's plan, with both as children, rolls their metrics up."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from databases_for_tests import district_metric
from pydantic import SecretStr
from sqlalchemy import func, select
from werkzeug import Request, Response

from expectations.period import validate_period
from papi_etl import archive, calendar, forms, steward, synth
from papi_etl.collect import collect
from papi_etl.metrics.period import compute_and_store
from papi_etl.metrics.rollup import roll_up_and_store
from papi_etl.plan import LoadedPlan, load
from papi_etl.report import rollup as rollup_files
from papi_etl.report.produce import produce
from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.sources.http_api import HttpApiSource
from papi_etl.sources.inbox import InboxSource
from papi_etl.store import schema
from papi_etl.synth import districts
from papi_etl.validation import feedback_files
from papi_etl.workspace import REPORTS, Workspace, open_workspace

PERIOD = "2019-Q1"
SHARED_UNIT = "P01"  # a ward code both districts have


@pytest.fixture(scope="module")
def plans(tmp_path_factory) -> dict[str, LoadedPlan]:
    """district-001 and district-002 (copies of the bundled plan) and their city's plan,
    plus a third child of the city that never reports: as plan files, loaded."""
    folder = tmp_path_factory.mktemp("plans")
    base = load(DEFAULT_PLAN).plan
    made = {}
    for number in (1, 2, 3):
        plan = districts.district_plan(base, number)
        made[plan.id] = load(districts.write_plan(plan, base, folder / f"{plan.id}.yaml"))
    city = districts.city_plan(base, list(made))
    made[city.id] = load(districts.write_plan(city, base, folder / districts.CITY_FILE))
    return made


def _workspaces(tmp_path: Path, database_url: str, plans) -> dict[str, Workspace]:
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url)
    return {plan_id: open_workspace(settings, loaded) for plan_id, loaded in plans.items()}


def _count(workspace: Workspace, model, *where) -> int:
    with workspace.sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_two_districts_in_one_store_neither_sees_the_other(tmp_path, database_url, plans):
    spaces = _workspaces(tmp_path, database_url, plans)
    one, two = spaces["district-001"], spaces["district-002"]
    inbox = tmp_path / "data" / "inbox"  # shared: a folder per plan id
    for seed, space in ((1, one), (2, two)):
        period = calendar.period(space.plan, PERIOD)
        reports = synth.build(space.plan, seed, [period], "json")
        synth.write(space.plan, reports, inbox / space.plan.id, "json", seed=seed, clean=False)
    # The same bytes reach both districts (a ward's file, copied): each takes it in.
    sent = next((inbox / "district-001" / SHARED_UNIT).iterdir())
    shutil.copy2(sent, inbox / "district-002" / SHARED_UNIT / sent.name)

    taken = {}
    for space in (one, two):
        assert space.inbox() == inbox / space.plan.id
        source = InboxSource(space.inbox())
        taken[space.plan.id] = collect(space.sessions, space.plan, [source], space.data_dir)
    assert all(item.outcome != "duplicate" for t in taken.values() for item in t.items)
    shared = archive.digest(sent.read_bytes())
    with one.sessions() as session:
        owners = session.scalars(
            select(schema.RawFile.plan_id).where(schema.RawFile.sha256 == shared)
        ).all()
    assert sorted(owners) == ["district-001", "district-002"]

    for space in (one, two):
        plan_id = space.plan.id
        files = [i for i in taken[plan_id].items if i.outcome in ("new", "superseded")]
        assert _count(space, schema.Submission, schema.Submission.plan_id == plan_id) == len(files)
        assert _count(space, schema.RawFile, schema.RawFile.plan_id == plan_id) == len(
            taken[plan_id].items
        )
        validate_period(space.sessions, space.plan, PERIOD)
        feedback_files.write_for_period(space.sessions, space.plan, PERIOD, space.data_dir)

    with one.sessions() as session:
        queue = {
            p: steward.open_findings(session, s.plan, PERIOD) for p, s in (("1", one), ("2", two))
        }
        plan_of = dict(
            session.execute(select(schema.Submission.id, schema.Submission.plan_id)).all()
        )
    assert queue["1"] and queue["2"], "each synthetic district has reports with errors"
    assert {plan_of[f.submission_id] for f in queue["1"]} == {"district-001"}
    assert {plan_of[f.submission_id] for f in queue["2"]} == {"district-002"}
    feedback = tmp_path / "data" / "feedback"
    assert sorted(p.name for p in feedback.iterdir()) == ["district-001", "district-002"]
    theirs = queue["2"][0]
    with one.sessions.begin() as session, pytest.raises(steward.UnknownSubmissionError):
        steward.accept(session, one.plan, theirs.submission_id, theirs.finding_id, "Lý do.", "A")

    computed = {}
    for space in (one, two):
        computed[space.plan.id], _ = compute_and_store(space.sessions, space.plan, PERIOD)
        with space.sessions.begin() as session:
            produced = produce(session, space.plan, PERIOD, space.files(REPORTS))
        assert produced.folder == tmp_path / "data" / "reports" / space.plan.id / PERIOD / "v1"
        facts = json.loads(produced.paths["json"].read_text(encoding="utf-8"))["facts"]
        assert str(computed[space.plan.id].received) in json.dumps(facts, ensure_ascii=False)
    for plan_id, metrics in computed.items():
        units = {
            item.unit for item in taken[plan_id].items if item.outcome in ("new", "superseded")
        }
        assert (metrics.expected, metrics.received) == (26, len(units))
        with one.sessions() as session:
            assert district_metric(session, plan_id, PERIOD, "received_reports") == len(units)
    assert _count(one, schema.Report) == 2

    rolled, _ = roll_up_and_store(spaces["city"].sessions, spaces["city"].plan, PERIOD)
    assert list(rolled.districts["plan"].sort_values()) == ["district-001", "district-002"]
    assert rolled.not_consolidated == ("district-003",)
    assert rolled.expected == 52
    assert rolled.received == sum(m.received for m in computed.values())
    assert rolled.on_time == sum(m.on_time for m in computed.values())
    assert rolled.reporting_rate == pytest.approx(100 * rolled.received / 52)
    indexes = [m.implementation_index_overall for m in computed.values()]
    assert rolled.implementation_index == pytest.approx(sum(indexes) / 2)
    best = max(computed, key=lambda p: computed[p].implementation_index_overall)
    assert rolled.districts.loc[rolled.districts["rank"] == 1, "plan"].item() == best
    assert set(rolled.districts["name"]) == {"Mô phỏng 001", "Mô phỏng 002"}
    with one.sessions() as session:
        ranks = dict(
            session.execute(
                select(schema.MetricValue.unit_code, schema.MetricValue.value).where(
                    schema.MetricValue.plan_id == "city",
                    schema.MetricValue.metric == "district_rank",
                )
            ).all()
        )
    assert ranks[best] == 1 and len(ranks) == 2
    city = spaces["city"]
    files = rollup_files.write(rolled, city.plan.document.district, city.files(REPORTS))
    table = files["md"].read_text(encoding="utf-8")
    assert f"| 1 | {best} |" in table and "| district-003 | chưa tổng hợp |" in table
    assert f"| Báo cáo đã nhận | {rolled.received}/52 |" in table


def test_two_plans_reading_one_api_keep_their_own_place(
    tmp_path, database_url, plans, server, make_submission
):
    """The cursor of a source is the plan's: the second plan reads the API from its start."""
    spaces = _workspaces(tmp_path, database_url, plans)
    sent = dataclasses.replace(make_submission("AL"), unit=SHARED_UNIT)
    path = tmp_path / "sent.json"
    forms.write(sent, "json", path, spaces["district-001"].plan)
    item = {**json.loads(path.read_text(encoding="utf-8")), "_id": 7}
    item["_submission_time"] = "2019-03-05T02:00:00"
    queries: list[str | None] = []

    def page(request: Request) -> Response:
        queries.append(request.args.get("query"))
        body = {"count": 1, "next": None, "previous": None, "results": [item]}
        return Response(json.dumps(body), content_type="application/json")

    server.expect_request("/api/v2/assets/a1/data/").respond_with_handler(page)
    url = server.url_for("/api/v2/assets/a1/data/")
    for plan_id in ("district-001", "district-002"):
        space = spaces[plan_id]
        source = HttpApiSource(url, SecretStr("token"), sleep=lambda _s: None)
        done = collect(space.sessions, space.plan, [source], space.data_dir)
        assert [(i.outcome, i.unit) for i in done.items] == [("new", SHARED_UNIT)]
    assert queries == [None, None]
    with spaces["city"].sessions() as session:
        cursors = session.execute(
            select(schema.SourceCursor.plan_id, schema.SourceCursor.cursor).order_by(
                schema.SourceCursor.plan_id
            )
        ).all()
    assert [tuple(c) for c in cursors] == [("district-001", "7"), ("district-002", "7")]
