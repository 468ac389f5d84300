"""Running a plan's suites over validation frames, and turning GX's results into Findings.

One GX validation per suite covers every row of its frame, whatever the number of units
and submissions in it, with COMPLETE results: they name each expectation's failing rows
by their position in the frame (GX's `unexpected_index_list`), and cost little more than
SUMMARY when nothing fails, whereas a SUMMARY run followed by a COMPLETE run of what
failed evaluates every failed expectation twice. The failing rows are taken from the
frame at once, and each placeholder of the findings' texts is formatted once per column,
not per row. Not `unexpected_index_column_names`: GX reads those key cells one at a time,
which at a million rows costs more than validating.

GX is configured in code only: an ephemeral context (no files), no usage statistics,
progress bars off, its logging quiet. The context, the suites and their validation
definitions are built once per process and plan, then reused; a lock keeps runs from
threads (Prefect's thread pool) from interleaving in the shared context.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import great_expectations as gx
import pandas as pd
from great_expectations.core.expectation_validation_result import (
    ExpectationSuiteValidationResult,
    ExpectationValidationResult,
)
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)
from great_expectations.expectations.row_conditions import (
    AndCondition,
    ComparisonCondition,
    NullityCondition,
    OrCondition,
)
from great_expectations.validator.v1_validator import Validator

from expectations import suites
from papi_etl import calendar
from papi_etl.forms.numbers import format_number
from papi_etl.plan.model import Plan
from papi_etl.schema import (
    EVIDENCE_DATE,
    INDICATOR,
    PERIOD,
    PREVIOUS_VALUE,
    RANGE_MAX,
    RANGE_MIN,
    ROW,
    SUBMISSION_ID,
    TASK,
    UNIT,
    VALUE,
)
from papi_etl.validation.finding import Finding
from papi_etl.validation.frames import Frames

_DATA_SOURCE = "papi_frames"
_WHOLE_FRAME = "whole frame"
_SHEET_ORDER = {"NhiemVu": 0, "ChiSo": 1}
# All the failing rows of each expectation (by position); no partial lists, no index query.
_ROWS = {
    "result_format": "COMPLETE",
    "return_unexpected_index_query": False,
    "partial_unexpected_count": 0,
}


class ExpectationError(RuntimeError):
    """GX could not evaluate an expectation (a frame lacks a column, a bad condition).

    A fault of the code, not of the data: it is never turned into findings.
    """


@dataclass(frozen=True)
class _Check:
    """One suite, ready to run over one kind of frame."""

    frame: str
    definition: gx.ValidationDefinition
    columns: frozenset[str]


class _Engine:
    """The process's GX context, with one data asset per kind of frame."""

    def __init__(self) -> None:
        logging.getLogger("great_expectations").setLevel(logging.ERROR)
        config = DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
            progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
            analytics_enabled=False,
        )
        self.context = gx.get_context(mode="ephemeral", project_config=config)
        source = self.context.data_sources.add_pandas(_DATA_SOURCE)
        self.batches = {
            kind: source.add_dataframe_asset(kind).add_batch_definition_whole_dataframe(
                _WHOLE_FRAME
            )
            for kind in (suites.TASKS, suites.INDICATORS)
        }
        self.checks: dict[str, list[_Check]] = {}

    def checks_of(self, plan: Plan) -> list[_Check]:
        """The plan's checks, shared by every plan of the same `suites.signature`."""
        fingerprint = hashlib.sha256(suites.signature(plan).encode()).hexdigest()[:16]
        if fingerprint not in self.checks:
            self.checks[fingerprint] = [self._check(s, fingerprint) for s in suites.build(plan)]
        return self.checks[fingerprint]

    def _check(self, suite: gx.ExpectationSuite, fingerprint: str) -> _Check:
        kind = suite.meta["frame"]
        # Names are unique per signature, so that plans with different words can share the
        # process; plans with the same words share the suites (named after the first).
        suite.name = f"{suite.name}@{fingerprint}"
        stored = self.context.suites.add(suite)
        definition = self.context.validation_definitions.add(
            gx.ValidationDefinition(name=stored.name, data=self.batches[kind], suite=stored)
        )
        return _Check(frame=kind, definition=definition, columns=_read_by(stored))


