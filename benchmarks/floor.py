"""The floor of the scale benchmark: the same period's work in plain Python and pandas.

It reads what the pipeline reads (each plan file, each district's submission files) and
applies the same rules to the same rows, with no store, no archive, no Great Expectations
and no report formatting: who owes what (units and groups expanded), completeness (rows
owed and not sent), each validation rule of `expectations/suites.py` as a boolean mask
(`benchmarks.validate`'s masks, checked there to find what GX finds), the reporting and
on-time rates, the implementation index per district, the roll-up and its ranking, written
as CSV. What it leaves out (keeping the raw bytes, versions, findings stored per row, a
report an official reads) is the work the ratio to it measures.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from benchmarks.validate import indicator_masks, task_masks
from papi_etl.validation import evidence

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DONE = "hoan_thanh"
_BLANK_NUMBER = ("", None)


def _units(plan: dict[str, Any], refs: list[str]) -> list[str]:
    wanted = set(refs)
    kinds = {k for g in plan["groups"] if g["code"] in wanted for k in g["kinds"]}
    return [u["code"] for u in plan["units"] if u["code"] in wanted or u["kind"] in kinds]


def _period(plan: dict[str, Any], code: str) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
    """(span start, span end, unit deadline) of period `code` ("2019-Q1")."""
    year, kind = code.split("-")
    calendar = plan["calendar"]
    k = next(k for k in calendar["period_kinds"] if k["code"] == kind)
    start, end = k["span_start"], k["span_end"]
    starts = dt.datetime(int(year) + start.get("year_offset", 0), start["month"], start["day"])
    ends = dt.datetime(int(year) + end.get("year_offset", 0), end["month"], end["day"])
    deadline = dt.datetime(int(year), k["deadline_month"], calendar["unit_deadline_day"])
    return starts, ends, deadline


def _owed(plan: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(unit, task, dimension) and (unit, indicator, facts) the plan asks for."""
    tasks = [(d["code"], t) for d in plan["dimensions"] for t in d["tasks"]]
    tasks += [("III", t) for t in plan.get("assignments", [])]
    by_code = {t["code"]: t for _, t in tasks}
    owed_tasks = [
        (unit, t["code"], dim) for dim, t in tasks for unit in _units(plan, t["reporting_units"])
    ]
    owed_indicators = []
    for x in plan["indicators"]:
        refs = x.get("reporting_units")
        if refs is None:
            refs = [r for code in x.get("tasks", []) for r in by_code[code]["reporting_units"]]
        rng = x.get("range") or {}
        for unit in _units(plan, refs):
            owed_indicators.append(
                (
                    unit,
                    x["code"],
                    x.get("value_type"),
                    rng.get("min", np.nan),
                    rng.get("max", np.nan),
                    x.get("aggregate_periods") == "cumulative",
                )
            )
    return (
        pd.DataFrame(owed_tasks, columns=["unit", "task", "dimension"]),
        pd.DataFrame(
            owed_indicators,
            columns=["unit", "indicator", "value_type", "range_min", "range_max", "cumulative"],
        ),
    )


