import json

import pytest
import yaml

from papi_etl.settings import DEFAULT_PLAN


def _dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def _line_of(text: str, needle: str) -> int:
    """The last line holding the needle: a duplicate is reported where it comes again."""
    return [i for i, line in enumerate(text.splitlines(), 1) if needle in line][-1]


@pytest.fixture
def plan_data():
    return yaml.safe_load(DEFAULT_PLAN.read_text(encoding="utf-8"))


def test_plan_show_json_lists_the_whole_plan(papi):
    result = papi("plan", "show", "--json")
    assert result.code == 0, result.err
    shown = json.loads(result.out)
    assert len(shown["dimensions"]) == 6
    tasks = [t for d in shown["dimensions"] for t in d["tasks"]] + shown["assignments"]
    assert len(tasks) == 57
    wards = [u for u in shown["units"] if u["kind"] == "ward"]
    assert len(wards) == 10
    assert len(shown["indicators"]) >= 30
    periods = {p["code"]: p for p in shown["periods"]}
    assert list(periods) == ["2018-Y", "2019-Q1", "2019-6M", "2019-9M", "2019-Y"]
    assert periods["2019-Q1"]["unit_deadline"] == "2019-03-10T00:00:00+07:00"
    assert periods["2019-Q1"]["consolidated_deadline"] == "2019-03-15T00:00:00+07:00"
    assert periods["2018-Y"]["unit_deadline"] == "2018-11-10T00:00:00+07:00"
    assert periods["2018-Y"]["consolidated_deadline"] == "2018-11-15T00:00:00+07:00"
    ward_codes = [u["code"] for u in wards]
    first = shown["dimensions"][0]["tasks"][0]
    assert first["reporting_units"] == ward_codes, "the group 'wards' comes out resolved"
    for task in tasks:
        assert set(task) >= {
            "code",
            "text",
            "lead_units",
            "coordinating_units",
            "reporting_units",
            "inferred",
            "indicators",
        }


def test_plan_show_for_people_is_in_vietnamese(papi):
    result = papi("plan", "show")
    assert result.code == 0, result.err
    assert "Tham gia của người dân ở cấp cơ sở" in result.out
    assert "Quý I năm 2019" in result.out


def test_plan_check_accepts_the_bundled_plan(papi):
    result = papi("plan", "check", str(DEFAULT_PLAN))
    assert result.code == 0, result.err
    assert result.out.startswith("OK:")


def test_calendar_json_of_one_year(papi):
    result = papi("calendar", "--year", "2019", "--json")
    assert result.code == 0, result.err
    codes = [p["code"] for p in json.loads(result.out)]
    assert codes == ["2019-Q1", "2019-6M", "2019-9M", "2019-Y"]


def _break_unknown_unit(data):
    data["dimensions"][0]["tasks"][2]["lead_units"] = ["XYZ"]
    return "XYZ", "Unknown unit code 'XYZ'", "dimensions[0] (D1).tasks[2] (D1.03).lead_units[0]"


def _break_duplicate_task(data):
    # A task that no indicator measures, so that renaming it breaks nothing else.
    measured = {code for x in data["indicators"] for code in x["tasks"]}
    tasks = data["dimensions"][1]["tasks"]
    index = next(i for i, t in enumerate(tasks) if i > 0 and t["code"] not in measured)
    tasks[index]["code"] = tasks[0]["code"]
    code = tasks[0]["code"]
    return f"code: {code}", f"Duplicate task code '{code}'", f"tasks[{index}] ({code}).code"


def _break_indicator_without_task(data):
    data["indicators"][0]["tasks"] = []
    code = data["indicators"][0]["code"]
    return "tasks: []", "List should have at least 1 item", f"indicators[0] ({code}).tasks"


def _break_indicator_with_missing_task(data):
    data["indicators"][1]["tasks"] = ["D9.99"]
    return "D9.99", "which the plan does not have", "indicators[1]"


