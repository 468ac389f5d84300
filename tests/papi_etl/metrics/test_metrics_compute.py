"""Small cases computed by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from metrics_cases import AGENCY, WARDS

from papi_etl import calendar
from papi_etl.metrics.compute import MetricInputs, compute
from papi_etl.metrics.load import PAPI_SCORES, PAPI_TARGETS
from papi_etl.metrics.model import ASSIGNMENTS, WHOLE

ALL_DONE = {"D1.01": "hoan_thanh", "D1.02": "hoan_thanh", "D2.01": "hoan_thanh"}


def _period(plan, code="2019-Q1"):
    return calendar.period(plan, code)


def _index(m, unit, dimension):
    frame = m.implementation_index
    hit = frame[(frame["unit"] == unit) & (frame["dimension"] == dimension)]
    assert len(hit) <= 1
    return float(hit["implementation_index"].iloc[0]) if len(hit) else None


def _indicator(m, code):
    return m.indicators.set_index("indicator").loc[code]


def test_ten_wards_three_late_one_missing_give_90_and_60_percent(tiny_plan, frames):
    for i, ward in enumerate(WARDS[:9]):
        frames.report(ward, on_time=i >= 3, tasks=ALL_DONE)
    m = compute(tiny_plan, _period(tiny_plan), frames.inputs())

    wards = m.reporting.set_index("kind").loc["ward"]
    assert (wards["expected"], wards["received"], wards["on_time"]) == (10, 9, 6)
    assert (wards["late"], wards["missing"]) == (3, 1)
    assert wards["reporting_rate"] == pytest.approx(90.0)
    assert wards["on_time_reporting_rate"] == pytest.approx(60.0)
    # The agency sent nothing: over all 11 units, 9 received and 6 on time.
    assert (m.expected, m.received, m.on_time) == (11, 9, 6)
    assert m.reporting_rate == pytest.approx(9 / 11 * 100)
    assert m.on_time_reporting_rate == pytest.approx(6 / 11 * 100)
    assert m.reporting.iloc[-1]["kind"] == WHOLE

    reasons = m.lagging.groupby("reason")["unit"].apply(list).to_dict()
    assert reasons == {"late": WARDS[:3], "missing": [WARDS[9], AGENCY]}
    assert m.units.set_index("unit").loc[WARDS[9], "left_out_reason"] == "missing"
    assert m.left_out.empty  # nothing received was left out


def test_index_by_hand_excludes_khong_phat_sinh_and_averages_units(tiny_plan, frames):
    frames.report(
        "W01", tasks={"D1.01": "hoan_thanh", "D1.02": "dang_trien_khai", "D2.01": "khong_phat_sinh"}
    )
    frames.report(
        "W02", tasks={"D1.01": "chua_trien_khai", "D1.02": "hoan_thanh", "D2.01": "dang_trien_khai"}
    )
    frames.report(AGENCY, tasks={"D2.01": "hoan_thanh", "T3.01": "dang_trien_khai"})
    m = compute(tiny_plan, _period(tiny_plan), frames.inputs())

    assert _index(m, "W01", "D1") == pytest.approx((1.0 + 0.5) / 2 * 10)  # 7.5
    assert _index(m, "W01", "D2") is None  # only "không phát sinh": not rated
    assert _index(m, "W01", WHOLE) == pytest.approx(7.5)
    assert _index(m, "W02", "D1") == pytest.approx(5.0)
    assert _index(m, "W02", "D2") == pytest.approx(5.0)
    assert _index(m, "W02", WHOLE) == pytest.approx((0 + 1 + 0.5) / 3 * 10)
    assert _index(m, AGENCY, ASSIGNMENTS) == pytest.approx(5.0)
    assert _index(m, AGENCY, WHOLE) == pytest.approx(7.5)
    # Over units: the mean of the units' indices, each unit weighing the same.
    assert _index(m, WHOLE, "D1") == pytest.approx((7.5 + 5.0) / 2)
    assert _index(m, WHOLE, "D2") == pytest.approx((5.0 + 10.0) / 2)
    assert _index(m, WHOLE, WHOLE) == pytest.approx((7.5 + 5.0 + 7.5) / 3)
    assert m.implementation_index_overall == pytest.approx(20 / 3)

    d1 = m.task_status_by_dimension.query("dimension == 'D1'").set_index("status")
    assert d1["tasks"].to_dict() == {
        "chua_trien_khai": 1,
        "dang_trien_khai": 1,
        "hoan_thanh": 2,
        "khong_phat_sinh": 0,
    }
    assert d1.loc["hoan_thanh", "share"] == pytest.approx(50.0)

    ranking = m.ward_ranking
    assert ranking["unit"].tolist()[:2] == ["W01", "W02"]
    assert ranking["rank"].tolist()[:3] == [1, 2, pd.NA]


def test_ratio_of_sums_is_not_the_mean_of_ratios(tiny_plan, frames):
    frames.report("W01", tasks=ALL_DONE, values={"I3": 9, "I4": 10})  # 90 %
    frames.report("W02", tasks=ALL_DONE, values={"I3": 1, "I4": 90})  # 1.1 %
    frames.report("W03", tasks=ALL_DONE, values={"I3": 5})  # no denominator: left out
    m = compute(tiny_plan, _period(tiny_plan), frames.inputs())

    i5 = _indicator(m, "I5")
    assert i5["value"] == pytest.approx((9 + 1) / (10 + 90) * 100)  # 10 %, not 45.6 %
    assert i5["units_reporting"] == 2
    assert _indicator(m, "I3")["value"] == 15
    assert _indicator(m, "I1")["value"] != _indicator(m, "I1")["value"]  # nobody: NaN, not 0


def test_change_from_previous_period_and_year_to_date(tiny_plan, frames):
    frames.report("W01", "2019-Q1", tasks=ALL_DONE, values={"I1": 5, "I2": 2})
    frames.report("W02", "2019-Q1", tasks=ALL_DONE, values={"I1": 3, "I2": 4})
    frames.report("W01", "2019-6M", tasks=ALL_DONE, values={"I1": 12, "I2": 1})
    frames.report("W02", "2019-6M", tasks=ALL_DONE, values={"I1": 7, "I2": 2})
    m = compute(tiny_plan, _period(tiny_plan, "2019-6M"), frames.inputs())

    i1 = _indicator(m, "I1")
    assert (i1["value"], i1["previous_value"], i1["change"]) == (19, 8, 11)
    assert i1["year_to_date"] == 19 and i1["trend"] == "improved"
    i2 = _indicator(m, "I2")
    assert (i2["value"], i2["previous_value"], i2["change"]) == (1.5, 3.0, -1.5)
    assert math.isnan(i2["year_to_date"]) and i2["trend"] == "worsened"

    first = compute(tiny_plan, _period(tiny_plan, "2019-Q1"), frames.inputs())
    assert math.isnan(_indicator(first, "I1")["previous_value"])
    assert _indicator(first, "I1")["trend"] is None


def test_q1_and_the_year_compare_with_a_year_earlier(tiny_plan, frames):
    frames.report("W01", "2018-Y", tasks=ALL_DONE, values={"I1": 30, "I2": 2})
    frames.report("W01", "2019-Q1", tasks=ALL_DONE, values={"I1": 9, "I2": 3})
    frames.report("W01", "2019-6M", tasks=ALL_DONE, values={"I1": 15, "I2": 3})
    frames.report("W01", "2019-Y", tasks=ALL_DONE, values={"I1": 41, "I2": 1})

    q1 = compute(tiny_plan, _period(tiny_plan, "2019-Q1"), frames.inputs())
    assert (q1.year_ago_period, q1.year_ago_label) == ("2018-Y", "Năm 2018")
    i1 = _indicator(q1, "I1")  # cumulative: a quarter against a whole year, not judged
    assert (i1["year_ago_value"], i1["year_ago_change"], i1["year_ago_ratio"]) == (30, -21, 30)
    assert i1["year_ago_trend"] is None
    assert _indicator(q1, "I2")["year_ago_trend"] == "improved"  # a mean: 3 against 2
    assert math.isnan(i1["previous_value"])  # no earlier period in 2019

    year = compute(tiny_plan, _period(tiny_plan, "2019-Y"), frames.inputs())
    assert year.year_ago_period == "2018-Y"
    assert _indicator(year, "I1")[["year_ago_value", "year_ago_change"]].tolist() == [30, 11]
    assert _indicator(year, "I1")["year_ago_trend"] == "improved"  # a year against a year
    assert _indicator(year, "I1")["year_ago_trend"] == "improved"  # a year against a year
    assert _indicator(year, "I2")["year_ago_trend"] == "worsened"

    # 6M has an earlier period in its year and 461/KH-UBND has no 2018-6M: no year-ago figure.
    june = compute(tiny_plan, _period(tiny_plan, "2019-6M"), frames.inputs())
    assert june.year_ago_period is None
    assert math.isnan(_indicator(june, "I1")["year_ago_value"])


def test_a_change_that_rounds_to_zero_is_no_improvement(tiny_plan, frames):
    frames.report("W01", "2019-Q1", tasks=ALL_DONE, values={"I2": 2.0})
    frames.report("W01", "2019-6M", tasks=ALL_DONE, values={"I2": 2.04})
    m = compute(tiny_plan, _period(tiny_plan, "2019-6M"), frames.inputs())
    i2 = _indicator(m, "I2")
    assert i2["change"] == pytest.approx(0.04) and i2["trend"] == "unchanged"


def test_only_valid_or_accepted_reports_count_and_the_rest_are_left_out(tiny_plan, frames):
    frames.report("W01", tasks=ALL_DONE, values={"I1": 1})
    frames.report("W02", status="accepted_with_exception", tasks=ALL_DONE, values={"I1": 10})
    frames.report("W03", status="invalid", open_findings=2, tasks=ALL_DONE, values={"I1": 100})
    frames.report("W04", status="received", tasks=ALL_DONE, values={"I1": 1000})
    m = compute(tiny_plan, _period(tiny_plan), frames.inputs())

    assert _indicator(m, "I1")["value"] == 11
    assert m.received == 4  # received, whatever the status
    left = m.left_out.set_index("unit")
    assert left["reason"].to_dict() == {"W03": "invalid", "W04": "not_validated"}
    assert left.loc["W03", "open_findings"] == 2
    assert "2 lỗi" in left.loc["W03", "reason_vi"]
    counted = m.units.set_index("unit")["counted"]
    assert counted[["W01", "W02", "W03", "W04"]].tolist() == [True, True, False, False]
    assert set(m.task_status_by_unit["unit"]) == {"W01", "W02", WHOLE}
    assert m.ward_ranking["unit"].tolist()[:2] == ["W01", "W02"]
    assert set(m.lagging["reason"]) == {"invalid", "not_validated", "missing"}


def test_completeness_counts_required_rows_with_a_status_once(tiny_plan, frames):
    frames.report("W01", tasks={"D1.01": "hoan_thanh", "D1.02": "xong", "T3.01": "hoan_thanh"})
    frames.tasks.append(dict(frames.tasks[0]))  # D1.01 twice: once
    frames.report("W02", tasks=ALL_DONE)
    m = compute(tiny_plan, _period(tiny_plan), frames.inputs())

    table = m.completeness.set_index("unit")
    assert table.loc["W01", "required_rows"] == 3
    assert table.loc["W01", "valid_rows"] == 1  # "xong" is no status; T3.01 is not W01's
    assert table.loc["W01", "completeness"] == pytest.approx(100 / 3)
    assert table.loc["W02", "completeness"] == pytest.approx(100.0)
    assert math.isnan(table.loc["W03", "completeness"])  # nothing counted
    assert m.completeness_rate == pytest.approx((1 + 3) / (3 + 3) * 100)


def test_ties_in_the_ward_ranking_are_broken_by_on_time_then_completeness_then_code(
    tiny_plan, frames
):
    frames.report("W05", tasks=ALL_DONE)
    frames.report("W02", tasks=ALL_DONE, on_time=False)
    frames.report("W04", tasks={"D1.01": "hoan_thanh", "D1.02": "hoan_thanh"})  # 2/3 rows
    frames.report("W03", tasks=ALL_DONE)
    m = compute(tiny_plan, _period(tiny_plan), frames.inputs())

    ranked = m.ward_ranking.dropna(subset=["rank"])
    assert ranked["unit"].tolist() == ["W03", "W05", "W04", "W02"]
    assert ranked["rank"].tolist() == [1, 2, 3, 4]
    assert set(ranked["implementation_index"]) == {10.0}


def test_tasks_not_started_are_lagging_only_after_mid_year(tiny_plan, frames):
    idle = {"D1.01": "chua_trien_khai", "D1.02": "hoan_thanh", "D2.01": "hoan_thanh"}
    for period in ("2019-6M", "2019-9M"):
        frames.report("W01", period, tasks=idle)
    june = compute(tiny_plan, _period(tiny_plan, "2019-6M"), frames.inputs())
    september = compute(tiny_plan, _period(tiny_plan, "2019-9M"), frames.inputs())

    assert "not_started" not in set(june.lagging["reason"])  # ends 9 June
    idle_rows = september.lagging.query("reason == 'not_started'")
    assert idle_rows[["unit", "task"]].values.tolist() == [["W01", "D1.01"]]


def test_difficulties_and_proposals_come_from_counted_reports(tiny_plan, frames):
    frames.report("W01", tasks={"D1.01": "dang_trien_khai"}, difficulties="  Thiếu kinh phí ")
    frames.report("W02", status="invalid", tasks={"D1.01": "hoan_thanh"}, difficulties="Khác")
    frames.report("W03", tasks={"D1.01": "hoan_thanh"}, difficulties="   ")
    m = compute(tiny_plan, _period(tiny_plan), frames.inputs())

    assert m.difficulties[["unit", "task", "dimension", "text"]].values.tolist() == [
        ["W01", "D1.01", "D1", "Thiếu kinh phí"]
    ]
    assert m.proposals.empty


@pytest.mark.parametrize(
    ("code", "year"),
    [("2019-Q1", 2017), ("2019-6M", 2018), ("2019-Y", 2018)],
)
def test_papi_context_is_the_latest_published_by_the_period_end(tiny_plan, code, year):
    inputs = MetricInputs(
        papi_scores=pd.read_csv(PAPI_SCORES), papi_targets=pd.read_csv(PAPI_TARGETS)
    )
    m = compute(tiny_plan, _period(tiny_plan, code), inputs)

    assert (m.papi_year, m.papi_estimate) == (year, "unweighted")
    d1 = m.papi_context.set_index("dimension").loc["D1"]
    assert (d1["target_op"], d1["target"], bool(d1["meets_target"])) == (">", 6.0, False)
    assert set(m.papi_context["year"]) == {year}
    # D7 and D8 exist from PAPI 2018 only.
    assert ("D7" in set(m.papi_context["dimension"])) == (year >= 2018)


def test_before_any_papi_publication_the_context_is_empty(tiny_plan):
    scores = pd.read_csv(PAPI_SCORES).query("year >= 2018")
    m = compute(tiny_plan, _period(tiny_plan), MetricInputs(papi_scores=scores))
    assert m.papi_context.empty and m.papi_year is None


def test_no_submissions_at_all(tiny_plan):
    m = compute(tiny_plan, _period(tiny_plan), MetricInputs())
    assert (m.expected, m.received, m.reporting_rate) == (11, 0, 0.0)
    assert math.isnan(m.completeness_rate) and math.isnan(m.implementation_index_overall)
    assert m.implementation_index.empty and m.left_out.empty
    assert m.ward_ranking["rank"].isna().all()
    assert m.to_dict()["reporting_rate"] == 0.0


def test_inputs_are_not_modified(tiny_plan, frames):
    frames.report("W01", tasks=ALL_DONE, values={"I1": 3}, difficulties=" x ")
    inputs = frames.inputs()
    before = {name: getattr(inputs, name).copy() for name in ("submissions", "task_rows")}
    compute(tiny_plan, _period(tiny_plan), inputs)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(getattr(inputs, name), frame)


def test_to_dict_is_plain_json(tiny_plan, frames):
    import json

    frames.report("W01", tasks=ALL_DONE, values={"I1": 3})
    data = compute(tiny_plan, _period(tiny_plan), frames.inputs()).to_dict()
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    assert '"reporting_rate"' in text and '"on_time_reporting_rate"' in text
    assert data["units"][0]["received_at"].startswith("2019-03-05T09:00:00+07:00")
    assert data["units"][1]["on_time"] is None
