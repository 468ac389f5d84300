"""Delivering a report by e-mail: the PDF and the XLSX attached, in Vietnamese, over SMTP.

The server and the addresses come from one URL, PAPI_SMTP_URL:

    smtp://user:password@host:port?from=pnv@binhtan.example&to=a@x.example,b@y.example
    smtps://...            (TLS from the first byte, port 465 by default)
    ...&starttls=0         (plain SMTP, for a relay on a trusted network only)

`smtp://` uses STARTTLS unless told otherwise, so a password never crosses the network in
clear by accident. User and password are percent-decoded (a password with `@` is written
`%40`) and never appear in a message, a log line or the store.

SMTP has no idempotency key of its own: the message carries the key in an
`Idempotency-Key` header and a `Message-ID` derived from it, the same for every copy of one
report version, so that a mail system or a reader sees a copy resent after a lost answer as
the same message. Reply codes 4xx and a lost connection are retried with back-off
(`DeliveryUnavailable` at the end); 5xx and a refused login are `DeliveryRefused`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import smtplib
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from pydantic import SecretStr

from papi_etl.delivery.base import (
    Attempt,
    DeliveryRefused,
    DeliveryUnavailable,
    Receipt,
    ReportFile,
)
from papi_etl.errors import ConfigurationError
from papi_etl.http_retry import Backoff, Fault, redact, with_retries
from papi_etl.settings import Settings
from papi_etl.store.types import LOCAL_ZONE, now

LOGGER = logging.getLogger(__name__)

ATTACHED = (".pdf", ".xlsx")  # what officials open; the DOCX and the charts stay on the portal
_DEFAULT_PORTS = {"smtp": 25, "smtps": 465}


@dataclass(frozen=True)
class SmtpServer:
    """What PAPI_SMTP_URL says: where to connect, how, as whom, from and to whom."""

    scheme: str
    host: str
    port: int
    starttls: bool
    username: str | None
    password: SecretStr | None
    sender: str
    recipients: tuple[str, ...]

    @property
    def target(self) -> str:
        """The server and recipients, without the password (it is stored and shown)."""
        user = f"{self.username}@" if self.username else ""
        return f"{self.scheme}://{user}{self.host}:{self.port}?to={','.join(self.recipients)}"


def parse_smtp_url(url: SecretStr) -> SmtpServer:
    """The server PAPI_SMTP_URL names; raises ConfigurationError, never showing the password.

    `to` may be empty here (the reminders need no fixed recipient); `EmailSink` requires it.
    """
    text = url.get_secret_value().strip()
    parts = urlsplit(text)

    def refuse(problem_en: str, problem_vi: str) -> ConfigurationError:
        return ConfigurationError(f"PAPI_SMTP_URL: {problem_en}", f"PAPI_SMTP_URL: {problem_vi}")

    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise refuse(
            "must be smtp://[user:password@]host[:port]?from=...&to=... (or smtps://)",
            "phải có dạng smtp://[tên:mật-khẩu@]máy-chủ[:cổng]?from=...&to=... (hoặc smtps://)",
        )
    try:
        port = parts.port or _DEFAULT_PORTS[parts.scheme]
    except ValueError:
        raise refuse("the port is not a number", "cổng không phải là số") from None
    query = {name: ",".join(values) for name, values in parse_qs(parts.query).items()}
    sender = query.get("from", "").strip()
    if not _is_address(sender):
        raise refuse(
            "needs from=<the district's address>", "cần from=<địa chỉ thư điện tử của quận>"
        )
    recipients = tuple(a.strip() for a in query.get("to", "").split(",") if a.strip())
    bad = [a for a in recipients if not _is_address(a)]
    if bad:
        raise refuse(
            f"not an e-mail address in to=: {bad[0]!r}", f"địa chỉ không hợp lệ: {bad[0]!r}"
        )
    starttls = query.get("starttls", "1").strip().lower() not in ("0", "false", "no")
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    if not f"{username or ''}{password or ''}".isascii():
        # smtplib sends the login as ASCII and would fail at the first report, not now.
        raise refuse(
            "the user name and password must be ASCII (SMTP login cannot carry other letters)",
            "tên đăng nhập và mật khẩu chỉ được dùng ký tự ASCII (không dấu)",
        )
    return SmtpServer(
        scheme=parts.scheme,
        host=parts.hostname,
        port=port,
        starttls=starttls and parts.scheme == "smtp",
        username=username,
        password=SecretStr(password) if password else None,
        sender=sender,
        recipients=recipients,
    )


def _is_address(text: str) -> bool:
    _, address = parseaddr(text)
    return "@" in address and " " not in address


class EmailSink:
    """The report by e-mail to the recipients PAPI_SMTP_URL names.

    `retries` is the number of retries after the first attempt; `sleep` is injectable so
    that tests record the waits. Raises ConfigurationError when the URL names no recipient.
    """

    channel = "email"

    def __init__(
        self,
        server: SmtpServer,
        *,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 2.0,
        max_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not server.recipients:
            raise ConfigurationError(
                "PAPI_SMTP_URL names no recipient of the reports: add to=<address>,<address>.",
                "PAPI_SMTP_URL chưa có người nhận báo cáo: thêm to=<địa chỉ>,<địa chỉ>.",
            )
        self.server = server
        self.target = server.target
        self._timeout = timeout
        self._backoff = Backoff(retries=retries, base=backoff, max_wait=max_wait)
        self._sleep = sleep
        self._secret = server.password.get_secret_value() if server.password else ""

    @classmethod
    def from_settings(cls, settings: Settings, **options: Any) -> EmailSink:
        """The sink PAPI_SMTP_URL configures; `options` are the constructor's keywords."""
        if settings.smtp_url is None:
            raise ConfigurationError("PAPI_SMTP_URL is not set.", "Chưa đặt PAPI_SMTP_URL.")
        return cls(parse_smtp_url(settings.smtp_url), **options)

    def deliver(
        self,
        report_files: Sequence[ReportFile],
        summary: Mapping[str, Any],
        idempotency_key: str,
    ) -> Receipt:
        """Send the message until the server accepts it; see the module for what codes mean."""
        return self.send(
            compose(report_files, summary, idempotency_key, self.server), idempotency_key
        )

    def send(self, message: EmailMessage, idempotency_key: str) -> Receipt:
        """Send any message (a report, a reminder) with the same retries and secrecy."""
        attempts: list[Attempt] = []

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
            lambda: self._send(message, attempts), self._backoff, self._sleep, log_retry
        )
        if isinstance(outcome, Fault):
            raise DeliveryUnavailable(
                f"{self.target}: {idempotency_key} not sent after {len(attempts)} attempts; "
                f"last: {outcome.reason}",
                attempts,
            )
        return outcome

    def _send(self, message: EmailMessage, attempts: list[Attempt]) -> Receipt | Fault:
        """One SMTP session, appended to `attempts`: a receipt, a fault worth retrying, or
        DeliveryRefused / DeliveryUnavailable for one that is not."""
        server = self.server
        try:
            with self._connect() as smtp:
                if server.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if server.username and server.password:
                    smtp.login(server.username, server.password.get_secret_value())
                refused = smtp.send_message(message)
        except smtplib.SMTPNotSupportedError as error:
            raise self._refused(attempts, f"the server does not support it: {error}") from error
        except smtplib.SMTPAuthenticationError as error:
            raise self._refused(
                attempts, f"login refused (SMTP {error.smtp_code}); check PAPI_SMTP_URL's user"
            ) from error
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            reason = self._scrub(f"recipients refused: {error.recipients}")
            if all(400 <= code < 500 for code in codes):
                return self._fault(attempts, reason, error)
            raise self._refused(attempts, reason) from error
        except smtplib.SMTPResponseException as error:
            reason = self._scrub(f"SMTP {error.smtp_code}: {error.smtp_error!r}")
            if 500 <= error.smtp_code < 600:
                raise self._refused(attempts, reason) from error
            return self._fault(attempts, reason, error)
        except ssl.SSLError as error:
            # A certificate refused now will be refused in a minute too: stop this run.
            attempts.append(Attempt(now(), error=f"TLS failed: {error}"))
            raise DeliveryUnavailable(f"{self.target}: TLS failed: {error}", attempts) from error
        except OSError as error:  # refused, reset, timed out, disconnected
            return self._fault(attempts, self._scrub(f"{type(error).__name__}: {error}"), error)
        answer = f"accepted for {len(server.recipients) - len(refused)} recipient(s)"
        if refused:
            # The others have it, and a resend would give them a second copy.
            answer += self._scrub(f"; refused: {refused}")
            LOGGER.warning("%s: %s", self.target, answer)
        attempts.append(Attempt(now(), answer=answer))
        return Receipt(tuple(attempts))

    def _connect(self) -> smtplib.SMTP:
        server = self.server
        if server.scheme == "smtps":
            return smtplib.SMTP_SSL(
                server.host,
                server.port,
                timeout=self._timeout,
                context=ssl.create_default_context(),
            )
        return smtplib.SMTP(server.host, server.port, timeout=self._timeout)

    def _fault(self, attempts: list[Attempt], reason: str, error: BaseException) -> Fault:
        attempts.append(Attempt(now(), error=reason))
        return Fault(reason, error=error)

    def _refused(self, attempts: list[Attempt], reason: str) -> DeliveryRefused:
        attempts.append(Attempt(now(), error=reason))
        return DeliveryRefused(
            f"{self.target} refused the e-mail: {reason}",
            f"Máy chủ thư {self.target} từ chối gửi thư: {reason}",
            attempts,
        )

    def _scrub(self, text: str) -> str:
        return redact(text, self._secret)


