"""The operators' alert about a flow run that failed, crashed or timed out.

A run that ends badly at night is otherwise only seen when someone opens the Prefect UI,
and a missed collection or a report not published puts the district late with the city.
The alert says, in Vietnamese first and then in English (the district's IT staff read
both), which run, in what state and why, when it started in Vietnam's time, with which
plan and period, and where to open it.

The orchestrator's view of the run comes in as plain values (`FailedRun`); nothing here
knows Prefect. The message's key is `alert/<flow run id>`: `notify.send` records it, so a
run is reported once however often the alert is repeated.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from papi_etl.errors import ConfigurationError
from papi_etl.reminders import Kind, Message
from papi_etl.store.schema import CODE, WHOLE
from papi_etl.store.types import LOCAL_ZONE

_RESOURCE_PREFIX = "prefect.flow-run."  # how the orchestrator's events name a flow run

# What each bad ending means to an official who is not an engineer.
_STATES_VI = {
    "Failed": "Thất bại",
    "Crashed": "Bị dừng đột ngột",
    "TimedOut": "Quá thời gian cho phép",
}


# The orchestrator's state types of a run that ended badly: TimedOut is a kind of Failed.
BAD_ENDINGS = frozenset({"FAILED", "CRASHED"})


@dataclass(frozen=True)
class FailedRun:
    """A flow run as the orchestrator reports it: `state` is the state's name (Failed,
    Crashed, TimedOut), `state_type` its type (FAILED, CRASHED, ...); `started` is None for
    a run that never started (a crash before its first line)."""

    id: str
    flow: str
    name: str
    state: str
    state_type: str
    message: str | None
    started: dt.datetime | None
    parameters: Mapping[str, object] = field(default_factory=dict)


def run_id(value: str) -> str:
    """The flow run id in `value`, given as a bare UUID or as an event's resource id
    (`prefect.flow-run.<uuid>`, what the deployment trigger passes on).

    Raises ConfigurationError when it is neither: an alert about no run cannot be sent.
    """
    text = value.strip()
    text = text.removeprefix(_RESOURCE_PREFIX)
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise ConfigurationError(
            f"flow_run_id {value!r} is not a flow run id (a UUID or prefect.flow-run.<UUID>)",
            f"flow_run_id {value!r} không phải mã lượt chạy (UUID hoặc prefect.flow-run.<UUID>)",
        ) from None


def key(run: FailedRun) -> str:
    return f"alert/{run.id}"


def ended_badly(run: FailedRun) -> bool:
    """Whether the run is one to alert about. By the time the alert runs, a run that failed
    may have been retried, or the alert asked for by hand about a run that went well."""
    return run.state_type.upper() in BAD_ENDINGS


def _label(run: FailedRun) -> str:
    # Run names of our flows start with the flow's name ("collect 2019-Q1"); others
    # (a name Prefect made up) say nothing without it.
    return run.name if run.name.split(" ", 1)[0] == run.flow else f"{run.flow} {run.name}"


def _link(ui_url: str | None, run: FailedRun) -> str | None:
    if not ui_url or not ui_url.strip():
        return None
    return f"{ui_url.strip().rstrip('/')}/runs/flow-run/{run.id}"


def _value(value: object) -> str:
    return "—" if value is None or value == "" else str(value)


def _started(run: FailedRun, *, vietnamese: bool) -> str:
    if run.started is None:
        return "chưa bắt đầu" if vietnamese else "not started"
    local = run.started.astimezone(LOCAL_ZONE)
    if vietnamese:
        return f"{local:%H:%M:%S} ngày {local:%d/%m/%Y} (giờ Việt Nam)"
    return f"{local:%Y-%m-%d %H:%M:%S} {local:%z} (Asia/Ho_Chi_Minh)"


def compose(
    run: FailedRun,
    emails: tuple[str, ...],
    webhook: str | None,
    ui_url: str | None = None,
) -> Message:
    """The alert to the operators about `run`, to `emails` and `webhook` (either may be
    empty: `notify.send` then reports it as without address).

    `ui_url` is the Prefect UI's base address; the alert links to the run when it is known.
    """
    label = _label(run)
    state_vi = _STATES_VI.get(run.state, run.state)
    link = _link(ui_url, run)
    parameters = sorted(run.parameters.items())
    message = _value(run.message)
    vi = [
        "Một lượt chạy của papi-etl đã không hoàn thành; cần kiểm tra và chạy lại nếu cần.",
        "",
        f"Quy trình: {run.flow}",
        f"Lượt chạy: {run.name}",
        f"Trạng thái: {state_vi} ({run.state})",
        f"Thông báo lỗi: {message}",
        f"Bắt đầu lúc: {_started(run, vietnamese=True)}",
        "Tham số:",
        *(f"  - {name} = {_value(value)}" for name, value in parameters),
    ]
    if link:
        vi.append(f"Xem lượt chạy: {link}")
    en = [
        "A papi-etl flow run did not complete; check it and run it again if needed.",
        "",
        f"Flow: {run.flow}",
        f"Run: {run.name}",
        f"State: {run.state}",
        f"Message: {message}",
        f"Started: {_started(run, vietnamese=False)}",
        "Parameters:",
        *(f"  - {name} = {_value(value)}" for name, value in parameters),
    ]
    if link:
        en.append(f"Open the run: {link}")
    body = "\n".join([*vi, "", "-" * 20, "", *en]) + "\n"
    period = run.parameters.get("period")
    return Message(
        key=key(run),
        kind=Kind.ALERT,
        period=str(period)[:CODE] if period else WHOLE,  # the column's width
        unit=WHOLE,
        emails=emails,
        webhook=webhook,
        subject=unicodedata.normalize("NFC", f"[papi-etl] Lỗi: {label} — {run.state}"),
        body=unicodedata.normalize("NFC", body),
        payload={
            "kind": Kind.ALERT.value,
            "flow_run_id": run.id,
            "flow": run.flow,
            "run": run.name,
            "state": run.state,
            "message": run.message,
            "started": run.started.isoformat() if run.started else None,
            "parameters": {n: None if v is None else str(v) for n, v in parameters},
            "url": link,
        },
    )
