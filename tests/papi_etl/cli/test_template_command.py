"""`papi-etl template`: a unit's workbook, or every unit's, for a period."""

import json

import openpyxl

from papi_etl import forms
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN


def test_one_unit_one_workbook_that_reads_back(papi, tmp_path):
    target = tmp_path / "out" / "AL_2019-Q1.xlsx"
    result = papi("template", "--unit", "al", "--period", "2019-q1", "-o", str(target))
    assert result.code == 0, result.err
    assert str(target) in result.out and "33 nhiệm vụ" in result.out
    assert openpyxl.load_workbook(target).sheetnames == ["NhiemVu", "ChiSo", "HuongDan"]
    plan = load(DEFAULT_PLAN).plan
    submission = forms.read(target.read_bytes(), target.name, plan)
    assert (submission.unit, submission.period, len(submission.tasks)) == ("AL", "2019-Q1", 33)


def test_all_units_one_file_each_with_json_for_scripts(papi, tmp_path):
    result = papi(
        "template",
        "--all",
        "--period",
        "2019-Y",
        "-o",
        str(tmp_path / "t"),
        "--plan",
        str(DEFAULT_PLAN),
        "--json",
    )
    assert result.code == 0, result.err
    written = json.loads(result.out)
    units = [u.code for u in load(DEFAULT_PLAN).plan.units]
    assert [w["unit"] for w in written] == units
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == sorted(
        f"{u}_2019-Y.xlsx" for u in units
    )
    assert {w["period"] for w in written} == {"2019-Y"}


def test_unknown_unit_or_period_exits_2_naming_the_valid_ones(papi, tmp_path):
    unit = papi("template", "--unit", "XYZ", "--period", "2019-Q1", "-o", str(tmp_path / "x.xlsx"))
    assert unit.code == 2
    assert "Đơn vị 'XYZ' không có trong kế hoạch 461/KH-UBND" in unit.err
    assert "AL, ALA" in unit.err and "Traceback" not in unit.err
    period = papi("template", "--unit", "AL", "--period", "2030-Q1", "-o", str(tmp_path / "x.xlsx"))
    assert period.code == 2
    assert "2030-Q1" in period.err and "2019-Q1" in period.err and "Traceback" not in period.err
    assert not (tmp_path / "x.xlsx").exists()


def test_unit_and_all_exclude_each_other(papi, tmp_path):
    neither = papi("template", "--period", "2019-Q1", "-o", str(tmp_path / "x.xlsx"))
    both = papi("template", "--unit", "AL", "--all", "--period", "2019-Q1", "-o", str(tmp_path))
    assert neither.code == both.code == 2
    assert "--unit UNIT or --all" in neither.err
