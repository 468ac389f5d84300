"""The HTTP push sink against a real receiver on loopback: what it sends, what answers mean."""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from delivery_fakes import PATH, REPORT_FILES, TOKEN, Receiver, dropped, status
from pydantic import SecretStr

from papi_etl.delivery.base import DeliveryRefused, DeliveryUnavailable, ReportFile
from papi_etl.delivery.http_push import HttpPushSink
from papi_etl.errors import ConfigurationError, is_domain_error
from papi_etl.settings import Settings

KEY = "binh-tan-461-2018/2019-Q1/v1/0123456789ab/http"
SUMMARY = {"plan": "binh-tan-461-2018", "period": {"code": "2019-Q1"}, "version": 1}
FILES = [
    ReportFile(name, media_type, hashlib.sha256(content).hexdigest(), content)
    for name, (media_type, content) in REPORT_FILES.items()
]


@pytest.fixture
def make_sink(receiver: Receiver, sleeps: list[float]) -> Iterator[Callable[..., HttpPushSink]]:
    made: list[HttpPushSink] = []

    def make(url: str | None = None, token: str = TOKEN, **options: Any) -> HttpPushSink:
        options = {"connect_timeout": 1.0, "read_timeout": 2.0, "sleep": sleeps.append, **options}
        sink = HttpPushSink(url or receiver.url, SecretStr(token), **options)
        made.append(sink)
        return sink

    yield make
    for sink in made:
        sink.close()


def test_one_post_carries_the_summary_every_file_the_token_and_the_key(receiver, make_sink):
    receipt = make_sink().deliver(FILES, SUMMARY, KEY)

    [copy] = receiver.copies.values()
    assert copy.key == KEY
    assert copy.authorization == f"Bearer {TOKEN}"
    assert copy.part_names == ["summary", "files"]
    assert copy.summary == SUMMARY
    assert copy.files == {f.name: (f.media_type, f.content) for f in FILES}
    assert receipt.duplicate is False
    assert [(a.http_status, a.error) for a in receipt.attempts] == [(201, None)]
    assert '"status": "received"' in (receipt.attempts[-1].answer or "")


def test_vietnamese_file_names_and_summary_arrive_intact(receiver, make_sink):
    named = [ReportFile("Báo cáo quý I.pdf", "application/pdf", "0" * 64, b"%PDF")]
    summary = {"period": {"label_vi": "Quý I năm 2019"}}

    make_sink().deliver(named, summary, KEY)

    [copy] = receiver.copies.values()
    assert copy.files == {"Báo cáo quý I.pdf": ("application/pdf", b"%PDF")}
    assert copy.summary == summary


@pytest.mark.parametrize(
    "second",
    [dropped, "late"],
    ids=["503-then-dropped-connection", "503-then-timeout"],
)
def test_faults_are_retried_and_the_receiver_keeps_one_copy(receiver, make_sink, sleeps, second):
    late = receiver.stored_then_late(0.8)
    receiver.faults += [status(503), late if second == "late" else second]

    receipt = make_sink(read_timeout=0.3, backoff=1.0).deliver(FILES, SUMMARY, KEY)

    assert len(receiver.copies) == 1
    assert receiver.keys == [KEY, KEY, KEY]
    assert len(sleeps) == 2 and 0.5 <= sleeps[0] <= 1.0 and 1.0 <= sleeps[1] <= 2.0
    assert [a.http_status for a in receipt.attempts][0] == 503
    assert receipt.attempts[1].http_status is None
    assert "ConnectionError" in (receipt.attempts[1].error or "") or "Timeout" in (
        receipt.attempts[1].error or ""
    )
    # A late answer means the first copy got through: the receiver says so, and that counts.
    assert receipt.duplicate is (second == "late")
    assert receipt.attempts[-1].http_status == (409 if second == "late" else 201)


@pytest.mark.parametrize("code", [408, 429, 500, 502, 503, 504])
def test_retryable_statuses_are_retried(receiver, make_sink, sleeps, code):
    receiver.faults.append(status(code))

    receipt = make_sink().deliver(FILES, SUMMARY, KEY)

    assert [a.http_status for a in receipt.attempts] == [code, 201]
    assert len(sleeps) == 1


def test_429_waits_as_long_as_retry_after_says_within_the_cap(receiver, make_sink, sleeps):
    receiver.faults += [status(429, headers={"Retry-After": "7"})] * 2
    receiver.faults.append(status(503, headers={"Retry-After": "3600"}))

    make_sink(max_wait=60.0).deliver(FILES, SUMMARY, KEY)

    assert sleeps == [7.0, 7.0, 60.0]


def test_a_persistent_outage_raises_unavailable_with_every_attempt(receiver, make_sink, sleeps):
    receiver.faults += [status(503, "Bảo trì hệ thống")] * 10

    with pytest.raises(DeliveryUnavailable, match="not delivered after 4 attempts; last: HTTP 503"):
        make_sink(retries=3).deliver(FILES, SUMMARY, KEY)
    assert len(sleeps) == 3
    assert receiver.copies == {}
    assert not is_domain_error(DeliveryUnavailable("x", []))


