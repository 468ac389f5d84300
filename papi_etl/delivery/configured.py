"""The sinks the settings configure: the composition root of `push`, CLI or flow."""

from __future__ import annotations

from papi_etl.delivery.base import Sink
from papi_etl.delivery.email import EmailSink, parse_smtp_url
from papi_etl.delivery.http_push import HttpPushSink
from papi_etl.settings import Settings

# An interactive run (`papi-etl run`, the demo) tries a receiver twice, a second apart, and
# then leaves the delivery pending: a person is waiting at the terminal, and `papi-etl push`
# or the scheduled publish sends it later. Unattended runs use the sinks' own patience.
INTERACTIVE_RETRIES = 1


def sinks(settings: Settings, *, retries: int | None = None) -> list[Sink]:
    """The city's endpoint when PAPI_PUSH_URL is set; e-mail when PAPI_SMTP_URL names
    recipients (it may serve only the reminders). Empty: the report stays as files.

    `retries` overrides each sink's number of retries after the first attempt."""
    options = {} if retries is None else {"retries": retries}
    picked: list[Sink] = []
    if settings.push_url:
        picked.append(HttpPushSink.from_settings(settings, **options))
    if settings.smtp_url is not None and parse_smtp_url(settings.smtp_url).recipients:
        picked.append(EmailSink.from_settings(settings, **options))
    return picked
