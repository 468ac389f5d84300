"""Sending reminders, notices and digests by e-mail and webhook, each at most once.

Every message is sent once per channel: its key (what it is for, on which day) is written
to `notifications` with the outcome, so a flow rerun the same day skips what was sent and
tries again what failed. E-mail goes through the SMTP server of PAPI_SMTP_URL (the same
sender, retries and secrecy as the reports' e-mail); a webhook gets the message as JSON.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

import requests
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from papi_etl.delivery.base import DeliveryRefused, DeliveryUnavailable
from papi_etl.delivery.email import EmailSink, SmtpServer
from papi_etl.plan.model import Plan
from papi_etl.reminders import Message
from papi_etl.store import schema
from papi_etl.store.types import now
from papi_etl.store.upsert import upsert


class Channel(Protocol):
    name: str

    def target(self, message: Message) -> str | None:
        """Where the message would go on this channel; None when it has no address here."""
        ...

    def send(self, message: Message) -> None:
        """Send it or raise."""
        ...


_SUBTYPES = {".xlsx": "vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class EmailChannel:
    name = "email"

    def __init__(self, server: SmtpServer, **options: object) -> None:
        self._server = server
        self._options = options

    def target(self, message: Message) -> str | None:
        return ", ".join(message.emails) or None

    def send(self, message: Message) -> None:
        mail = EmailMessage()
        mail["From"] = self._server.sender
        mail["To"] = ", ".join(message.emails)
        mail["Subject"] = message.subject
        mail["X-PAPI-Key"] = message.key
        mail.set_content(message.body)
        for path in message.attachments:
            mail.add_attachment(
                path.read_bytes(),
                maintype="application",
                subtype=_SUBTYPES.get(path.suffix.lower(), "octet-stream"),
                filename=path.name,
            )
        server = dataclasses.replace(self._server, recipients=message.emails)
        EmailSink(server, **self._options).send(mail, message.key)  # type: ignore[arg-type]


class WebhookChannel:
    name = "webhook"

    def __init__(self, timeout: float = 10.0) -> None:
        self._timeout = timeout

    def target(self, message: Message) -> str | None:
        return message.webhook

    def send(self, message: Message) -> None:
        answer = requests.post(
            message.webhook or "",
            json={**message.payload, "subject": message.subject, "text": message.body},
            headers={"Idempotency-Key": message.key},
            timeout=self._timeout,
        )
        answer.raise_for_status()


@dataclass(frozen=True)
class Sent:
    sent: int
    skipped: int
    failed: tuple[str, ...]
    without_address: tuple[str, ...]


def send(
    sessions: sessionmaker[Session],
    plan: Plan,
    messages: Sequence[Message],
    channels: Sequence[Channel],
) -> Sent:
    """Send each message on every channel it has an address for, once."""
    sent = skipped = 0
    failed: list[str] = []
    unreachable: list[str] = []
    for message in messages:
        reachable = [(c, c.target(message)) for c in channels if c.target(message)]
        if not reachable:
            unreachable.append(message.unit)
            continue
        for channel, target in reachable:
            key = f"{message.key}/{channel.name}"
            with sessions() as session:
                state = session.scalar(
                    select(schema.Notification.state).where(schema.Notification.key == key)
                )
                if state == schema.NotificationState.SENT:
                    skipped += 1
                    continue
            error: str | None = None
            try:
                channel.send(message)
            except (DeliveryRefused, DeliveryUnavailable, requests.RequestException) as fault:
                error = str(fault)
                failed.append(f"{message.unit} ({channel.name}): {error}")
            else:
                sent += 1
            with sessions.begin() as session:
                upsert(
                    session,
                    schema.Notification,
                    [
                        {
                            "key": key,
                            "plan_id": plan.id,
                            "period_code": message.period,
                            "unit_code": message.unit,
                            "kind": message.kind.value,
                            "channel": channel.name,
                            "target": target,
                            "subject": message.subject,
                            "state": "failed" if error else "sent",
                            "error": error,
                            "attempted_at": now(),
                        }
                    ],
                    key=("key",),
                )
    return Sent(sent, skipped, tuple(failed), tuple(unreachable))
