"""`papi-etl validate`: check one report file against the plan, without storing it.

What a unit (or a steward) runs before sending a file: the same reading and the same GX
rules as the pipeline, on one file. The cumulative rule needs the unit's previous report,
which only the store has, so it is checked when the period is validated, not here.
Exit status: 0 valid, 1 invalid (findings), 2 unreadable (or bad arguments).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated, Any

import typer

from papi_etl import calendar, schema
from papi_etl.cli.context import JsonOption, PlanOption, echo, emit_json
from papi_etl.cli.context import plan as load_plan
from papi_etl.forms import layout
from papi_etl.plan.model import Plan
from papi_etl.validation.finding import Finding

_LAYOUTS = {schema.TASK_SHEET: layout.TASKS, schema.INDICATOR_SHEET: layout.INDICATORS}


def _finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "sheet": finding.sheet,
        "row": finding.row,
        "field": finding.field,
        "rule": finding.rule,
        "value": finding.value,
        "message_vi": finding.message_vi,
        "message_en": finding.message_en,
        "hint": finding.hint,
    }


def _where(finding: Finding) -> str:
    """'NhiemVu, dòng 12, cột “Tình trạng”', or 'NhiemVu, thiếu dòng' for a missing row."""
    if not finding.row:
        return f"{finding.sheet}, thiếu dòng"
    table = _LAYOUTS.get(finding.sheet)
    column = finding.field
    if table is not None and finding.field in table.keys:
        column = table.header(finding.field).split(" (")[0]
    return f"{finding.sheet}, dòng {finding.row}, cột “{column}”"


def _unit_name(plan: Plan, code: str) -> str:
    unit = next((u for u in plan.units if u.code == code), None)
    return unit.short_name or unit.name if unit else code


def validate(
    file: Annotated[
        Path,
        typer.Argument(
            help="Tệp báo cáo: mẫu XLSX, CSV hoặc JSON. / The report file: the XLSX "
            "template, CSV or JSON.",
            metavar="FILE",
            exists=True,
            dir_okay=False,
            readable=True,
            show_default=False,
        ),
    ],
    unit: Annotated[
        str | None,
        typer.Option(
            metavar="UNIT",
            help="Đơn vị phải là chủ báo cáo, ví dụ AL (mặc định: đơn vị ghi trong tệp). / The "
            "unit the report must be from, e.g. AL (default: the one it declares).",
            show_default=False,
        ),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(
            metavar="PERIOD",
            help="Kỳ báo cáo phải là, ví dụ 2019-Q1 (mặc định: kỳ ghi trong tệp). / The period "
            "the report must be for, e.g. 2019-Q1 (default: the one it declares).",
            show_default=False,
        ),
    ] = None,
    plan: PlanOption = None,
    json: JsonOption = False,
) -> None:
    """Kiểm tra một tệp báo cáo mà không lưu: mã thoát 0 hợp lệ, 1 có lỗi, 2 không đọc
    được. / Check one report file without storing it: exit 0 valid, 1 invalid, 2
    unreadable."""
    # openpyxl and GX load here, not at start, so that other commands start fast.
    from papi_etl import forms
    from papi_etl.forms.template import unit_of

    p = load_plan(plan).plan
    wanted_unit = unit_of(p, unit).code if unit is not None else None
    wanted_period = calendar.period(p, period).code if period is not None else None
    try:
        submission = forms.read(file.read_bytes(), file.name, p)
    except forms.RejectedSubmission as rejection:
        if json:
            emit_json(
                {
                    "status": "unreadable",
                    "unit": wanted_unit,
                    "period": wanted_period,
                    "findings": [],
                    "code": str(rejection.code),
                    "reason": rejection.message_vi,
                    "reason_en": rejection.message_en,
                }
            )
        else:
            echo(f"Không đọc được tệp {file.name}: {rejection.message_vi}")
            echo(f"unreadable ({rejection.code}): {rejection.message_en}")
        raise typer.Exit(2) from None

    import expectations
    from papi_etl.validation import frames

    # The rows keep what the file says; the report is judged as what it must be.
    submission = dataclasses.replace(
        submission,
        unit=wanted_unit or submission.unit,
        period=wanted_period or submission.period,
    )
    reporting_period = calendar.period(p, submission.period)
    findings = expectations.validate(frames.of_submission(p, submission), reporting_period)
    status = "invalid" if findings else "valid"
    if json:
        emit_json(
            {
                "status": status,
                "unit": submission.unit,
                "period": submission.period,
                "findings": [_finding_dict(f) for f in findings],
            }
        )
    else:
        echo(
            f"Báo cáo {file.name}: {_unit_name(p, submission.unit)} ({submission.unit}), "
            f"kỳ {submission.period} ({reporting_period.label_vi})."
        )
        if findings:
            echo(f"Có {len(findings)} lỗi cần sửa:")
            for number, finding in enumerate(findings, start=1):
                echo(f"  {number}. {_where(finding)}: {finding.message_vi}")
                echo(f"     Cách sửa: {finding.hint}")
        else:
            echo("Báo cáo hợp lệ, không có lỗi.")
        echo(
            f"{status}: {len(findings)} finding{'s' if len(findings) != 1 else ''} in "
            f"{file.name} (unit {submission.unit}, period {submission.period})."
        )
    if findings:
        raise typer.Exit(1)
