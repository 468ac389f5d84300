import json


def test_clean_synthetic_reports_of_every_period_are_all_new_and_none_rejected(papi, tmp_path):
    inbox = tmp_path / "papi-data" / "inbox"
    made = papi("synth", "--clean", "-o", str(inbox))
    assert made.code == 0, made.err
    files = [p for p in inbox.rglob("*.xlsx")]
    assert len(files) >= 5 * 25
    first = papi("collect", "--json")
    assert first.code == 0, first.err
    summary = json.loads(first.out)
    assert summary["rejected"] == []
    assert summary["new"] == summary["received"] == len(files)
    assert {s["period"] for s in summary["submissions"]} == {
        "2018-Y",
        "2019-Q1",
        "2019-6M",
        "2019-9M",
        "2019-Y",
    }
    assert all(s["on_time"] for s in summary["submissions"])
    second = json.loads(papi("collect", "--json").out)
    assert (second["new"], second["duplicate"], second["rejected"]) == (0, len(files), [])


def test_collect_for_people_shows_progress_and_the_period_status(papi, tmp_path):
    inbox = tmp_path / "papi-data" / "inbox"
    assert papi("synth", "--period", "2019-Q1", "--format", "json", "-o", str(inbox)).code == 0
    result = papi("collect", "--period", "2019-Q1")
    assert result.code == 0, result.err
    assert "AL/AL_2019-Q1.json" in result.err  # one progress line per file
    assert "Đã nhận" in result.out and "Received" in result.out
    assert "2019-Q1 (Quý I năm 2019):" in result.out and "trễ hạn" in result.out


def test_collect_with_an_unknown_period_exits_2(papi):
    result = papi("collect", "--period", "2019-Q5")
    assert result.code == 2
    assert "2019-Q5" in result.err and "Traceback" not in result.err


def test_a_failing_source_makes_collect_exit_non_zero_and_the_inbox_is_still_read(papi, tmp_path):
    inbox = tmp_path / "papi-data" / "inbox"
    assert papi("synth", "--period", "2019-Q1", "--format", "json", "-o", str(inbox)).code == 0
    # Nothing listens on port 9 of the loopback: the connection is refused, for real.
    result = papi(
        "collect",
        "--json",
        env={
            "PAPI_HTTP_SOURCE_URL": "http://127.0.0.1:9/api/v2/assets/x/data/",
            "PAPI_HTTP_SOURCE_TOKEN": "t0ken",
            "PAPI_HTTP_SOURCE_ACCOUNTS": "al.binhtan=AL",
            "PAPI_HTTP_SOURCE_RETRIES": "1",
        },
    )
    assert result.code == 2
    summary = json.loads(result.out)
    assert summary["new"] > 0
    assert summary["source_errors"] and "t0ken" not in result.out + result.err
