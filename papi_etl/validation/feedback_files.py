"""The feedback workbooks of a period: one per invalid report, ready to send back.

Named after the unit, period and version (`AL_2019-Q1_v1_phan-hoi.xlsx`), so a corrected
version gets its own and a rerun rewrites the same file rather than adding another.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from papi_etl import archive
from papi_etl.plan.model import Plan
from papi_etl.store import schema
from papi_etl.validation import feedback
from papi_etl.validation.finding import Finding
from papi_etl.workspace import FEEDBACK, plan_files


def _finding(row: schema.Finding, submission: schema.Submission) -> Finding:
    return Finding(
        submission_id=submission.id,
        unit=submission.unit_code,
        period=submission.period_code,
        sheet=row.sheet,
        row=row.row,
        field=row.field,
        rule=row.rule,
        value=row.value,
        message_vi=row.message_vi,
        message_en=row.message_en,
        hint=row.hint or "",
    )


def path_of(session: Session, data_dir: Path, submission: schema.Submission) -> Path:
    """Where the feedback workbook of one version of a report is written."""
    name = f"{submission.unit_code}_{submission.period_code}_v{submission.version}_phan-hoi.xlsx"
    folder = plan_files(session, data_dir, FEEDBACK, submission.plan_id)
    return folder / submission.period_code / name


def write_for_period(
    sessions: sessionmaker[Session], plan: Plan, period: str, data_dir: Path
) -> list[Path]:
    """Write the feedback of every invalid current report of the period under
    `<period>/` of the plan's feedback folder (`workspace.plan_files`); return the paths."""
    written: list[Path] = []
    with sessions() as session:
        invalid = session.scalars(
            select(schema.Submission).where(
                schema.Submission.plan_id == plan.id,
                schema.Submission.period_code == period,
                schema.Submission.status == schema.SubmissionStatus.INVALID,
            )
        ).all()
        for submission in invalid:
            raw = session.get(schema.RawFile, submission.raw_file_id)
            findings = [
                _finding(f, submission)
                for f in submission.findings
                if f.state == schema.FindingState.OPEN
            ]
            path = path_of(session, data_dir, submission)
            content = archive.read(data_dir, raw.sha256)
            feedback.write(path, content, raw.original_name, findings, plan)
            written.append(path)
    return written
