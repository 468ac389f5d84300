import json


def test_schedule_json_lists_deployments_and_runs(papi):
    result = papi("schedule", "--period", "2019-Q1", "--json")
    assert result.code == 0, result.err
    by_name = {d["deployment"]: d for d in json.loads(result.out)}
    assert by_name["publish/binh-tan-461-2018"]["runs"] == ["2019-03-14T08:00:00+07:00"]
    assert by_name["remind/binh-tan-461-2018"]["flow"] == "remind"
    assert len(by_name["collect/binh-tan-461-2018"]["runs"]) == 168


def test_schedule_says_plainly_that_the_plan_has_ended(papi):
    result = papi("schedule")
    assert result.code == 0, result.err
    assert "đã hết hiệu lực từ ngày 31/12/2019" in result.out
    assert "start no further runs" in result.out
