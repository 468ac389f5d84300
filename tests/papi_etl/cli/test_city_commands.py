"""A city's districts through the real command line: `synth --districts` writes what
`collect` and `metrics` take with the city's plan; the bundled plan refuses that inbox."""

from __future__ import annotations

import json
from pathlib import Path

from papi_etl.metrics.period import compute_and_store
from papi_etl.plan import load
from papi_etl.settings import Settings
from papi_etl.workspace import open_workspace


def test_a_city_of_synthetic_districts_is_collected_and_rolled_up(papi, tmp_path):
    inbox = tmp_path / "INBOX"
    made = papi(
        "synth", "--period", "2019-Q1", "--districts", "2", "--format", "json",
        "-o", str(inbox), "--json",
    )  # fmt: skip
    assert made.code == 0, made.err
    synthesised = json.loads(made.out)
    city = synthesised["city_plan"]
    assert city == str(inbox / "city.yaml")
    assert [d["plan"] for d in synthesised["districts"]] == ["district-001", "district-002"]

    refused = papi("collect", "--inbox", str(inbox))
    assert refused.code == 2 and "Traceback" not in refused.err
    assert "district-001" in refused.err and "city.yaml" in refused.err
    assert "không phải mã đơn vị" not in refused.err  # one refusal, not a rejection per file

    taken = papi("collect", "--plan", city, "--inbox", str(inbox), "--json")
    assert taken.code == 0, taken.err
    plans = json.loads(taken.out)["plans"]
    for district in synthesised["districts"]:
        summary = plans[district["plan"]]
        assert summary["new"] == district["files"] and summary["rejected"] == []

    first = synthesised["districts"][0]
    workspace = open_workspace(
        Settings(data_dir=tmp_path / "papi-data", database_url=None), load(Path(first["plan_file"]))
    )
    compute_and_store(workspace.sessions, workspace.plan, "2019-Q1")  # as its consolidation
    rolled = papi("metrics", "--plan", city, "--period", "2019-Q1", "--json")
    assert rolled.code == 0, rolled.err
    result = json.loads(rolled.out)
    assert result["not_consolidated"] == ["district-002"]
    assert [d["plan"] for d in result["districts"]] == ["district-001"]
    assert (result["expected"], result["received"]) == (26, first["files"])
    assert result["reporting_rate"] == 100 * first["files"] / 26
    shown = papi("metrics", "--plan", city, "--period", "2019-Q1")
    assert "XẾP HẠNG" in shown.out and "Mô phỏng 001" in shown.out
    assert "CHƯA CÓ SỐ LIỆU KỲ NÀY (1" in shown.out and "district-002" in shown.out
