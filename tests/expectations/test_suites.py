"""The suites built from the plan: one rule per expectation, everything a finding needs in
its meta, columns the frames have, one suite for every period."""

from __future__ import annotations

import unicodedata

import pytest

import expectations
from expectations import suites
from papi_etl.schema import INDICATOR_SHEET, TASK_SHEET, TaskStatus
from papi_etl.synth import districts
from papi_etl.validation.frames import INDICATOR_COLUMNS, TASK_COLUMNS

FRAME_COLUMNS = {suites.TASKS: TASK_COLUMNS, suites.INDICATORS: INDICATOR_COLUMNS}
SHEETS = {suites.TASKS: TASK_SHEET, suites.INDICATORS: INDICATOR_SHEET}


@pytest.fixture(scope="module")
def built(plan):
    return expectations.build(plan)


def _expectations(built):
    return [(suite, e) for suite in built for e in suite.expectations]


def test_two_suites_named_for_the_plan(plan, built):
    assert [s.name for s in built] == [f"{plan.id}.tasks", f"{plan.id}.indicators"]
    assert [s.meta["frame"] for s in built] == [suites.TASKS, suites.INDICATORS]


def test_each_expectation_is_one_rule_with_its_place_and_messages(built):
    for suite in built:
        rules = [e.meta["rule"] for e in suite.expectations]
        assert len(rules) == len(set(rules)), suite.name
        for e in suite.expectations:
            meta = e.meta
            assert set(meta) == {
                "rule", "sheet", "field", "value", "message_vi", "message_en", "hint"
            }  # fmt: skip
            assert meta["sheet"] == SHEETS[suite.meta["frame"]]
            assert meta["value"] is None or meta["value"] in FRAME_COLUMNS[suite.meta["frame"]]


def test_templates_name_only_what_the_runner_fills(built):
    for _, e in _expectations(built):
        for key in ("field", "message_vi", "message_en", "hint"):
            assert suites.template_names(e.meta[key]) <= suites.PLACEHOLDERS, (e.meta, key)


def test_vietnamese_texts_are_nfc_with_diacritics(built):
    for _, e in _expectations(built):
        for key in ("message_vi", "hint"):
            text = e.meta[key]
            assert unicodedata.normalize("NFC", text) == text
            assert any(ord(c) > 127 for c in text), text
        assert e.meta["message_en"].isascii() or "–" in e.meta["message_en"]


def test_expectations_name_only_columns_of_their_frame(built):
    for suite, e in _expectations(built):
        columns = set(FRAME_COLUMNS[suite.meta["frame"]])
        kwargs = e.configuration.kwargs
        named = [kwargs.get(k) for k in ("column", "column_A", "column_B")]
        named += kwargs.get("column_list") or []
        assert {c for c in named if c} <= columns, e.meta["rule"]


def test_the_allowed_statuses_are_the_four_of_the_forms(built):
    (allowed,) = [e for _, e in _expectations(built) if e.meta["rule"] == "status_allowed"]
    assert allowed.configuration.kwargs["value_set"] == [s.value for s in TaskStatus]


def test_the_period_span_is_a_parameter_so_one_suite_serves_every_period(built):
    (dates,) = [e for _, e in _expectations(built) if e.meta["rule"] == "evidence_date_in_period"]
    kwargs = dates.configuration.kwargs
    assert kwargs["min_value"] == {"$PARAMETER": suites.PERIOD_STARTS}
    assert kwargs["max_value"] == {"$PARAMETER": suites.PERIOD_ENDS}


def test_plan_words_are_filled_in_when_built(plan, built):
    (unassigned,) = [e for _, e in _expectations(built) if e.meta["rule"] == "task_not_assigned"]
    assert plan.document.number in unassigned.meta["message_vi"]
    assert "Phòng Nội vụ" in unassigned.meta["hint"]


def test_a_city_s_districts_share_their_suites_and_another_document_does_not(plan):
    copy = districts.district_plan(plan, 7, wards=4)
    assert suites.signature(copy) == suites.signature(plan)
    renamed = plan.model_copy(
        update={"document": plan.document.model_copy(update={"number": "99/KH-UBND"})}
    )
    assert suites.signature(renamed) != suites.signature(plan)
