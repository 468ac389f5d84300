"""Names from outside (a dropped file's name, an API item's id, a zip member) are data, never
paths: whatever they say, nothing is written outside the archive, the store and the
feedback folder, and a link cannot make a unit's folder vouch for a file elsewhere."""

from __future__ import annotations

import os

import pytest
from pydantic import SecretStr
from reliability_ledger import record
from sqlalchemy import select, update

from papi_etl import forms
from papi_etl.collect import collect
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.sources.http_api import HttpApiSource
from papi_etl.sources.inbox import InboxSource
from papi_etl.store import schema
from papi_etl.validation import feedback_files
from papi_etl.workspace import open_workspace

pytestmark = pytest.mark.reliability

NAMES = (
    "bao-cao\\..\\..\\evil.json",
    "\u2024\u2024\uff0fevil.json",  # one-dot leaders and a full-width solidus
    "-rf.json",
    "a\nb\r.json",
    "x" * 240 + ".json",
    "bao cáo (1) ' \" ; $(id).json",
)


@pytest.fixture
def workspace(tmp_path):
    return open_workspace(Settings(data_dir=tmp_path / "data"), load(DEFAULT_PLAN))


def _files(root):
    return {p for p in root.rglob("*") if p.is_file()}


def test_dropped_file_names_are_never_paths(workspace, tmp_path, make_submission):
    plan = workspace.plan
    inbox = tmp_path / "inbox"
    for number, name in enumerate(NAMES, start=1):
        report = make_submission("AL", result=f"Lần {number}")
        forms.write(report, "json", inbox / "AL" / name, plan)
    outside = tmp_path / "outside.json"  # a file of the server, linked into a unit's folder
    forms.write(make_submission("AL", result="ngoài"), "json", outside, plan)
    os.symlink(outside, inbox / "AL" / "link.json")
    os.symlink(tmp_path, inbox / "AL" / "up")
    before = _files(tmp_path)
    done = collect(workspace.sessions, plan, [InboxSource(inbox)], workspace.data_dir)
    assert sorted(item.file for item in done.items) == sorted(f"AL/{name}" for name in NAMES)
    with workspace.sessions.begin() as session:  # the last version invalid: its feedback
        session.execute(
            update(schema.Submission)
            .where(schema.Submission.status == schema.SubmissionStatus.RECEIVED)
            .values(status=schema.SubmissionStatus.INVALID)
        )
        names = set(session.scalars(select(schema.RawFile.original_name)))
    assert names == {f"AL/{name}" for name in NAMES}  # kept as given, as data
    written = feedback_files.write_for_period(
        workspace.sessions, plan, "2019-Q1", workspace.data_dir
    )
    feedback = workspace.data_dir / "feedback" / "2019-Q1"
    assert written == [feedback / "AL_2019-Q1_v6_phan-hoi.xlsx"]
    data = workspace.data_dir
    for path in _files(tmp_path) - before:
        assert (
            path.is_relative_to(data / "raw")
            or path.is_relative_to(data / "feedback")
            or (path.parent == data and path.name.startswith("papi.sqlite3"))
        ), path
    record(
        "path traversal",
        "dropped file names (../, backslashes, lookalikes, long, newline, "
        "shell characters) and links out of a unit's folder",
        len(NAMES) + 2,
        "names kept as data; nothing written outside raw/, feedback/, the store; links not taken",
    )


def test_api_items_are_named_by_their_integer_id_only(
    workspace, httpserver, make_submission, tmp_path
):
    plan = workspace.plan
    path = tmp_path / "al.json"
    forms.write(make_submission("AL"), "json", path, plan)
    import json

    body = json.loads(path.read_text(encoding="utf-8"))
    results = [
        {**body, "_id": "../../../etc/passwd", "_submitted_by": "al", "_uuid": "../x"},
        {
            **body,
            "_id": 7,
            "_submitted_by": "al",
            "filename": "../../evil.json",
            "_attachments": [{"filename": "/etc/passwd"}],
        },
    ]
    httpserver.expect_request("/data/").respond_with_json(
        {"count": 2, "next": None, "previous": None, "results": results}
    )
    source = HttpApiSource(
        httpserver.url_for("/data/"), SecretStr("t"), accounts={"al": "AL"}, sleep=lambda _s: None
    )
    before = _files(tmp_path)
    done = collect(workspace.sessions, plan, [source], workspace.data_dir)
    assert [item.file for item in done.items] == ["no-id.json", "7.json"]
    assert all(p.is_relative_to(workspace.data_dir) for p in _files(tmp_path) - before)
    record(
        "path traversal",
        "API items with path-like _id, _uuid, filename, attachments",
        2,
        "named by their integer _id only",
    )