def _read(folder: Path, period: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(submissions, task rows, indicator rows) of the JSON files in a district's inbox."""
    sent, task_rows, indicator_rows = [], [], []
    for number, path in enumerate(sorted(folder.glob(f"*/*_{period}.json"))):
        data = json.loads(path.read_bytes())
        unit, period_sent = path.parent.name, data.get("period")
        # A row that names no unit or period is the file's.
        file_unit = data.get("unit") or unit
        sent.append((number, unit, period_sent, os.stat(path).st_mtime))
        for row, r in enumerate(data.get("tasks") or [], start=2):
            task_rows.append(
                (
                    number,
                    row,
                    r.get("task"),
                    r.get("status"),
                    r.get("result"),
                    r.get("evidence"),
                    r.get("unit") or file_unit,
                    r.get("period") or period_sent,
                )
            )
        for row, r in enumerate(data.get("indicators") or [], start=2):
            indicator_rows.append(
                (
                    number,
                    row,
                    r.get("indicator"),
                    r.get("value"),
                    r.get("note"),
                    r.get("unit") or file_unit,
                    r.get("period") or period_sent,
                )
            )
    submissions = pd.DataFrame(sent, columns=["submission_id", "unit", "period", "mtime"])
    tasks = pd.DataFrame(
        task_rows,
        columns=[
            "submission_id",
            "row",
            "task",
            "status",
            "result",
            "evidence",
            "row_unit",
            "row_period",
        ],
    )
    indicators = pd.DataFrame(
        indicator_rows,
        columns=["submission_id", "row", "indicator", "raw", "note", "row_unit", "row_period"],
    )
    return submissions, tasks, indicators


def _blank(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return frame.assign(**{c: frame[c].replace("", np.nan) for c in columns})


def _any(masks: dict[str, pd.Series], rows: int) -> np.ndarray:
    """Rows that break at least one rule."""
    failed = np.zeros(rows, dtype=bool)
    for mask in masks.values():
        failed |= mask.to_numpy(dtype=bool)
    return failed


def district(plan_file: Path, folder: Path, period: str) -> dict[str, Any]:
    """One district's rules and metrics; its figures for the roll-up."""
    plan = yaml.load(plan_file.read_text(encoding="utf-8"), Loader=_LOADER)
    starts, ends, deadline = _period(plan, period)
    owed_tasks, owed_indicators = _owed(plan)
    submissions, task_rows, indicator_rows = _read(folder, period)
    who = submissions[["submission_id", "unit", "period"]]
    # Tasks: rows sent joined with what is owed; owed and not sent is a row 0.
    tasks = _blank(
        task_rows.merge(who, on="submission_id"),
        ["status", "result", "evidence", "row_unit", "row_period"],
    )
    tasks = tasks.merge(owed_tasks, on=["unit", "task"], how="outer", indicator=True)
    tasks = tasks[tasks["unit"].isin(who["unit"]) | (tasks["_merge"] == "right_only")]
    tasks["present"] = tasks["_merge"] != "right_only"
    tasks["assigned"] = tasks["_merge"] != "left_only"
    tasks = tasks[tasks["unit"].isin(who["unit"])]
    text = tasks["evidence"].fillna("")
    tasks["evidence_number"] = evidence.numbers(text).replace("", np.nan)
    tasks["evidence_date"] = evidence.dates(text)
    tasks = tasks.reset_index(drop=True)
    # Indicators: the number, or the text typed when it is not one.
    raw = indicator_rows["raw"]
    value = pd.to_numeric(raw.astype("string").str.replace(",", ".", regex=False), errors="coerce")
    indicators = indicator_rows.assign(
        value=value,
        value_text=raw.astype("string").where(value.isna() & ~raw.isin(_BLANK_NUMBER)),
        not_applicable=indicator_rows["note"].fillna("").str.contains("không phát sinh"),
        previous_value=np.nan,
    ).merge(who, on="submission_id")
    indicators = _blank(indicators, ["row_unit", "row_period"])
    indicators = indicators.merge(
        owed_indicators, on=["unit", "indicator"], how="outer", indicator=True
    )
    indicators["present"] = indicators["_merge"] != "right_only"
    indicators["assigned"] = indicators["_merge"] != "left_only"
    indicators = indicators[indicators["unit"].isin(who["unit"])].reset_index(drop=True)
    task_failures = task_masks(tasks, starts, ends)
    indicator_failures = indicator_masks(indicators)
    bad = set(tasks.loc[_any(task_failures, len(tasks)), "submission_id"]) | set(
        indicators.loc[_any(indicator_failures, len(indicators)), "submission_id"]
    )
    # Metrics: reporting, timeliness, the implementation index over valid reports.
    expected = set(owed_tasks["unit"])
    received = set(submissions["unit"]) & expected
    on_time = set(submissions.loc[submissions["mtime"] < deadline.timestamp(), "unit"]) & expected
    weights = plan["status_weights"]
    valid = tasks[~tasks["submission_id"].isin(bad) & tasks["present"] & tasks["assigned"]]
    rated = valid[valid["status"].isin(list(weights)) & (valid["status"] != "khong_phat_sinh")]
    rated = rated.assign(weight=rated["status"].map(weights).astype(float))
    per_unit = rated.groupby("unit")["weight"].mean() * 10
    return {
        "plan": plan["id"],
        "name": plan["document"]["district"],
        "expected": len(expected),
        "received": len(received),
        "on_time": len(on_time),
        "implementation_index": float(per_unit.mean()) if len(per_unit) else np.nan,
        "done": int((valid["status"] == _DONE).sum()),
        "rows": len(task_rows) + len(indicator_rows),
        "files": len(submissions),
        "failures": sum(
            int(m.sum()) for m in (*task_failures.values(), *indicator_failures.values())
        ),
    }


def run(root: Path, plan_file: Path, period: str) -> dict[str, Any]:
    """The floor of one scale: every district, then the roll-up written as CSV."""
    top = yaml.load(plan_file.read_text(encoding="utf-8"), Loader=_LOADER)
    children = top.get("children") or []
    inbox = root / "data" / "inbox"
    if children:
        found = [district(plan_file.parent / c["file"], inbox / c["id"], period) for c in children]
    else:
        found = [district(plan_file, inbox, period)]
    table = pd.DataFrame(found)
    table["reporting_rate"] = table["received"] / table["expected"] * 100
    table["on_time_reporting_rate"] = table["on_time"] / table["expected"] * 100
    table = table.sort_values("implementation_index", ascending=False, kind="stable")
    table["rank"] = np.arange(1, len(table) + 1)
    out = root / "floor"
    out.mkdir(exist_ok=True)
    table.to_csv(out / f"roll-up-{period}.csv", index=False)
    return {
        "files": int(table["files"].sum()),
        "rows": int(table["rows"].sum()),
        "failures": int(table["failures"].sum()),
        "reporting_rate": float(table["received"].sum() / table["expected"].sum() * 100),
    }
