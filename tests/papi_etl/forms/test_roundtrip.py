"""Any valid filling written in any form reads back as the same, normalised, submission."""

from __future__ import annotations

import tempfile
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from papi_etl import calendar, forms
from papi_etl.forms.numbers import format_number
from papi_etl.plan import assignments, load
from papi_etl.schema import TaskStatus
from papi_etl.settings import DEFAULT_PLAN
from papi_etl.submission import IndicatorRow, Submission, TaskRow

PLAN = load(DEFAULT_PLAN).plan
LETTERS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
)
ALPHABET = LETTERS + LETTERS.upper() + "0123456789 ,.;:/()-=%\"'\n"
UNREADABLE = ["nhiều", "khoảng 10", "chưa có số liệu", "1,2,3"]


def _typed_text() -> st.SearchStrategy[tuple[str, str]]:
    """(as typed, as it must read back): Vietnamese, sometimes NFD, with spaces around."""
    return st.builds(
        lambda text, nfd, pad: (
            (" " * pad) + (unicodedata.normalize("NFD", text) if nfd else text) + (" " * pad),
            unicodedata.normalize("NFC", text).strip(),
        ),
        st.text(ALPHABET, max_size=40),
        st.booleans(),
        st.integers(0, 2),
    )


def _typed_code(code: str) -> st.SearchStrategy[str]:
    return st.sampled_from([code, code.lower(), f"  {code.lower()} ", f"{code} "])


_STATUS = st.sampled_from(
    [(s.value, s.value) for s in TaskStatus]
    + [(s.label_vi, s.value) for s in TaskStatus]
    + [(s.label_vi.upper(), s.value) for s in TaskStatus]
    + [(unicodedata.normalize("NFD", s.label_vi.lower()), s.value) for s in TaskStatus]
    + [("", ""), ("xong", "xong")]
)
# Excel (and openpyxl) keep 15 significant digits, as many as an official can type.
_NUMBER = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False).map(
    lambda x: float(f"{x:.15g}")
)
# (value, value_text) as given to write, and (value, value_text) as it must read back.
_VALUE = st.one_of(
    _NUMBER.map(lambda x: ((x, ""), (x, ""))),
    _NUMBER.map(lambda x: ((None, format_number(x)), (x, ""))),
    st.integers(0, 100).map(lambda x: ((None, f"{x}%"), (float(x), ""))),
    st.sampled_from(UNREADABLE).map(lambda t: ((None, t), (None, t))),
    st.just(((None, ""), (None, ""))),
)


@st.composite
def fillings(draw) -> tuple[Submission, Submission]:
    """A submission as a unit might fill it, and what reading it must give."""
    unit = draw(
        st.sampled_from([u for u in PLAN.units if assignments.indicators_of_unit(PLAN, u.code)])
    )
    period = draw(st.sampled_from(calendar.periods(PLAN)))
    task_codes = [t.code for t in assignments.tasks_of_unit(PLAN, unit.code)]
    indicator_codes = [x.code for x in assignments.indicators_of_unit(PLAN, unit.code)]
    typed_unit, typed_period = draw(_typed_code(unit.code)), draw(_typed_code(period.code))
    given_tasks, read_tasks = [], []
    for code in draw(st.lists(st.sampled_from(task_codes), unique=True, min_size=1, max_size=6)):
        status, status_key = draw(_STATUS)
        texts = [draw(_typed_text()) for _ in range(4)]
        given_tasks.append(
            TaskRow(0, draw(_typed_code(code)), status, *(typed for typed, _ in texts))
        )
        read_tasks.append(
            TaskRow(0, code, status_key, *(read for _, read in texts), unit.code, period.code)
        )
    given_indicators, read_indicators = [], []
    for code in draw(st.lists(st.sampled_from(indicator_codes), unique=True, max_size=6)):
        (value, value_text), (read_value, read_text) = draw(_VALUE)
        note, read_note = draw(_typed_text())
        given_indicators.append(IndicatorRow(0, draw(_typed_code(code)), value, value_text, note))
        read_indicators.append(
            IndicatorRow(0, code, read_value, read_text, read_note, unit.code, period.code)
        )
    given = Submission(typed_unit, typed_period, tuple(given_tasks), tuple(given_indicators), "")
    expected = Submission(unit.code, period.code, tuple(read_tasks), tuple(read_indicators), "")
    return given, expected


def _without_rows(submission: Submission) -> Submission:
    return replace(
        submission,
        tasks=tuple(replace(t, row=0) for t in submission.tasks),
        indicators=tuple(replace(x, row=0) for x in submission.indicators),
        form="",
    )


@pytest.mark.parametrize("form", forms.FORMS)
@settings(max_examples=25, deadline=None)
@given(filling=fillings())
def test_a_filling_round_trips(form, filling):
    given_submission, expected = filling
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"report.{form}"
        forms.write(given_submission, form, path, PLAN)
        read = forms.read(path.read_bytes(), path.name, PLAN)
    assert read.form == form
    assert _without_rows(read) == expected


def test_rows_are_numbered_where_they_stand_in_each_form(plan, tmp_path):
    submission = Submission(
        "AL",
        "2019-Q1",
        (TaskRow(0, "D1.01", "hoan_thanh", "một\nhai"), TaskRow(0, "D1.02", "")),
        (IndicatorRow(0, "I1.01", 5.0),),
        "",
    )
    numbers = {}
    for form in forms.FORMS:
        forms.write(submission, form, tmp_path / f"r.{form}", plan)
        read = forms.read((tmp_path / f"r.{form}").read_bytes(), f"r.{form}", plan)
        numbers[form] = ([t.row for t in read.tasks], [x.row for x in read.indicators])
    assert numbers == {
        "xlsx": ([10, 11], [10]),
        "csv": ([2, 4], [5]),  # the first task's result spans lines 2 and 3
        "json": ([1, 2], [1]),
    }


def test_an_unknown_form_is_refused(plan, tmp_path):
    with pytest.raises(ValueError, match="xlsx, csv, json"):
        forms.write(Submission("AL", "2019-Q1", (), (), ""), "ods", tmp_path / "r.ods", plan)
