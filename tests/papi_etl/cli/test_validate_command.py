"""`papi-etl validate FILE`: one file checked without storing it; 0 valid, 1 invalid,
2 unreadable. Most cases run the command in this process (GX is loaded once per test
session); the exit paths that go through `main` run it as a user would."""

from __future__ import annotations

import dataclasses
import json

import pytest
from reliability_ledger import record
from typer.testing import CliRunner

from papi_etl import forms
from papi_etl.cli.main import app
from papi_etl.forms.template import FIRST_ROW

# The third task, made wrong, is the second row of the file once the first is left out.
WRONG_ROW = FIRST_ROW + 1
FINDING_KEYS = {"sheet", "row", "field", "rule", "value", "message_vi", "message_en", "hint"}


@pytest.fixture(scope="module")
def files(plan, make_submission, tmp_path_factory):
    folder = tmp_path_factory.mktemp("validate")
    valid = make_submission("PNV")
    tasks = list(valid.tasks)
    tasks[2] = dataclasses.replace(tasks[2], status="xong")
    del tasks[0]
    written = {
        "valid": (valid, "PNV_2019-Q1.xlsx"),
        "invalid": (dataclasses.replace(valid, tasks=tuple(tasks)), "PNV_sai.xlsx"),
        "csv": (valid, "PNV.csv"),
    }
    paths = {}
    for name, (submission, file_name) in written.items():
        paths[name] = folder / file_name
        forms.write(submission, file_name.rsplit(".", 1)[1], paths[name], plan)
    paths["junk"] = folder / "hong.xlsx"
    paths["junk"].write_bytes(b"this is not a workbook")
    return valid, paths


def _run(*args: str):
    return CliRunner().invoke(app, ["validate", *map(str, args)])


def test_a_valid_file_exits_0_with_a_vietnamese_report(files):
    _, paths = files
    result = _run(paths["valid"])
    assert result.exit_code == 0, result.output
    assert "Phòng Nội vụ (PNV), kỳ 2019-Q1 (Quý I năm 2019)" in result.stdout
    assert "Báo cáo hợp lệ, không có lỗi." in result.stdout
    assert result.stdout.strip().endswith(
        "valid: 0 findings in PNV_2019-Q1.xlsx (unit PNV, period 2019-Q1)."
    )


def test_any_form_is_checked(files):
    _, paths = files
    result = _run(paths["csv"], "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["status"] == "valid"


def test_an_invalid_file_exits_1_and_lists_each_finding_with_its_fix(files):
    valid, paths = files
    result = _run(paths["invalid"])
    assert result.exit_code == 1
    missing = valid.tasks[0].task
    lines = result.stdout.splitlines()
    assert "Có 2 lỗi cần sửa:" in lines
    assert any(
        line.startswith(f"  1. Sheet NhiemVu, thiếu dòng: Thiếu nhiệm vụ {missing}")
        for line in lines
    )
    assert any(
        f"  2. Sheet NhiemVu, dòng {WRONG_ROW}, cột “Tình trạng”: Tình trạng “xong”" in line
        for line in lines
    )
    assert sum(line.strip().startswith("Cách sửa:") for line in lines) == 2
    assert lines[-1] == "invalid: 2 findings in PNV_sai.xlsx (unit PNV, period 2019-Q1)."


def test_json_is_the_contract_of_design_md(files):
    valid, paths = files
    result = _run(paths["invalid"], "--json")
    assert result.exit_code == 1
    out = json.loads(result.stdout)
    assert set(out) == {"status", "unit", "period", "findings"}
    assert (out["status"], out["unit"], out["period"]) == ("invalid", "PNV", "2019-Q1")
    assert all(set(f) == FINDING_KEYS for f in out["findings"])
    places = [(f["sheet"], f["row"], f["field"], f["rule"], f["value"]) for f in out["findings"]]
    missing = valid.tasks[0].task
    assert places == [
        ("NhiemVu", 0, missing, "task_missing", missing),
        ("NhiemVu", WRONG_ROW, "status", "status_allowed", "xong"),
    ]


def test_an_unreadable_file_exits_2_with_the_rejection(files):
    _, paths = files
    result = _run(paths["junk"], "--json")
    assert result.exit_code == 2
    out = json.loads(result.stdout)
    assert (out["status"], out["code"], out["findings"]) == ("unreadable", "not_a_workbook", [])
    assert out["reason"] and out["reason_en"]
    human = _run(paths["junk"])
    assert human.exit_code == 2
    assert human.stdout.startswith("Không đọc được tệp hong.xlsx: ")
    assert "unreadable (not_a_workbook)" in human.stdout


@pytest.mark.reliability
def test_a_file_of_another_unit_or_period_is_one_clear_error(files):
    _, paths = files
    other = _run(paths["valid"], "--unit", "ptp")
    assert other.exit_code == 2
    lines = other.stdout.splitlines()
    assert lines == [
        "Không kiểm tra tệp PNV_2019-Q1.xlsx: tệp này là báo cáo của Phòng Nội vụ (PNV), "
        "không phải của Phòng Tư pháp (PTP). Hãy chọn đúng tệp của đơn vị, hoặc bỏ --unit "
        "để kiểm tra theo đơn vị ghi trong tệp.",
        "unreadable (wrong_unit): PNV_2019-Q1.xlsx is the report of unit PNV, not of PTP: "
        "choose that unit's file, or leave out --unit to check it as the unit it declares.",
    ]
    later = _run(paths["csv"], "--period", "2019-6m", "--json")
    assert later.exit_code == 2
    out = json.loads(later.stdout)
    assert (out["status"], out["code"], out["findings"]) == ("unreadable", "wrong_period", [])
    assert (out["unit"], out["period"]) == (None, "2019-6M")
    assert out["reason"].startswith("tệp này là báo cáo Quý I năm 2019 (2019-Q1), không phải ")
    same = _run(paths["valid"], "--unit", "pnv", "--period", "2019-q1", "--json")
    assert same.exit_code == 0 and json.loads(same.stdout)["status"] == "valid"
    record("validate", "a file checked as another unit's, another period's", 2, "one error, exit 2")


def test_bad_arguments_exit_2_with_a_message_and_no_traceback(files, papi):
    _, paths = files
    unknown = papi("validate", str(paths["valid"]), "--unit", "ZZ")
    assert unknown.code == 2
    assert "Unit 'ZZ' is not in plan" in unknown.err and "Traceback" not in unknown.err
    absent = _run(paths["valid"].with_name("khong-co.xlsx"))
    assert absent.exit_code == 2 and "does not exist" in absent.output
