"""The one interface every sink of consolidated reports has (HTTP push, e-mail, ...).

A sink only *delivers what it is given*: it never reads the store. The ledger
(`papi_etl.delivery.ledger`) decides what is due, records every attempt a sink reports and
moves the delivery's state; a sink's whole job is one call:

    deliver(report_files, summary, idempotency_key) -> Receipt

with three outcomes, each carrying the attempts made (so that the ledger can store them):

- a `Receipt`: the receiver has the report, accepted now or, for a key it had already
  seen, before (`duplicate`);
- `DeliveryUnavailable`: the receiver could not be reached, or answered with a fault that
  may heal (5xx, 429, a timeout), and the sink's own retries ran out. An infrastructure
  fault, deliberately not a PapiError: the delivery stays pending and the next run, or the
  task's retry, sends it again;
- `DeliveryRefused`: the receiver refused it in a way no retry heals (a refused token, a
  malformed request). A PapiError, so that a task's retry condition does not retry it; the
  delivery is marked failed and is tried again only by a later run, after an operator has
  fixed the cause.

Every sink sends the same `idempotency_key` with every copy it sends of one report version,
so a receiver that honours it keeps one copy however often a crash makes us resend.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from papi_etl.errors import PapiError


@dataclass(frozen=True)
class ReportFile:
    """One file of a report, read from disk and checked against the hash the store holds."""

    name: str
    media_type: str
    sha256: str
    content: bytes


@dataclass(frozen=True)
class Attempt:
    """One try at sending, as the ledger stores it in `delivery_attempts`.

    `http_status` is None when no HTTP answer came (a dropped connection, e-mail); `answer`
    is an excerpt of what the receiver said and `error` why the attempt failed, both with
    every secret removed.
    """

    at: dt.datetime
    http_status: int | None = None
    answer: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class Receipt:
    """The receiver has the report: the attempts it took and its last answer."""

    attempts: tuple[Attempt, ...]
    duplicate: bool = False


class DeliveryUnavailable(Exception):
    """The receiver is unreachable or failing after the sink's retries; send again later."""

    def __init__(self, message: str, attempts: Sequence[Attempt]) -> None:
        super().__init__(message)
        self.attempts = tuple(attempts)


class DeliveryRefused(PapiError):
    """The receiver refused the report (token, request); retrying cannot fix it."""

    def __init__(self, message_en: str, message_vi: str, attempts: Sequence[Attempt]) -> None:
        super().__init__(message_en, message_vi)
        self.attempts = tuple(attempts)


class Sink(Protocol):
    """Where reports go. `channel` is part of the idempotency key ("http", "email"), so it
    must never change for a sink; `target` says where, without any secret (it is stored)."""

    channel: str
    target: str

    def deliver(
        self,
        report_files: Sequence[ReportFile],
        summary: Mapping[str, Any],
        idempotency_key: str,
    ) -> Receipt:
        """Send one report version, with its retries; raises DeliveryUnavailable or
        DeliveryRefused, both carrying the attempts made."""
        ...