def message_id(idempotency_key: str, sender: str) -> str:
    """The same Message-ID for every copy of one report version (RFC 5322 `<id@domain>`)."""
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:32]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "papi-etl.invalid"
    return f"<{digest}.papi-etl@{domain}>"


def subject(summary: Mapping[str, Any]) -> str:
    """The subject an official reads in the inbox: which plan, which period, which version."""
    kind = "Báo cáo bổ sung" if summary["supplementary"] else "Báo cáo"
    text = (
        f"{kind} kết quả thực hiện Kế hoạch số {summary['document']['number']} "
        f"của {summary['document']['issuer']} - {summary['period']['label_vi']}"
    )
    return text if summary["version"] == 1 else f"{text} (phiên bản {summary['version']})"


def compose(
    report_files: Sequence[ReportFile],
    summary: Mapping[str, Any],
    idempotency_key: str,
    server: SmtpServer,
) -> EmailMessage:
    """The message: a Vietnamese cover letter, the Markdown summary, the PDF and XLSX."""
    attached = [f for f in report_files if f.name.lower().endswith(ATTACHED)]
    if not attached:
        raise DeliveryRefused(
            "The report has no PDF or XLSX file to attach.",
            "Báo cáo không có tệp PDF hoặc XLSX để đính kèm.",
            [],
        )
    document, period = summary["document"], summary["period"]
    signed = dt.date.fromisoformat(document["date"]).strftime("%d/%m/%Y")
    listing = "\n".join(f"- {f.name}" for f in attached)
    markdown = "\n\n".join(
        f.content.decode("utf-8", errors="replace")
        for f in report_files
        if f.name.lower().endswith(".md")
    )
    body = (
        f"Kính gửi: {'; '.join(summary['recipients'])}.\n\n"
        f"{summary['sender']} gửi báo cáo tổng hợp kết quả thực hiện Kế hoạch số "
        f"{document['number']} ngày {signed} của {document['issuer']}, "
        f"kỳ báo cáo {period['label_vi']} (phiên bản {summary['version']}).\n\n"
        f"Tệp đính kèm:\n{listing}\n\n"
        + (f"{markdown.strip()}\n\n" if markdown.strip() else "")
        + "--\nThư được gửi tự động từ hệ thống theo dõi thực hiện Kế hoạch (papi-etl). "
        f"Mã gửi: {idempotency_key}. Hai thư cùng mã gửi là cùng một báo cáo.\n"
    )
    message = EmailMessage()
    message["Subject"] = subject(summary)
    message["From"] = server.sender
    message["To"] = ", ".join(server.recipients)
    message["Date"] = format_datetime(now().astimezone(LOCAL_ZONE))
    message["Message-ID"] = message_id(idempotency_key, server.sender)
    message["Idempotency-Key"] = idempotency_key
    message.set_content(body)
    for f in attached:
        maintype, _, subtype = f.media_type.partition("/")
        if not subtype:
            maintype, subtype = "application", "octet-stream"
        message.add_attachment(f.content, maintype=maintype, subtype=subtype, filename=f.name)
    return message
