"""`papi-etl validate`: check one report file against the plan, without storing it.

What a unit (or a steward) runs before sending a file: the same reading and the same GX
rules as the pipeline, on one file. The cumulative rule needs the unit's previous report,
which only the store has, so it is checked when the period is validated, not here.
Exit status: 0 valid, 1 invalid (findings), 2 unreadable (or bad arguments).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from papi_etl import calendar, schema
from papi_etl.cli.context import JsonOption, PlanOption, echo, emit_json
from papi_etl.cli.context import plan as load_plan
from papi_etl.forms.rejection import RejectedSubmission, RejectionCode
from papi_etl.plan.model import Plan
from papi_etl.submission import Submission
from papi_etl.validation import location
from papi_etl.validation.finding import Finding


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


def _where(submission: Submission, finding: Finding) -> str:
    """Where the clerk finds it in the file: 'Sheet NhiemVu, dòng 12, cột “Tình trạng”'."""
    codes = {(schema.TASK_SHEET, t.row): t.task for t in submission.tasks} | {
        (schema.INDICATOR_SHEET, x.row): x.indicator for x in submission.indicators
    }
    code = codes.get((finding.sheet, finding.row), "")
    return location.describe(submission.form, finding.sheet, finding.row, finding.field, code)


def _unit_name(plan: Plan, code: str) -> str:
    unit = next((u for u in plan.units if u.code == code), None)
    return unit.short_name or unit.name if unit else code


_REFUSED = {
    RejectionCode.WRONG_UNIT: "Không kiểm tra tệp",
    RejectionCode.WRONG_PERIOD: "Không kiểm tra tệp",
}


def _as_asked(
    plan: Plan, name: str, submission: Submission, unit: str | None, period: str | None
) -> None:
    """Refuse, as one error, a file that is another unit's or another period's report than
    the one asked for: judged as the report asked for, each of its rows would be a finding
    (76 for a ward's report), none of them the mistake."""
    if unit is not None and submission.unit != unit:
        raise RejectedSubmission(
            RejectionCode.WRONG_UNIT,
            f"tệp này là báo cáo của {_unit_name(plan, submission.unit)} ({submission.unit}), "
            f"không phải của {_unit_name(plan, unit)} ({unit}). Hãy chọn đúng tệp của đơn vị, "
            "hoặc bỏ --unit để kiểm tra theo đơn vị ghi trong tệp.",
            f"{name} is the report of unit {submission.unit}, not of {unit}: choose that "
            "unit's file, or leave out --unit to check it as the unit it declares.",
        )
    if period is not None and submission.period != period:
        declared, wanted = calendar.period(plan, submission.period), calendar.period(plan, period)
        raise RejectedSubmission(
            RejectionCode.WRONG_PERIOD,
            f"tệp này là báo cáo {declared.label_vi} ({declared.code}), không phải "
            f"{wanted.label_vi} ({wanted.code}). Hãy dùng mẫu báo cáo của kỳ {wanted.code} "
            f"(papi-etl template --period {wanted.code}), hoặc bỏ --period để kiểm tra theo kỳ "
            "ghi trong tệp.",
            f"{name} is the report of {declared.code}, not of {wanted.code}: use the template "
            f"of {wanted.code}, or leave out --period to check it as the period it declares.",
        )


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
        _as_asked(p, file.name, submission, wanted_unit, wanted_period)
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
            refused = _REFUSED.get(rejection.code, "Không đọc được tệp")
            echo(f"{refused} {file.name}: {rejection.message_vi}")
            echo(f"unreadable ({rejection.code}): {rejection.message_en}")
        raise typer.Exit(2) from None

    import expectations
    from papi_etl.validation import frames

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
                echo(f"  {number}. {_where(submission, finding)}: {finding.message_vi}")
                echo(f"     Cách sửa: {finding.hint}")
        else:
            echo("Báo cáo hợp lệ, không có lỗi.")
        echo(
            f"{status}: {len(findings)} finding{'s' if len(findings) != 1 else ''} in "
            f"{file.name} (unit {submission.unit}, period {submission.period})."
        )
    if findings:
        raise typer.Exit(1)
