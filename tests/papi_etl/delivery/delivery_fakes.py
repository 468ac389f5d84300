"""The fakes of the delivery tests: the city's endpoint and a report's files, in miniature.

The receiver behaves as the brief asks a receiver to: it checks the bearer token, keeps ONE
copy per idempotency key and answers a key it already holds with 409. Faults (503, a
dropped connection, a late answer) are served by the same real server in turn before it
answers normally.
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from werkzeug import Request, Response

TOKEN = "city-push-token-5b9e2d71"
PATH = "/api/papi/reports"

Handler = Callable[[Request], Response]

# The files a consolidated report is made of (papi_etl/report/), in miniature.
REPORT_FILES = {
    "bao-cao-tong-hop.docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04 docx",
    ),
    "bao-cao-tong-hop.pdf": ("application/pdf", b"%PDF-1.7\n% Quy I nam 2019\n%%EOF\n"),
    "phu-luc-so-lieu.xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        b"PK\x03\x04 xlsx",
    ),
    "bieu-do-ty-le-bao-cao.png": ("image/png", b"\x89PNG\r\n\x1a\n chart"),
    "tom-tat.md": ("text/markdown", "# Tóm tắt\n\nTỷ lệ báo cáo đúng hạn: 90%.\n".encode()),
}


@dataclass
class Copy:
    """What the receiver kept of one request: headers, the summary and the files."""

    key: str
    authorization: str
    summary: dict[str, Any]
    files: dict[str, tuple[str, bytes]]  # name -> (content type, bytes)
    part_names: list[str]


@dataclass
class Receiver:
    """The city's endpoint: one copy per idempotency key, 409 for a key it already holds.

    `faults` are served in turn, one per request, before it answers normally again.
    `requests` counts every request that reached it; `keys` lists the key of each.
    """

    url: str
    copies: dict[str, Copy] = field(default_factory=dict)
    keys: list[str | None] = field(default_factory=list)
    faults: deque[Handler] = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, request: Request) -> Response:
        with self.lock:
            self.keys.append(request.headers.get("Idempotency-Key"))
            fault = self.faults.popleft() if self.faults else None
        return (fault or self.accept)(request)

    def accept(self, request: Request) -> Response:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return Response('{"error": "invalid token"}', status=401)
        key = request.headers["Idempotency-Key"]
        with self.lock:
            if key in self.copies:
                return Response(json.dumps({"status": "already received", "key": key}), 409)
            self.copies[key] = self.keep(request)
        return Response(json.dumps({"status": "received", "id": len(self.copies)}), 201)

    def keep(self, request: Request) -> Copy:
        uploads = request.files
        summary = uploads["summary"]
        return Copy(
            key=request.headers["Idempotency-Key"],
            authorization=request.headers["Authorization"],
            summary=json.loads(summary.read()),
            files={f.filename or "": (f.content_type, f.read()) for f in uploads.getlist("files")},
            part_names=list(uploads.keys()),
        )

    def stored_then_late(self, delay: float) -> Handler:
        """It keeps the copy but answers after `delay` s, when the client has given up."""

        def handler(request: Request) -> Response:
            answer = self.accept(request)
            time.sleep(delay)
            return answer

        return handler


def status(code: int, body: str = "", headers: dict[str, str] | None = None) -> Handler:
    return lambda request: Response(body or f"error {code}", status=code, headers=headers)


def dropped(request: Request) -> Response:
    """The connection is closed under the request, with no answer (a proxy restarting)."""
    request.get_data()
    connection: socket.socket = request.environ["werkzeug.socket"]
    connection.shutdown(socket.SHUT_RDWR)
    return Response("never sent", status=200)


def write_report(
    folder: Path, period: str, version: int, relative_to: Path | None = None
) -> list[dict[str, Any]]:
    """Write the report's files and return `Report.files` for them; paths are relative to
    `relative_to` when given (the ledger reads them from the data dir), else absolute (as
    papi_etl.report.produce writes them)."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for name, (media_type, content) in REPORT_FILES.items():
        path = folder / name
        path.write_bytes(content + f" {period} v{version}".encode())
        data = path.read_bytes()
        # The shape papi_etl.report.produce writes (role and size are not needed to send).
        entries.append(
            {
                "role": path.suffix.lstrip("."),
                "name": name,
                "path": str(path.relative_to(relative_to) if relative_to else path),
                "media_type": media_type,
                "sha256": hashlib.sha256(data).hexdigest(),
                "size": len(data),
            }
        )
    return entries
