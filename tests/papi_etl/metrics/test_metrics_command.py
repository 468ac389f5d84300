"""`papi-etl metrics` on a store filled through the real pipeline: synth, then collect.

The validator is written elsewhere: the test sets the submissions' status in the store.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from metrics_cases import run_papi
from sqlalchemy import create_engine, func, select, update

from papi_etl.store import schema

PERIOD = "2019-Q1"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("metrics-cli") / "papi-data"
    made = run_papi(data, "synth", "--clean", "--period", PERIOD, "-o", str(data / "inbox"))
    assert made.code == 0, made.err
    collected = run_papi(data, "collect", "--json")
    assert collected.code == 0, collected.err
    assert json.loads(collected.out)["rejected"] == []
    engine = create_engine(f"sqlite:///{data / 'papi.sqlite3'}")
    with engine.begin() as connection:
        table = schema.Submission.__table__
        connection.execute(update(table).values(status="valid"))
        # Two late first versions, one invalid report and one not yet validated.
        connection.execute(
            update(table).where(table.c.unit_code.in_(["AL", "PNV"])).values(on_time=False)
        )
        connection.execute(update(table).where(table.c.unit_code == "BTD").values(status="invalid"))
        connection.execute(
            update(table).where(table.c.unit_code == "PTP").values(status="received")
        )
    engine.dispose()
    return data


def _metric_rows(data: Path) -> int:
    engine = create_engine(f"sqlite:///{data / 'papi.sqlite3'}")
    with engine.connect() as connection:
        count = connection.scalar(select(func.count()).select_from(schema.MetricValue))
    engine.dispose()
    return count


def test_metrics_json_has_the_rates_and_every_part(data_dir):
    result = run_papi(data_dir, "metrics", "--period", PERIOD, "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)

    assert (data["expected"], data["received"], data["on_time"]) == (26, 26, 24)
    assert data["reporting_rate"] == pytest.approx(100.0)
    assert data["on_time_reporting_rate"] == pytest.approx(24 / 26 * 100)
    assert data["period_code"] == PERIOD and data["period_label"] == "Quý I năm 2019"
    left = {row["unit"]: row["reason"] for row in data["left_out"]}
    assert left == {"BTD": "invalid", "PTP": "not_validated"}
    assert 0 <= data["implementation_index_overall"] <= 10
    assert data["completeness_rate"] == pytest.approx(100.0)  # clean synthetic reports
    ranked = [row for row in data["ward_ranking"] if row["rank"] is not None]
    assert [row["rank"] for row in ranked] == list(range(1, 10))  # BTD is not ranked
    assert all(row["value"] is not None for row in data["indicators"] if row["units_reporting"])
    assert data["papi_year"] == 2017  # published April 2018; 2018's came after March 2019
    assert {row["reason"] for row in data["lagging"]} >= {"late", "invalid", "not_validated"}
    for name in ("reporting", "units", "completeness", "task_status_by_dimension",
                 "task_status_by_unit", "implementation_index", "difficulties", "proposals",
                 "papi_context"):  # fmt: skip
        assert isinstance(data[name], list) and data[name], name


def test_metrics_for_people_is_vietnamese_and_rerunning_stores_the_same_rows(data_dir):
    first = run_papi(data_dir, "metrics", "--period", PERIOD)
    assert first.code == 0, first.err
    rows = _metric_rows(data_dir)
    assert "tỷ lệ báo cáo 100,0 %, đúng hạn 92,3 %" in first.out
    assert "không phải điểm PAPI" in first.out
    assert "Báo cáo không hợp lệ" in first.out and "PAPI 2017" in first.out

    second = run_papi(data_dir, "metrics", "--period", PERIOD)
    assert second.code == 0, second.err
    assert _metric_rows(data_dir) == rows > 0


def test_an_unknown_period_exits_2_without_a_traceback(data_dir):
    result = run_papi(data_dir, "metrics", "--period", "2019-Q5")
    assert result.code == 2
    assert "2019-Q5" in result.err and "Traceback" not in result.err
