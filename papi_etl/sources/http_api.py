"""The HTTP JSON API source: submissions read page by page from a KoboToolbox-shaped API.

The API is Kobo's `/api/v2/assets/<uid>/data/`: pages `{"count", "next", "previous",
"results"}`, each result one submission in our JSON form (`unit`, `period`, `tasks`,
`indicators`) plus Kobo's `_id`, `_uuid` and `_submission_time`. The token goes in
`Authorization: Token <token>`, Kobo's scheme, and never into a message or a log line.

Who may report for which unit: the API authenticates the form's reader, not the unit, so
the unit of each submission is vouched for by the account that sent it, Kobo's
`_submitted_by` (set by the server from the submitter's login; the form must require
authentication). `accounts` maps each unit's account to its unit; a submission from an
account that is not mapped, or without one, is rejected at intake (`unknown_sender`), and one
whose `unit` is not its account's is rejected as `wrong_unit` (`papi_etl.ingest`).

The cursor is the last `_id` archived. The server is asked only for newer items, sorted by
`_id` (Kobo's `query` and `sort` parameters), and the same filter is applied here too, so a
server that ignores the query yields no duplicate. Items are yielded lazily, page by page,
so a fault on page 3 leaves the items of pages 1-2 yielded: the collector archives each one
and advances the cursor after it, and the next run resumes exactly after the last.

Faults a retry can heal (connection errors, timeouts, HTTP 429 and 5xx, a truncated body, a
page that is not JSON or not a data page, all of which proxies and overloaded servers
produce) are retried with exponential back-off and jitter, honouring `Retry-After`; after
the last retry, or at once for a refused token, a wrong URL or another 4xx, `SourceError`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import requests
from pydantic import SecretStr

from papi_etl.errors import ConfigurationError
from papi_etl.http_retry import TRANSIENT_ERRORS, Backoff, Fault, redact, retry_after, with_retries
from papi_etl.settings import Settings
from papi_etl.sources.base import Received, SourceError

LOGGER = logging.getLogger(__name__)
LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")

_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class _Page:
    results: list[dict[str, Any]]
    next: str | None


class HttpApiSource:
    """Submissions from one form's data endpoint of a KoboToolbox-shaped API.

    `url` is the data endpoint (e.g. `https://kf.kobotoolbox.org/api/v2/assets/<uid>/data/`).
    `accounts` maps a submitter account (`_submitted_by`) to the unit code it reports for;
    None only where no unit's identity is at stake (a source read for its faults): then the
    source vouches for no unit and the body's `unit` is taken as it is.
    `max_retries` is the number of retries after the first attempt of each page; the n-th
    wait is between half and all of `backoff * 2**(n-1)` seconds, or the server's
    `Retry-After`, and never more than `max_wait`. `sleep` is injectable so that tests
    record the waits instead of waiting.
    Raises ConfigurationError at once for a URL or token that cannot work.
    """

    def __init__(
        self,
        url: str,
        token: SecretStr,
        *,
        accounts: Mapping[str, str] | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        max_retries: int = 5,
        backoff: float = 1.0,
        max_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
            raise ConfigurationError(
                f"The HTTP source URL must be http(s)://host/...: {url!r}",
                f"Địa chỉ nguồn HTTP (PAPI_HTTP_SOURCE_URL) phải có dạng http(s)://máy-chủ/...: "
                f"{url!r}",
            )
        if parts.username is not None or parts.password is not None:
            # Credentials in the URL would show in every log line that names the URL.
            raise ConfigurationError(
                "The HTTP source URL must not hold credentials; set PAPI_HTTP_SOURCE_TOKEN.",
                "Địa chỉ nguồn HTTP không được chứa tên đăng nhập, mật khẩu; hãy đặt mã truy "
                "cập vào PAPI_HTTP_SOURCE_TOKEN.",
            )
        # A token read from a secrets file often ends with a newline the server would refuse.
        secret = token.get_secret_value().strip()
        if not secret:
            raise ConfigurationError(
                "The HTTP source token is empty; set PAPI_HTTP_SOURCE_TOKEN.",
                "Mã truy cập nguồn HTTP đang trống; hãy đặt PAPI_HTTP_SOURCE_TOKEN.",
            )
        self._secret = secret
        self._accounts = None if accounts is None else {k.strip(): v for k, v in accounts.items()}
        self.url = url
        # The path is part of the name because cursors are kept per source name, and two
        # forms on one server must not share one.
        self.name = f"http:{parts.netloc}{parts.path.rstrip('/')}"
        self._origin = _origin(url)
        self._timeouts = (connect_timeout, read_timeout)
        self._backoff = Backoff(retries=max_retries, base=backoff, max_wait=max_wait)
        self._sleep = sleep
        self._session = requests.Session()
        self._session.headers.update(
            {"Authorization": f"Token {secret}", "Accept": "application/json"}
        )

    @classmethod
    def from_settings(cls, settings: Settings, **options: Any) -> HttpApiSource:
        """The source PAPI_HTTP_SOURCE_URL and PAPI_HTTP_SOURCE_TOKEN configure.

        Either missing fails here, at start, never as an empty token on the first request; so
        does a missing PAPI_HTTP_SOURCE_ACCOUNTS, without which any unit could report for
        any other.
        `options` are the constructor's keyword arguments (timeouts, retries, sleep).
        """
        if not settings.http_source_url:
            raise ConfigurationError(
                "PAPI_HTTP_SOURCE_URL is not set.", "Chưa đặt PAPI_HTTP_SOURCE_URL."
            )
        if settings.http_source_token is None:
            raise ConfigurationError(
                "PAPI_HTTP_SOURCE_URL is set but PAPI_HTTP_SOURCE_TOKEN is not: "
                "the API needs the token of an account that may read the form's submissions.",
                "Đã đặt PAPI_HTTP_SOURCE_URL nhưng chưa đặt PAPI_HTTP_SOURCE_TOKEN: cổng tiếp "
                "nhận cần mã truy cập của một tài khoản được đọc các báo cáo đã gửi.",
            )
        if not settings.http_source_accounts:
            raise ConfigurationError(
                "PAPI_HTTP_SOURCE_URL is set but PAPI_HTTP_SOURCE_ACCOUNTS is not: map each "
                "unit's submitting account to its unit (account=UNIT,account=UNIT,...), so that "
                "a unit can only report for itself."
            )
        options.setdefault("accounts", settings.http_source_accounts)
        options.setdefault("max_retries", settings.http_source_retries)
        return cls(settings.http_source_url, settings.http_source_token, **options)

    def close(self) -> None:
        """Release the session's pooled connections."""
        self._session.close()

    def fetch(self, cursor: str | None) -> Iterator[Received]:
        """Submissions whose `_id` is greater than `cursor` (None: all), oldest first.

        The cursor is checked at once (ConfigurationError if it is not an `_id`); the pages
        are read as the iterator is consumed, and a fault raises SourceError after the items
        of the pages before it were yielded. A result without a readable integer `_id` is
        yielded with cursor None (it is yielded by every run, and the archive knows the same
        bytes as one submission); one without a readable `_submission_time` gets the time it
        was fetched. Neither is dropped: the parser judges the content.
        """
        after = _parse_cursor(cursor)
        params = {"sort": _compact({"_id": 1})}
        if after is not None:
            params["query"] = _compact({"_id": {"$gt": after}})
        return self._items(_with_params(self.url, params), after)

    def _items(self, url: str, after: int | None) -> Iterator[Received]:
        visited: set[tuple[object, ...]] = set()
        seen: set[int] = set()
        highest: int | None = None
        number = 0
        next_url: str | None = url
        while next_url is not None:
            number += 1
            visited.add(_page_key(next_url))
            page = self._get_page(next_url, number)
            fresh = _fresh(page.results, after, seen)
            LOGGER.info(
                "%s: page %d read, %d results, %d new, %s",
                self.name,
                number,
                len(page.results),
                len(fresh),
                "more to come" if page.next else "last page",
            )
            for item in fresh:
                item_id = _id_of(item)
                if item_id is not None:
                    if highest is not None and item_id < highest:
                        LOGGER.warning(
                            "%s: _id %d comes after _id %d: the server does not sort by _id, "
                            "so a run interrupted now may miss items when it resumes",
                            self.name,
                            item_id,
                            highest,
                        )
                    highest = item_id if highest is None else max(highest, item_id)
                yield self._received(item)
            next_url = self._follow(next_url, page.next, number, visited)

    def _received(self, item: dict[str, Any]) -> Received:
        item_id = _id_of(item)
        received_at = _submission_time(item)
        if received_at is None:
            received_at = dt.datetime.now(LOCAL_ZONE)
            LOGGER.warning(
                "%s: submission %s has no readable _submission_time (%r); using the fetch time",
                self.name,
                item_id,
                item.get("_submission_time"),
            )
        if item_id is None:
            LOGGER.warning(
                "%s: a submission has no integer _id (%r); it is yielded without a cursor",
                self.name,
                item.get("_id"),
            )
        content = json.dumps(item, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        sender, unit = self._vouched(item)
        return Received(
            content=content.encode("utf-8"),
            source=self.name,
            original_name=f"{item_id if item_id is not None else 'no-id'}.json",
            received_at=received_at,
            claimed_unit=unit,
            cursor=None if item_id is None else str(item_id),
            sender=sender,
        )

    def _vouched(self, item: dict[str, Any]) -> tuple[str | None, str | None]:
        """The account that sent `item` and the unit it reports for (None: no unit's)."""
        if self._accounts is None:
            return None, None
        account = item.get("_submitted_by")
        sender = account.strip() if isinstance(account, str) else ""
        return sender, self._accounts.get(sender) if sender else None

    def _follow(
        self, current: str, link: str | None, number: int, visited: set[tuple[object, ...]]
    ) -> str | None:
        """The next page's URL, refusing a link to another server or back to a page read."""
        if link is None:
            return None
        url = urljoin(current, link)
        if _origin(url) != self._origin:
            # The session would send the token there.
            scheme, host, port = _origin(url)
            raise self._error(
                f"the 'next' link of page {number} points to another server "
                f"({scheme}://{host}:{port}); refused, the token is only for "
                f"{self._origin[0]}://{self._origin[1]}:{self._origin[2]}"
            )
        if _page_key(url) in visited:
            raise self._error(
                f"the 'next' link of page {number} points back to a page already read ({url}); "
                "the server's pagination loops"
            )
        return url

    def _get_page(self, url: str, number: int) -> _Page:
        """One page, with the retries its faults deserve; raises SourceError."""

        def log_retry(fault: Fault, retry: int, wait: float) -> None:
            LOGGER.warning(
                "%s: page %d: %s; retry %d of %d in %.2f s",
                self.name,
                number,
                self._scrub(fault.reason),
                retry,
                self._backoff.retries,
                wait,
            )

        outcome = with_retries(
            lambda: self._attempt(url, number), self._backoff, self._sleep, log_retry
        )
        if isinstance(outcome, Fault):
            raise self._error(
                f"page {number} ({url}) failed {self._backoff.retries + 1} times; "
                f"last: {outcome.reason}"
            ) from outcome.error
        return outcome

    def _attempt(self, url: str, number: int) -> _Page | Fault:
        """One request: the page, a fault worth retrying, or SourceError for one that is not."""
        try:
            response = self._session.get(url, timeout=self._timeouts)
        except requests.exceptions.SSLError as error:
            raise self._error(f"TLS failed for {url}: {error}") from error
        except TRANSIENT_ERRORS as error:
            return Fault(f"{type(error).__name__}: {error}", error=error)
        except requests.RequestException as error:
            raise self._error(f"request to {url} failed: {error}") from error
        return self._read(response, url, number)

    def _read(self, response: requests.Response, url: str, number: int) -> _Page | Fault:
        """The page a response holds, a retryable fault, or SourceError for a refusal."""
        status = response.status_code
        if status in (401, 403):
            raise self._error(
                f"the server refused the token (HTTP {status}) for {url}; "
                "check PAPI_HTTP_SOURCE_TOKEN and that its account may read this form"
            )
        if status == 404 and number > 1:
            # The first page was found: the server refuses the cursor in its own link.
            raise self._error(
                f"page {number} ({url}), the 'next' link of page {number - 1}, was not found "
                "(HTTP 404): the server's page cursor is wrong or expired; the next run asks "
                "again from the last item taken in"
            )
        if status == 404:
            raise self._error(
                f"the URL is wrong: {url} was not found (HTTP 404); PAPI_HTTP_SOURCE_URL must be "
                "the form's data endpoint, e.g. https://<server>/api/v2/assets/<uid>/data/"
            )
        if status == 429 or status >= 500:
            return Fault(f"HTTP {status}", retry_after(response.headers.get("Retry-After")))
        if not 200 <= status < 300:
            raise self._error(f"HTTP {status} for {url}: {response.text[:200]!r}")
        try:
            body = json.loads(response.content)
        except ValueError as error:
            length = len(response.content)
            return Fault(f"the page is not JSON ({length} bytes; {error})", error=error)
        return _page(body)

    def _scrub(self, text: str) -> str:
        return redact(text, self._secret)

    def _error(self, message: str) -> SourceError:
        return SourceError(self._scrub(f"{self.name}: {message}"))


def _page(body: object) -> _Page | Fault:
    """A data page, or a fault saying precisely how the body is not one."""
    if not isinstance(body, dict):
        return Fault(f"the page is a JSON {type(body).__name__}, not an object")
    results = body.get("results")
    if not isinstance(results, list):
        return Fault("the page has no 'results' list")
    for index, result in enumerate(results):
        if not isinstance(result, dict):
            return Fault(f"result {index} of the page is a {type(result).__name__}, not an object")
    if "next" not in body:
        return Fault("the page has no 'next' link (null on the last page)")
    link = body["next"]
    if link is not None and not isinstance(link, str):
        return Fault(f"the page's 'next' is a {type(link).__name__}, not a URL or null")
    return _Page(results, link)


def _parse_cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    try:
        return int(cursor)
    except ValueError:
        raise ConfigurationError(
            f"The HTTP source's cursor must be a submission _id, got {cursor!r}: "
            "the store holds another source's cursor under this name.",
            f"Vị trí đọc đã lưu của nguồn HTTP phải là một mã _id, nhưng là {cursor!r}: cơ sở "
            "dữ liệu đang giữ vị trí của một nguồn khác dưới tên này.",
        ) from None


def _id_of(item: dict[str, Any]) -> int | None:
    value = item.get("_id")
    # bool is an int in Python, and true is no submission id.
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _fresh(
    results: list[dict[str, Any]], after: int | None, seen: set[int]
) -> list[dict[str, Any]]:
    """The page's items newer than the cursor and not yet seen in this fetch, in `_id` order.

    The server was asked for exactly these; filtering again here keeps a server that ignores
    the query, or repeats an item across pages, from causing duplicates. `seen` is updated.
    """
    fresh = []
    for item in sorted(results, key=_order):
        item_id = _id_of(item)
        if item_id is not None:
            if (after is not None and item_id <= after) or item_id in seen:
                continue
            seen.add(item_id)
        fresh.append(item)
    return fresh


def _order(item: dict[str, Any]) -> tuple[bool, int]:
    """Items without an id first (they move no cursor), then ascending `_id`."""
    item_id = _id_of(item)
    return (item_id is not None, item_id or 0)


def _submission_time(item: dict[str, Any]) -> dt.datetime | None:
    """`_submission_time` as an aware local time; Kobo writes UTC without an offset."""
    value = item.get("_submission_time")
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(LOCAL_ZONE)


def _origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or _DEFAULT_PORTS.get(scheme, -1)
    except ValueError:
        port = -1  # an unreadable port matches no origin of ours
    return (scheme, (parts.hostname or "").lower(), port)


def _page_key(url: str) -> tuple[object, ...]:
    """What makes two URLs the same page, whatever their spelling of the query.

    Servers re-encode the query of their `next` links (`%3A` or `:`, parameters reordered).
    """
    parts = urlsplit(url)
    query = sorted(parse_qsl(parts.query, keep_blank_values=True))
    return (*_origin(url), parts.path, tuple(query))


def _with_params(url: str, params: dict[str, str]) -> str:
    """`url` with `params` in its query, replacing any of the same name."""
    parts = urlsplit(url)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    return urlunsplit(parts._replace(query=urlencode(kept + list(params.items()))))


def _compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))