def _read_by(suite: gx.ExpectationSuite) -> frozenset[str]:
    """The columns the suite's expectations and their row conditions read.

    Raises TypeError for a row condition that is not a GX Condition (a pandas query
    string): its columns are unknown, and the suites of `expectations.suites` use none.
    """
    read: set[str] = set()
    for expectation in suite.expectations:
        kwargs = expectation.configuration.kwargs
        read.update(kwargs[key] for key in ("column", "column_A", "column_B") if key in kwargs)
        read.update(kwargs.get("column_list", []))
        pending = [] if expectation.row_condition is None else [expectation.row_condition]
        while pending:
            condition = pending.pop()
            if isinstance(condition, AndCondition | OrCondition):
                pending += condition.conditions
            elif isinstance(condition, ComparisonCondition | NullityCondition):
                read.add(condition.column.name)
            else:
                raise TypeError(f"row condition {condition!r} of {suite.name}: not a GX Condition")
    return frozenset(read)


_engine: _Engine | None = None
_lock = threading.Lock()


def _shared_engine() -> _Engine:
    global _engine
    if _engine is None:
        _engine = _Engine()
    return _engine


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def validate(frames: Frames, period: calendar.Period) -> list[Finding]:
    """Every finding of the plan's rules in the frames, ordered by submission, sheet, row.

    `frames` come from `papi_etl.validation.frames` (of_submission, of_period, combine);
    `period` is the period they report on: evidence dates must fall in its span. Raises
    ExpectationError when GX cannot evaluate an expectation.
    """
    parameters = {
        suites.PERIOD_STARTS: _midnight(period.starts),
        suites.PERIOD_ENDS: _midnight(period.ends),
    }
    found: list[Finding] = []
    with _lock:
        engine = _shared_engine()
        for check in engine.checks_of(frames.plan):
            frame, result = _run(check, getattr(frames, check.frame), parameters)
            failed = [r for r in result.results if not r.success]
            _raise_for_errors(failed)
            for failure in failed:
                found += _findings(failure, frame, period)
    return sorted(found, key=_order)


def _run(
    check: _Check, frame: pd.DataFrame, parameters: Mapping[str, Any]
) -> tuple[pd.DataFrame, ExpectationSuiteValidationResult]:
    """One GX run of the check's suite; the frame as GX saw it (a RangeIndex: the failing
    rows' labels are their positions), with all its columns."""
    frame = frame.reset_index(drop=True)
    # GX copies the frame for every row condition and null filter: it gets only the
    # columns the suite reads; the findings take the others from `frame`.
    read = frame[[c for c in frame.columns if c in check.columns]]
    # What ValidationDefinition.run does, without serialising the result into the
    # context's results store (1 s at a million rows; a long-running worker would keep
    # every run's) and, unlike Batch.validate, loading (and hashing) the frame once.
    result = Validator(
        batch_definition=check.definition.batch_definition,
        batch_parameters={"dataframe": read},
        result_format=_ROWS,
    ).validate_expectation_suite(check.definition.suite, dict(parameters))
    return frame, result


def _raise_for_errors(results: list[ExpectationValidationResult]) -> None:
    for result in results:
        info = result.exception_info or {}
        # Flat for an expectation's own error, keyed by metric for a metric's.
        infos = [info] if "raised_exception" in info else list(info.values())
        errors = [
            str(i.get("exception_message") or "unknown error")
            for i in infos
            if isinstance(i, dict) and i.get("raised_exception")
        ]
        if errors:
            rule = result.expectation_config.meta.get("rule")
            raise ExpectationError(f"GX could not evaluate rule {rule}: {'; '.join(errors)}")


# --- from GX's results to findings -------------------------------------------------------

# The placeholders filled from a cell of the finding's row (a column the frame lacks, such
# as `task` in the indicators frame, is blank); True where numbers are written per language.
_CELLS: dict[str, bool] = {
    TASK: False,
    INDICATOR: False,
    UNIT: False,
    PERIOD: False,
    ROW: False,
    RANGE_MIN: True,
    RANGE_MAX: True,
    PREVIOUS_VALUE: True,
    EVIDENCE_DATE: False,
}


