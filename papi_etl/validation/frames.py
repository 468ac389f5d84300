"""The frames validation checks: submissions' rows joined with what the plan expects.

Great Expectations checks columns of a frame, so every fact a rule needs is put beside the
row it judges here, by plain pandas joins (no rule is decided here; the rules are the
expectations of `expectations/`):

tasks (one row per row of sheet NhiemVu, plus one per task the unit must report but did not,
with `present` False and `row` 0)
    submission_id, unit, period       the submission's: who must report, for which period
    row_unit, row_period              as written in the row (a row that gives none: the file's)
    sheet, row                        where the row is in the file (row 0: not in it)
    task, status, result, evidence, difficulties, proposals   as sent; blank is missing (NaN)
    evidence_number, evidence_date    the first document the evidence cites, split
    present, assigned                 sent; the plan makes the unit report the task

indicators (one row per row of sheet ChiSo, plus one per indicator owed and not sent)
    submission_id, unit, period, row_unit, row_period, sheet, row, indicator
    value                             the number (NaN when blank or not a number)
    value_text                        the value as typed when it is not a number, else NaN
    note, not_applicable              the note; "không phát sinh" written for a blank value
    present, assigned
    value_type, range_min, range_max  from the plan (NaN for a code the plan lacks)
    cumulative                        the indicator accumulates over the year's periods
    previous_value                    the unit's current value in the previous period of
                                      the same year (NaN for the year's first period)

Blank text is missing (NaN), so that "not null" means "filled in". Input frames are never
modified. Built by

    of_submission(plan, submission, submission_id=0, previous=None)   one file, not stored
    of_submissions(plan, {submission_id: submission}, previous=None)  several files at once
    of_period(session, plan, period_code, submission_ids=None)        from the store
    combine([frames, ...])                                            several as one
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from papi_etl import calendar
from papi_etl.plan import assignments
from papi_etl.plan.model import PeriodAggregation, Plan
from papi_etl.schema import (
    ASSIGNED,
    CUMULATIVE,
    DIFFICULTIES,
    EVIDENCE,
    EVIDENCE_DATE,
    EVIDENCE_NUMBER,
    INDICATOR,
    INDICATOR_SHEET,
    NOT_APPLICABLE,
    NOTE,
    PERIOD,
    PRESENT,
    PREVIOUS_VALUE,
    PROPOSALS,
    RANGE_MAX,
    RANGE_MIN,
    RESULT,
    ROW,
    ROW_PERIOD,
    ROW_UNIT,
    SHEET,
    STATUS,
    SUBMISSION_ID,
    TASK,
    TASK_SHEET,
    UNIT,
    VALUE,
    VALUE_TEXT,
    VALUE_TYPE,
)
from papi_etl.store import schema as store
from papi_etl.submission import Submission
from papi_etl.validation import evidence

TASK_COLUMNS = (
    SUBMISSION_ID,
    UNIT,
    PERIOD,
    ROW_UNIT,
    ROW_PERIOD,
    SHEET,
    ROW,
    TASK,
    STATUS,
    RESULT,
    EVIDENCE,
    EVIDENCE_NUMBER,
    EVIDENCE_DATE,
    DIFFICULTIES,
    PROPOSALS,
    PRESENT,
    ASSIGNED,
)
INDICATOR_COLUMNS = (
    SUBMISSION_ID,
    UNIT,
    PERIOD,
    ROW_UNIT,
    ROW_PERIOD,
    SHEET,
    ROW,
    INDICATOR,
    VALUE,
    VALUE_TEXT,
    NOTE,
    NOT_APPLICABLE,
    PRESENT,
    ASSIGNED,
    VALUE_TYPE,
    RANGE_MIN,
    RANGE_MAX,
    CUMULATIVE,
    PREVIOUS_VALUE,
)
TASK_KEY = (SUBMISSION_ID, ROW, TASK)
"""Identifies a row of the tasks frame (a missing task has row 0 and its own code)."""
INDICATOR_KEY = (SUBMISSION_ID, ROW, INDICATOR)

_TASK_TEXT = (TASK, STATUS, RESULT, EVIDENCE, DIFFICULTIES, PROPOSALS, ROW_UNIT, ROW_PERIOD)
_INDICATOR_TEXT = (INDICATOR, VALUE_TEXT, NOTE, ROW_UNIT, ROW_PERIOD)
_SUBMISSIONS = (SUBMISSION_ID, UNIT, PERIOD)
_ORDER = "_order"
_PLAN = "_plan"  # which plan a submission is of, while the frames of several are built


@dataclass(frozen=True, eq=False)
class Frames:
    """What one validation run checks: the plan the frames were joined with, and the frames
    (columns in the module docstring; TASK_COLUMNS, INDICATOR_COLUMNS)."""

    plan: Plan
    tasks: pd.DataFrame
    indicators: pd.DataFrame

    @property
    def submission_ids(self) -> list[int]:
        ids = pd.concat([self.tasks[SUBMISSION_ID], self.indicators[SUBMISSION_ID]])
        return sorted(int(i) for i in ids.unique())


# --- what the plan expects --------------------------------------------------------------


def _assigned_tasks(plans: Sequence[Plan]) -> pd.DataFrame:
    """(plan, unit, task, plan order) for every task a unit must report."""
    pairs = [
        (plan.id, unit.code, task.code, order)
        for plan in plans
        for order, task in enumerate(assignments.tasks(plan))
        for unit in assignments.reporting_units(plan, task)
    ]
    return pd.DataFrame(pairs, columns=[_PLAN, UNIT, TASK, _ORDER])


def _assigned_indicators(plans: Sequence[Plan]) -> pd.DataFrame:
    pairs = [
        (plan.id, unit.code, indicator.code, order)
        for plan in plans
        for order, indicator in enumerate(plan.indicators)
        for unit in assignments.indicator_reporting_units(plan, indicator)
    ]
    return pd.DataFrame(pairs, columns=[_PLAN, UNIT, INDICATOR, _ORDER])


def _indicator_facts(plans: Sequence[Plan]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            (
                plan.id,
                x.code,
                x.value_type.value,
                float(x.range.min),
                float(x.range.max),
                x.aggregate_periods is PeriodAggregation.CUMULATIVE,
            )
            for plan in plans
            for x in plan.indicators
        ],
        columns=[_PLAN, INDICATOR, VALUE_TYPE, RANGE_MIN, RANGE_MAX, CUMULATIVE],
    )


# --- building the frames ----------------------------------------------------------------


def _blank_is_missing(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    cleaned = {}
    for column in columns:
        text = frame[column].astype("str")
        cleaned[column] = text.mask(text.str.strip().eq(""))
    return frame.assign(**cleaned)


def _owed(
    submissions: pd.DataFrame, rows: pd.DataFrame, assigned: pd.DataFrame, code: str
) -> pd.DataFrame:
    """One row per (submission, code) the plan expects of the unit and the file lacks."""
    expected = submissions.merge(assigned, on=[_PLAN, UNIT])
    sent = rows[[SUBMISSION_ID, code]].drop_duplicates()
    joined = expected.merge(sent, on=[SUBMISSION_ID, code], how="left", indicator=True)
    owed = joined[joined["_merge"] == "left_only"].drop(columns="_merge")
    return owed.assign(
        **{ROW: 0, ROW_UNIT: owed[UNIT], ROW_PERIOD: owed[PERIOD], PRESENT: False, ASSIGNED: True}
    )


def _sent(
    submissions: pd.DataFrame, rows: pd.DataFrame, assigned: pd.DataFrame, code: str
) -> pd.DataFrame:
    """The rows as sent, with their submission's unit and period and whether they are owed."""
    joined = rows.merge(submissions, on=SUBMISSION_ID, how="inner")
    flags = assigned.assign(**{ASSIGNED: True})
    joined = joined.merge(flags, on=[_PLAN, UNIT, code], how="left")
    # A row's own unit and period default to the file's, as the forms' readers have it.
    return joined.assign(
        **{
            PRESENT: True,
            ASSIGNED: joined[ASSIGNED].astype("boolean").fillna(False).astype(bool),
            ROW_UNIT: joined[ROW_UNIT].fillna(joined[UNIT]),
            ROW_PERIOD: joined[ROW_PERIOD].fillna(joined[PERIOD]),
        }
    )


