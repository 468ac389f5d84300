"""Which folder of an inbox is a plan's: its own when the inbox is shared by plans."""

from __future__ import annotations

import pytest

from papi_etl.errors import ConfigurationError
from papi_etl.sources.inbox import check, drop_folder


def test_an_inbox_of_one_plan_is_that_plan_s(tmp_path):
    (tmp_path / "AL").mkdir()
    assert drop_folder(tmp_path, "district-001", {"district-001"}) == tmp_path


def test_a_plan_takes_its_own_folder_of_a_shared_inbox(tmp_path):
    (tmp_path / "district-001" / "P01").mkdir(parents=True)
    assert drop_folder(tmp_path, "district-001", set()) == tmp_path / "district-001"


def test_a_plan_never_takes_another_plan_s_folder_for_its_units(tmp_path):
    """Its own folder not made yet, the inbox holds another plan's: not the root."""
    (tmp_path / "district-002" / "P01").mkdir(parents=True)
    found = drop_folder(tmp_path, "district-001", {"district-001", "district-002"})
    assert found == tmp_path / "district-001"


def test_an_inbox_laid_out_for_other_plans_is_refused(tmp_path, plan):
    for district in ("district-001", "district-002"):
        (tmp_path / district / "P01").mkdir(parents=True)
        (tmp_path / district / "P01" / "P01_2019-Q1.json").write_text("{}", encoding="utf-8")
    (tmp_path / "city.yaml").write_text("id: city\n", encoding="utf-8")
    with pytest.raises(ConfigurationError) as raised:
        check(tmp_path, plan)
    assert "district-001, district-002" in str(raised.value)
    assert "city.yaml" in str(raised.value) and "--plan" in str(raised.value)


def test_one_misnamed_folder_among_the_units_is_no_layout_fault(tmp_path, plan):
    for folder in ("AL", "khac"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "bao-cao.json").write_text("{}", encoding="utf-8")
    check(tmp_path, plan)  # the misnamed folder's file becomes a rejection, with its reason