def _findings(
    result: ExpectationValidationResult, frame: pd.DataFrame, period: calendar.Period
) -> list[Finding]:
    """The findings of one failed expectation; `frame` has the RangeIndex GX saw."""
    meta = result.expectation_config.meta
    unexpected = result.result.get("unexpected_index_list") or []
    if not unexpected:
        # A failure that names no row would be lost: never let it pass as valid.
        raise ExpectationError(f"rule {meta.get('rule')} failed but GX named no row")
    rows = frame.take(unexpected)
    column = meta.get("value")
    written = _written(rows[column]) if column is not None else [None] * len(rows)
    fills = {
        False: _fills(rows, written, period, meta, ("field", "message_vi", "hint"), False),
        True: _fills(rows, written, period, meta, ("message_en",), True),
    }
    texts = {key: str(meta[key]) for key in ("field", "message_vi", "message_en", "hint")}
    return [
        Finding(
            submission_id=int(submission_id),
            unit=str(unit),
            period=str(period_code),
            sheet=str(meta["sheet"]),
            row=int(row),
            field=texts["field"].format_map(vi),
            rule=str(meta["rule"]),
            value=value,
            message_vi=texts["message_vi"].format_map(vi),
            message_en=texts["message_en"].format_map(en),
            hint=texts["hint"].format_map(vi),
        )
        for submission_id, unit, period_code, row, value, vi, en in zip(
            rows[SUBMISSION_ID].tolist(),
            rows[UNIT].tolist(),
            rows[PERIOD].tolist(),
            rows[ROW].tolist(),
            written,
            fills[False],
            fills[True],
            strict=True,
        )
    ]


def _fills(
    rows: pd.DataFrame,
    written: list[str | None],
    period: calendar.Period,
    meta: Mapping[str, Any],
    templates: tuple[str, ...],
    english: bool,
) -> list[dict[str, str]]:
    """Per row, the words of the placeholders the templates name (and only those)."""
    names = set().union(*(suites.template_names(str(meta[t])) for t in templates))
    fixed = {
        "period_label": period.label_en if english else period.label_vi,
        suites.PERIOD_STARTS: _shown(period.starts),
        suites.PERIOD_ENDS: _shown(period.ends),
    }
    constant = {name: word for name, word in fixed.items() if name in names}
    columns: dict[str, list[str]] = {}
    for name in names & _CELLS.keys():
        if name in rows.columns:
            columns[name] = _shown_all(rows[name], english and _CELLS[name])
        else:
            constant[name] = ""
    if VALUE in names:
        columns[VALUE] = [value or "" for value in written]
    if not columns:
        return [constant] * len(rows)
    return [
        {**constant, **dict(zip(columns, cells, strict=True))}
        for cells in zip(*columns.values(), strict=True)
    ]


def _written(values: pd.Series) -> list[str | None]:
    """The values as the unit wrote them, as a message shows them; None where blank."""
    return [
        None if missing else shown
        for shown, missing in zip(_shown_all(values), values.isna().tolist(), strict=True)
    ]


def _shown_all(values: pd.Series, english: bool = False) -> list[str]:
    """`_shown` of each value, each distinct value formatted once where that is safe."""
    if values.dtype.kind in "biuM" or isinstance(values.dtype, pd.StringDtype):
        codes, distinct = pd.factorize(values)
        # -1 (a missing value) picks the last: blank, as `_shown` has it.
        shown = [_shown(value, english) for value in distinct.tolist()] + [""]
        return [shown[code] for code in codes.tolist()]
    # Floats are not shared: -0.0 == 0.0, yet each is written as the unit wrote it.
    return [_shown(value, english) for value in values.tolist()]


def _missing(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _shown(value: Any, english: bool = False) -> str:
    """A value as a message shows it: Vietnamese number notation, dd/mm/yyyy dates."""
    if _missing(value):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        if not math.isfinite(number):
            return str(value)
        if english:
            return f"{int(number):,}" if number.is_integer() else f"{number:,.10g}"
        return format_number(number)
    if isinstance(value, dt.datetime | dt.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def _order(finding: Finding) -> tuple[Any, ...]:
    return (
        finding.submission_id,
        _SHEET_ORDER.get(finding.sheet, 9),
        finding.row,
        finding.field,
        finding.rule,
    )
