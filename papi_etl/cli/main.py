"""The `papi-etl` command line: the one entry point for users, scripts and tests.

It is the composition root: settings are built here and passed down. Exit status: 0 done,
1 the data has problems, 2 the command could not do its job, always with a message and
never a traceback (set PAPI_DEBUG=1 to see one for an unexpected error).
"""

from __future__ import annotations

import os
import sys

import typer
from sqlalchemy.exc import DBAPIError

from papi_etl.cli import calendar_command, db_commands, plan_commands, steward_commands
from papi_etl.cli.collect_command import collect
from papi_etl.cli.metrics_command import metrics
from papi_etl.cli.orchestration_commands import demo, run, serve, ui
from papi_etl.cli.push_command import push
from papi_etl.cli.report_command import report
from papi_etl.cli.schedule_command import schedule
from papi_etl.cli.synth_command import synth
from papi_etl.cli.template_command import template
from papi_etl.cli.validate_command import validate
from papi_etl.errors import PapiError
from papi_etl.store.retry import StoreUnavailable

app = typer.Typer(
    name="papi-etl",
    help="Monitor a district's plan to improve the PAPI index: plan, calendar, store.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.add_typer(plan_commands.app, name="plan")
app.add_typer(db_commands.app, name="db")
app.add_typer(steward_commands.app, name="steward")
app.command(name="findings")(steward_commands.findings)
app.command(name="calendar")(calendar_command.calendar)
app.command(name="template")(template)
app.command(name="collect")(collect)
app.command(name="schedule")(schedule)
app.command(name="run")(run)
app.command(name="demo")(demo)
app.command(name="serve")(serve)
app.command(name="ui")(ui)
app.command(name="synth")(synth)
app.command(name="validate")(validate)
app.command(name="metrics")(metrics)
app.command(name="push")(push)
app.command(name="report")(report)


def _utf8_streams() -> None:
    # Officials' terminals may default to another code page; Vietnamese must print.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower() != "utf-8":
            stream.reconfigure(encoding="utf-8")


def main() -> None:
    _utf8_streams()
    try:
        app()
    except (PapiError, StoreUnavailable) as error:
        sys.stderr.write(f"{error}\n")
        sys.exit(2)
    except DBAPIError as error:  # the store failed where no retry is built in
        cause = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
        sys.stderr.write(
            f"Cơ sở dữ liệu bị lỗi: {cause}. Chạy lại lệnh khi cơ sở dữ liệu hoạt động trở lại.\n"
            f"The store failed: {cause}. Run the command again once the database is back.\n"
        )
        sys.exit(2)
    except Exception as error:  # the last guard: a message, not a traceback
        if os.environ.get("PAPI_DEBUG"):
            raise
        sys.stderr.write(
            f"Unexpected error: {type(error).__name__}: {error}\n"
            "Lỗi ngoài dự kiến. Set PAPI_DEBUG=1 and run again to see the traceback.\n"
        )
        sys.exit(2)
