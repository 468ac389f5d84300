"""`papi-etl demo` as a newcomer runs it after the README's set-up: no PREFECT_API_URL, no
PREFECT_ settings, a fresh data dir; Prefect's local server starts and stops with the
command. Run once for the module (~1-2 min); how long it takes is measured by hand
(README, benchmarks/README.md), not asserted here.

The run is also an operator's, with every secret set and used for real: the push token and
URL (a receiver on loopback), the SMTP password (an aiosmtpd server that checks it), the
HTTP source's token (a Kobo-shaped API on loopback) and a PostgreSQL password in the store's
URL (the server trusts any password); no output of the run may show any of them."""

from __future__ import annotations

import base64
import io
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, quote_plus

import pypdfium2
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from pytest_httpserver import HTTPServer
from reliability_ledger import record
from sqlalchemy import create_engine, inspect, make_url, select, text
from werkzeug import Request, Response

from deployments.server_process import free_port
from papi_etl import calendar, reporting_status
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.store import schema
from papi_etl.workspace import open_workspace

pytestmark = pytest.mark.e2e

PLAN = load(DEFAULT_PLAN)
PERIODS = [period.code for period in calendar.periods(PLAN.plan)]


SECRETS = {
    "push token": "pushT0ken+/=_" + secrets.token_hex(8),
    "SMTP password": "smtp p@ss%/" + secrets.token_hex(8),
    "HTTP source token": "k0boT0ken_" + secrets.token_hex(8),
    "PostgreSQL password": "pg P@ss:/" + secrets.token_hex(8),
}
SMTP_USER = "pnv"


@dataclass
class Servers:
    """The loopback services the demo talks to, and what they saw."""

    http: HTTPServer
    smtp_port: int
    logins: list[bool] = field(default_factory=list)
    messages: int = 0
    authorizations: list[str] = field(default_factory=list)

    async def handle_DATA(self, _server, _session, _envelope) -> str:  # noqa: N802 (aiosmtpd)
        self.messages += 1
        return "250 OK"

    def authenticate(self, _server, _session, _envelope, _mechanism, data) -> AuthResult:
        good = isinstance(data, LoginPassword) and (data.login, data.password) == (
            SMTP_USER.encode(),
            SECRETS["SMTP password"].encode(),
        )
        self.logins.append(good)
        return AuthResult(success=good, handled=False)

    def receive(self, request: Request) -> Response:
        self.authorizations.append(request.headers.get("Authorization", ""))
        if request.path.startswith("/kobo/"):
            page = {"count": 0, "next": None, "previous": None, "results": []}
            return Response(json.dumps(page), content_type="application/json")
        return Response(json.dumps({"status": "received"}), status=201)


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    http = HTTPServer(host="127.0.0.1", port=free_port())
    http.start()
    made = Servers(http, free_port())
    http.expect_request("/push", method="POST").respond_with_handler(made.receive)
    http.expect_request("/kobo/data/").respond_with_handler(made.receive)
    smtp = Controller(
        made,
        hostname="127.0.0.1",
        port=made.smtp_port,
        authenticator=made.authenticate,
        auth_require_tls=False,  # loopback only
    )
    smtp.start()
    yield made
    smtp.stop()
    http.stop()