def _ordered(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    # Rows as they stand in each file, then the missing ones in the plan's order.
    ordered = frame.assign(_absent=~frame[PRESENT]).sort_values(
        [SUBMISSION_ID, "_absent", ROW, _ORDER], kind="stable"
    )
    return ordered[list(columns)].reset_index(drop=True)


def _tasks(plans: Sequence[Plan], submissions: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    assigned = _assigned_tasks(plans)
    rows = _blank_is_missing(rows, _TASK_TEXT)
    sent = _sent(submissions, rows, assigned, TASK)
    frame = pd.concat([sent, _owed(submissions, sent, assigned, TASK)], ignore_index=True)
    frame = frame.assign(
        **{
            SHEET: TASK_SHEET,
            EVIDENCE_NUMBER: evidence.numbers(frame[EVIDENCE]),
            EVIDENCE_DATE: evidence.dates(frame[EVIDENCE]),
        }
    )
    return _typed(_ordered(frame, TASK_COLUMNS), _TASK_TEXT + (UNIT, PERIOD, EVIDENCE_NUMBER))


def _indicators(
    plans: Sequence[Plan], submissions: pd.DataFrame, rows: pd.DataFrame, previous: pd.DataFrame
) -> pd.DataFrame:
    assigned = _assigned_indicators(plans)
    rows = _blank_is_missing(rows, _INDICATOR_TEXT)
    sent = _sent(submissions, rows, assigned, INDICATOR)
    owed = _owed(submissions, sent, assigned, INDICATOR).assign(**{NOT_APPLICABLE: False})
    frame = pd.concat([sent, owed], ignore_index=True)
    frame = frame.merge(_indicator_facts(plans), on=[_PLAN, INDICATOR], how="left")
    frame = frame.merge(previous, on=[SUBMISSION_ID, INDICATOR], how="left")
    frame = frame.assign(
        **{
            SHEET: INDICATOR_SHEET,
            CUMULATIVE: frame[CUMULATIVE].astype("boolean").fillna(False).astype(bool),
        }
    )
    return _typed(_ordered(frame, INDICATOR_COLUMNS), _INDICATOR_TEXT + (UNIT, PERIOD, VALUE_TYPE))


def _typed(frame: pd.DataFrame, text: Sequence[str]) -> pd.DataFrame:
    """The same dtypes whatever the rows (an empty frame included), for GX's conditions."""
    types: dict[str, str] = {c: "str" for c in text}
    for column in (SUBMISSION_ID, ROW):
        types[column] = "int64"
    for column in (PRESENT, ASSIGNED, NOT_APPLICABLE, CUMULATIVE):
        types[column] = "bool"
    for column in (VALUE, RANGE_MIN, RANGE_MAX, PREVIOUS_VALUE):
        types[column] = "float64"
    types[EVIDENCE_DATE] = "datetime64[us]"
    return frame.astype({c: t for c, t in types.items() if c in frame.columns})


def _empty(columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


def _frames(
    plans: Sequence[Plan],
    submissions: pd.DataFrame,
    task_rows: pd.DataFrame,
    indicator_rows: pd.DataFrame,
    previous: pd.DataFrame,
) -> Frames:
    """`submissions` name their plan in `_PLAN` (the first plan's when they do not)."""
    if _PLAN not in submissions.columns:
        submissions = submissions.assign(**{_PLAN: plans[0].id})
    submissions = submissions.astype(
        {SUBMISSION_ID: "int64", UNIT: "str", PERIOD: "str", _PLAN: "str"}
    )
    task_rows = task_rows.astype({SUBMISSION_ID: "int64", ROW: "int64"})
    indicator_rows = indicator_rows.astype(
        {SUBMISSION_ID: "int64", ROW: "int64", VALUE: "float64", NOT_APPLICABLE: "bool"}
    )
    previous = previous.astype(
        {SUBMISSION_ID: "int64", INDICATOR: "str", PREVIOUS_VALUE: "float64"}
    )
    return Frames(
        plan=plans[0],
        tasks=_tasks(plans, submissions, task_rows),
        indicators=_indicators(plans, submissions, indicator_rows, previous),
    )


_TASK_ROW_COLUMNS = (SUBMISSION_ID, ROW, *_TASK_TEXT)
_INDICATOR_ROW_COLUMNS = (SUBMISSION_ID, ROW, INDICATOR, VALUE, VALUE_TEXT, NOTE)
_INDICATOR_ROW_COLUMNS += (NOT_APPLICABLE, ROW_UNIT, ROW_PERIOD)
_PREVIOUS_COLUMNS = (SUBMISSION_ID, INDICATOR, PREVIOUS_VALUE)


def of_submission(
    plan: Plan,
    submission: Submission,
    submission_id: int = 0,
    previous: Mapping[str, float] | None = None,
) -> Frames:
    """The frames of one submission as read from a file (not stored: `submission_id` is
    whatever the caller files it under).

    `submission.unit` and `submission.period` are what the report must be: a caller that
    knows better than the file (`validate --unit`) replaces them, and the rows keep what
    they say. `previous` maps an indicator code to the unit's value in the previous period
    of the year (None: no comparison).
    """
    earlier = {submission_id: previous} if previous else None
    return of_submissions(plan, {submission_id: submission}, earlier)


def of_submissions(
    plan: Plan,
    submissions: Mapping[int, Submission],
    previous: Mapping[int, Mapping[str, float]] | None = None,
) -> Frames:
    """The frames of several submissions read from files, keyed by the id each is filed
    under, built at once (pandas' cost is per call, not per row: a district's reports cost
    about what one does). `previous` maps a submission id to its unit's {indicator: value}
    of the previous period of the year. See `of_submission`.
    """
    heads = pd.DataFrame(
        [(sid, s.unit, s.period) for sid, s in submissions.items()] or None,
        columns=list(_SUBMISSIONS),
    )
    task_rows = pd.DataFrame(
        [
            (sid, t.row, t.task, t.status, t.result, t.evidence, t.difficulties, t.proposals,
             t.unit, t.period)
            for sid, s in submissions.items()
            for t in s.tasks
        ]
        or None,
        columns=list(_TASK_ROW_COLUMNS),
    )  # fmt: skip
    indicator_rows = pd.DataFrame(
        [
            (sid, x.row, x.indicator, x.value, x.value_text, x.note, x.not_applicable, x.unit,
             x.period)
            for sid, s in submissions.items()
            for x in s.indicators
        ]
        or None,
        columns=list(_INDICATOR_ROW_COLUMNS),
    )  # fmt: skip
    earlier = pd.DataFrame(
        [
            (sid, code, value)
            for sid, values in (previous or {}).items()
            for code, value in values.items()
        ]
        or None,
        columns=list(_PREVIOUS_COLUMNS),
    )
    return _frames([plan], heads, task_rows, indicator_rows, earlier)


def combine(parts: Sequence[Frames]) -> Frames:
    """Several submissions' frames as one, to validate them in one run (same plan)."""
    if not parts:
        raise ValueError("combine needs at least one Frames")
    plan = parts[0].plan
    if any(p.plan.id != plan.id for p in parts):
        raise ValueError("frames of different plans cannot be validated together")
    return Frames(
        plan=plan,
        tasks=pd.concat([p.tasks for p in parts], ignore_index=True),
        indicators=pd.concat([p.indicators for p in parts], ignore_index=True),
    )


# --- from the store ---------------------------------------------------------------------


def _previous_period(plan: Plan, period: calendar.Period) -> calendar.Period | None:
    same_year = calendar.periods(plan, period.year)
    at = [p.code for p in same_year].index(period.code)
    return same_year[at - 1] if at > 0 else None


def _current(plan_ids: Sequence[str], period_code: str) -> list:
    return [
        store.Submission.plan_id.in_(plan_ids),
        store.Submission.period_code == period_code,
        store.Submission.status != store.SubmissionStatus.SUPERSEDED,
    ]


def _frame(session: Session, query, columns: Sequence[str]) -> pd.DataFrame:
    rows = session.execute(query).all()
    return pd.DataFrame([tuple(r) for r in rows] or None, columns=list(columns))


def of_period(
    session: Session,
    plan: Plan,
    period_code: str,
    submission_ids: list[int] | None = None,
) -> Frames:
    """The frames of a period's current (not superseded) submissions in the store, or of
    the given submissions of that period.

    The store keeps neither a row's own unit and period (the reader checked them: they are
    the submission's) nor the text of a value that is not a number: it keeps it as the
    note when the unit wrote none, so a blank value with a note is shown by its note.
    Raises UnknownPeriodError for a period not in the plan's calendar, and ValueError for
    given ids that are not submissions of the plan and period.
    """
    return of_periods(session, [plan], period_code, submission_ids)


def of_periods(
    session: Session,
    plans: Sequence[Plan],
    period_code: str,
    submission_ids: list[int] | None = None,
) -> Frames:
    """`of_period` of several plans of the store (a city's districts) as one Frames, built
    by one query per table and one pass of pandas: its cost is per call, and a district's
    frames are small. Each row keeps its submission's id, unique in the store. The Frames'
    plan is the first: give plans validated by the same suites
    (`expectations.suites.signature`)."""
    periods = {plan.id: calendar.period(plan, period_code) for plan in plans}
    code = periods[plans[0].id].code
    ids = [plan.id for plan in plans]
    S, T, V = store.Submission, store.SubmissionTask, store.IndicatorValue
    chosen = (
        _current(ids, code)
        if submission_ids is None
        else [S.plan_id.in_(ids), S.period_code == code, S.id.in_(submission_ids)]
    )
    submissions = _frame(
        session,
        select(S.id, S.unit_code, S.period_code, S.plan_id).where(*chosen),
        (*_SUBMISSIONS, _PLAN),
    )
    if submission_ids is not None:
        unknown = set(submission_ids) - set(submissions[SUBMISSION_ID].tolist())
        if unknown:
            raise ValueError(
                f"not submissions of plan {', '.join(ids)} for {code}: {sorted(unknown)}"
            )
    task_rows = _frame(
        session,
        select(
            T.submission_id,
            T.row_number,
            T.task_code,
            T.status,
            T.result,
            T.evidence,
            T.difficulties,
            T.proposals,
        )
        .join(S, S.id == T.submission_id)
        .where(*chosen),
        _TASK_ROW_COLUMNS[:-2],
    ).assign(**{ROW_UNIT: None, ROW_PERIOD: None})
    values = _frame(
        session,
        select(
            V.submission_id,
            V.row_number,
            V.indicator_code,
            V.value,
            V.value_text,
            V.note,
            V.not_applicable,
        )
        .join(S, S.id == V.submission_id)
        .where(*chosen),
        (SUBMISSION_ID, ROW, INDICATOR, VALUE, VALUE_TEXT, NOTE, NOT_APPLICABLE),
    )
    unreadable = values[VALUE].isna() & ~values[NOT_APPLICABLE].astype(bool)
    indicator_rows = values.assign(
        **{
            VALUE: values[VALUE].astype("float64"),
            VALUE_TEXT: values[VALUE_TEXT].where(unreadable),
            NOT_APPLICABLE: values[NOT_APPLICABLE].astype(bool),
            ROW_UNIT: None,
            ROW_PERIOD: None,
        }
    )[list(_INDICATOR_ROW_COLUMNS)]
    by_unit = _previous(session, plans, periods)
    previous = submissions[[SUBMISSION_ID, UNIT, _PLAN]].merge(by_unit, on=[_PLAN, UNIT])
    return _frames(plans, submissions, task_rows, indicator_rows, previous[list(_PREVIOUS_COLUMNS)])


def _previous(
    session: Session, plans: Sequence[Plan], periods: Mapping[str, calendar.Period]
) -> pd.DataFrame:
    """Each unit's current value of each indicator in the previous period of the year."""
    columns = (_PLAN, UNIT, INDICATOR, PREVIOUS_VALUE)
    by_earlier: dict[str, list[str]] = {}
    for plan in plans:
        earlier = _previous_period(plan, periods[plan.id])
        if earlier is not None:
            by_earlier.setdefault(earlier.code, []).append(plan.id)
    S, V = store.Submission, store.IndicatorValue
    found = [
        _frame(
            session,
            select(S.plan_id, S.unit_code, V.indicator_code, V.value)
            .join(S, S.id == V.submission_id)
            .where(*_current(ids, code), V.value.is_not(None))
            .order_by(S.id, V.row_number),
            columns,
        )
        for code, ids in by_earlier.items()
    ]
    if not found:
        return _empty(columns).astype({UNIT: "str", _PLAN: "str"})
    # A duplicated row keeps its first value: the duplicate is that period's finding.
    return pd.concat(found, ignore_index=True).drop_duplicates([_PLAN, UNIT, INDICATOR])
