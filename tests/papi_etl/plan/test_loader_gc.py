"""Loading a plan pauses Python's cycle collector (see `loader._without_cycle_collection`):
it is on again afterwards, whether the file loaded or was refused."""

from __future__ import annotations

import gc

import pytest

from papi_etl.errors import PlanError
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN


def test_no_collection_runs_while_a_plan_loads_and_the_collector_is_on_again(tmp_path):
    plan_file = tmp_path / "plan.yaml"
    plan_file.write_bytes(DEFAULT_PLAN.read_bytes())
    collections: list[int] = []  # the generations collected

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(seen)
    try:
        load(plan_file)
    finally:
        gc.callbacks.remove(seen)
    assert len(collections) <= 1, collections  # one may be due before the load starts
    assert gc.isenabled()

    broken = tmp_path / "broken.yaml"
    broken.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(PlanError):
        load(broken)
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_caller_stays_off(tmp_path):
    plan_file = tmp_path / "plan.yaml"
    plan_file.write_bytes(DEFAULT_PLAN.read_bytes())
    gc.disable()
    try:
        load(plan_file)
        assert not gc.isenabled()
    finally:
        gc.enable()
