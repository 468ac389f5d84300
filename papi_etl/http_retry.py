"""Retrying a network call: which faults heal, how long to wait, and keeping secrets out.

Shared by the HTTP source (`papi_etl.sources.http_api`) and the delivery sinks
(`papi_etl.delivery`), so that reading submissions and pushing reports back off the same
way: exponential waits with jitter, a server's `Retry-After` honoured but capped, a fixed
number of retries. The caller decides what a fault is (an attempt returns a `Fault` for a
fault worth retrying and raises for one that is not); this module only runs the attempts.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import requests

# Faults of the connection or of the body in transit, which a later attempt may not meet.
# An SSLError is a ConnectionError too, but a refused certificate does not heal in seconds:
# callers catch it first.
TRANSIENT_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Fault:
    """Why an attempt failed in a way worth retrying, and how long the server asked to wait."""

    reason: str
    retry_after: float | None = None
    error: BaseException | None = None


@dataclass(frozen=True)
class Backoff:
    """How often and how patiently to retry.

    `retries` is the number of retries after the first attempt; the n-th wait is between
    half and all of `base * 2**(n-1)` seconds, or the server's `Retry-After`, and never
    more than `max_wait`.
    """

    retries: int = 5
    base: float = 1.0
    max_wait: float = 60.0

    def wait(self, retry: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number `retry` (1 for the first retry)."""
        if retry_after is not None:
            return min(retry_after, self.max_wait)
        # Jitter keeps clients that failed together from retrying in step.
        delay = min(self.base * 2 ** (retry - 1), self.max_wait)
        return random.uniform(delay / 2, delay)


def with_retries(
    attempt: Callable[[], T | Fault],
    backoff: Backoff,
    sleep: Callable[[float], None],
    on_retry: Callable[[Fault, int, float], None],
) -> T | Fault:
    """Call `attempt` until it returns something other than a `Fault`, or retries run out.

    Returns the first result, or the last `Fault` after `backoff.retries` retries; an
    exception from `attempt` propagates at once (it is a fault no retry heals). Before each
    retry, `on_retry(fault, retry, wait)` lets the caller log (or record) it, then `sleep`
    waits: tests inject one that records the waits instead of waiting.
    """
    retry = 0
    while True:
        outcome = attempt()
        if not isinstance(outcome, Fault) or retry == backoff.retries:
            return outcome
        retry += 1
        wait = backoff.wait(retry, outcome.retry_after)
        on_retry(outcome, retry, wait)
        sleep(wait)


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a `Retry-After` header (seconds or an HTTP date); None if absent."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def redact(text: str, secret: str) -> str:
    """`text` with every occurrence of `secret` replaced by `***`.

    For messages built from what a server or requests said: requests quotes a malformed
    header value, and a server or proxy may echo the request's headers in its answer.
    """
    return text.replace(secret, "***") if secret else text
