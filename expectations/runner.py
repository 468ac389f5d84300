"""Running a plan's suites over validation frames, and turning GX's results into Findings.

One GX validation per suite covers every row of its frame, whatever the number of units
and submissions in it. Most runs find nothing, so each suite first runs with the SUMMARY
result format (counts only); only the expectations that failed run again, together, with
COMPLETE results and the rows' keys (`unexpected_index_column_names`), which is where
each finding's unit, row and field come from. A suite's runs are therefore 1 when the
frame is clean and 2 when it is not.

GX is configured in code only: an ephemeral context (no files), no usage statistics,
progress bars off, its logging quiet. The context, the suites and their validation
definitions are built once per process and plan, then reused; a lock keeps runs from
threads (Prefect's thread pool) from interleaving in the shared context.
"""

from __future__ import annotations

import copy
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
from great_expectations.core.batch_definition import BatchDefinition
from great_expectations.core.expectation_validation_result import (
    ExpectationValidationResult,
)
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)

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


class ExpectationError(RuntimeError):
    """GX could not evaluate an expectation (a frame lacks a column, a bad condition).

    A fault of the code, not of the data: it is never turned into findings.
    """


@dataclass(frozen=True)
class _Check:
    """One suite, ready to run over one kind of frame."""

    frame: str
    key: tuple[str, ...]
    definition: gx.ValidationDefinition
    batch: BatchDefinition
    expectations: Mapping[str, Any]


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
        fingerprint = hashlib.sha256(plan.model_dump_json().encode()).hexdigest()[:16]
        if fingerprint not in self.checks:
            self.checks[fingerprint] = [self._check(s, fingerprint) for s in suites.build(plan)]
        return self.checks[fingerprint]

    def forget_results(self) -> None:
        # A validation definition keeps each result in the context's (in-memory) results
        # store: a long-running worker must not grow with every run.
        store = self.context.validation_results_store
        for key in store.list_keys():
            store.remove_key(key)

    def _check(self, suite: gx.ExpectationSuite, fingerprint: str) -> _Check:
        kind = suite.meta["frame"]
        # Names are unique per plan version, so that two plans can share the process.
        suite.name = f"{suite.name}@{fingerprint}"
        stored = self.context.suites.add(suite)
        definition = self.context.validation_definitions.add(
            gx.ValidationDefinition(name=stored.name, data=self.batches[kind], suite=stored)
        )
        return _Check(
            frame=kind,
            key=tuple(stored.meta["key"]),
            definition=definition,
            batch=self.batches[kind],
            expectations={e.meta["rule"]: e for e in stored.expectations},
        )


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
            frame = getattr(frames, check.frame)
            summary = check.definition.run(
                batch_parameters={"dataframe": frame},
                expectation_parameters=parameters,
                result_format="SUMMARY",
            )
            engine.forget_results()
            failed = [r for r in summary.results if not r.success]
            _raise_for_errors(failed)
            if not failed:
                continue
            detail = _detail(check, frame, failed, parameters)
            _raise_for_errors(detail.results)
            for result in detail.results:
                found += _findings(result, frame, check.key, period)
    return sorted(found, key=_order)


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


def _detail(
    check: _Check,
    frame: pd.DataFrame,
    failed: list[ExpectationValidationResult],
    parameters: Mapping[str, Any],
):
    rules = [r.expectation_config.meta["rule"] for r in failed]
    suite = gx.ExpectationSuite(
        name=f"{check.definition.suite.name}.failed",
        expectations=[copy.copy(check.expectations[rule]) for rule in rules],
    )
    batch = check.batch.get_batch(batch_parameters={"dataframe": frame})
    return batch.validate(
        suite,
        result_format={
            "result_format": "COMPLETE",
            "unexpected_index_column_names": list(check.key),
            "return_unexpected_index_query": False,
            "partial_unexpected_count": 0,
        },
        expectation_parameters=dict(parameters),
    )


# --- from GX's results to findings -------------------------------------------------------


def _findings(
    result: ExpectationValidationResult,
    frame: pd.DataFrame,
    key: tuple[str, ...],
    period: calendar.Period,
) -> list[Finding]:
    meta = result.expectation_config.meta
    unexpected = result.result.get("unexpected_index_list") or []
    if not unexpected:
        if result.success:
            return []
        # A failure that names no row would be lost: never let it pass as valid.
        raise ExpectationError(f"rule {meta.get('rule')} failed but GX named no row")
    keys = pd.DataFrame(unexpected)[list(key)].astype(frame[list(key)].dtypes.to_dict())
    rows = keys.drop_duplicates().merge(frame, on=list(key), how="left").drop_duplicates(list(key))
    return [_finding(meta, row, period) for row in rows.to_dict("records")]


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


def _as_written(meta: Mapping[str, Any], row: Mapping[str, Any]) -> str | None:
    column = meta.get("value")
    if column is None or _missing(row.get(column)):
        return None
    return _shown(row[column])


def _words(
    row: Mapping[str, Any], value: str | None, period: calendar.Period, english: bool
) -> dict[str, str]:
    return {
        TASK: _shown(row.get(TASK)),
        INDICATOR: _shown(row.get(INDICATOR)),
        UNIT: _shown(row.get(UNIT)),
        PERIOD: _shown(row.get(PERIOD)),
        "period_label": period.label_en if english else period.label_vi,
        suites.PERIOD_STARTS: _shown(period.starts),
        suites.PERIOD_ENDS: _shown(period.ends),
        ROW: _shown(row.get(ROW)),
        VALUE: value or "",
        RANGE_MIN: _shown(row.get(RANGE_MIN), english),
        RANGE_MAX: _shown(row.get(RANGE_MAX), english),
        PREVIOUS_VALUE: _shown(row.get(PREVIOUS_VALUE), english),
        EVIDENCE_DATE: _shown(row.get(EVIDENCE_DATE)),
    }


def _finding(meta: Mapping[str, Any], row: Mapping[str, Any], period: calendar.Period) -> Finding:
    value = _as_written(meta, row)
    vi = _words(row, value, period, english=False)
    en = _words(row, value, period, english=True)
    return Finding(
        submission_id=int(row[SUBMISSION_ID]),
        unit=str(row[UNIT]),
        period=str(row[PERIOD]),
        sheet=str(meta["sheet"]),
        row=int(row[ROW]),
        field=str(meta["field"]).format_map(vi),
        rule=str(meta["rule"]),
        value=value,
        message_vi=str(meta["message_vi"]).format_map(vi),
        message_en=str(meta["message_en"]).format_map(en),
        hint=str(meta["hint"]).format_map(vi),
    )


def _order(finding: Finding) -> tuple[Any, ...]:
    return (
        finding.submission_id,
        _SHEET_ORDER.get(finding.sheet, 9),
        finding.row,
        finding.field,
        finding.rule,
    )
