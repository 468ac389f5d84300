"""`papi-etl findings` and `papi-etl steward accept`: the data steward's queue and decisions.

`findings` exits 1 while findings are open (the data has problems, as `validate` does for
an invalid file) and 0 when the queue is empty, so that a script can wait for a clean
period; its output is the queue either way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any

import typer

from papi_etl import steward
from papi_etl.cli.context import JsonOption, PlanOption, echo, emit_json, settings
from papi_etl.cli.context import plan as load_plan
from papi_etl.forms import layout
from papi_etl.plan.model import Plan
from papi_etl.store.schema import Decision, SubmissionStatus
from papi_etl.workspace import open_workspace

app = typer.Typer(help="The data steward's decisions on findings.", no_args_is_help=True)

_STATUS_VI = {
    SubmissionStatus.RECEIVED: "đã nhận, chưa kiểm tra",
    SubmissionStatus.VALID: "hợp lệ",
    SubmissionStatus.INVALID: "chưa hợp lệ (còn lỗi chưa xử lý)",
    SubmissionStatus.ACCEPTED_WITH_EXCEPTION: "hợp lệ, có ngoại lệ được chấp nhận",
    SubmissionStatus.SUPERSEDED: "đã được thay thế bằng phiên bản mới",
}
_DECISION_VI = {
    Decision.ACCEPT_EXCEPTION: "chấp nhận ngoại lệ",
    Decision.CORRECT: "sửa số liệu",
    Decision.REQUEST_RESUBMISSION: "yêu cầu gửi lại báo cáo",
}
_HEADERS = {c.key: c.header for table in (layout.TASKS, layout.INDICATORS) for c in table.columns}


def _plain(value: object) -> Any:
    """A dataclass as JSON can hold it: instants in ISO 8601 with their offset."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def _when(instant: dt.datetime) -> str:
    return f"{instant:%H:%M} ngày {instant:%d/%m/%Y}"


@app.command()
def accept(
    submission: Annotated[
        int, typer.Argument(help="The submission's id (`papi-etl findings` shows it).")
    ],
    finding: Annotated[
        int, typer.Option("--finding", help="The finding's id.", show_default=False)
    ],
    reason: Annotated[
        str, typer.Option(help="Why the exception is accepted (required).", show_default=False)
    ],
    by: Annotated[
        str, typer.Option("--by", help="Who decides: the steward's name.", show_default=False)
    ],
    plan: PlanOption = None,
    json: JsonOption = False,
) -> None:
    """Accept an exception for one finding, with a written reason and the steward's name."""
    workspace = open_workspace(settings(), load_plan(plan))
    with workspace.sessions.begin() as session:
        done = steward.accept(session, workspace.plan, submission, finding, reason, by)
    if json:
        emit_json(_plain(dataclasses.asdict(done)))
        return
    status = SubmissionStatus(done.submission_status)
    echo(
        f"Đã chấp nhận ngoại lệ cho lỗi số {done.finding_id} của báo cáo số "
        f"{done.submission_id} ({done.unit}, kỳ {done.period}, phiên bản {done.version})."
    )
    echo(
        f"Người quyết định: {done.decision.decided_by}, lúc {_when(done.decision.decided_at)}. "
        f"Lý do: {done.decision.reason}"
    )
    echo(f"Tình trạng báo cáo: {_STATUS_VI[status]}.")
    echo(
        f"Accepted an exception for finding {done.finding_id} of submission "
        f"{done.submission_id}; the submission is now {status.value}."
    )


def _place(entry: steward.OpenFinding) -> str:
    """Where a finding is; one without a row (a missing task) names its code in `field`."""
    parts = [f"sheet {entry.sheet}"] if entry.sheet else []
    if entry.row:
        parts.append(f"dòng {entry.row}")
        if entry.field:
            header = _HEADERS.get(entry.field)
            parts.append(f"cột {header} ({entry.field})" if header else f"cột {entry.field}")
    elif entry.field:
        parts.append(f"mã {entry.field}")
    return ", ".join(parts) or "cả báo cáo"


def _paragraph(entry: steward.OpenFinding) -> str:
    lines = [
        f"  Lỗi số {entry.finding_id} (báo cáo số {entry.submission_id}, kỳ {entry.period}, "
        f"phiên bản {entry.version}; {_place(entry)}; quy tắc {entry.rule}):",
        f"    {entry.message_vi}",
    ]
    if entry.value is not None:
        lines.append(f"    Giá trị đã ghi: {entry.value!r}.")
    if entry.hint:
        lines.append(f"    Cách sửa: {entry.hint}")
    for decision in entry.decisions:
        lines.append(
            f"    Đã quyết định {_DECISION_VI[Decision(decision.decision)]}: "
            f"{decision.decided_by}, lúc {_when(decision.decided_at)}. Lý do: {decision.reason}"
        )
    return "\n".join(lines)


def _show(queue: list[steward.OpenFinding], plan: Plan) -> None:
    names = {u.code: u.name for u in plan.units}
    units = list(dict.fromkeys(entry.unit for entry in queue))
    for unit in units:
        mine = [entry for entry in queue if entry.unit == unit]
        echo(f"{names.get(unit, unit)} ({unit}): {len(mine)} lỗi chưa xử lý")
        for entry in mine:
            echo(_paragraph(entry))
            echo()
    if not queue:
        echo("Không có lỗi nào chưa xử lý.")
        echo("No open findings.")
        return
    echo(
        f"Tổng cộng {len(queue)} lỗi chưa xử lý của {len(units)} đơn vị. Chấp nhận ngoại lệ: "
        'papi-etl steward accept <số báo cáo> --finding <số lỗi> --reason "<lý do>" '
        '--by "<họ tên>".'
    )
    echo(f"{len(queue)} open finding(s) in {len(units)} unit(s).")


def findings(
    period: Annotated[
        str | None, typer.Option(help="Only this period, e.g. 2019-Q1.", show_default=False)
    ] = None,
    unit: Annotated[
        str | None, typer.Option(help="Only this unit, e.g. AL.", show_default=False)
    ] = None,
    plan: PlanOption = None,
    json: JsonOption = False,
) -> None:
    """The steward's queue: open findings of current submissions, grouped by unit."""
    loaded = load_plan(plan)
    workspace = open_workspace(settings(), loaded)
    with workspace.sessions() as session:
        queue = steward.open_findings(session, loaded.plan, period, unit)
    if json:
        emit_json([_plain(dataclasses.asdict(entry)) for entry in queue])
    else:
        _show(queue, loaded.plan)
    if queue:
        raise typer.Exit(1)