def _break_missing_text(data):
    del data["dimensions"][2]["tasks"][0]["text"]
    return "code: D3.01", "Field required", "dimensions[2] (D3).tasks[0] (D3.01).text"


def _break_misspelt_field(data):
    task = data["assignments"][0]
    task["lead_unit"] = task.pop("lead_units")
    return "lead_unit:", "Extra inputs are not permitted", "assignments[0] (T3.01).lead_unit", 2


def _break_ratio_of_non_counts(data):
    ratio = next(x for x in data["indicators"] if x.get("ratio"))
    percent = next(x for x in data["indicators"] if x["value_type"] == "percent")
    ratio["ratio"]["numerator"] = percent["code"]
    return (
        f"numerator: {percent['code']}",
        f"'{percent['code']}' is not",
        "ratio.numerator",
    )


def _break_validity(data):
    data["calendar"]["valid_until"] = "2017-01-01"
    return "calendar:", "is after valid_until", "calendar"


FAULTS = [
    _break_unknown_unit,
    _break_duplicate_task,
    _break_indicator_without_task,
    _break_indicator_with_missing_task,
    _break_missing_text,
    _break_misspelt_field,
    _break_ratio_of_non_counts,
    _break_validity,
]


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.__name__.removeprefix("_break_"))
def test_plan_check_names_file_line_place_and_fault(papi, tmp_path, plan_data, fault):
    needle, message, where, *count = fault(plan_data)
    text = _dump(plan_data)
    broken = tmp_path / "broken.yaml"
    broken.write_text(text, encoding="utf-8")
    result = papi("plan", "check", str(broken))
    assert result.code == 2
    assert "Traceback" not in result.err
    assert message in result.err
    assert where in result.err
    line = _line_of(text, needle)
    assert f"{broken}, dòng {line} / line {line}" in result.err
    # A misspelt field is two faults: the unknown name, and the field it should have been.
    assert f"Tệp kế hoạch có {count[0] if count else 1} lỗi" in result.err


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("valid_from: 2018-10-05", "valid_from: 2018-13-45", "'2018-13-45' is not a valid date"),
        ("papi_dimensions: 6", "papi_dimensions: 6\npapi_dimensions: 8", "appears twice"),
        ("papi_dimensions: 6", "papi_dimensions: [6", "not valid YAML"),
    ],
    ids=["bad-date", "duplicate-key", "yaml-syntax"],
)
def test_plan_check_reports_faults_yaml_itself_hides(papi, tmp_path, plan_data, old, new, message):
    text = _dump(plan_data)
    assert old in text
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = papi("plan", "check", str(broken))
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err
    assert f"{broken}, dòng " in result.err


def test_plan_check_lists_every_fault_at_once(papi, tmp_path, plan_data):
    _break_unknown_unit(plan_data)
    _break_duplicate_task(plan_data)
    broken = tmp_path / "broken.yaml"
    broken.write_text(_dump(plan_data), encoding="utf-8")
    result = papi("plan", "check", str(broken))
    assert result.code == 2
    assert "Tệp kế hoạch có 2 lỗi" in result.err
    assert "Unknown unit code" in result.err and "Duplicate task code" in result.err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist"),
        (b"", "is empty"),
        ("id: x".encode("utf-16"), "not UTF-8"),
        (b"- a list\n- not a plan\n", "must be a YAML mapping"),
    ],
    ids=["missing", "empty", "utf16", "not-a-mapping"],
)
def test_plan_check_of_an_unusable_file(papi, tmp_path, content, message):
    path = tmp_path / "plan.yaml"
    if content is not None:
        path.write_bytes(content)
    result = papi("plan", "check", str(path))
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err


def test_a_broken_default_plan_stops_plan_show_with_exit_2(papi, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: [", encoding="utf-8")
    result = papi("plan", "show", env={"PAPI_PLAN": str(broken)})
    assert result.code == 2
    assert "not valid YAML" in result.err


def test_unknown_arguments_exit_2(papi):
    assert papi("calendar", "--year", "soon").code == 2
    assert papi("plan", "frobnicate").code == 2
