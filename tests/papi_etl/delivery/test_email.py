"""The e-mail sink against a real SMTP server on loopback (aiosmtpd), and with the ledger."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import socket
from collections import deque
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from delivery_fakes import REPORT_FILES, TOKEN
from pydantic import SecretStr

from papi_etl.delivery.base import DeliveryRefused, DeliveryUnavailable, ReportFile
from papi_etl.delivery.email import EmailSink, message_id, parse_smtp_url
from papi_etl.delivery.http_push import HttpPushSink
from papi_etl.delivery.ledger import deliver_pending, idempotency_key, summary_of
from papi_etl.errors import ConfigurationError
from papi_etl.settings import Settings
from papi_etl.store.schema import DeliveryState, Report
from papi_etl.store.types import LOCAL_ZONE

PASSWORD = "p@ss word%2019"
KEY = "binh-tan-461-2018/2019-Q1/v1/0123456789ab/email"
SUBJECT = (
    "Báo cáo kết quả thực hiện Kế hoạch số 461/KH-UBND của Ủy ban nhân dân quận Bình Tân"
    " - Quý I năm 2019"
)
FILES = [
    ReportFile(name, media_type, hashlib.sha256(content).hexdigest(), content)
    for name, (media_type, content) in REPORT_FILES.items()
]


class Mailbox:
    """The SMTP server's handler: keeps what it accepts; `faults` are DATA replies in turn."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []
        self.faults: deque[str] = deque()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.faults:
            return self.faults.popleft()
        self.envelopes.append(envelope)
        return "250 2.0.0 Ok: queued as 7F3A9C"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        good = isinstance(data, LoginPassword) and (data.login, data.password) == (
            b"pnv",
            PASSWORD.encode(),
        )
        return AuthResult(success=good, handled=False)

    def messages(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(e.original_content or b"", policy=email.policy.default)
            for e in self.envelopes
        ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    handler = Mailbox()
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=handler.authenticate,
        auth_require_tls=False,  # loopback only; real servers get STARTTLS (the default)
    )
    controller.start()
    yield handler, port
    controller.stop()


def smtp_url(port: int, *, password: str = PASSWORD, starttls: str = "0", to: str = "") -> str:
    to = to or "sonoivu@hcm.example,vanphong@ubnd.hcm.example"
    quoted = password.replace("%", "%25").replace("@", "%40").replace(" ", "%20")
    return (
        f"smtp://pnv:{quoted}@127.0.0.1:{port}?from=pnv@binhtan.example&to={to}&starttls={starttls}"
    )


@pytest.fixture
def make_sink(mailbox: tuple[Mailbox, int], sleeps: list[float]):
    def make(**options: Any) -> EmailSink:
        url = smtp_url(mailbox[1], **options)
        return EmailSink(parse_smtp_url(SecretStr(url)), timeout=5.0, sleep=sleeps.append)

    return make


@pytest.fixture
def summary(plan) -> dict[str, Any]:
    report = Report(
        plan_id=plan.id,
        period_code="2019-Q1",
        version=1,
        supplementary=False,
        content_sha256="a" * 64,
        files=[],
        created_at=dt.datetime(2019, 3, 14, 16, 0, tzinfo=LOCAL_ZONE),
    )
    return summary_of(report, plan, KEY, FILES)


def test_the_message_reaches_the_server_with_the_pdf_and_xlsx_in_vietnamese(
    mailbox, make_sink, summary
):
    handler, _ = mailbox

    receipt = make_sink().deliver(FILES, summary, KEY)

    [envelope] = handler.envelopes
    assert envelope.mail_from == "pnv@binhtan.example"
    assert envelope.rcpt_tos == ["sonoivu@hcm.example", "vanphong@ubnd.hcm.example"]
    [message] = handler.messages()
    assert message["Subject"] == SUBJECT
    assert message["Idempotency-Key"] == KEY
    assert message["Message-ID"] == message_id(KEY, "pnv@binhtan.example")
    attachments = {a.get_filename(): a for a in message.iter_attachments()}
    assert set(attachments) == {"bao-cao-tong-hop.pdf", "phu-luc-so-lieu.xlsx"}
    pdf = attachments["bao-cao-tong-hop.pdf"]
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_content() == REPORT_FILES["bao-cao-tong-hop.pdf"][1]
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert text.startswith("Kính gửi: Sở Nội vụ Thành phố Hồ Chí Minh; Ủy ban nhân dân")
    assert "Phòng Nội vụ quận Bình Tân gửi báo cáo tổng hợp" in text
    assert "ngày 05/10/2018" in text and "kỳ báo cáo Quý I năm 2019" in text
    assert "Tỷ lệ báo cáo đúng hạn: 90%." in text  # the Markdown summary
    assert [a.answer for a in receipt.attempts] == ["accepted for 2 recipient(s)"]


def test_every_copy_of_one_version_has_the_same_message_id(mailbox, make_sink, summary):
    handler, _ = mailbox
    sink = make_sink()

    sink.deliver(FILES, summary, KEY)
    sink.deliver(FILES, summary, KEY)
    sink.deliver(FILES, summary, KEY.replace("/v1/", "/v2/"))

    ids = [m["Message-ID"] for m in handler.messages()]
    assert ids[0] == ids[1] != ids[2]


