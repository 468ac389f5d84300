"""What every command shares: settings built once, the plan, and JSON output."""

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
        help="Plan file (default: PAPI_PLAN, else the bundled plan of 461/KH-UBND).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


@cache
def settings() -> Settings:
    """The settings from the environment, read once; a malformed value stops the command."""
    try:
        return Settings()
    except ValidationError as error:
        fields = ", ".join(f"PAPI_{str(e['loc'][0]).upper()}" for e in error.errors())
        raise ConfigurationError(
            f"Malformed setting(s): {fields}. {error.errors()[0]['msg']}.",
            f"Cấu hình không hợp lệ: {fields}.",
        ) from None


def plan(path: Path | None) -> LoadedPlan:
    return load(path if path is not None else settings().plan)


def emit_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def echo(text: str = "") -> None:
    typer.echo(text)
