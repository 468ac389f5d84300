"""`papi-etl synth`: realistic synthetic submissions in the drop-folder layout.

For tests, the demo and benchmarks: every reporting unit's filled report for each period,
written by the same form writers units' files are read with, with the arrival time as the
file's modification time and a hidden manifest of what was made late, left out or made
wrong. Every text in them is marked "[Dữ liệu mô phỏng]". With `--districts N` > 1, N
districts of one city, each with its own plan file and inbox, and the city's plan that
lists them (see `papi_etl.synth.districts`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from papi_etl import calendar
from papi_etl.calendar import Period
from papi_etl.cli.context import JsonOption, PlanOption, echo, emit_json
from papi_etl.cli.context import plan as load_plan
from papi_etl.plan.model import Plan
from papi_etl.synth import DEFAULT_SEED, MANIFEST_NAME, build, districts, write

Written = TypeVar("Written")


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
            help="Số quận mô phỏng của một thành phố, để thử tải: với N > 1, mỗi quận có bản sao "
            "kế hoạch với mã và phường riêng (<DIR>/district-001.yaml), thư mục nhận riêng "
            "(<DIR>/district-001/<UNIT>/) và hạt giống riêng (SEED, SEED+1, ...); <DIR>/city.yaml "
            "liệt kê các quận: run --plan <DIR>/city.yaml --inbox DIR. / Districts of one city, "
            "for load tests: with N > 1, each gets a copy of the plan with its own id and "
            "wards (<DIR>/district-001.yaml), its inbox (<DIR>/district-001/<UNIT>/) and seed "
            "(SEED, SEED+1, ...); <DIR>/city.yaml lists them: run --plan <DIR>/city.yaml "
            "--inbox DIR.",
        ),
    ] = 1,
    wards: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=99,
            metavar="N",
            help="Số phường của mỗi quận mô phỏng (chỉ với --districts N > 1; mặc định: như "
            "kế hoạch). / Wards of each synthetic district (only with --districts N > 1; "
            "default: as in the plan).",
            show_default=False,
        ),
    ] = None,
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
    if wards is not None and districts == 1:
        sys.stderr.write(
            "--wards chỉ dùng cùng --districts N > 1: số phường của một quận là của kế hoạch. / "
            "--wards needs --districts N > 1: one district's wards are its plan's.\n"
        )
        raise typer.Exit(2)
    if districts == 1:
        made = [_district(loaded, periods, out, form, seed, clean)]
        city = None
    else:
        made, city = _city(loaded, periods, out, form, seed, clean, districts, wards)
    if json:
        emit_json(made[0] if city is None else {"city_plan": str(city), "districts": made})
        return
    for summary in made:
        _show(summary)
    if city is not None:
        echo(f"Kế hoạch thành phố / the city's plan: {city}")
        echo(f"  papi-etl run --plan {city} --inbox {out} --period {periods[0].code}")


def _city(
    base: Plan,
    periods: list[Period],
    out: Path,
    form: Form,
    seed: int,
    clean: bool,
    count: int,
    wards: int | None,
) -> tuple[list[dict[str, object]], Path]:
    """`count` districts' plans and inboxes, then the city's plan listing them."""
    made = []
    for number in range(1, count + 1):
        plan = districts.district_plan(base, number, wards)
        written = _writing(out, lambda p=plan: districts.write_plan(p, base, out / f"{p.id}.yaml"))
        summary = _district(plan, periods, out / plan.id, form, seed + number - 1, clean)
        made.append({"plan": plan.id, "plan_file": str(written), **summary})
    city = districts.city_plan(base, [str(m["plan"]) for m in made])
    path = _writing(out, lambda: districts.write_plan(city, base, out / districts.CITY_FILE))
    return made, path


def _writing(out: Path, write_file: Callable[[], Written]) -> Written:
    """What `write_file` returns; a folder that cannot be written exits 2 with a message."""
    try:
        return write_file()
    except OSError as error:
        sys.stderr.write(
            f"Không ghi được vào thư mục {out} / cannot write to {out}: {error.strerror or error}\n"
        )
        raise typer.Exit(2) from None


def _district(
    plan: Plan, periods: list[Period], out: Path, form: Form, seed: int, clean: bool
) -> dict[str, object]:
    """One district's inbox written; its summary as `synth --json` prints it."""
    reports = build(plan, seed, periods, form.value, clean=clean)
    summaries = _writing(out, lambda: write(plan, reports, out, form.value, seed=seed, clean=clean))
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
