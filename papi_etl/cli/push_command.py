"""`papi-etl push`: deliver the period's consolidated report to the city, and say how it went.

Exit status: 0 every version is delivered; 1 something is still pending after the retries
(the report is fine, the receiver is not: run again later, nothing will be sent twice);
2 push is not configured, a receiver refused a report (token, request), or the period has
no report yet.
"""

from __future__ import annotations

import sys

import typer
from sqlalchemy import func, select

from papi_etl import calendar
from papi_etl.cli.context import JsonOption, PeriodOption, PlanOption, echo, emit_json, settings
from papi_etl.cli.context import plan as load_plan
from papi_etl.delivery import configured
from papi_etl.delivery.base import Sink
from papi_etl.delivery.http_push import HttpPushSink
from papi_etl.delivery.ledger import Outcome, deliver_pending
from papi_etl.store.schema import DeliveryState, Report
from papi_etl.workspace import open_workspace

_STATE_VI = {
    DeliveryState.DELIVERED: "đã gửi",
    DeliveryState.PENDING: "chưa gửi được, sẽ gửi lại ở lần chạy sau",
    DeliveryState.FAILED: "bị từ chối",
}


def _as_dict(outcome: Outcome) -> dict[str, object]:
    return {
        "period": outcome.period,
        "version": outcome.version,
        "channel": outcome.channel,
        "target": outcome.target,
        "idempotency_key": outcome.idempotency_key,
        "state": outcome.state.value,
        "duplicate": outcome.duplicate,
        "files": list(outcome.files),
        "message": outcome.message,
        "attempts": [
            {
                "at": attempt.at.isoformat(),
                "http_status": attempt.http_status,
                "answer": attempt.answer,
                "error": attempt.error,
            }
            for attempt in outcome.attempts
        ],
    }


def _show(outcome: Outcome) -> None:
    state = f"{_STATE_VI[outcome.state]} / {outcome.state.value}"
    if outcome.duplicate:
        state += " (nơi nhận đã có bản này / the receiver already had it)"
    echo(f"  v{outcome.version} -> {outcome.channel} {outcome.target}: {state}")
    echo(f"    {outcome.idempotency_key}; tệp / files: {', '.join(outcome.files)}")
    for number, attempt in enumerate(outcome.attempts, start=1):
        answer = " ".join(
            part
            for part in (
                f"HTTP {attempt.http_status}" if attempt.http_status is not None else "",
                attempt.error or "",
                repr(attempt.answer[:120]) if attempt.answer else "",
            )
            if part
        )
        echo(f"    lần {number} / attempt {number} ({attempt.at:%H:%M:%S}): {answer}")
    if outcome.message and outcome.state is not DeliveryState.DELIVERED:
        echo("    " + outcome.message.replace("\n", "\n    "))


def push(
    period: PeriodOption,
    plan: PlanOption = None,
    json: JsonOption = False,
) -> None:
    """Gửi mọi phiên bản báo cáo của kỳ chưa gửi được (gửi lại bản đang chờ); mã thoát 1 khi
    còn bản chờ gửi. / Deliver every version of the period's report not yet delivered
    (retrying pending ones); exit 1 while one is pending."""
    loaded = load_plan(plan)
    wanted = calendar.period(loaded.plan, period)
    config = settings()
    if not config.push_url:
        HttpPushSink.from_settings(config)  # raises the clear "PAPI_PUSH_URL is not set"
    sinks: list[Sink] = configured.sinks(config)
    try:
        workspace = open_workspace(config, loaded, create=False)
        with workspace.sessions() as session:
            versions = session.scalar(
                select(func.count())
                .select_from(Report)
                .where(Report.plan_id == loaded.plan.id, Report.period_code == wanted.code)
            )
        if not versions:
            sys.stderr.write(
                f"Kỳ {wanted.code} ({wanted.label_vi}) chưa có báo cáo tổng hợp để gửi; lập báo "
                f"cáo trước: papi-etl report --period {wanted.code}\n"
                f"No consolidated report of {wanted.code} to deliver yet; make it first.\n"
            )
            raise typer.Exit(2)
        outcomes = deliver_pending(
            workspace.sessions,
            loaded.plan,
            sinks,
            base_dir=workspace.data_dir,
            period=wanted.code,
        )
    finally:
        for sink in sinks:
            if isinstance(sink, HttpPushSink):
                sink.close()
    count = {state: sum(1 for o in outcomes if o.state is state) for state in DeliveryState}
    if json:
        emit_json(
            {
                "period": wanted.code,
                "report_versions": versions,
                "deliveries": [_as_dict(o) for o in outcomes],
                **{state.value: count[state] for state in DeliveryState},
            }
        )
    else:
        echo(f"Kỳ {wanted.code} ({wanted.label_vi}): {versions} phiên bản báo cáo.")
        for outcome in outcomes:
            _show(outcome)
        if not outcomes:
            echo("Mọi phiên bản đã được gửi trước đó. / Every version was delivered before.")
        echo(
            f"Đã gửi {count[DeliveryState.DELIVERED]}, chờ gửi lại "
            f"{count[DeliveryState.PENDING]}, bị từ chối {count[DeliveryState.FAILED]}. / "
            f"Delivered {count[DeliveryState.DELIVERED]}, pending "
            f"{count[DeliveryState.PENDING]}, refused {count[DeliveryState.FAILED]}."
        )
    if count[DeliveryState.FAILED]:
        raise typer.Exit(2)
    if count[DeliveryState.PENDING]:
        raise typer.Exit(1)
