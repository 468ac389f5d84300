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

from papi_etl import calendar, steward
from papi_etl.cli.bilingual import BilingualTyper
from papi_etl.cli.context import (
    JsonOption,
    PeriodFilter,
    PlanOption,
    UnitFilter,
    echo,
    emit_json,
    settings,
)
from papi_etl.cli.context import plan as load_plan
from papi_etl.forms.template import unit_of
from papi_etl.plan.model import Plan
from papi_etl.store.schema import Decision, SubmissionStatus
from papi_etl.workspace import open_workspace

app = BilingualTyper(
    help="Quyết định của cán bộ tổng hợp về các lỗi. / The data steward's decisions on findings."
)

_DECISION_VI = {
    Decision.ACCEPT_EXCEPTION: "chấp nhận ngoại lệ",
    Decision.CORRECT: "sửa số liệu",
    Decision.REQUEST_RESUBMISSION: "yêu cầu gửi lại báo cáo",
}


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
        int,
        typer.Argument(
            metavar="SUBMISSION",
            help="Số báo cáo (lệnh papi-etl findings cho biết). / The submission's id "
            "(papi-etl findings shows it).",
            show_default=False,
        ),
    ],
    finding: Annotated[
        int,
        typer.Option(
            "--finding",
            metavar="ID",
            help="Số của lỗi. / The finding's id.",
            show_default=False,
        ),
    ],
    reason: Annotated[
        str,
        typer.Option(
            metavar="TEXT",
            help="Lý do chấp nhận ngoại lệ. / Why the exception is accepted.",
            show_default=False,
        ),
    ],
    by: Annotated[
        str,
        typer.Option(
            "--by",
            metavar="NAME",
            help="Người quyết định: họ tên cán bộ. / Who decides: the steward's name.",
            show_default=False,
        ),
    ],
    plan: PlanOption = None,
    json: JsonOption = False,
) -> None:
    """Chấp nhận ngoại lệ cho một lỗi, ghi lý do và người quyết định. / Accept an exception
    for one finding, with a written reason and the steward's name."""
    workspace = open_workspace(settings(), load_plan(plan), create=False)
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
    echo(f"Tình trạng báo cáo: {status.label_vi}.")
    echo(
        f"Accepted an exception for finding {done.finding_id} of submission "
        f"{done.submission_id}; the submission is now {status.value.replace('_', ' ')}."
    )


def _paragraph(entry: steward.OpenFinding) -> str:
    lines = [
        f"  Lỗi số {entry.finding_id} (báo cáo số {entry.submission_id}, kỳ {entry.period}, "
        f"phiên bản {entry.version}; mã quy tắc {entry.rule}):",
        f"    Vị trí: {entry.place_vi}.",
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
    period: PeriodFilter = None,
    unit: UnitFilter = None,
    plan: PlanOption = None,
    json: JsonOption = False,
) -> None:
    """Danh sách lỗi chưa xử lý của các báo cáo hiện hành, theo đơn vị; mã thoát 1 khi còn
    lỗi. / The steward's queue: open findings of current submissions, grouped by unit;
    exit 1 while any is open."""
    loaded = load_plan(plan)
    # A mistyped code is said before the store is looked for.
    period = calendar.period(loaded.plan, period).code if period is not None else None
    unit = unit_of(loaded.plan, unit).code if unit is not None else None
    workspace = open_workspace(settings(), loaded, create=False)
    with workspace.sessions() as session:
        queue = steward.open_findings(session, loaded.plan, period, unit)
    if json:
        emit_json([_plain(dataclasses.asdict(entry)) for entry in queue])
    else:
        _show(queue, loaded.plan)
    if queue:
        raise typer.Exit(1)