def test_a_later_version_and_a_supplementary_report_say_so_in_the_subject(
    mailbox, make_sink, summary
):
    make_sink().deliver(FILES, {**summary, "version": 2, "supplementary": True}, KEY)

    [message] = mailbox[0].messages()
    assert message["Subject"] == SUBJECT.replace("Báo cáo", "Báo cáo bổ sung", 1) + (
        " (phiên bản 2)"
    )


def test_a_temporary_refusal_is_retried(mailbox, make_sink, summary, sleeps):
    handler, _ = mailbox
    handler.faults.append("451 4.3.0 Hệ thống thư đang bận, thử lại sau")

    receipt = make_sink().deliver(FILES, summary, KEY)

    assert len(handler.envelopes) == 1
    assert "SMTP 451" in (receipt.attempts[0].error or "")
    assert len(sleeps) == 1


def test_a_permanent_refusal_is_not_retried(mailbox, make_sink, summary, sleeps):
    mailbox[0].faults.append("554 5.7.1 Message rejected")

    with pytest.raises(DeliveryRefused, match="SMTP 554"):
        make_sink().deliver(FILES, summary, KEY)
    assert sleeps == []


def test_a_refused_login_is_not_retried_and_the_password_never_shown(
    mailbox, make_sink, summary, sleeps
):
    with pytest.raises(DeliveryRefused, match="login refused \\(SMTP 535\\)") as raised:
        make_sink(password="wrong-password").deliver(FILES, summary, KEY)

    assert "wrong-password" not in f"{raised.value} {raised.value.attempts!r}"
    assert sleeps == []
    assert mailbox[0].envelopes == []


def test_a_password_smtp_cannot_carry_is_refused_at_start(make_sink):
    # smtplib would fail with UnicodeEncodeError at the first report.
    with pytest.raises(ConfigurationError, match="must be ASCII") as raised:
        make_sink(password="Bình-Tân-2019")

    assert "Bình-Tân-2019" not in str(raised.value)


def test_starttls_is_required_unless_turned_off(mailbox, make_sink, summary):
    with pytest.raises(DeliveryRefused, match="STARTTLS"):
        make_sink(starttls="1").deliver(FILES, summary, KEY)
    assert mailbox[0].envelopes == []


def test_a_server_that_is_down_is_retried_then_unavailable(summary, sleeps):
    sink = EmailSink(
        parse_smtp_url(SecretStr(smtp_url(free_port()))), retries=2, sleep=sleeps.append
    )

    with pytest.raises(DeliveryUnavailable, match="not sent after 3 attempts") as raised:
        sink.deliver(FILES, summary, KEY)
    assert len(sleeps) == 2
    assert all("ConnectionRefusedError" in (a.error or "") for a in raised.value.attempts)


def test_a_report_without_pdf_or_xlsx_is_refused(make_sink, summary):
    only_docx = [f for f in FILES if f.name.endswith(".docx")]

    with pytest.raises(DeliveryRefused, match="no PDF or XLSX"):
        make_sink().deliver(only_docx, summary, KEY)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://mail.example?from=a@b.example&to=c@d.example", "must be smtp://"),
        ("smtp://mail.example?to=c@d.example", "needs from="),
        ("smtp://mail.example:abc?from=a@b.example", "port is not a number"),
        ("smtp://mail.example?from=a@b.example&to=khong-phai-dia-chi", "not an e-mail address"),
    ],
)
def test_a_malformed_smtp_url_is_refused_without_showing_it(url, message):
    with pytest.raises(ConfigurationError, match=message) as raised:
        parse_smtp_url(SecretStr(url.replace("mail.example", "u:secret-pw@mail.example")))
    assert "secret-pw" not in str(raised.value)


def test_the_smtp_url_is_read_with_secure_defaults():
    server = parse_smtp_url(
        SecretStr("smtp://pnv:p%40ss@mail.example?from=pnv@binhtan.example&to=a@x.example")
    )
    assert (server.port, server.starttls, server.username) == (25, True, "pnv")
    assert server.password is not None and server.password.get_secret_value() == "p@ss"
    assert server.target == "smtp://pnv@mail.example:25?to=a@x.example"
    implicit = parse_smtp_url(SecretStr("smtps://mail.example?from=pnv@binhtan.example"))
    assert (implicit.port, implicit.starttls, implicit.recipients) == (465, False, ())
    with pytest.raises(ConfigurationError, match="no recipient"):
        EmailSink(implicit)
    with pytest.raises(ConfigurationError, match="PAPI_SMTP_URL is not set"):
        EmailSink.from_settings(Settings(smtp_url=None))


def test_the_ledger_delivers_each_version_to_both_channels_once(
    mailbox, make_sink, make_report, sessions, plan, data_dir, receiver, sleeps
):
    handler, _ = mailbox
    report = make_report()
    http = HttpPushSink(receiver.url, SecretStr(TOKEN), sleep=sleeps.append)
    sinks = [http, make_sink()]
    handler.faults.append("421 4.4.2 Service not available, closing channel")

    outcomes = deliver_pending(sessions, plan, sinks, base_dir=data_dir, period="2019-Q1")
    again = deliver_pending(sessions, plan, sinks, base_dir=data_dir, period="2019-Q1")
    http.close()

    assert [(o.channel, o.state) for o in outcomes] == [
        ("http", DeliveryState.DELIVERED),
        ("email", DeliveryState.DELIVERED),
    ]
    assert again == []
    assert list(receiver.copies) == [idempotency_key(report, "http")]
    [message] = handler.messages()
    assert message["Idempotency-Key"] == idempotency_key(report, "email")
    assert message["Subject"] == SUBJECT
