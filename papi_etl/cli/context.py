"""What every command shares: settings built once, the plan, JSON output, and the options
that several commands take, named and explained once.

Placeholders follow one scheme in every help page: PERIOD a period code (2019-Q1), UNIT
a unit code (AL), FILE a file, DIR a folder, PATH either, DOCUMENT and REFERENCE the files
`plan import` reads; a number is named for what it counts (YEAR, PORT, SEED, N, ID).
"""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from papi_etl.errors import ConfigurationError
from papi_etl.plan import LoadedPlan, load
from papi_etl.settings import Settings

PlanOption = Annotated[
    Path | None,
    typer.Option(
        "--plan",
        metavar="FILE",
        help="Tệp kế hoạch (mặc định: PAPI_PLAN, không có thì kế hoạch 461/KH-UBND kèm theo). "
        "/ Plan file (default: PAPI_PLAN, else the bundled plan of 461/KH-UBND).",
        show_default=False,
    ),
]
JsonOption = Annotated[
    bool,
    typer.Option(
        "--json",
        help="In kết quả dạng JSON cho chương trình khác đọc. / Print JSON for scripts.",
    ),
]
PeriodOption = Annotated[
    str,
    typer.Option(
        "--period",
        metavar="PERIOD",
        help="Kỳ báo cáo, ví dụ 2019-Q1 (các kỳ: papi-etl calendar). / The period, e.g. "
        "2019-Q1 (every period: papi-etl calendar).",
        show_default=False,
    ),
]
PeriodFilter = Annotated[
    str | None,
    typer.Option(
        "--period",
        metavar="PERIOD",
        help="Chỉ kỳ này, ví dụ 2019-Q1. / Only this period, e.g. 2019-Q1.",
        show_default=False,
    ),
]
UnitFilter = Annotated[
    str | None,
    typer.Option(
        "--unit",
        metavar="UNIT",
        help="Chỉ đơn vị này (mã đơn vị), ví dụ AL. / Only this unit (its code), e.g. AL.",
        show_default=False,
    ),
]
PortOption = Annotated[
    int,
    typer.Option(
        "--port",
        metavar="PORT",
        min=1,
        max=65535,
        help="Cổng của giao diện Prefect và API của nó. / Port of the Prefect UI and its API.",
    ),
]


@cache
def settings() -> Settings:
    """The settings from the environment, read once; a malformed value stops the command."""
    try:
        return Settings()
    except ValidationError as error:
        fields = ", ".join(f"PAPI_{str(e['loc'][0]).upper()}" for e in error.errors())
        raise ConfigurationError(
            f"Malformed setting(s): {fields}. {error.errors()[0]['msg']}.",
            f"Cấu hình không hợp lệ: {fields}; sửa hoặc bỏ biến môi trường đó.",
        ) from None


def plan(path: Path | None) -> LoadedPlan:
    return load(path if path is not None else settings().plan)


def emit_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def echo(text: str = "") -> None:
    typer.echo(text)
