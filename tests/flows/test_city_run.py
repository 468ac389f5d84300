"""`run_period` on a city's plan: each district's period as a sub-flow, then the roll-up; a
child without a plan file (it runs elsewhere) is only rolled up, here: not yet."""

from __future__ import annotations

from pathlib import Path

from flows.run_period import run_period
from papi_etl import calendar, synth
from papi_etl.plan import load
from papi_etl.plan.model import ChildPlan
from papi_etl.settings import DEFAULT_PLAN
from papi_etl.synth import districts

PERIOD = "2019-Q1"


def test_a_city_runs_its_district_and_rolls_it_up(data_dir, tmp_path, monkeypatch):
    base = load(DEFAULT_PLAN).plan
    district = districts.district_plan(base, 1)
    districts.write_plan(district, base, tmp_path / "plans" / f"{district.id}.yaml")
    city = districts.city_plan(base, [district.id])
    elsewhere = ChildPlan(id="elsewhere")  # its plan file is on another machine
    city = city.model_copy(update={"children": [*city.children, elsewhere]})
    city_file = districts.write_plan(city, base, tmp_path / "plans" / districts.CITY_FILE)
    inbox = tmp_path / "inbox"
    monkeypatch.setenv("PAPI_INBOX", str(inbox))
    period = calendar.period(district, PERIOD)
    reports = synth.build(district, 5, [period], "json")
    synth.write(district, reports, inbox / district.id, "json", seed=5, clean=False)

    ran = run_period(str(city_file), PERIOD)

    sent = sum(1 for r in reports if not r.missing)
    collected = ran["districts"][district.id]["collect"]["sources"][0]
    assert collected["new"] == sent and not collected["rejected"]
    consolidated = ran["districts"][district.id]["consolidate"]
    rolled = ran["roll_up"]
    assert rolled["reporting_rate"] == consolidated["reporting_rate"] == 100 * sent / 26
    assert [d["plan"] for d in rolled["districts"]] == [district.id]
    assert rolled["districts"][0]["rank"] == 1
    assert rolled["not_consolidated"] == ["elsewhere"]
    assert Path(rolled["files"]["xlsx"]).parent == data_dir / "reports" / "city" / PERIOD
    assert (data_dir / "reports" / district.id / PERIOD / "v1").is_dir()
