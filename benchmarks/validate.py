# ruff: noqa: T201  (a benchmark reports on stdout)
"""Validation benchmark: the plan's GX suites (expectations.runner.validate) vs the same
rules written directly in vectorised pandas, on the same frames.

    .venv/bin/python -m benchmarks.validate [--rows 1000000] [--bad 0.03] [--profile]

(a) the district: every reporting unit's synthetic report for one period (2019-6M, so that
    the cumulative rule has a previous period to compare with), frames from
    `papi_etl.validation.frames.of_submissions`;
(b) a synthetic period of ~1,000,000 task + indicator rows: the district's frames
    replicated under new submission ids, then perturbed so that a share (`--bad`) of the
    rows breaks one rule each.

For each: rows, GX time (`runner.validate`, findings included: one COMPLETE run per
suite), rows/s, the pandas reference's time, the ratio, a
check that both find the same (submission, row) failures per (sheet, rule), and peak RSS.
A measurement, not a test: it always exits 0 and prints PASS/MISS against the goals.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import datetime as dt
import io
import pstats
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repo importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import pandas as pd

GOAL_RATIO = 3.0
GOAL_MILLION_S = 30.0
GOAL_TEXT = "goal: within 3x of pandas, and below 30 s for the million rows on 2 cores"
PERIOD = "2019-6M"
PREVIOUS = "2019-Q1"


# --- the pandas reference: each rule of expectations/suites.py as a boolean mask -----------


def _pair_unequal(a: pd.Series, b: pd.Series) -> pd.Series:
    """ExpectColumnPairValuesToBeEqual, ignore_row_if='both_values_are_missing'."""
    both_missing = a.isna() & b.isna()
    return ~both_missing & ~(a == b).fillna(False).astype(bool)


def _a_below_b(a: pd.Series, b: pd.Series) -> pd.Series:
    """ExpectColumnPairValuesAToBeGreaterThanB(or_equal=True, ignore either missing)."""
    return a.notna() & b.notna() & (a < b)


def task_masks(frame: pd.DataFrame, starts: dt.datetime, ends: dt.datetime) -> dict[str, pd.Series]:
    from expectations import suites
    from papi_etl.schema import TaskStatus

    sent = frame["present"].eq(True)
    status = frame["status"]
    done = status.eq(TaskStatus.HOAN_THANH.value).fillna(False).astype(bool)
    done_with_evidence = done & frame["evidence"].notna()
    date = frame["evidence_date"]
    allowed = [s.value for s in TaskStatus]
    return {
        suites.TASK_MISSING.id: ~frame["present"].eq(True),
        suites.TASK_DUPLICATE.id: frame.duplicated(["submission_id", "task"], keep=False),
        suites.TASK_NOT_ASSIGNED.id: ~frame["assigned"].eq(True),
        suites.STATUS_REQUIRED.id: sent & status.isna(),
        suites.STATUS_ALLOWED.id: sent & status.notna() & ~status.isin(allowed),
        suites.RESULT_REQUIRED.id: done & frame["result"].isna(),
        suites.EVIDENCE_REQUIRED.id: done & frame["evidence"].isna(),
        suites.EVIDENCE_NUMBER_REQUIRED.id: done_with_evidence & frame["evidence_number"].isna(),
        suites.EVIDENCE_DATE_REQUIRED.id: done_with_evidence & date.isna(),
        suites.EVIDENCE_DATE_IN_PERIOD.id: date.notna() & ((date < starts) | (date > ends)),
        suites.UNIT_MATCHES.id: _pair_unequal(frame["row_unit"], frame["unit"]),
        suites.PERIOD_MATCHES.id: _pair_unequal(frame["row_period"], frame["period"]),
    }


def indicator_masks(frame: pd.DataFrame) -> dict[str, pd.Series]:
    from expectations import suites
    from papi_etl.plan.model import ValueType

    sent = frame["present"].eq(True)
    value = frame["value"]
    owed = sent & frame["not_applicable"].eq(False) & frame["value_text"].isna()
    count = frame["value_type"].eq(ValueType.COUNT.value).fillna(False).astype(bool)
    v = value.to_numpy(dtype="float64")
    whole = np.isfinite(v) & (v >= 0) & (v == np.floor(v))
    cumulative = frame["cumulative"].eq(True)
    return {
        suites.INDICATOR_MISSING.id: ~sent,
        suites.INDICATOR_DUPLICATE.id: frame.duplicated(["submission_id", "indicator"], keep=False),
        suites.INDICATOR_NOT_ASSIGNED.id: ~frame["assigned"].eq(True),
        suites.VALUE_REQUIRED.id: owed & value.isna(),
        suites.VALUE_IS_NUMBER.id: frame["value_text"].notna(),
        suites.VALUE_AT_LEAST_MIN.id: _a_below_b(value, frame["range_min"]),
        suites.VALUE_AT_MOST_MAX.id: _a_below_b(frame["range_max"], value),
        suites.COUNT_WHOLE.id: count & value.notna() & ~pd.Series(whole, index=frame.index),
        suites.CUMULATIVE_NOT_DECREASING.id: cumulative
        & _a_below_b(value, frame["previous_value"]),
        suites.UNIT_MATCHES.id: _pair_unequal(frame["row_unit"], frame["unit"]),
        suites.PERIOD_MATCHES.id: _pair_unequal(frame["row_period"], frame["period"]),
    }


def pandas_failures(frames, period) -> dict[tuple[str, str], collections.Counter]:
    """(sheet, rule) -> Counter of (submission_id, row) failing, as the findings locate them."""
    starts = dt.datetime.combine(period.starts, dt.time())
    ends = dt.datetime.combine(period.ends, dt.time())
    found: dict[tuple[str, str], collections.Counter] = {}
    for sheet, frame, masks in (
        ("NhiemVu", frames.tasks, task_masks(frames.tasks, starts, ends)),
        ("ChiSo", frames.indicators, indicator_masks(frames.indicators)),
    ):
        for rule, mask in masks.items():
            hit = frame.loc[mask.to_numpy(dtype=bool), ["submission_id", "row"]]
            found[(sheet, rule)] = collections.Counter(
                zip(hit["submission_id"].tolist(), hit["row"].tolist(), strict=True)
            )
    return found


def pandas_masks_only(frames, period) -> int:
    """Just the masks and their counts: the pure cost of the rules in pandas."""
    starts = dt.datetime.combine(period.starts, dt.time())
    ends = dt.datetime.combine(period.ends, dt.time())
    total = 0
    for masks in (task_masks(frames.tasks, starts, ends), indicator_masks(frames.indicators)):
        total += sum(int(m.sum()) for m in masks.values())
    return total


def gx_failures(findings) -> dict[tuple[str, str], collections.Counter]:
    found: dict[tuple[str, str], collections.Counter] = collections.defaultdict(collections.Counter)
    for f in findings:
        found[(f.sheet, f.rule)][(f.submission_id, f.row)] += 1
    return found


# --- building the frames --------------------------------------------------------------------


def district_frames():
    from papi_etl import calendar, synth
    from papi_etl.plan import load
    from papi_etl.settings import DEFAULT_PLAN
    from papi_etl.validation import frames

    plan = load(DEFAULT_PLAN).plan
    periods = [calendar.period(plan, PREVIOUS), calendar.period(plan, PERIOD)]
    reports = synth.build(plan, synth.DEFAULT_SEED, periods, "json")
    earlier = {
        r.unit.code: {x.indicator: x.value for x in r.submission.indicators if x.value is not None}
        for r in reports
        if r.period.code == PREVIOUS and r.submission is not None
    }
    current = [r for r in reports if r.period.code == PERIOD and r.submission is not None]
    submissions = {i: r.submission for i, r in enumerate(current, start=1)}
    previous = {i: earlier.get(r.unit.code, {}) for i, r in enumerate(current, start=1)}
    built = frames.of_submissions(plan, submissions, {k: v for k, v in previous.items() if v})
    return plan, periods[1], built, len(reports) // 2


def million_frames(base, target_rows: int, bad: float, period, seed: int = 20190601):
    """The district's frames replicated under new submission ids to ~target_rows rows, then
    a share `bad` of the rows perturbed to break one rule each (on top of the district's own
    seeded errors, which are replicated too)."""
    from papi_etl.validation.frames import Frames

    per_copy = len(base.tasks) + len(base.indicators)
    copies = max(1, round(target_rows / per_copy))
    stride = int(max(base.tasks["submission_id"].max(), base.indicators["submission_id"].max())) + 1

    def replicate(frame: pd.DataFrame) -> pd.DataFrame:
        n = len(frame)
        out = frame.iloc[np.tile(np.arange(n), copies)].reset_index(drop=True)
        offset = np.repeat(np.arange(copies, dtype="int64") * stride, n)
        return out.assign(submission_id=out["submission_id"].to_numpy() + offset)

    tasks = replicate(base.tasks)
    indicators = replicate(base.indicators)
    rng = np.random.default_rng(seed)

    def pick(frame: pd.DataFrame, where: np.ndarray, share: float) -> np.ndarray:
        candidates = np.flatnonzero(where)
        k = min(len(candidates), int(round(share * len(frame))))
        return rng.choice(candidates, size=k, replace=False) if k else candidates[:0]

    # Tasks: each kind its share of the bad rows, on rows that are otherwise clean.
    sent = tasks["present"].to_numpy()
    done = tasks["status"].eq("hoan_thanh").fillna(False).to_numpy(dtype=bool)
    taken = np.zeros(len(tasks), dtype=bool)
    plans = [
        ("status", sent & ~done, 0.25),
        ("bad_status", sent & ~done, 0.15),
        ("no_result", done, 0.15),
        ("no_evidence", done, 0.15),
        ("late_evidence", done & tasks["evidence_date"].notna().to_numpy(), 0.2),
        ("row_unit", sent, 0.1),
    ]
    for kind, where, share in plans:
        rows = pick(tasks, where & ~taken, bad * share)
        taken[rows] = True
        if kind == "status":
            tasks.loc[rows, "status"] = np.nan
        elif kind == "bad_status":
            tasks.loc[rows, "status"] = "dang_lam"
        elif kind == "no_result":
            tasks.loc[rows, "result"] = np.nan
        elif kind == "no_evidence":
            tasks.loc[rows, ["evidence", "evidence_number"]] = np.nan
            tasks.loc[rows, "evidence_date"] = pd.NaT
        elif kind == "late_evidence":
            tasks.loc[rows, "evidence_date"] = pd.Timestamp(period.ends) + pd.Timedelta(days=40)
        elif kind == "row_unit":
            tasks.loc[rows, "row_unit"] = "XX"

    # Indicators.
    numeric = indicators["present"].to_numpy() & indicators["value"].notna().to_numpy()
    count = indicators["value_type"].eq("count").fillna(False).to_numpy(dtype=bool)
    cumulative = (
        indicators["cumulative"].to_numpy() & indicators["previous_value"].notna().to_numpy()
    )
    taken = np.zeros(len(indicators), dtype=bool)
    plans = [
        ("text", numeric, 0.25),
        ("above_max", numeric, 0.25),
        ("below_min", numeric & ~count, 0.1),
        ("fraction", numeric & count, 0.2),
        ("decrease", numeric & cumulative, 0.2),
    ]
    for kind, where, share in plans:
        rows = pick(indicators, where & ~taken, bad * share)
        taken[rows] = True
        if kind == "text":
            indicators.loc[rows, "value"] = np.nan
            indicators.loc[rows, "value_text"] = "khoảng 12"
        elif kind == "above_max":
            indicators.loc[rows, "value"] = indicators.loc[rows, "range_max"] * 10 + 1
        elif kind == "below_min":
            indicators.loc[rows, "value"] = indicators.loc[rows, "range_min"] - 1
        elif kind == "fraction":
            indicators.loc[rows, "value"] = indicators.loc[rows, "value"].clip(upper=10) + 0.5
            # keep it in range so that it breaks the count rule only
            indicators.loc[rows, "value"] = np.minimum(
                indicators.loc[rows, "value"], indicators.loc[rows, "range_max"] - 0.5
            )
        elif kind == "decrease":
            indicators.loc[rows, "value"] = indicators.loc[rows, "previous_value"] - 1
    return Frames(plan=base.plan, tasks=tasks, indicators=indicators), copies


# --- measuring ------------------------------------------------------------------------------


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _best(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def _compare(gx: dict, pd_: dict) -> list[str]:
    lines, bad = [], 0
    for key in sorted(set(gx) | set(pd_)):
        g, p = gx.get(key, collections.Counter()), pd_.get(key, collections.Counter())
        same = g == p
        if not (sum(g.values()) or sum(p.values())):
            continue
        mark = "ok" if same else "MISMATCH"
        bad += not same
        lines.append(
            f"    {key[0]:8s} {key[1]:28s} gx {sum(g.values()):>8,d}  "
            f"pandas {sum(p.values()):>8,d}  {mark}"
        )
    if bad:
        lines.append(
            f"    !!! MISMATCH: {bad} rule(s) differ between GX and the pandas reference !!!"
        )
    else:
        lines.append("    same failures per rule (same (submission, row) multiset): ok")
    return lines


def gx_breakdown(frames, period) -> dict[str, float]:
    """Where runner.validate's time goes: GX's one COMPLETE run per suite (over the columns
    it reads), and turning the failing rows into findings (runner internals, same calls)."""
    from expectations import runner, suites

    parameters = {
        suites.PERIOD_STARTS: runner._midnight(period.starts),
        suites.PERIOD_ENDS: runner._midnight(period.ends),
    }
    spent = {"GX runs": 0.0, "findings": 0.0}
    for check in runner._shared_engine().checks_of(frames.plan):
        t0 = time.perf_counter()
        frame, result = runner._run(check, getattr(frames, check.frame), parameters)
        spent["GX runs"] += time.perf_counter() - t0
        t0 = time.perf_counter()
        for failure in (r for r in result.results if not r.success):
            runner._findings(failure, frame, period)
        spent["findings"] += time.perf_counter() - t0
    return spent


def per_rule(frames, period) -> None:
    """Each expectation alone over the frames, run as the runner runs a suite: which rules
    cost most (alone, each pays GX's per-validation fixed cost, so the sum exceeds the
    suite's run)."""
    import copy
    import dataclasses

    import great_expectations as gx

    from expectations import runner, suites

    parameters = {
        suites.PERIOD_STARTS: runner._midnight(period.starts),
        suites.PERIOD_ENDS: runner._midnight(period.ends),
    }
    timings = []
    for check in runner._shared_engine().checks_of(frames.plan):
        for expectation in check.definition.suite.expectations:
            rule = expectation.meta["rule"]
            alone = gx.ValidationDefinition(
                name=f"alone.{check.frame}.{rule}",
                data=check.definition.batch_definition,
                suite=gx.ExpectationSuite(
                    name=f"alone.{check.frame}.{rule}", expectations=[copy.copy(expectation)]
                ),
            )
            t0 = time.perf_counter()
            runner._run(
                dataclasses.replace(check, definition=alone),
                getattr(frames, check.frame),
                parameters,
            )
            timings.append((time.perf_counter() - t0, check.frame, rule))
    print("  each expectation alone (as the runner runs a suite: COMPLETE, rows by position):")
    for spent, frame, rule in sorted(timings, reverse=True):
        print(f"    {frame:10s} {rule:28s} {spent:6.2f} s")


def measure(label: str, frames, period, repeat: int, profile: bool) -> dict[str, float]:
    from expectations import runner

    rows = len(frames.tasks) + len(frames.indicators)
    rss0 = _rss_mb()
    gx_s, findings = _best(lambda: runner.validate(frames, period), repeat)
    rss_gx = _rss_mb()
    pd_s, _ = _best(lambda: pandas_failures(frames, period), repeat)
    masks_s, _ = _best(lambda: pandas_masks_only(frames, period), repeat)
    check = _compare(gx_failures(findings), pandas_failures(frames, period))
    try:
        split = gx_breakdown(frames, period)
    except Exception as error:  # internals moved: the split is a nicety
        split = {}
        print(f"  (no breakdown: {error})")
    ratio = gx_s / pd_s if pd_s else float("inf")
    print(f"\n== {label}")
    print(
        f"  rows               {rows:>12,d}  "
        f"(tasks {len(frames.tasks):,}, indicators {len(frames.indicators):,})"
    )
    print(f"  findings           {len(findings):>12,d}  ({len(findings) / rows:.2%} of rows)")
    print(f"  GX validate        {gx_s:>12.3f} s  ({rows / gx_s:,.0f} rows/s)  best of {repeat}")
    if split:
        print(
            "    of which         "
            + ", ".join(f"{k} {v:.2f} s" for k, v in split.items())
            + "  (separate run)"
        )
    print(
        f"  pandas reference   {pd_s:>12.3f} s  ({rows / pd_s:,.0f} rows/s)  "
        "masks + (row, rule) lists"
    )
    print(f"  pandas masks only  {masks_s:>12.3f} s")
    print(f"  GX / pandas        {ratio:>12.1f} x")
    print(f"  peak RSS           {rss_gx:>12.0f} MB (process; {rss0:.0f} MB before this case)")
    print("  failures per rule:")
    print("\n".join(check))
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        runner.validate(frames, period)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(30)
        print(f"  profile of one GX run ({label}), top 30 by cumulative time:")
        print(out.getvalue())
    return {"rows": rows, "gx": gx_s, "pandas": pd_s, "ratio": ratio, "rss": rss_gx}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--bad", type=float, default=0.03, help="share of perturbed rows")
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (best is kept)")
    parser.add_argument("--profile", action="store_true", help="cProfile one GX run per case")
    parser.add_argument(
        "--per-rule", action="store_true", help="time each expectation alone on the million rows"
    )
    args = parser.parse_args(argv)
    from benchmarks import machine

    print(
        machine.header("validation", f"python {sys.version.split()[0]}", f"pandas {pd.__version__}")
    )
    print(GOAL_TEXT)

    t0 = time.perf_counter()
    from expectations import runner  # GX import

    import_s = time.perf_counter() - t0
    plan, period, district, units = district_frames()
    t0 = time.perf_counter()
    runner.validate(district, period)  # warm: GX context, suites, validation definitions
    cold_s = time.perf_counter() - t0
    print(
        f"import GX + runner {import_s:.2f} s; first validate (context + suites) {cold_s:.2f} s "
        "(not counted below)"
    )

    a = measure(
        f"(a) district, {units} units, {period.code}", district, period, args.repeat, args.profile
    )
    t0 = time.perf_counter()
    big, copies = million_frames(district, args.rows, args.bad, period)
    print(
        f"\n(built {copies} copies of the district, {args.bad:.1%} rows perturbed, in "
        f"{time.perf_counter() - t0:.1f} s)"
    )
    b = measure(
        f"(b) synthetic period, ~{args.rows:,} rows",
        big,
        period,
        max(1, min(args.repeat, 2)),
        args.profile,
    )
    if args.per_rule:
        per_rule(big, period)

    print("\n== against the goals")
    print(f"  {GOAL_TEXT}")
    for name, r in (("district", a), ("million", b)):
        verdict = "PASS" if r["ratio"] <= GOAL_RATIO else "MISS"
        print(
            f"  {name:9s} GX/pandas {r['ratio']:7.1f} x (goal <= {GOAL_RATIO:.0f} x): {verdict}"
            + ("" if verdict == "PASS" else f" by {r['ratio'] / GOAL_RATIO:.1f}x")
        )
    verdict = "PASS" if b["gx"] < GOAL_MILLION_S else "MISS"
    print(
        f"  million   GX time   {b['gx']:7.1f} s (goal < {GOAL_MILLION_S:.0f} s): {verdict}"
        + ("" if verdict == "PASS" else f" by {b['gx'] - GOAL_MILLION_S:.1f} s")
    )
    return 0


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # a measurement: report, never fail the caller
        import traceback

        traceback.print_exc()
        print(f"benchmark error: {error}")
    sys.exit(0)
