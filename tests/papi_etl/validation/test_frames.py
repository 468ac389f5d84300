"""The frames GX validates: submissions' rows joined with the plan (pure pandas, no GX)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from papi_etl import forms
from papi_etl.forms.numbers import parse_date
from papi_etl.ingest import ingest
from papi_etl.plan import assignments, load
from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.sources.base import Received
from papi_etl.submission import IndicatorRow, Submission, TaskRow
from papi_etl.validation import evidence, frames
from papi_etl.workspace import open_workspace

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def _codes(frame: pd.DataFrame, column: str) -> list[str]:
    return frame[column].tolist()


# --- one submission ---------------------------------------------------------------------


def test_a_complete_report_is_one_row_per_row_sent(plan, make_submission):
    sent = make_submission("AL")
    built = frames.of_submission(plan, sent, submission_id=7)
    assert list(built.tasks.columns) == list(frames.TASK_COLUMNS)
    assert list(built.indicators.columns) == list(frames.INDICATOR_COLUMNS)
    assert _codes(built.tasks, "task") == [t.task for t in sent.tasks]
    assert _codes(built.indicators, "indicator") == [x.indicator for x in sent.indicators]
    assert built.tasks["row"].tolist() == [t.row for t in sent.tasks]
    for frame in (built.tasks, built.indicators):
        assert frame["present"].all() and frame["assigned"].all()
        assert set(frame["submission_id"]) == {7}
        assert set(frame["unit"]) == set(frame["row_unit"]) == {"AL"}
        assert set(frame["period"]) == set(frame["row_period"]) == {"2019-Q1"}
    assert set(built.tasks["sheet"]) == {"NhiemVu"}
    assert set(built.indicators["sheet"]) == {"ChiSo"}
    assert built.submission_ids == [7]


def test_dtypes_are_fixed_even_without_rows(plan):
    empty = frames.of_submission(plan, Submission("MTTQ", "2019-Q1", (), (), "json"))
    full = frames.of_submission(plan, Submission("AL", "2019-Q1", (), (), "json"))
    for a, b in ((empty.tasks, full.tasks), (empty.indicators, full.indicators)):
        assert a.dtypes.to_dict() == b.dtypes.to_dict()
    assert empty.indicators.empty
    assert empty.tasks["present"].tolist() == [False]  # MTTQ's one task, owed


def test_a_task_not_sent_is_a_row_of_its_own_at_the_end_in_the_plans_order(plan, make_submission):
    sent = make_submission("AL")
    dropped = (sent.tasks[1].task, sent.tasks[4].task)
    kept = tuple(t for t in sent.tasks if t.task not in dropped)
    built = frames.of_submission(plan, dataclasses.replace(sent, tasks=kept), 3)
    owed = built.tasks[~built.tasks["present"]]
    assert _codes(owed, "task") == list(dropped)
    assert owed["row"].tolist() == [0, 0]
    assert owed["assigned"].all()
    assert owed[["status", "result", "evidence"]].isna().all().all()
    assert owed["row_unit"].tolist() == ["AL", "AL"]
    assert built.tasks.index[~built.tasks["present"]].tolist() == [len(kept), len(kept) + 1]


def test_a_row_for_a_task_of_another_unit_is_not_assigned(plan, make_submission):
    sent = make_submission("AL")
    own = {t.code for t in assignments.tasks_of_unit(plan, "AL")}
    other = next(t.code for t in assignments.tasks(plan) if t.code not in own)
    extra = dataclasses.replace(sent.tasks[0], row=99, task=other)
    built = frames.of_submission(plan, dataclasses.replace(sent, tasks=(*sent.tasks, extra)))
    row = built.tasks[built.tasks["row"] == 99].iloc[0]
    assert (row["task"], bool(row["present"]), bool(row["assigned"])) == (other, True, False)


def test_evidence_is_split_into_number_and_date_and_blank_text_is_missing(plan):
    tasks = (
        TaskRow(1, "D1.01", "hoan_thanh", "Đã làm", "Số 12/BC-UBND ngày 05/03/2019"),
        TaskRow(2, "D1.02", "hoan_thanh", "  ", "Báo cáo ngày 31/02/2019"),
        TaskRow(3, "D1.03", "", "", ""),
    )
    built = frames.of_submission(plan, Submission("AL", "2019-Q1", tasks, (), "json")).tasks
    first, second, third = (built.iloc[i] for i in range(3))
    assert (first["evidence_number"], first["evidence_date"]) == (
        "12/BC-UBND",
        pd.Timestamp(2019, 3, 5),
    )
    assert pd.isna(second["evidence_number"]) and pd.isna(second["evidence_date"])
    assert pd.isna(second["result"])  # only spaces: nothing written
    assert third[["status", "result", "evidence", "difficulties"]].isna().all()


def test_a_row_keeps_the_unit_and_period_it_states_and_takes_the_files_otherwise(plan):
    tasks = (
        TaskRow(1, "D1.01", "hoan_thanh", unit="ALA", period="2019-6M"),
        TaskRow(2, "D1.02", "hoan_thanh"),
    )
    built = frames.of_submission(plan, Submission("AL", "2019-Q1", tasks, (), "json")).tasks
    assert built["row_unit"].tolist()[:2] == ["ALA", "AL"]
    assert built["row_period"].tolist()[:2] == ["2019-6M", "2019-Q1"]
    assert set(built["unit"]) == {"AL"}


def test_the_report_is_judged_as_the_unit_it_must_be(plan, make_submission):
    # `validate --unit PNV` on a ward's file: PNV's tasks are owed, the ward's not assigned.
    sent = dataclasses.replace(make_submission("AL"), unit="PNV")
    built = frames.of_submission(plan, sent).tasks
    pnv = {t.code for t in assignments.tasks_of_unit(plan, "PNV")}
    sent_rows = built[built["present"]]
    assert set(sent_rows["row_unit"]) == {"AL"} and set(sent_rows["unit"]) == {"PNV"}
    assert (sent_rows["assigned"] == sent_rows["task"].isin(pnv)).all()
    owed = set(built.loc[~built["present"], "task"])
    assert owed == pnv - set(sent_rows["task"])


def test_indicators_carry_the_plans_facts_and_the_previous_value(plan):
    rows = (
        IndicatorRow(1, "I1.01", 12.0),
        IndicatorRow(2, "I6.01", None, value_text="nhiều"),
        IndicatorRow(3, "I1.02", None, note="Không phát sinh"),
    )
    sent = Submission("AL", "2019-6M", (), rows, "json")
    built = frames.of_submission(plan, sent, 4, previous={"I1.01": 10.0}).indicators
    facts = {x.code: x for x in plan.indicators}
    first, second, third = (built.iloc[i] for i in range(3))
    assert first["value"] == 12.0 and first["previous_value"] == 10.0
    assert first["value_type"] == "count" and bool(first["cumulative"]) is True
    assert (first["range_min"], first["range_max"]) == (
        facts["I1.01"].range.min,
        facts["I1.01"].range.max,
    )
    assert math.isnan(second["value"]) and second["value_text"] == "nhiều"
    assert second["value_type"] == "percent" and bool(second["cumulative"]) is False
    assert bool(third["not_applicable"]) is True and pd.isna(third["value_text"])
    assert math.isnan(third["previous_value"])
    owed = built[~built["present"]]
    assert len(owed) == len(assignments.indicators_of_unit(plan, "AL")) - 3
    assert not owed["not_applicable"].any()


def test_combining_keeps_every_row_and_modifies_no_input(plan, make_submission):
    parts = [frames.of_submission(plan, make_submission(u), i) for i, u in enumerate(["AL", "PNV"])]
    copies = [(p.tasks.copy(), p.indicators.copy()) for p in parts]
    both = frames.combine(parts)
    assert len(both.tasks) == sum(len(p.tasks) for p in parts)
    assert both.submission_ids == [0, 1]
    for part, (tasks, indicators) in zip(parts, copies, strict=True):
        pd.testing.assert_frame_equal(part.tasks, tasks)
        pd.testing.assert_frame_equal(part.indicators, indicators)
    with pytest.raises(ValueError):
        frames.combine([])


def test_many_submissions_at_once_are_the_same_as_one_by_one(plan, make_submission):
    reports = {3: make_submission("AL"), 5: make_submission("PNV", period="2019-6M")}
    earlier = {5: {"I1.06": 2.0}}
    at_once = frames.of_submissions(plan, reports, earlier)
    one_by_one = frames.combine(
        [frames.of_submission(plan, s, sid, earlier.get(sid)) for sid, s in reports.items()]
    )
    pd.testing.assert_frame_equal(at_once.tasks, one_by_one.tasks)
    pd.testing.assert_frame_equal(at_once.indicators, one_by_one.indicators)
    pnv = at_once.indicators[at_once.indicators["submission_id"] == 5].set_index("indicator")
    assert pnv.loc["I1.06", "previous_value"] == 2.0


# --- evidence ---------------------------------------------------------------------------

EVIDENCE = [
    ("Số 12/BC-UBND ngày 05/03/2019", "12/BC-UBND", dt.date(2019, 3, 5)),
    ("Báo cáo số 45/BC-UBND ngày 5/3/2019; Kế hoạch số 3/KH-UBND ngày 02/01/2019", "45/BC-UBND",
     dt.date(2019, 3, 5)),
    ("Nghị định 09/2019/NĐ-CP ngày 24.01.2019", "09/2019/NĐ-CP", dt.date(2019, 1, 24)),
    ("Công văn số 123/UBND ngày 31/02/2019", "123/UBND", None),
    ("Quyết định số 7 / QĐ-PNV", "7/QĐ-PNV", None),
    ("Báo cáo ngày 05-03-2019", None, dt.date(2019, 3, 5)),
    ("đã thực hiện", None, None),
]  # fmt: skip


@pytest.mark.parametrize(("text", "number", "date"), EVIDENCE)
def test_an_evidence_reference_splits_into_number_and_date(text, number, date):
    assert evidence.split(text) == evidence.Reference(number, date)
    assert parse_date(text) == date


def test_the_vectorised_split_agrees_with_the_single_one():
    texts = pd.Series([t for t, _, _ in EVIDENCE] + [None])
    numbers = evidence.numbers(texts).tolist()
    dates = evidence.dates(texts).tolist()
    for (_, number, date), got_number, got_date in zip(EVIDENCE, numbers, dates, strict=False):
        assert (None if pd.isna(got_number) else got_number) == number
        assert (None if pd.isna(got_date) else got_date.date()) == date
    assert pd.isna(numbers[-1]) and pd.isna(dates[-1])


# --- a period from the store ------------------------------------------------------------


@pytest.fixture
def workspace(tmp_path, database_url):
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url)
    return open_workspace(settings, load(DEFAULT_PLAN))


def _store(workspace, submission: Submission, arrived: dt.datetime, tmp_path: Path) -> int:
    path = tmp_path / f"{submission.unit}-{submission.period}-{arrived:%H%M%S%f}.json"
    forms.write(submission, "json", path, workspace.plan)
    item = Received(path.read_bytes(), "inbox", path.name, arrived, claimed_unit=submission.unit)
    with workspace.sessions.begin() as session:
        return ingest(session, workspace.plan, item, workspace.data_dir).submission_id


def _with_value(submission: Submission, code: str, **changes) -> Submission:
    rows = tuple(
        dataclasses.replace(x, **changes) if x.indicator == code else x
        for x in submission.indicators
    )
    return dataclasses.replace(submission, indicators=rows)


def test_a_period_from_the_store_is_its_current_submissions(workspace, make_submission, tmp_path):
    plan = workspace.plan
    march = dt.datetime(2019, 3, 5, 9, tzinfo=HCM)
    first = _store(workspace, _with_value(make_submission("AL"), "I1.01", value=5.0), march,
                   tmp_path)  # fmt: skip
    second = _store(
        workspace,
        _with_value(make_submission("AL", result="Đã làm"), "I1.01", value=7.0),
        march + dt.timedelta(hours=1),
        tmp_path,
    )
    pnv = _store(workspace, make_submission("PNV"), march, tmp_path)
    with workspace.sessions() as session:
        q1 = frames.of_period(session, plan, "2019-q1")
        chosen = frames.of_period(session, plan, "2019-Q1", submission_ids=[first])
        with pytest.raises(ValueError, match="999"):
            frames.of_period(session, plan, "2019-Q1", submission_ids=[first, 999])
    assert q1.submission_ids == sorted([second, pnv])
    assert chosen.submission_ids == [first]
    assert q1.indicators["previous_value"].isna().all()  # Q1 is the year's first period
    # What the store gives is what the file gave.
    sent = make_submission("AL", result="Đã làm")
    expected = frames.of_submission(plan, sent, second).tasks
    got = q1.tasks[q1.tasks["submission_id"] == second].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected)


def test_the_previous_value_is_the_units_current_one_of_the_previous_period(
    workspace, make_submission, tmp_path
):
    plan = workspace.plan
    march, june = dt.datetime(2019, 3, 5, tzinfo=HCM), dt.datetime(2019, 6, 5, tzinfo=HCM)
    al_q1 = _with_value(make_submission("AL"), "I1.01", value=5.0)
    _store(workspace, al_q1, march, tmp_path)
    _store(workspace, _with_value(al_q1, "I1.01", value=9.0), march + dt.timedelta(1), tmp_path)
    half = make_submission("AL", period="2019-6M")
    half = _with_value(half, "I1.01", value=6.0)
    half = _with_value(half, "I1.03", value=None, value_text="nhiều", note="Đang cập nhật")
    half = _with_value(half, "I1.04", value=None, note="không phát sinh")
    _store(workspace, half, june, tmp_path)
    with workspace.sessions() as session:
        built = frames.of_period(session, plan, "2019-6M").indicators.set_index("indicator")
    assert built.loc["I1.01", "previous_value"] == 9.0  # the current Q1 version, not 5
    assert built.loc["I1.01", "value"] == 6.0
    # What was typed, not the unit's own note beside it.
    assert built.loc["I1.03", "value_text"] == "nhiều"
    assert built.loc["I1.03", "note"] == "Đang cập nhật"
    assert bool(built.loc["I1.04", "not_applicable"]) and pd.isna(built.loc["I1.04", "value_text"])
    assert set(built["row_unit"]) == {"AL"} and set(built["row_period"]) == {"2019-6M"}
