"""`papi-etl report`: the consolidated report of a period, as DOCX, PDF, XLSX and more.

Produces (or finds, when nothing changed) the report version of the period and prints
where its files are. A report is produced whatever the state of the units' submissions:
late, missing and invalid reports are part of what it says, so they do not make the
command fail.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from papi_etl.cli.context import JsonOption, PlanOption, echo, emit_json, settings
from papi_etl.cli.context import plan as load_plan
from papi_etl.workspace import open_workspace


def report(
    period: Annotated[
        str,
        typer.Option(metavar="PERIOD", help="The period code, e.g. 2019-Q1.", show_default=False),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="DIR",
            help="Folder of reports (default: PAPI_DATA_DIR/reports); files go to "
            "<DIR>/<PERIOD>/v<VERSION>/.",
            show_default=False,
        ),
    ] = None,
    plan: PlanOption = None,
    json: JsonOption = False,
) -> None:
    """Produce the consolidated report of a period; a new version only when its content
    changed, supplementary ("báo cáo bổ sung") when an earlier version was delivered."""
    # Imported here: matplotlib, reportlab and python-docx would slow every other command's start.
    from papi_etl.report.produce import produce

    loaded = load_plan(plan)
    workspace = open_workspace(settings(), loaded)
    folder = out if out is not None else workspace.data_dir / "reports"
    try:
        with workspace.sessions.begin() as session:
            produced = produce(session, loaded.plan, period, folder)
    except OSError as error:
        sys.stderr.write(
            f"Không ghi được báo cáo vào {folder} / cannot write the report to {folder}: "
            f"{error.strerror or error}\n"
        )
        raise typer.Exit(2) from None
    if json:
        emit_json(produced.as_dict())
        return
    kind = "báo cáo bổ sung" if produced.supplementary else "báo cáo"
    if produced.created:
        echo(f"Đã lập {kind} {produced.period}, phiên bản {produced.version}:")
    elif produced.copied:
        echo(
            f"Nội dung không đổi: đã chép {kind} {produced.period}, phiên bản "
            f"{produced.version} vào {produced.folder}:"
        )
    elif produced.written:
        echo(f"Nội dung không đổi; đã tạo lại tệp của phiên bản {produced.version}:")
    else:
        echo(f"Nội dung không đổi: giữ {kind} {produced.period}, phiên bản {produced.version}.")
    for line in produced.changes:
        echo(f"  * {line}")
    for role in ("docx", "pdf", "xlsx", "html", "md"):
        echo(f"  {role:<5} {produced.paths[role]}")
    state = (
        "new version"
        if produced.created
        else "unchanged, copied"
        if produced.copied
        else "unchanged"
    )
    echo(f"Report {produced.period} v{produced.version} ({state}) in {produced.folder}")
