"""The one interface every source of submissions has (drop folder, HTTP API, ...).

A source only *fetches bytes*: it never parses, judges or stores them. The collector keeps
every byte in the raw archive before anything reads it, then advances the source's cursor,
so that a crash between fetching and archiving fetches the same items again (the archive
makes them one submission) instead of losing them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Received:
    """One item as it arrived: its bytes and what the source knows of it.

    `claimed_unit` is the unit the source vouches for (the drop folder's name, the unit of
    the API account that sent it): the item must be that unit's report. `sender` is the API
    account that sent it, for a source that knows one; an account that no unit has leaves
    `claimed_unit` None and the item is rejected (`papi_etl.ingest`).
    """

    content: bytes
    source: str
    original_name: str
    received_at: dt.datetime
    claimed_unit: str | None = None
    cursor: str | None = None
    sender: str | None = None


@dataclass(frozen=True)
class Skipped:
    """An item the source saw but could not hand over this time (a file still being
    written, or gone before it was read): nothing of it is taken in, the next run looks
    again. Said to the operator in Vietnamese and English."""

    source: str
    original_name: str
    reason_vi: str
    reason_en: str
    claimed_unit: str | None = None


class SourceError(Exception):
    """The source itself failed (unreachable, refused, malformed page) after its retries.

    Not a PapiError: it is an infrastructure fault, and a flow's task may retry it.
    """


class Source(Protocol):
    name: str

    def fetch(self, cursor: str | None) -> Iterator[Received | Skipped]:
        """Items newer than `cursor` (None: everything), oldest first, and the ones it had
        to leave for the next run.

        Each item's `cursor` is the value to resume after it; raises SourceError.
        """
        ...
