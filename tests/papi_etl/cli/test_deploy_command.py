"""`papi-etl deploy` says what it needs before it touches anything."""


def test_deploy_needs_the_prefect_server_the_workers_poll(papi):
    result = papi("deploy", "--pool", "papi", env={"PREFECT_API_URL": ""})
    assert result.code == 2 and "Traceback" not in result.err
    assert "PREFECT_API_URL" in result.err and "worker" in result.err
