"""The sources the settings configure: the composition root of `collect`, CLI or flow."""

from __future__ import annotations

from pathlib import Path

from papi_etl.settings import Settings
from papi_etl.sources.base import Source
from papi_etl.sources.inbox import SETTLE_SECONDS, InboxSource

INBOX = "inbox"
HTTP = "http"


def sources(settings: Settings, inbox: Path, only: set[str] | None = None) -> list[Source]:
    """The plan's drop folder `inbox` (created if missing; `Workspace.inbox` finds it; a file
    modified in the last SETTLE_SECONDS is left for the next run), and the HTTP API when
    PAPI_HTTP_SOURCE_URL is set."""
    picked: list[Source] = []
    if only is None or INBOX in only:
        inbox.mkdir(parents=True, exist_ok=True)
        picked.append(InboxSource(inbox, settle_seconds=SETTLE_SECONDS))
    if (only is None or HTTP in only) and settings.http_source_url:
        from papi_etl.sources.http_api import HttpApiSource

        picked.append(HttpApiSource.from_settings(settings))
    return picked
