"""The JSON form and its published schema agree with the reader."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from papi_etl import forms
from papi_etl.forms import RejectedSubmission, RejectionCode
from papi_etl.submission import IndicatorRow, Submission, TaskRow

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[3] / "docs" / "submission-json-schema.json").read_text(
        encoding="utf-8"
    )
)
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
GOOD = {
    "unit": "AL",
    "period": "2019-Q1",
    "tasks": [{"task": "D1.01", "status": "Hoàn thành", "result": 12, "evidence": None}],
    "indicators": [
        {"indicator": "I1.01", "value": 12},
        {"indicator": "I1.08", "value": "85%", "note": ""},
        {"indicator": "I1.02", "value": None, "note": "không phát sinh"},
    ],
}


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_a_good_file_matches_the_schema_and_reads(plan):
    assert not list(VALIDATOR.iter_errors(GOOD))
    submission = forms.read(json.dumps(GOOD).encode(), "AL.json", plan)
    assert submission.tasks == (
        TaskRow(1, "D1.01", "hoan_thanh", "12", "", "", "", "AL", "2019-Q1"),
    )
    assert [(x.row, x.value) for x in submission.indicators] == [(1, 12.0), (2, 85.0), (3, None)]


@pytest.mark.parametrize(
    "broken",
    [
        {k: v for k, v in GOOD.items() if k != "indicators"},
        GOOD | {"unit": 7},
        GOOD | {"tasks": {}},
        GOOD | {"tasks": ["D1.01"]},
        GOOD | {"indicators": [{"indicator": "I1.01", "value": True}]},
        GOOD | {"indicators": [{"indicator": "I1.01", "value": [1]}]},
        GOOD | {"tasks": [{"task": "D1.01", "result": {"a": 1}}]},
    ],
)
def test_what_the_schema_refuses_the_reader_refuses(plan, broken):
    assert list(VALIDATOR.iter_errors(broken))
    with pytest.raises(RejectedSubmission) as raised:
        forms.read(json.dumps(broken).encode(), "AL.json", plan)
    assert raised.value.code == RejectionCode.BAD_JSON


def test_a_written_json_matches_the_schema(plan, tmp_path):
    submission = Submission(
        "AL",
        "2019-Q1",
        (TaskRow(0, "D1.01", "hoan_thanh", "Đã tổ chức"),),
        (IndicatorRow(0, "I1.01", 12.0), IndicatorRow(0, "I1.02", None, "nhiều")),
        "",
    )
    forms.write(submission, "json", tmp_path / "AL.json", plan)
    text = (tmp_path / "AL.json").read_text(encoding="utf-8")
    assert "Đã tổ chức" in text  # Vietnamese as is, not \\u-escaped
    written = json.loads(text)
    assert not list(VALIDATOR.iter_errors(written))
    assert written["indicators"] == [
        {"indicator": "I1.01", "value": 12, "note": ""},
        {"indicator": "I1.02", "value": "nhiều", "note": ""},
    ]


def test_a_json_sent_under_another_name_is_found_by_its_content(plan):
    assert forms.read(json.dumps(GOOD).encode("utf-8-sig"), "upload.bin", plan).form == "json"
