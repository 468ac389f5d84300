"""`papi-etl collect`: fetch from every source into the raw archive and the store.

With a city's plan (a plan with children), each district's plan takes in its own folder of
the inbox, `<inbox>/<district plan id>/<UNIT>/`, into the same store; `--json` then prints
`{"plans": {<plan id>: <the collect --json of that plan>}}`.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from papi_etl import calendar, reporting_status
from papi_etl.cli.context import JsonOption, PlanOption, echo, emit_json, settings
from papi_etl.cli.context import plan as load_plan
from papi_etl.collect import CollectResult
from papi_etl.collect import collect as collect_all
from papi_etl.ingest import Ingested, Outcome
from papi_etl.plan import LoadedPlan, family
from papi_etl.sources import configured
from papi_etl.sources import inbox as inbox_layout
from papi_etl.workspace import Workspace, open_workspace


class SourceName(StrEnum):
    INBOX = "inbox"
    HTTP = "http"


_OUTCOME_VI = {
    Outcome.NEW: "mới",
    Outcome.SUPERSEDED: "phiên bản mới",
    Outcome.DUPLICATE: "trùng, bỏ qua",
    Outcome.REJECTED: "bị từ chối",
}


def _progress(item: Ingested) -> None:
    where = f"{item.unit or '?'} {item.period or ''}".strip()
    detail = f" v{item.version}" if item.version else ""
    if item.on_time is False:
        detail += ", trễ hạn"
    if item.outcome is Outcome.REJECTED:
        detail += f": {item.reason_vi}"
    sys.stderr.write(f"  {item.file} [{where}] {_OUTCOME_VI[item.outcome]}{detail}\n")


def collect(
    inbox: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR",
            help="Thư mục nhận báo cáo, mỗi đơn vị một thư mục con theo mã, hoặc mỗi kế hoạch "
            "một thư mục khi nhiều kế hoạch dùng chung (kế hoạch thành phố: <DIR>/<mã kế hoạch "
            "quận>/<UNIT>/; mặc định: PAPI_DATA_DIR/inbox). / Drop folder: a sub-folder per unit "
            "code, or per plan id when shared by plans (a city's plan: <DIR>/<district plan "
            "id>/<UNIT>/; default: PAPI_DATA_DIR/inbox).",
            show_default=False,
        ),
    ] = None,
    source: Annotated[
        list[SourceName] | None,
        typer.Option(
            metavar="[inbox|http]",
            help="Chỉ lấy từ nguồn này, lặp lại được (mặc định: thư mục nhận, và cổng HTTP nếu "
            "đã cấu hình). / Only this source, repeatable (default: the inbox, and the HTTP "
            "API if set).",
            show_default=False,
        ),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(
            metavar="PERIOD",
            help="Cho biết thêm số đơn vị đã nộp báo cáo kỳ này. / Also show how many units "
            "have reported for this period.",
            show_default=False,
        ),
    ] = None,
    plan: PlanOption = None,
    json: JsonOption = False,
) -> None:
    """Nhận báo cáo mới từ mọi nguồn; mã thoát 2 chỉ khi một nguồn bị lỗi. / Fetch new
    submissions from every source; exit 2 only if a source failed."""
    loaded = load_plan(plan)
    wanted = calendar.period(loaded.plan, period) if period else None
    chosen = {str(name) for name in source or [SourceName.INBOX, SourceName.HTTP]}
    if loaded.plan.children:
        failed = _collect_children(loaded, inbox, chosen, wanted, json)
        raise typer.Exit(2 if failed else 0)
    workspace = open_workspace(settings(), loaded)
    folder = workspace.inbox(inbox)
    inbox_layout.check(folder, loaded.plan)
    result = collect_all(
        workspace.sessions,
        loaded.plan,
        configured.sources(settings(), folder, chosen),
        workspace.data_dir,
        on_item=None if json else _progress,
    )
    if json:
        emit_json(result.as_dict())
    else:
        _show(result, workspace, wanted)
    if result.failures:
        raise typer.Exit(2)


def _collect_children(
    parent: LoadedPlan,
    inbox: Path | None,
    chosen: set[str],
    wanted: calendar.Period | None,
    json: bool,
) -> bool:
    """Each district's plan takes in its folder of the inbox; True if a source failed."""
    if SourceName.HTTP in chosen and settings().http_source_url:
        sys.stderr.write(
            "Nguồn HTTP được cấu hình cho từng kế hoạch quận, không cho kế hoạch thành phố; "
            "chỉ thu thập từ thư mục nhận báo cáo. / The HTTP source is configured per "
            "district plan, not for a city's: only the inbox is collected.\n"
        )
    root = inbox or settings().inbox or settings().data_dir / "inbox"
    results = {}
    for child in family.children(parent):
        workspace = open_workspace(settings(), child)
        if not json:
            echo(f"{child.plan.id} ({child.plan.document.district}):")
        results[child.plan.id] = collect_all(
            workspace.sessions,
            child.plan,
            configured.sources(settings(), root / child.plan.id, {configured.INBOX}),
            workspace.data_dir,
            on_item=None if json else _progress,
        )
        if not json:
            _show(results[child.plan.id], workspace, wanted)
    if json:
        emit_json({"plans": {plan_id: r.as_dict() for plan_id, r in results.items()}})
    return any(r.failures for r in results.values())


def _show(result: CollectResult, workspace: Workspace, wanted: calendar.Period | None) -> None:
    summary = result.as_dict()
    echo(
        f"Đã nhận {summary['received']} tệp: {summary['new']} báo cáo mới, "
        f"{summary['superseded']} phiên bản thay thế, {summary['duplicate']} trùng, "
        f"{len(summary['rejected'])} bị từ chối."
    )
    echo(
        f"Received {summary['received']}: {summary['new']} new, {summary['superseded']} "
        f"superseding, {summary['duplicate']} duplicate, {len(summary['rejected'])} rejected."
    )
    for skipped in result.skipped:
        echo(
            f"Để lần sau / left for the next run: {skipped.original_name}: "
            f"{skipped.reason_vi} / {skipped.reason_en}"
        )
    for failure in result.failures:
        echo(failure.describe())
    if wanted is not None:
        with workspace.sessions() as session:
            units = reporting_status.of_period(session, workspace.plan, wanted.code)
        received = [u for u in units if u.received]
        late = sum(1 for u in received if u.on_time is False)
        echo(
            f"{wanted.code} ({wanted.label_vi}): {len(received)}/{len(units)} đơn vị đã nộp "
            f"báo cáo, {late} trễ hạn."
        )
