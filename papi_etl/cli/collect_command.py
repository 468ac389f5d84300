"""`papi-etl collect`: fetch from every source into the raw archive and the store."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from papi_etl import calendar, reporting_status
from papi_etl.cli.context import JsonOption, PlanOption, echo, emit_json, settings
from papi_etl.cli.context import plan as load_plan
from papi_etl.collect import collect as collect_all
from papi_etl.ingest import Ingested, Outcome
from papi_etl.sources import configured
from papi_etl.workspace import open_workspace


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
        typer.Option(help="Drop folder with one sub-folder per unit code.", show_default=False),
    ] = None,
    source: Annotated[
        list[SourceName] | None,
        typer.Option(help="Only these sources (default: the inbox, and the HTTP API if set)."),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(help="Also show how many units have reported for this period."),
    ] = None,
    plan: PlanOption = None,
    json: JsonOption = False,
) -> None:
    """Fetch new submissions from every source; exit non-zero only if a source failed."""
    loaded = load_plan(plan)
    wanted = calendar.period(loaded.plan, period) if period else None
    workspace = open_workspace(settings(), loaded)
    chosen = source or [SourceName.INBOX, SourceName.HTTP]
    result = collect_all(
        workspace.sessions,
        loaded.plan,
        configured.sources(settings(), inbox, {str(name) for name in chosen}),
        workspace.data_dir,
        on_item=None if json else _progress,
    )
    summary = result.as_dict()
    if json:
        emit_json(summary)
    else:
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
    if wanted is not None and not json:
        with workspace.sessions() as session:
            units = reporting_status.of_period(session, loaded.plan, wanted.code)
        received = [u for u in units if u.received]
        late = sum(1 for u in received if u.on_time is False)
        echo(
            f"{wanted.code} ({wanted.label_vi}): {len(received)}/{len(units)} đơn vị đã nộp "
            f"báo cáo, {late} trễ hạn."
        )
    if result.failures:
        raise typer.Exit(2)
