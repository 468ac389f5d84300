"""Property: the vectorised metrics equal a naive recomputation with Python loops."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from metrics_cases import AGENCY, WARDS, Frames

from papi_etl import calendar
from papi_etl.metrics.compute import compute
from papi_etl.metrics.model import WHOLE
from papi_etl.plan import assignments

UNITS = [*WARDS, AGENCY]
WEIGHTS = {"chua_trien_khai": 0.0, "dang_trien_khai": 0.5, "hoan_thanh": 1.0}
SUBMISSION_STATUSES = ["valid", "accepted_with_exception", "invalid", "received"]
TASK_STATUSES = [*WEIGHTS, "khong_phat_sinh", None]  # None: the row is absent
COUNTED = {"valid", "accepted_with_exception"}

maybe_value = st.one_of(st.none(), st.integers(min_value=0, max_value=50))
report = st.fixed_dictionaries(
    {
        "status": st.sampled_from(SUBMISSION_STATUSES),
        "on_time": st.booleans(),
        "tasks": st.fixed_dictionaries(
            {t: st.sampled_from(TASK_STATUSES) for t in ("D1.01", "D1.02", "D2.01", "T3.01")}
        ),
        "values": st.fixed_dictionaries({i: maybe_value for i in ("I1", "I3", "I4")}),
    }
)
reports = st.fixed_dictionaries({u: st.one_of(st.none(), report) for u in UNITS})


def _close(a: float | None, b: float | None) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports=reports)
def test_vectorised_metrics_equal_a_naive_recount(tiny_plan, reports):
    frames = Frames([], [], [])
    for unit, sent in reports.items():
        if sent is None:
            continue
        frames.report(
            unit,
            status=sent["status"],
            on_time=sent["on_time"],
            tasks={t: s for t, s in sent["tasks"].items() if s is not None},
            values={i: v for i, v in sent["values"].items() if v is not None},
        )
    m = compute(tiny_plan, calendar.period(tiny_plan, "2019-Q1"), frames.inputs())

    # Reporting rates, DHIS2's way.
    received = [u for u in UNITS if reports[u] is not None]
    on_time = [u for u in received if reports[u]["on_time"]]
    assert (m.expected, m.received, m.on_time) == (len(UNITS), len(received), len(on_time))
    assert _close(m.reporting_rate, len(received) / len(UNITS) * 100)
    assert _close(m.on_time_reporting_rate, len(on_time) / len(UNITS) * 100)

    # The implementation index, unit by unit, dimension by dimension.
    dimension_of = {t.code: d.code for d in tiny_plan.dimensions for t in d.tasks}
    counted = [u for u in received if reports[u]["status"] in COUNTED]
    per_unit: dict[str, dict[str, list[float]]] = {}
    for unit in counted:
        own = {t.code for t in assignments.tasks_of_unit(tiny_plan, unit)}
        for task, status in reports[unit]["tasks"].items():
            if task in own and status in WEIGHTS:
                dimension = dimension_of.get(task, "III")
                per_unit.setdefault(unit, {}).setdefault(dimension, []).append(WEIGHTS[status])
    expected_index: dict[tuple[str, str], float] = {}
    for unit, by_dimension in per_unit.items():
        every = []
        for dimension, weights in by_dimension.items():
            expected_index[unit, dimension] = sum(weights) / len(weights) * 10
            every += weights
        expected_index[unit, WHOLE] = sum(every) / len(every) * 10
    for dimension in ("D1", "D2", "III", WHOLE):
        values = [v for (u, d), v in expected_index.items() if d == dimension and u != WHOLE]
        if values:
            expected_index[WHOLE, dimension] = sum(values) / len(values)
    got = {
        (row.unit, row.dimension): row.implementation_index
        for row in m.implementation_index.itertuples()
    }
    assert got.keys() == expected_index.keys()
    for key, value in expected_index.items():
        assert _close(got[key], value), key

    # Sums and the ratio of sums over the counted wards.
    counted_wards = [u for u in counted if u in WARDS]
    i1 = [reports[u]["values"]["I1"] for u in counted_wards]
    i1 = [v for v in i1 if v is not None]
    pairs = [
        (reports[u]["values"]["I3"], reports[u]["values"]["I4"])
        for u in counted_wards
        if reports[u]["values"]["I3"] is not None and reports[u]["values"]["I4"] is not None
    ]
    denominator = sum(d for _, d in pairs)
    indicators = m.indicators.set_index("indicator")
    assert _close(indicators.loc["I1", "value"], float(sum(i1)) if i1 else None)
    assert indicators.loc["I1", "units_reporting"] == len(i1)
    assert _close(
        indicators.loc["I5", "value"],
        sum(n for n, _ in pairs) / denominator * 100 if denominator else None,
    )
    assert indicators.loc["I5", "units_reporting"] == len(pairs)

    # Everything received but not counted is left out; ranks are 1..n without gaps.
    assert sorted(m.left_out["unit"]) == sorted(set(received) - set(counted))
    ranks = m.ward_ranking["rank"].dropna().tolist()
    assert ranks == list(range(1, len(ranks) + 1))
