"""Helpers of the metrics tests: a tiny plan with the real plan's calendar, frames built by
hand for it, and the command line in a child process (fixtures: conftest.py).

Ten wards W01..W10 and one agency A1. D1 has two ward tasks, D2 one task for the wards and
the agency, section III one assignment for the agency. Indicators: I1 (sum, cumulative),
I2 (mean, snapshot), I3 / I4 (sums) and I5 = I3 / I4 (ratio of sums), all reported by wards.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from papi_etl.metrics.compute import (
    INDICATOR_ROW_COLUMNS,
    SUBMISSION_COLUMNS,
    TASK_ROW_COLUMNS,
    MetricInputs,
)
from papi_etl.plan import load
from papi_etl.plan.model import Plan
from papi_etl.settings import DEFAULT_PLAN
from papi_etl.store.types import LOCAL_ZONE

WARDS = [f"W{n:02d}" for n in range(1, 11)]
AGENCY = "A1"
ON_TIME_AT = dt.datetime(2019, 3, 5, 9, 0, tzinfo=LOCAL_ZONE)
LATE_AT = dt.datetime(2019, 3, 12, 9, 0, tzinfo=LOCAL_ZONE)


def _task(code: str, units: list[str]) -> dict[str, Any]:
    return {
        "code": code,
        "section": "II.1",
        "text": f"Nhiệm vụ {code}",
        "lead_units": units,
        "reporting_units": units,
    }


def _indicator(code: str, aggregate: str, periods: str, **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "name_vi": f"Chỉ tiêu {code}",
        "name_en": f"Indicator {code}",
        "tasks": ["D1.01"],
        "unit_of_measure": "%" if aggregate == "ratio_of_sums" else "cuộc",
        "value_type": "percent" if aggregate == "ratio_of_sums" else "count",
        "range": {"min": 0, "max": 100 if aggregate == "ratio_of_sums" else 1000},
        "aggregate_units": aggregate,
        "aggregate_periods": periods,
        "better": "higher",
        "reporting_units": [] if aggregate == "ratio_of_sums" else ["wards"],
        **extra,
    }


def tiny_plan() -> Plan:
    real = load(DEFAULT_PLAN).plan.model_dump(mode="json")
    units = [
        {"code": w, "name": f"Ủy ban nhân dân phường {w}", "kind": "ward", "named_in_plan": True}
        for w in WARDS
    ] + [{"code": AGENCY, "name": "Phòng A1", "kind": "agency", "named_in_plan": True}]
    data = {
        **real,
        "id": "tiny-plan",
        "units": units,
        "groups": [{"code": "wards", "name": "10 phường", "kinds": ["ward"]}],
        "dimensions": [
            {
                "code": "D1",
                "number": 1,
                "name_vi": "Tham gia",
                "name_en": "Participation",
                "tasks": [_task("D1.01", ["wards"]), _task("D1.02", ["wards"])],
            },
            {
                "code": "D2",
                "number": 2,
                "name_vi": "Công khai",
                "name_en": "Transparency",
                "tasks": [_task("D2.01", ["wards", AGENCY])],
            },
        ],
        "assignments": [_task("T3.01", [AGENCY]) | {"section": "III.1"}],
        "indicators": [
            _indicator("I1", "sum", "cumulative"),
            _indicator("I2", "mean", "snapshot"),
            _indicator("I3", "sum", "cumulative"),
            _indicator("I4", "sum", "cumulative"),
            _indicator(
                "I5", "ratio_of_sums", "cumulative", ratio={"numerator": "I3", "denominator": "I4"}
            ),
        ],
    }
    return Plan.model_validate(data)


@dataclass
class Frames:
    """Rows to turn into `MetricInputs`, added to by hand in a test."""

    submissions: list[dict[str, Any]]
    tasks: list[dict[str, Any]]
    indicators: list[dict[str, Any]]

    def report(
        self,
        unit: str,
        period: str = "2019-Q1",
        *,
        status: str = "valid",
        on_time: bool = True,
        tasks: dict[str, str] | None = None,
        values: dict[str, float | None] | None = None,
        open_findings: int = 0,
        difficulties: str | None = None,
    ) -> None:
        self.submissions.append(
            {
                "period": period,
                "unit": unit,
                "version": 1,
                "status": status,
                "on_time": on_time,
                "received_at": ON_TIME_AT if on_time else LATE_AT,
                "open_findings": open_findings,
            }
        )
        for task, task_status in (tasks or {}).items():
            self.tasks.append(
                {
                    "period": period,
                    "unit": unit,
                    "task": task,
                    "status": task_status,
                    "difficulties": difficulties,
                    "proposals": None,
                }
            )
        for indicator, value in (values or {}).items():
            self.indicators.append(
                {
                    "period": period,
                    "unit": unit,
                    "indicator": indicator,
                    "value": float("nan") if value is None else value,
                    "not_applicable": False,
                }
            )

    def inputs(self, **extra: Any) -> MetricInputs:
        return MetricInputs(
            submissions=pd.DataFrame(self.submissions, columns=list(SUBMISSION_COLUMNS)),
            task_rows=pd.DataFrame(self.tasks, columns=list(TASK_ROW_COLUMNS)),
            indicator_rows=pd.DataFrame(self.indicators, columns=list(INDICATOR_ROW_COLUMNS)),
            **extra,
        )


ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


def run_papi(data_dir: Path, *args: str) -> Result:
    """The real command line in a child process, with its data in `data_dir`."""
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PAPI_")},
        "PAPI_DATA_DIR": str(data_dir),
    }
    done = subprocess.run(
        [sys.executable, "-m", "papi_etl", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        cwd=data_dir.parent,
        timeout=300,
    )
    return Result(done.returncode, done.stdout, done.stderr)
