"""A city's plan lists its districts' plans: checked like every part of a plan file."""

from __future__ import annotations

import pytest
import yaml

from papi_etl import schedule
from papi_etl.errors import PlanError
from papi_etl.plan import family, load
from papi_etl.settings import DEFAULT_PLAN
from papi_etl.synth import districts


@pytest.fixture
def city(tmp_path) -> dict:
    """A city's plan over district-001 (its file beside it), as plain data to change."""
    base = load(DEFAULT_PLAN).plan
    districts.write_plan(districts.district_plan(base, 1), base, tmp_path / "district-001.yaml")
    path = districts.write_plan(
        districts.city_plan(base, ["district-001"]), base, tmp_path / "c.yaml"
    )
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _load(tmp_path, data: dict):
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load(path)


def test_a_city_s_plan_loads_its_districts_and_schedules_only_its_roll_up(tmp_path, city):
    loaded = _load(tmp_path, city)
    assert [c.plan.id for c in family.children(loaded)] == ["district-001"]
    assert [job.name for job in schedule.jobs(loaded.plan)] == ["consolidate"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c["children"].append({"id": "district-001"}), "Duplicate child plan code"),
        (lambda c: c["children"].append({"id": "city"}), "lists itself"),
        (lambda c: c["children"].append({"id": "x", "file": "x.yaml"}), "does not exist"),
        (
            lambda c: c["dimensions"][0].update(tasks=[_task()]),
            "a plan with children gives its own units no task",
        ),
    ],
)
def test_a_broken_list_of_children_is_refused_with_its_place(tmp_path, city, change, message):
    change(city)
    with pytest.raises(PlanError) as raised:
        _load(tmp_path, city)
    assert message in str(raised.value) and ", dòng " in str(raised.value)


def test_a_child_file_holding_another_plan_is_refused(tmp_path, city):
    city["children"] = [{"id": "district-009", "file": "district-001.yaml"}]
    with pytest.raises(PlanError, match="holds plan district-001, not district-009"):
        family.children(_load(tmp_path, city))


def _task() -> dict:
    return {
        "code": "C1",
        "section": "II.1",
        "text": "Sở Nội vụ tổng hợp.",
        "lead_units": ["SNV"],
        "reporting_units": ["SNV"],
    }