@pytest.fixture(scope="module")
def store_url(postgres_database) -> str:
    """The demo's store: the session's PostgreSQL database, reached with a password."""
    postgres_database.empty()
    url = make_url(postgres_database.url).set(password=SECRETS["PostgreSQL password"])
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def demo(tmp_path_factory, servers, store_url) -> tuple[Path, subprocess.CompletedProcess[str]]:
    data_dir = tmp_path_factory.mktemp("demo") / "papi-demo"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PAPI_", "PREFECT_"))}
    password = quote(SECRETS["SMTP password"], safe="")
    env |= {
        "PAPI_DATA_DIR": str(data_dir),
        "PAPI_DATABASE_URL": store_url,
        "PAPI_PUSH_URL": servers.http.url_for("/push"),
        "PAPI_PUSH_TOKEN": SECRETS["push token"],
        "PAPI_SMTP_URL": f"smtp://{SMTP_USER}:{password}@127.0.0.1:{servers.smtp_port}"
        "?from=pnv@binhtan.example&to=snv@hochiminhcity.example&starttls=0",
        "PAPI_HTTP_SOURCE_URL": servers.http.url_for("/kobo/data/"),
        "PAPI_HTTP_SOURCE_TOKEN": SECRETS["HTTP source token"],
        "PAPI_HTTP_SOURCE_ACCOUNTS": "al.binhtan=AL",
    }
    ran = subprocess.run(
        [str(Path(sys.executable).with_name("papi-etl")), "demo", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return data_dir, ran


@pytest.fixture(scope="module")
def summary(demo) -> dict[str, dict]:
    _, ran = demo
    assert ran.returncode == 0, ran.stderr[-3000:]
    return {entry["period"]: entry for entry in json.loads(ran.stdout)}


def test_the_demo_goes_through_every_period_of_the_plan(summary):
    assert list(summary) == PERIODS


def test_a_report_of_each_period_is_on_disk(demo, summary):
    data_dir, _ = demo
    assert sorted(p.name for p in (data_dir / "reports").iterdir()) == sorted(PERIODS)
    for code, entry in summary.items():
        version = entry["consolidate"]["report_version"]
        folder = data_dir / "reports" / code / f"v{version}"
        assert Path(entry["consolidate"]["report_folder"]) == folder
        for suffix in ("docx", "pdf", "xlsx"):
            document = folder / f"bao-cao-papi-{code}-v{version}.{suffix}"
            assert document.stat().st_size > 5_000, document


def test_the_summary_is_what_the_store_holds(demo, summary, store_url):
    data_dir, _ = demo
    workspace = open_workspace(Settings(data_dir=data_dir, database_url=store_url), PLAN)
    with workspace.sessions() as session:
        for code, entry in summary.items():
            value = schema.MetricValue.value
            stored = dict(
                session.execute(
                    select(schema.MetricValue.metric, value).where(
                        schema.MetricValue.plan_id == PLAN.plan.id,
                        schema.MetricValue.period_code == code,
                        schema.MetricValue.unit_code == schema.WHOLE,
                        schema.MetricValue.dimension_code == schema.WHOLE,
                    )
                ).all()
            )
            consolidated = entry["consolidate"]
            assert consolidated["reporting_rate"] == stored["reporting_rate"], code
            assert consolidated["on_time_reporting_rate"] == stored["on_time_reporting_rate"]
            latest = session.scalar(
                select(schema.Report.version)
                .where(schema.Report.plan_id == PLAN.plan.id, schema.Report.period_code == code)
                .order_by(schema.Report.version.desc())
                .limit(1)
            )
            assert consolidated["report_version"] == latest == entry["publish"]["report_version"]
            statuses = Counter(
                u.status for u in reporting_status.of_period(session, PLAN.plan, code)
            )
            validated = entry["validate"]
            assert validated["valid"] == statuses["valid"], code
            assert validated["invalid"] == statuses["invalid"], code
            assert validated["accepted_with_exception"] == statuses["accepted_with_exception"]


def test_every_run_it_made_completed(demo, summary):
    data_dir, _ = demo
    with sqlite3.connect(data_dir / "prefect" / "prefect.db") as db:
        flow_runs = db.execute("SELECT name, state_type FROM flow_run").fetchall()
        task_runs = db.execute("SELECT name, state_type FROM task_run").fetchall()
    names = {name for name, _ in flow_runs}
    for code in PERIODS:
        for flow in ("run", "collect", "validate", "consolidate", "publish"):
            assert f"{flow} {code}" in names
    assert [run for run in flow_runs if run[1] != "COMPLETED"] == []
    assert task_runs and [run for run in task_runs if run[1] != "COMPLETED"] == []


def _forms(secret: str) -> set[str]:
    """The secret as it could leak: as is, URL-encoded, base64 (alone, and as SMTP's
    AUTH PLAIN and HTTP basic credentials would carry it)."""
    encoded = {
        base64.b64encode(value.encode()).decode()
        for value in (secret, f"\0{SMTP_USER}\0{secret}", f"{SMTP_USER}:{secret}")
    }
    return {secret, quote(secret, safe=""), quote_plus(secret), quote(secret)} | encoded


def _texts(path: Path) -> Iterator[str]:
    """What a file says: its bytes, the members of a zip (DOCX, XLSX), a PDF's text."""
    try:
        content = path.read_bytes()
    except FileNotFoundError:  # SQLite's -shm/-wal files come and go with connections
        return
    yield content.decode("utf-8", "replace")
    yield content.decode("utf-16-le", "replace")
    if zipfile.is_zipfile(io.BytesIO(content)):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for member in archive.infolist():
                yield archive.read(member).decode("utf-8", "replace")
    if content.startswith(b"%PDF"):
        document = pypdfium2.PdfDocument(content)
        yield "".join(page.get_textpage().get_text_range() for page in document)
        document.close()


def _store_rows(url: str) -> Iterator[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            for table in inspect(connection).get_table_names():
                rows = connection.execute(text(f'SELECT t::text FROM "{table}" t'))
                yield from (row[0] for row in rows)
    finally:
        engine.dispose()


@pytest.mark.reliability
def test_no_secret_shows_in_any_output_of_the_run(demo, summary, servers, store_url):
    data_dir, ran = demo
    # Each secret was used for real: the token reached the receiver and the API, the
    # password logged in to the mail server, the store is the PostgreSQL database.
    assert f"Bearer {SECRETS['push token']}" in servers.authorizations
    assert f"Token {SECRETS['HTTP source token']}" in servers.authorizations
    assert servers.logins and all(servers.logins) and servers.messages > 0
    assert all(entry["publish"]["report_version"] for entry in summary.values())
    outputs = {"stdout": [ran.stdout], "stderr": [ran.stderr], "store rows": _store_rows(store_url)}
    files = [path for path in data_dir.rglob("*") if path.is_file()]
    assert any(path.suffix == ".db" for path in files)  # Prefect's database is searched too
    for path in files:
        outputs[str(path.relative_to(data_dir))] = _texts(path)
    leaks = []
    for where, texts in outputs.items():
        for said in texts:
            leaks += [
                (name, where)
                for name, secret in SECRETS.items()
                if any(form in said for form in _forms(secret))
            ]
    assert leaks == []
    record(
        "secrets",
        "push token, SMTP password, HTTP source token, PostgreSQL password (as is, URL-encoded, "
        "base64) in a whole demo run's stdout, stderr, files, Prefect's database, store rows",
        len(SECRETS) * len(outputs),
        "none found",
    )
