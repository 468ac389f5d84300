"""`papi-etl synth`: realistic synthetic submissions in the drop-folder layout.

For tests, the demo and benchmarks: every reporting unit's filled report for each period,
written by the same form writers units' files are read with, with the arrival time as the
file's modification time and a hidden manifest of what was made late, left out or made
wrong. Every text in them is marked "[Dữ liệu mô phỏng]".
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from papi_etl import calendar
from papi_etl.calendar import Period
from papi_etl.cli.context import JsonOption, PlanOption, echo, emit_json
from papi_etl.cli.context import plan as load_plan
from papi_etl.plan.model import Plan
from papi_etl.synth import DEFAULT_SEED, MANIFEST_NAME, build, write


class Form(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    JSON = "json"


def synth(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            metavar="DIR",
            help="Thư mục ghi tệp, theo cách xếp của thư mục nhận: "
            "<DIR>/<UNIT>/<UNIT>_<PERIOD>.<format>. / Folder to write, as the inbox: "
            "<DIR>/<UNIT>/<UNIT>_<PERIOD>.<format>.",
            show_default=False,
        ),
    ],
    period: Annotated[
        list[str] | None,
        typer.Option(
            metavar="PERIOD",
            help="Kỳ báo cáo, lặp lại được (mặc định: mọi kỳ của kế hoạch). / A period code, "
            "repeatable (default: every period of the plan).",
            show_default=False,
        ),
    ] = None,
    form: Annotated[
        Form,
        typer.Option(
            "--format",
            metavar="[xlsx|csv|json]",
            help="Dạng tệp. / Form of the files.",
        ),
    ] = Form.XLSX,
    seed: Annotated[
        int,
        typer.Option(
            metavar="SEED",
            help="Cùng hạt giống thì cùng các tệp. / The same seed gives the same files.",
        ),
    ] = DEFAULT_SEED,
    clean: Annotated[
        bool,
        typer.Option(
            "--clean",
            help="Mọi đơn vị nộp đúng hạn, đủ và đúng: không có báo cáo trễ, thiếu hay sai. / "
            "Every unit on time, complete and valid: no late, missing or bad report.",
        ),
    ] = False,
    districts: Annotated[
        int,
        typer.Option(
            min=1,
            max=999,
            metavar="N",
            help="Số quận giống quận của kế hoạch, để thử tải: với N > 1, mỗi quận có thư mục "
            "nhận riêng <DIR>/district-001/... và hạt giống riêng (S, S+1, ...). / Districts "
            "shaped like the plan's, for load tests: with N > 1, each gets its own inbox "
            "<DIR>/district-001/... and seed (S, S+1, ...).",
        ),
    ] = 1,
    plan: PlanOption = None,
    json: JsonOption = False,
) -> None:
    """Tạo báo cáo mô phỏng của mọi đơn vị cho từng kỳ, có báo cáo trễ, thiếu, sai (trừ khi
    --clean) và một tệp kê khai. / Write a synthetic report of every unit for each period,
    with a seeded mix of late, missing and erroneous reports (unless --clean) and a
    manifest saying which."""
    loaded = load_plan(plan).plan
    if period:
        wanted = {calendar.period(loaded, code).code for code in period}
        periods = [p for p in calendar.periods(loaded) if p.code in wanted]
    else:
        periods = calendar.periods(loaded)
    if districts == 1:
        made = [_district(loaded, periods, out, form, seed, clean)]
    else:
        made = [
            _district(loaded, periods, out / f"district-{n:03d}", form, seed + n - 1, clean)
            for n in range(1, districts + 1)
        ]
    if json:
        emit_json(made[0] if districts == 1 else {"districts": made})
        return
    for summary in made:
        _show(summary)


def _district(
    plan: Plan, periods: list[Period], out: Path, form: Form, seed: int, clean: bool
) -> dict[str, object]:
    """One district's inbox written; its summary as `synth --json` prints it."""
    reports = build(plan, seed, periods, form.value, clean=clean)
    try:
        summaries = write(plan, reports, out, form.value, seed=seed, clean=clean)
    except OSError as error:
        sys.stderr.write(
            f"Không ghi được vào thư mục {out} / cannot write to {out}: {error.strerror or error}\n"
        )
        raise typer.Exit(2) from None
    totals = {
        key: sum(getattr(s, key) for s in summaries)
        for key in ("files", "late", "missing", "erroneous")
    }
    return {
        "folder": str(out),
        "manifest": str(out / MANIFEST_NAME),
        "format": form.value,
        "seed": seed,
        "clean": clean,
        **totals,
        "periods": [
            {
                "period": s.period,
                "label_vi": s.label_vi,
                "files": s.files,
                "late": s.late,
                "missing": s.missing,
                "erroneous": s.erroneous,
            }
            for s in summaries
        ],
    }


def _show(made: dict[str, object]) -> None:
    out, seed, form, totals = made["folder"], made["seed"], made["format"], made
    echo(f"Dữ liệu mô phỏng (synthetic data), seed {seed}, dạng {form}, vào {out}:")
    echo(f"{'kỳ':<8} {'nhãn':<24} {'tệp':>5} {'trễ hạn':>8} {'không nộp':>10} {'có lỗi':>7}")
    for s in made["periods"]:  # type: ignore[attr-defined]
        echo(
            f"{s['period']:<8} {s['label_vi']:<24} {s['files']:>5} {s['late']:>8} "
            f"{s['missing']:>10} {s['erroneous']:>7}"
        )
    echo(
        f"Tổng cộng: {totals['files']} tệp, {totals['late']} trễ hạn, {totals['missing']} "
        f"không nộp, {totals['erroneous']} có lỗi."
    )
    echo(
        f"Wrote {totals['files']} files: {totals['late']} late, {totals['missing']} missing, "
        f"{totals['erroneous']} with errors. Manifest: {made['manifest']}"
    )