def test_unavailable_carries_the_attempts(receiver, make_sink):
    receiver.faults += [status(503, "Bảo trì hệ thống")] * 3

    with pytest.raises(DeliveryUnavailable) as raised:
        make_sink(retries=2).deliver(FILES, SUMMARY, KEY)

    assert [(a.http_status, a.answer) for a in raised.value.attempts] == [
        (503, "Bảo trì hệ thống")
    ] * 3


def test_a_refused_connection_is_retried_then_unavailable(make_sink, sleeps):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    with pytest.raises(DeliveryUnavailable, match="last: ConnectionError") as raised:
        make_sink(f"http://127.0.0.1:{port}{PATH}", retries=2).deliver(FILES, SUMMARY, KEY)
    assert len(raised.value.attempts) == 3
    assert len(sleeps) == 2


def test_409_already_received_counts_as_delivered(receiver, make_sink):
    sink = make_sink()
    sink.deliver(FILES, SUMMARY, KEY)

    again = sink.deliver(FILES, SUMMARY, KEY)

    assert again.duplicate is True
    assert again.attempts[-1].http_status == 409
    assert len(receiver.copies) == 1
    assert receiver.keys == [KEY, KEY]


@pytest.mark.parametrize("code", [401, 403])
def test_a_refused_token_is_not_retried_and_never_shown(receiver, make_sink, sleeps, code):
    receiver.faults.append(
        status(code, f"token {TOKEN} refused", headers={"WWW-Authenticate": "Bearer"})
    )

    with pytest.raises(DeliveryRefused, match=f"refused the token \\(HTTP {code}\\)") as raised:
        make_sink().deliver(FILES, SUMMARY, KEY)

    error = raised.value
    assert is_domain_error(error)
    assert "PAPI_PUSH_TOKEN" in str(error) and "từ chối mã truy cập" in str(error)
    assert sleeps == []
    assert len(receiver.keys) == 1
    assert [a.http_status for a in error.attempts] == [code]
    # The receiver echoed the token: it is scrubbed from what is kept of its answer.
    assert error.attempts[0].answer == "token *** refused"
    assert TOKEN not in f"{error} {error!r} {error.attempts!r}"


def test_a_wrong_token_is_refused_by_the_receiver(receiver, make_sink):
    with pytest.raises(DeliveryRefused, match="HTTP 401"):
        make_sink(token="not-the-token").deliver(FILES, SUMMARY, KEY)
    assert receiver.copies == {}


@pytest.mark.parametrize("code", [400, 404, 413, 422])
def test_another_client_error_is_refused_at_once(receiver, make_sink, sleeps, code):
    receiver.faults.append(status(code, "tệp quá lớn"))

    with pytest.raises(DeliveryRefused, match=f"refused the report \\(HTTP {code}\\)"):
        make_sink().deliver(FILES, SUMMARY, KEY)
    assert sleeps == []


def test_a_redirect_is_not_followed(receiver, make_sink, server):
    receiver.faults.append(status(307, headers={"Location": "https://elsewhere.example/r"}))

    with pytest.raises(DeliveryRefused, match="redirects .* https://elsewhere.example/r"):
        make_sink().deliver(FILES, SUMMARY, KEY)
    assert len(receiver.keys) == 1


@pytest.mark.parametrize(
    ("url", "token", "message"),
    [
        ("ftp://city.example/api/reports", TOKEN, "http"),
        ("city.example/api/reports", TOKEN, "http"),
        ("https://user:pw@city.example/api/reports", TOKEN, "credentials"),
        ("https://city.example/api/reports", " \n", "empty"),
    ],
)
def test_a_sink_that_cannot_work_fails_at_start(url, token, message):
    with pytest.raises(ConfigurationError, match=message):
        HttpPushSink(url, SecretStr(token))


def test_the_target_shown_and_stored_leaves_out_the_query():
    sink = HttpPushSink("https://city.example/api/reports?code=gateway-key", SecretStr(TOKEN))
    assert sink.target == "https://city.example/api/reports"
    sink.close()


def test_settings_build_the_sink_and_missing_ones_are_named(monkeypatch):
    for name in ("PAPI_PUSH_URL", "PAPI_PUSH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    url = "https://sonoivu.example/api/papi/reports"

    with pytest.raises(ConfigurationError, match="set PAPI_PUSH_URL and PAPI_PUSH_TOKEN"):
        HttpPushSink.from_settings(Settings())
    with pytest.raises(ConfigurationError, match="set PAPI_PUSH_TOKEN") as raised:
        HttpPushSink.from_settings(Settings(push_url=url))
    assert "Chưa cấu hình nơi nhận báo cáo" in str(raised.value)
    sink = HttpPushSink.from_settings(Settings(push_url=url, push_token=SecretStr(TOKEN)))
    assert (sink.channel, sink.target) == ("http", url)
    sink.close()
