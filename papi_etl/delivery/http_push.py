"""Delivering a report to the city's endpoint: one multipart POST per report version.

The request carries a `summary` part (JSON: plan, period, version, the files' names and
hashes) and then every file of the report as a `files` part, with
`Authorization: Bearer <PAPI_PUSH_TOKEN>` and `Idempotency-Key: <key>`. The token never
goes into a message, a log line or the store.

What the receiver's answer means:

- 2xx: received. 409: it already holds this idempotency key (an earlier copy got through
  but its answer was lost): received too, and the second copy is dropped by the receiver;
- connection errors, timeouts, 408, 429 and 5xx: retried with exponential back-off and
  jitter, honouring `Retry-After`, then `DeliveryUnavailable`;
- 401/403 (the token was refused), 3xx (not followed: a redirected POST may lose its body,
  or carry the token to another host) and any other 4xx: `DeliveryRefused` at once.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from pydantic import SecretStr

from papi_etl.delivery.base import (
    Attempt,
    DeliveryRefused,
    DeliveryUnavailable,
    Receipt,
    ReportFile,
)
from papi_etl.errors import ConfigurationError
from papi_etl.http_retry import TRANSIENT_ERRORS, Backoff, Fault, redact, retry_after, with_retries
from papi_etl.settings import Settings
from papi_etl.store.types import now

LOGGER = logging.getLogger(__name__)

EXCERPT = 500  # characters of the receiver's answer kept with each attempt
_RETRIED_STATUSES = frozenset({408, 429})


class HttpPushSink:
    """The city's report endpoint, reached by a multipart POST.

    `retries` is the number of retries after the first attempt; waits grow from `backoff`
    seconds and never exceed `max_wait`. `sleep` is injectable so that tests record the
    waits instead of waiting. Raises ConfigurationError at once for a URL or token that
    cannot work.
    """

    channel = "http"

    def __init__(
        self,
        url: str,
        token: SecretStr,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 60.0,
        retries: int = 5,
        backoff: float = 1.0,
        max_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigurationError(
                f"PAPI_PUSH_URL must be http(s)://host/...: {url!r}",
                f"PAPI_PUSH_URL phải có dạng http(s)://máy-chủ/...: {url!r}",
            )
        if parts.username is not None or parts.password is not None:
            raise ConfigurationError(
                "PAPI_PUSH_URL must not hold credentials; the token goes in PAPI_PUSH_TOKEN.",
                "PAPI_PUSH_URL không được chứa tên đăng nhập, mật khẩu; mã truy cập đặt trong "
                "PAPI_PUSH_TOKEN.",
            )
        # A token read from a secrets file often ends with a newline the server would refuse.
        secret = token.get_secret_value().strip()
        if not secret:
            raise ConfigurationError(
                "PAPI_PUSH_TOKEN is empty.", "PAPI_PUSH_TOKEN (mã truy cập) đang để trống."
            )
        self._secret = secret
        self.url = url
        # The query is left out of what is stored and shown: some gateways put keys there.
        self.target = urlunsplit(parts._replace(query="", fragment=""))
        self._timeouts = (connect_timeout, read_timeout)
        self._backoff = Backoff(retries=retries, base=backoff, max_wait=max_wait)
        self._sleep = sleep
        self._session = requests.Session()
        self._session.headers.update(
            {"Authorization": f"Bearer {secret}", "Accept": "application/json"}
        )

    @classmethod
    def from_settings(cls, settings: Settings, **options: Any) -> HttpPushSink:
        """The sink PAPI_PUSH_URL and PAPI_PUSH_TOKEN configure; either missing fails here.

        `options` are the constructor's keyword arguments (timeouts, retries, sleep).
        """
        url, token = settings.push_url, settings.push_token
        if not url or token is None:
            names = " and ".join(
                name
                for name, missing in (
                    ("PAPI_PUSH_URL", not url),
                    ("PAPI_PUSH_TOKEN", token is None),
                )
                if missing
            )
            raise ConfigurationError(
                f"Push is not configured: set {names} (the city's report endpoint and the "
                "token it gave the district).",
                f"Chưa cấu hình nơi nhận báo cáo: cần đặt {names.replace(' and ', ' và ')} "
                "(địa chỉ nhận báo cáo của Thành phố và mã truy cập được cấp cho quận).",
            )
        return cls(url, token, **options)

    def close(self) -> None:
        """Release the session's pooled connections."""
        self._session.close()

    def deliver(
        self,
        report_files: Sequence[ReportFile],
        summary: Mapping[str, Any],
        idempotency_key: str,
    ) -> Receipt:
        """POST the report until the receiver has it; see the module for what answers mean."""
        attempts: list[Attempt] = []
        summary_json = json.dumps(summary, ensure_ascii=False, indent=2).encode("utf-8")
        parts = [("summary", ("summary.json", summary_json, "application/json"))] + [
            ("files", (f.name, f.content, f.media_type)) for f in report_files
        ]

        def log_retry(fault: Fault, retry: int, wait: float) -> None:
            LOGGER.warning(
                "%s: %s: %s; retry %d of %d in %.2f s",
                self.target,
                idempotency_key,
                fault.reason,
                retry,
                self._backoff.retries,
                wait,
            )

        outcome = with_retries(
            lambda: self._post(parts, idempotency_key, attempts),
            self._backoff,
            self._sleep,
            log_retry,
        )
        if isinstance(outcome, Fault):
            raise DeliveryUnavailable(
                f"{self.target}: {idempotency_key} not delivered after {len(attempts)} "
                f"attempts; last: {outcome.reason}",
                attempts,
            )
        return outcome

    def _post(
        self, parts: list[tuple[str, tuple[str, bytes, str]]], key: str, attempts: list[Attempt]
    ) -> Receipt | Fault:
        """One POST, appended to `attempts`: a receipt, a fault worth retrying, or
        DeliveryRefused / DeliveryUnavailable for one that is not."""
        try:
            response = self._session.post(
                self.url,
                files=parts,
                headers={"Idempotency-Key": key},
                timeout=self._timeouts,
                allow_redirects=False,
            )
        except requests.exceptions.SSLError as error:
            # A certificate refused now will be refused in a minute too: stop this run.
            attempts.append(Attempt(now(), error=self._scrub(f"TLS failed: {error}")))
            raise DeliveryUnavailable(
                self._scrub(f"{self.target}: TLS failed: {error}"), attempts
            ) from error
        except TRANSIENT_ERRORS as error:
            reason = self._scrub(f"{type(error).__name__}: {error}")
            attempts.append(Attempt(now(), error=reason))
            return Fault(reason, error=error)
        except requests.RequestException as error:
            attempts.append(Attempt(now(), error=self._scrub(str(error))))
            raise DeliveryUnavailable(
                self._scrub(f"{self.target}: request failed: {error}"), attempts
            ) from error
        status = response.status_code
        answer = self._scrub(response.text[:EXCERPT])
        if status in _RETRIED_STATUSES or status >= 500:
            attempts.append(Attempt(now(), status, answer, f"HTTP {status}"))
            return Fault(f"HTTP {status}", retry_after(response.headers.get("Retry-After")))
        attempts.append(Attempt(now(), status, answer))
        if 200 <= status < 300 or status == 409:
            LOGGER.info("%s: %s delivered (HTTP %d)", self.target, key, status)
            return Receipt(tuple(attempts), duplicate=status == 409)
        raise self._refusal(status, answer, response.headers.get("Location"), attempts)

    def _refusal(
        self, status: int, answer: str, location: str | None, attempts: list[Attempt]
    ) -> DeliveryRefused:
        if status in (401, 403):
            return DeliveryRefused(
                f"{self.target} refused the token (HTTP {status}); check PAPI_PUSH_TOKEN.",
                f"Nơi nhận {self.target} từ chối mã truy cập (HTTP {status}); "
                "kiểm tra PAPI_PUSH_TOKEN.",
                attempts,
            )
        if 300 <= status < 400:
            where = self._scrub(location or "?")
            return DeliveryRefused(
                f"{self.target} redirects (HTTP {status}) to {where}; set PAPI_PUSH_URL to the "
                "final address (a redirected upload is not followed).",
                f"Địa chỉ {self.target} chuyển hướng (HTTP {status}) sang {where}; đặt "
                "PAPI_PUSH_URL là địa chỉ cuối cùng.",
                attempts,
            )
        return DeliveryRefused(
            f"{self.target} refused the report (HTTP {status}): {answer[:200]!r}",
            f"Nơi nhận {self.target} từ chối báo cáo (HTTP {status}): {answer[:200]!r}",
            attempts,
        )

    def _scrub(self, text: str) -> str:
        return redact(text, self._secret)
