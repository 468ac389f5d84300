"""`papi-etl serve` refusing to start where it cannot work (the running case is the e2e
test `tests/e2e/test_serve.py`)."""

from deployments.server_process import free_port


def test_serve_refuses_a_prefect_api_url_where_nothing_answers(papi, tmp_path):
    api = f"http://127.0.0.1:{free_port()}/api"
    result = papi("serve", env={"PREFECT_API_URL": api})
    assert result.code == 2
    assert f"No Prefect server answers at PREFECT_API_URL={api}" in result.err
    assert "Không kết nối được máy chủ Prefect" in result.err
    assert "Traceback" not in result.err
    assert "hết hiệu lực" in result.out, "the ended plan is said plainly before anything else"
    assert (tmp_path / "papi-data" / "inbox" / "AL").is_dir(), "every unit has its folder"
