"""Collecting from a real HTTP API on 127.0.0.1: each run takes only what is new."""

from __future__ import annotations

import json

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from papi_etl import forms
from papi_etl.collect import collect
from papi_etl.ingest import Outcome
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.sources.http_api import HttpApiSource
from papi_etl.store import schema
from papi_etl.workspace import open_workspace


@pytest.fixture
def workspace(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", database_url=None)
    return open_workspace(settings, load(DEFAULT_PLAN))


def _result(tmp_path, plan, make_submission, unit: str, submission_id: int) -> dict:
    path = tmp_path / f"{unit}.json"
    forms.write(make_submission(unit), "json", path, plan)
    body = json.loads(path.read_text(encoding="utf-8"))
    return {
        **body,
        "_id": submission_id,
        "_uuid": f"uuid-{submission_id}",
        "_submission_time": "2019-03-05T02:00:00",
    }


def test_two_runs_fetch_each_submission_once(workspace, tmp_path, httpserver, make_submission):
    plan = workspace.plan
    results = [
        _result(tmp_path, plan, make_submission, unit, i) for i, unit in enumerate(["AL", "BTD"], 1)
    ]
    url = httpserver.url_for("/api/v2/assets/a1/data/")
    seen_queries: list[str] = []

    def handler(request):
        from werkzeug import Response

        seen_queries.append(request.args.get("query", ""))
        after = json.loads(request.args["query"])["_id"]["$gt"] if "query" in request.args else 0
        page = [r for r in results if r["_id"] > after]
        body = {"count": len(page), "next": None, "previous": None, "results": page}
        return Response(json.dumps(body), content_type="application/json")

    httpserver.expect_request("/api/v2/assets/a1/data/").respond_with_handler(handler)
    source = HttpApiSource(url, SecretStr("s3cret"), sleep=lambda _s: None)
    first = collect(workspace.sessions, plan, [source], workspace.data_dir)
    assert [i.outcome for i in first.items] == [Outcome.NEW, Outcome.NEW]
    results.append(_result(tmp_path, plan, make_submission, "PNV", 3))
    second = collect(workspace.sessions, plan, [source], workspace.data_dir)
    assert [(i.outcome, i.unit) for i in second.items] == [(Outcome.NEW, "PNV")]
    assert seen_queries[-1] == '{"_id":{"$gt":2}}'
    with workspace.sessions() as session:
        assert session.scalar(select(func.count()).select_from(schema.Submission)) == 3
        stored = session.get(schema.SourceCursor, (plan.id, source.name))
        assert stored.cursor == "3"
