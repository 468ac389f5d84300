"""The HTTP API source against a real HTTP server on loopback, shaped like KoboToolbox.

The faults (5xx, 429, a slow or truncated response, a looping `next`) come from the server;
only the back-off's sleep is replaced, by a list that records the waits, so the suite is fast.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import socket
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from pydantic import SecretStr
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from papi_etl.errors import ConfigurationError
from papi_etl.settings import Settings
from papi_etl.sources.base import Received, SourceError
from papi_etl.sources.http_api import HttpApiSource

PATH = "/api/v2/assets/aPapi461BinhTan/data/"
TOKEN = "kobo-test-token-7f3a9c1e"
LOCAL = dt.timezone(dt.timedelta(hours=7))

Handler = Callable[[Request], Response]


def submission(n: int, **overrides: Any) -> dict[str, Any]:
    """One ward's report in our JSON form, with Kobo's metadata."""
    return {
        "_id": n,
        "_uuid": f"3f0c6e1a-0000-4000-8000-{n:012d}",
        "_submission_time": f"2019-03-0{1 + n % 9}T02:15:00",
        "unit": "AL",
        "period": "2019-Q1",
        "tasks": [
            {
                "task": "D1.01",
                "status": "hoan_thanh",
                "result": f"Đã tổ chức {n} buổi tuyên truyền Pháp lệnh dân chủ",
                "evidence": "Báo cáo số 12/BC-UBND",
                "difficulties": "",
                "proposals": "",
            }
        ],
        "indicators": [{"indicator": "I1.01", "value": n, "note": ""}],
        **overrides,
    }


def json_response(body: object, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


def data_page(results: list[dict[str, Any]], next_url: str | None = None) -> Handler:
    return lambda request: json_response(
        {"count": len(results), "next": next_url, "previous": None, "results": results}
    )


def status(code: int, headers: dict[str, str] | None = None) -> Handler:
    return lambda request: Response(f"error {code}", status=code, headers=headers)


class FakeKobo:
    """KoboToolbox's data endpoint in miniature: `start`/`limit` pages with absolute `next`
    links, the `query` {"_id": {"$gt": N}} (unless told to ignore it) and ascending `_id`.

    `faults` are served in turn, one per request, before the endpoint answers normally again;
    None in it means "answer normally this time".
    """

    def __init__(
        self, server: HTTPServer, submissions: list[dict[str, Any]], *, honours_query: bool
    ) -> None:
        self.submissions = submissions
        self.honours_query = honours_query
        self.page_size = 2
        self.url = server.url_for(PATH)
        self.requests: list[Request] = []
        self.faults: deque[Handler | None] = deque()
        server.expect_request(PATH).respond_with_handler(self._handle)

    def _handle(self, request: Request) -> Response:
        self.requests.append(request)
        fault = self.faults.popleft() if self.faults else None
        return (fault or self.page)(request)

    def page(self, request: Request) -> Response:
        items = sorted(self.submissions, key=lambda item: item["_id"])
        if self.honours_query and "query" in request.args:
            after = json.loads(request.args["query"])["_id"]["$gt"]
            items = [item for item in items if item["_id"] > after]
        start = int(request.args.get("start", "0"))
        end = start + self.page_size
        next_url = None
        if end < len(items):
            args = {**request.args.to_dict(), "start": str(end), "limit": str(self.page_size)}
            next_url = f"{request.base_url}?{urlencode(args)}"
        return data_page(items[start:end], next_url)(request)

    def args(self, index: int) -> dict[str, str]:
        return self.requests[index].args.to_dict()


@pytest.fixture
def kobo(server: HTTPServer) -> FakeKobo:
    return FakeKobo(server, [submission(n) for n in range(1, 7)], honours_query=True)


@pytest.fixture
def sleeps() -> list[float]:
    """The waits the source asked for, in order (the source's injectable sleep)."""
    return []


@pytest.fixture
def make_source(kobo: FakeKobo, sleeps: list[float]) -> Iterator[Callable[..., HttpApiSource]]:
    made: list[HttpApiSource] = []

    def make(url: str | None = None, **options: Any) -> HttpApiSource:
        options = {"connect_timeout": 1.0, "read_timeout": 2.0, "sleep": sleeps.append, **options}
        source = HttpApiSource(url or kobo.url, SecretStr(TOKEN), **options)
        made.append(source)
        return source

    yield make
    for source in made:
        source.close()


@pytest.fixture(autouse=True)
def token_never_logged(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every test also checks that no log line, ours or requests', shows the token."""
    caplog.set_level(logging.DEBUG)
    yield
    assert TOKEN not in caplog.text


def ids(items: list[Received]) -> list[int]:
    return [json.loads(item.content)["_id"] for item in items]


def drain(source: HttpApiSource, cursor: str | None, into: list[Received]) -> None:
    """Consume `fetch` as the collector does: item by item, keeping what arrived."""
    for item in source.fetch(cursor):
        into.append(item)


# Pages and items


def test_pages_are_followed_to_the_last_one(kobo, make_source):
    items = list(make_source().fetch(None))

    assert ids(items) == [1, 2, 3, 4, 5, 6]
    assert [item.cursor for item in items] == ["1", "2", "3", "4", "5", "6"]
    assert [item.original_name for item in items] == [f"{n}.json" for n in range(1, 7)]
    assert [kobo.args(i).get("start") for i in range(3)] == [None, "2", "4"]
    assert {item.source for item in items} == {f"http:{kobo.url.split('//')[1].rstrip('/')}"}
    assert {item.claimed_unit for item in items} == {None}
    assert {r.headers["Authorization"] for r in kobo.requests} == {f"Token {TOKEN}"}


def test_an_item_is_the_submission_in_canonical_bytes(kobo, make_source):
    source = make_source()
    first = list(source.fetch(None))
    again = list(source.fetch(None))

    assert json.loads(first[0].content) == submission(1)
    assert first[0].content == json.dumps(
        submission(1), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode("utf-8")
    assert "Đã tổ chức".encode() in first[0].content
    assert [item.content for item in first] == [item.content for item in again]


def test_items_are_yielded_lazily_page_by_page(kobo, make_source):
    items = make_source().fetch(None)

    next(items)
    assert len(kobo.requests) == 1


@pytest.mark.parametrize(
    ("submitted", "local"),
    [
        ("2019-03-08T02:15:00", dt.datetime(2019, 3, 8, 9, 15, tzinfo=LOCAL)),
        ("2019-03-08T02:15:00.250", dt.datetime(2019, 3, 8, 9, 15, 0, 250000, tzinfo=LOCAL)),
        ("2019-03-08T02:15:00Z", dt.datetime(2019, 3, 8, 9, 15, tzinfo=LOCAL)),
        ("2019-03-08T09:15:00+07:00", dt.datetime(2019, 3, 8, 9, 15, tzinfo=LOCAL)),
    ],
)
def test_the_submission_time_is_utc_given_in_vietnam_time(kobo, make_source, submitted, local):
    kobo.submissions = [submission(1, _submission_time=submitted)]

    [item] = make_source().fetch(None)

    assert item.received_at == local
    assert str(item.received_at.tzinfo) == "Asia/Ho_Chi_Minh"


def test_a_result_without_id_or_readable_time_is_still_yielded(kobo, make_source):
    no_id = {k: v for k, v in submission(0).items() if k != "_id"}
    kobo.faults.append(data_page([submission(2, _submission_time="hôm qua"), no_id, submission(1)]))
    before = dt.datetime.now(dt.UTC)

    items = list(make_source().fetch("0"))

    assert [item.cursor for item in items] == [None, "1", "2"]
    assert items[0].original_name == "no-id.json"
    assert json.loads(items[0].content) == no_id
    assert items[1].received_at == dt.datetime(2019, 3, 2, 9, 15, tzinfo=LOCAL)
    late = items[2].received_at
    assert late.tzinfo is not None and before <= late <= dt.datetime.now(dt.UTC)


# The cursor


def test_the_cursor_asks_the_server_for_newer_items_only(kobo, make_source):
    source = make_source()
    first = list(source.fetch(None))
    kobo.submissions += [submission(7), submission(8)]
    kobo.requests.clear()

    second = list(source.fetch(first[-1].cursor))

    assert ids(second) == [7, 8]
    assert json.loads(kobo.args(0)["query"]) == {"_id": {"$gt": 6}}
    assert json.loads(kobo.args(0)["sort"]) == {"_id": 1}
    assert len(kobo.requests) == 1


def test_the_first_fetch_asks_for_everything_in_id_order(kobo, make_source):
    list(make_source().fetch(None))

    assert "query" not in kobo.args(0)
    assert json.loads(kobo.args(0)["sort"]) == {"_id": 1}


def test_a_server_that_ignores_the_query_causes_no_duplicates(kobo, make_source):
    kobo.honours_query = False

    items = list(make_source().fetch("3"))

    assert ids(items) == [4, 5, 6]
    assert len(kobo.requests) == 3


def test_an_item_repeated_on_a_later_page_is_yielded_once(kobo, make_source):
    page_2 = f"{kobo.url}?start=2"
    kobo.faults += [
        data_page([submission(1), submission(2)], page_2),
        data_page([submission(2), submission(3)]),
    ]

    assert ids(list(make_source().fetch(None))) == [1, 2, 3]


def test_a_server_that_does_not_sort_loses_no_item_and_says_so(kobo, make_source, caplog):
    kobo.faults += [
        data_page([submission(4), submission(3)], f"{kobo.url}?start=2"),
        data_page([submission(2), submission(1)]),
    ]

    assert ids(list(make_source().fetch(None))) == [3, 4, 1, 2]
    assert "the server does not sort by _id" in caplog.text


def test_a_cursor_that_is_not_an_id_is_refused_before_any_request(kobo, make_source):
    with pytest.raises(ConfigurationError, match="cursor must be a submission _id"):
        make_source().fetch("2019-Q1/AL.xlsx")
    assert kobo.requests == []


# Faults a retry heals


def test_server_errors_are_retried_with_growing_waits(kobo, make_source, sleeps, caplog):
    kobo.faults += [status(500), status(500)]

    items = list(make_source(backoff=1.0).fetch(None))

    assert ids(items) == [1, 2, 3, 4, 5, 6]
    assert len(sleeps) == 2
    assert 0.5 <= sleeps[0] <= 1.0 and 1.0 <= sleeps[1] <= 2.0
    retries = [r.getMessage() for r in caplog.records if "retry" in r.getMessage()]
    assert len(retries) == 2
    assert "HTTP 500; retry 1 of 5 in" in retries[0]


@pytest.mark.parametrize(
    ("retry_after", "low", "high"),
    [
        ("2", 2.0, 2.0),
        (
            lambda: email.utils.format_datetime(
                dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30), usegmt=True
            ),
            27.0,
            30.0,
        ),
        ("3600", 60.0, 60.0),
    ],
    ids=["seconds", "http-date", "capped"],
)
def test_429_waits_as_long_as_retry_after_says(kobo, make_source, sleeps, retry_after, low, high):
    header = retry_after() if callable(retry_after) else retry_after
    kobo.faults.append(status(429, {"Retry-After": header}))

    items = list(make_source(max_wait=60.0).fetch(None))

    assert len(items) == 6
    assert len(sleeps) == 1
    assert low <= sleeps[0] <= high


def test_a_read_timeout_is_retried(kobo, make_source, sleeps):
    def slow(request: Request) -> Response:
        time.sleep(0.6)
        return kobo.page(request)

    kobo.faults.append(slow)

    items = list(make_source(read_timeout=0.2).fetch(None))

    assert ids(items) == [1, 2, 3, 4, 5, 6]
    assert len(sleeps) == 1


def truncated(request: Request) -> Response:
    """A page cut short: the body ends before its Content-Length."""
    response = json_response({"count": 1, "next": None, "previous": None, "results": []})
    body = response.get_data()
    response.set_data(body[: len(body) // 2])
    response.headers["Content-Length"] = str(len(body))
    return response


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (truncated, "ChunkedEncodingError"),
        (
            lambda request: Response('{"count": 6, "next": null, "results": [{"_id"', status=200),
            "the page is not JSON",
        ),
        (lambda request: Response("<html>Bad gateway</html>", status=200), "not JSON"),
        (lambda request: json_response([submission(1)]), "the page is a JSON list, not an object"),
        (lambda request: json_response({"count": 6, "next": None}), "no 'results' list"),
        (
            lambda request: json_response({"count": 1, "next": None, "results": ["1.json"]}),
            "result 0 of the page is a str, not an object",
        ),
        (lambda request: json_response({"count": 1, "results": []}), "no 'next' link"),
    ],
    ids=["truncated", "invalid-json", "html", "array", "no-results", "not-object", "no-next"],
)
def test_a_truncated_or_malformed_page_is_retried(kobo, make_source, sleeps, caplog, fault, reason):
    kobo.faults.append(fault)

    assert ids(list(make_source().fetch(None))) == [1, 2, 3, 4, 5, 6]
    assert len(sleeps) == 1
    [retry] = [r.getMessage() for r in caplog.records if "retry 1 of" in r.getMessage()]
    assert reason in retry


def test_a_refused_connection_is_retried_then_raises(make_source, sleeps):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    source = make_source(f"http://127.0.0.1:{port}{PATH}", max_retries=2)

    with pytest.raises(SourceError, match="failed 3 times; last: ConnectionError"):
        list(source.fetch(None))
    assert len(sleeps) == 2


# Faults that end the fetch


def test_a_persistent_503_raises_after_the_last_retry(kobo, make_source, sleeps):
    kobo.faults += [status(503)] * 10

    with pytest.raises(SourceError, match=r"page 1 .* failed 4 times; last: HTTP 503"):
        list(make_source(max_retries=3).fetch(None))
    assert len(sleeps) == 3
    assert len(kobo.requests) == 4


def test_a_page_that_stays_malformed_says_how(kobo, make_source):
    kobo.faults += [lambda request: json_response({"count": 6, "next": None})] * 3

    with pytest.raises(SourceError, match="the page has no 'results' list"):
        list(make_source(max_retries=2).fetch(None))


@pytest.mark.parametrize("code", [401, 403])
def test_a_refused_token_is_not_retried_and_not_shown(kobo, make_source, sleeps, code):
    kobo.faults.append(status(code))

    with pytest.raises(SourceError, match=f"refused the token \\(HTTP {code}\\)") as raised:
        list(make_source().fetch(None))
    assert TOKEN not in str(raised.value) and TOKEN not in repr(raised.value)
    assert sleeps == []
    assert len(kobo.requests) == 1


def test_a_wrong_url_says_so(kobo, make_source, sleeps):
    kobo.faults.append(status(404))

    with pytest.raises(SourceError, match="the URL is wrong"):
        list(make_source().fetch(None))
    assert sleeps == []


def test_another_client_error_is_not_retried(kobo, make_source, sleeps):
    kobo.faults.append(status(400))

    with pytest.raises(SourceError, match="HTTP 400 .*error 400"):
        list(make_source().fetch(None))
    assert sleeps == []


def test_a_next_link_back_to_a_page_read_is_refused(kobo, make_source):
    kobo.faults += [None, lambda request: data_page([submission(3)], kobo.requests[0].url)(request)]
    received: list[Received] = []

    with pytest.raises(SourceError, match="'next' link of page 2 points back"):
        drain(make_source(), None, received)
    assert ids(received) == [1, 2, 3]
    assert len(kobo.requests) == 2


def test_a_next_link_to_another_host_is_refused(kobo, make_source):
    # The same server under another name: were the link followed, it would see the token.
    foreign = kobo.url.replace("127.0.0.1", "localhost") + "?start=2"
    kobo.faults.append(data_page([submission(1)], foreign))
    received: list[Received] = []

    with pytest.raises(SourceError, match="points to another server"):
        drain(make_source(), None, received)
    assert ids(received) == [1]
    assert len(kobo.requests) == 1


def test_a_fault_on_page_2_loses_nothing_and_the_next_run_resumes(kobo, make_source):
    kobo.faults += [None] + [status(503)] * 3
    source = make_source(max_retries=2)
    archived: list[Received] = []

    with pytest.raises(SourceError, match="page 2"):
        drain(source, None, archived)
    assert ids(archived) == [1, 2]

    drain(source, archived[-1].cursor, archived)
    assert ids(archived) == [1, 2, 3, 4, 5, 6]


def test_one_log_line_per_page(kobo, make_source, caplog):
    list(make_source().fetch(None))

    pages = [r.getMessage() for r in caplog.records if r.name == "papi_etl.sources.http_api"]
    assert len(pages) == 3
    assert "page 3 read, 2 results, 2 new, last page" in pages[-1]


# Configuration


@pytest.mark.parametrize(
    ("url", "token", "message"),
    [
        ("ftp://kobo.example.org/api/v2/assets/a/data/", TOKEN, "http"),
        ("kobo.example.org/api/v2/assets/a/data/", TOKEN, "http"),
        ("https://user:pw@kobo.example.org/api/v2/assets/a/data/", TOKEN, "credentials"),
        ("https://kobo.example.org/api/v2/assets/a/data/", " \n", "token is empty"),
    ],
)
def test_a_source_that_cannot_work_fails_at_start(url, token, message):
    with pytest.raises(ConfigurationError, match=message):
        HttpApiSource(url, SecretStr(token))


def test_settings_build_the_source_and_a_missing_one_fails_at_start(monkeypatch):
    monkeypatch.delenv("PAPI_HTTP_SOURCE_URL", raising=False)
    monkeypatch.delenv("PAPI_HTTP_SOURCE_TOKEN", raising=False)
    url = "https://kf.kobotoolbox.org/api/v2/assets/aPapi461BinhTan/data/"

    with pytest.raises(ConfigurationError, match="PAPI_HTTP_SOURCE_URL is not set"):
        HttpApiSource.from_settings(Settings())
    with pytest.raises(ConfigurationError, match="PAPI_HTTP_SOURCE_TOKEN is not"):
        HttpApiSource.from_settings(Settings(http_source_url=url))
    source = HttpApiSource.from_settings(
        Settings(
            http_source_url=url,
            http_source_token=SecretStr(TOKEN),
            http_source_accounts={"al.binhtan": "AL"},
        )
    )
    assert source.name == "http:kf.kobotoolbox.org/api/v2/assets/aPapi461BinhTan/data"
    assert TOKEN not in repr(Settings(http_source_token=SecretStr(TOKEN)))
    source.close()
