"""The `papi-etl` command line: the one entry point for users, scripts and tests.

It is the composition root: settings are built here and passed down. Exit status: 0 done,
1 the data has problems, 2 the command could not do its job, always with a message and
never a traceback (set PAPI_DEBUG=1 to see one for an unexpected error). Help pages and
messages are in Vietnamese first, then English (`papi_etl.cli.bilingual`).
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

from sqlalchemy.exc import DBAPIError

from papi_etl.cli import calendar_command, db_commands, plan_commands, steward_commands
from papi_etl.cli.bilingual import BilingualTyper
from papi_etl.cli.collect_command import collect
from papi_etl.cli.metrics_command import metrics
from papi_etl.cli.orchestration_commands import demo, deploy, run, serve, ui
from papi_etl.cli.push_command import push
from papi_etl.cli.report_command import report
from papi_etl.cli.schedule_command import schedule
from papi_etl.cli.synth_command import synth
from papi_etl.cli.template_command import template
from papi_etl.cli.validate_command import validate
from papi_etl.errors import PapiError
from papi_etl.store.retry import StoreUnavailable

app = BilingualTyper(
    name="papi-etl",
    help="Theo dõi việc thực hiện kế hoạch cải thiện chỉ số PAPI của quận: nhận, kiểm tra "
    "báo cáo của các đơn vị, tính chỉ số, lập và gửi báo cáo tổng hợp. / Monitor a "
    "district's plan to improve the PAPI index: take in and check the units' reports, "
    "compute the metrics, make and deliver the consolidated report.",
    epilog="Mã thoát: 0 xong; 1 dữ liệu có vấn đề; 2 lệnh không thực hiện được (sai tham "
    "số, tệp không đọc được, kế hoạch hỏng). Cấu hình: PAPI_DATA_DIR, PAPI_DATABASE_URL, "
    "PAPI_PLAN... (xem README). / Exit status: 0 done; 1 the data has problems; 2 the "
    "command could not do its job (bad arguments, unreadable file, broken plan). "
    "Settings: PAPI_DATA_DIR, PAPI_DATABASE_URL, PAPI_PLAN... (see the README).",
)
# In the order of the work: the plan, the store, the units' reports, the steward, the
# consolidated report, then the orchestration and the tools.
app.add_typer(plan_commands.app, name="plan")
app.command(name="calendar")(calendar_command.calendar)
app.add_typer(db_commands.app, name="db")
app.command(name="template")(template)
app.command(name="collect")(collect)
app.command(name="validate")(validate)
app.command(name="findings")(steward_commands.findings)
app.add_typer(steward_commands.app, name="steward")
app.command(name="metrics")(metrics)
app.command(name="report")(report)
app.command(name="push")(push)
app.command(name="schedule")(schedule)
app.command(name="run")(run)
app.command(name="demo")(demo)
app.command(name="serve")(serve)
app.command(name="deploy")(deploy)
app.command(name="ui")(ui)
app.command(name="synth")(synth)


def _utf8_streams() -> None:
    # Officials' terminals may default to another code page; Vietnamese must print.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower() != "utf-8":
            stream.reconfigure(encoding="utf-8")


def _stop(signum: int, _frame: FrameType | None) -> None:
    """SIGTERM stops a command as Ctrl+C would, through its `finally` blocks and exit hooks:
    the Prefect server a command started is stopped with it, not left holding its port."""
    raise SystemExit(128 + signum)


def main() -> None:
    _utf8_streams()
    signal.signal(signal.SIGTERM, _stop)
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
            f"Lỗi ngoài dự kiến: {type(error).__name__}: {error}\n"
            "Đặt PAPI_DEBUG=1 rồi chạy lại để xem chi tiết. / Unexpected error; set "
            "PAPI_DEBUG=1 and run again to see the traceback.\n"
        )
        sys.exit(2)
