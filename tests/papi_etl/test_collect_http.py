"""Collecting from a real HTTP API on 127.0.0.1: each run takes only what is new."""

from __future__ import annotations

import json

import pytest
from pydantic import SecretStr
from reliability_ledger import record
from sqlalchemy import func, select

from papi_etl import archive, forms
from papi_etl.collect import collect
from papi_etl.errors import ConfigurationError
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
        stored = session.get(schema.SourceCursor, source.name)
        assert stored.cursor == "3"


ACCOUNTS = {"al.binhtan": "AL", "btd.binhtan": "BTD", "old.account": "XYZ"}


@pytest.mark.reliability
def test_each_api_submission_is_vouched_for_by_its_account(
    workspace, tmp_path, httpserver, make_submission, caplog
):
    """The account that sent a submission (Kobo's `_submitted_by`) vouches for one unit:
    a body claiming another unit, an unknown account, a missing one, or a row of another
    unit inside the body is rejected, logged, and its bytes kept."""
    plan = workspace.plan

    def sent(number: int, unit: str, account: object) -> dict:
        result = _result(tmp_path, plan, make_submission, unit, number)
        if account is not None:
            result["_submitted_by"] = account
        return result

    mixed = sent(7, "AL", "al.binhtan")
    mixed["tasks"][0]["unit"] = "BTD"
    results = [
        sent(1, "AL", "al.binhtan"),  # its own report: taken
        sent(2, "BTD", "al.binhtan"),  # AL's account reporting for BTD
        sent(3, "AL", "mallory"),  # an account no unit has
        sent(4, "AL", None),  # no account at all
        sent(5, "AL", ["al.binhtan"]),  # an account that is not a name
        sent(6, "AL", "old.account"),  # mapped to a code the plan does not have
        mixed,  # AL's report with a row of BTD inside
        sent(8, "BTD", " btd.binhtan "),  # BTD's own, account padded
    ]
    body = {"count": len(results), "next": None, "previous": None, "results": results}
    url = httpserver.url_for("/api/v2/assets/a1/data/")
    httpserver.expect_request("/api/v2/assets/a1/data/").respond_with_json(body)
    source = HttpApiSource(url, SecretStr("s3cret"), accounts=ACCOUNTS, sleep=lambda _s: None)
    with caplog.at_level("WARNING", logger="papi_etl.ingest"):
        done = collect(workspace.sessions, plan, [source], workspace.data_dir)
    outcomes = [(item.file, item.outcome.value, item.rejection_code) for item in done.items]
    assert outcomes == [
        ("1.json", "new", None),
        ("2.json", "rejected", "wrong_unit"),
        ("3.json", "rejected", "unknown_sender"),
        ("4.json", "rejected", "unknown_sender"),
        ("5.json", "rejected", "unknown_sender"),
        ("6.json", "rejected", "unknown_unit_folder"),
        ("7.json", "rejected", "mixed_units"),
        ("8.json", "new", None),
    ]
    by_file = {item.file: item for item in done.items}
    assert "tài khoản 'al.binhtan' của đơn vị AL" in by_file["2.json"].reason_vi
    assert "'mallory'" in by_file["3.json"].reason_en
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert all(f"{n}.json" in logged for n in (2, 3, 4, 5, 6))
    with workspace.sessions() as session:
        raws = session.scalars(select(schema.RawFile)).all()
        assert len(raws) == len(results)
        for raw in raws:  # every byte kept, rejected or not
            assert archive.read(workspace.data_dir, raw.sha256)
        units = session.scalars(select(schema.Submission.unit_code)).all()
        assert sorted(units) == ["AL", "BTD"]
    record(
        "unit identity",
        "HTTP submissions for another unit, from unknown, missing or "
        "malformed accounts, or mixing units",
        6,
        "rejected, logged, bytes kept",
    )


def test_the_http_source_needs_the_accounts_of_the_units():
    settings = Settings(http_source_url="http://127.0.0.1:9/x/", http_source_token="t0ken")
    with pytest.raises(ConfigurationError, match="PAPI_HTTP_SOURCE_ACCOUNTS"):
        HttpApiSource.from_settings(settings)


def test_accounts_are_read_from_one_environment_variable(monkeypatch):
    monkeypatch.setenv("PAPI_HTTP_SOURCE_ACCOUNTS", " al.binhtan=AL, btd.binhtan = BTD ,")
    assert Settings().http_source_accounts == {"al.binhtan": "AL", "btd.binhtan": "BTD"}
    for bad in ("al.binhtan", "=AL", "a=AL,a=BTD"):
        monkeypatch.setenv("PAPI_HTTP_SOURCE_ACCOUNTS", bad)
        with pytest.raises(ValueError, match="account"):
            Settings()
