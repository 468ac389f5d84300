"""What a validation run leaves in the store: its findings, and each submission's status.

A finding is one row per (submission, sheet, row, field, rule), so validating a submission
again gives the same rows, not new ones. Its state moves so:

    open ──(no longer produced by a re-validation)──▶ resolved
    resolved ──(produced again)──▶ open
    open ──(a steward accepts an exception, papi_etl.steward)──▶ accepted

and `accepted` is final: a re-validation does not undo a steward's decision. A submission's
status follows from its findings (`settle`, the one place that rule lives):

    received ──validated──▶ valid                    no finding open or accepted
                          ▶ invalid                  a finding is open
                          ▶ accepted_with_exception  none open, a steward accepted some

settled again after every validation and every steward decision, so that it moves between
these three as findings are resolved or accepted; and `superseded`, set when the unit
sends a new version (papi_etl.ingest), is final: a superseded submission's status and
findings are history and are never rewritten. A steward's decision belongs to the finding
of one version: the same problem in a new version is a new finding, open.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from papi_etl.plan.model import Plan
from papi_etl.store import schema, upsert
from papi_etl.validation.finding import Finding

FindingState = schema.FindingState
SubmissionStatus = schema.SubmissionStatus

Place = tuple[str, int, str, str]
"""Where a finding is, within its submission: (sheet, row, field, rule)."""


def _place(finding: Finding | schema.Finding) -> Place:
    return (finding.sheet, finding.row, finding.field, finding.rule)


def lock(session: Session, submission_ids: Iterable[int]) -> list[schema.Submission]:
    """The submissions, their rows locked until the transaction ends, in id order.

    Recording a validation, a steward's decision and the arrival of a new version all
    change a submission's status; the lock (PostgreSQL's FOR UPDATE; SQLite serialises
    writers anyway) keeps one from computing a status from findings another is changing,
    and the id order keeps two of them from deadlocking.
    """
    return list(
        session.scalars(
            select(schema.Submission)
            .where(schema.Submission.id.in_(sorted(set(submission_ids))))
            .order_by(schema.Submission.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )


def _findings_of(session: Session, submission_ids: Collection[int]) -> list[schema.Finding]:
    return list(
        session.scalars(
            select(schema.Finding)
            .where(schema.Finding.submission_id.in_(submission_ids))
            .execution_options(populate_existing=True)
        )
    )


def settle(session: Session, submission: schema.Submission) -> SubmissionStatus:
    """Set a submission's status from the states of its findings, and return it.

    invalid when a finding is open; accepted_with_exception when none is open and a steward
    accepted at least one; valid otherwise. A superseded submission is left as it is.
    """
    if submission.status is SubmissionStatus.SUPERSEDED:
        return submission.status
    states = set(
        session.scalars(
            select(schema.Finding.state).where(schema.Finding.submission_id == submission.id)
        )
    )
    submission.status = _status(states)
    session.flush()
    return submission.status


def _status(states: Collection[FindingState]) -> SubmissionStatus:
    if FindingState.OPEN in states:
        return SubmissionStatus.INVALID
    if FindingState.ACCEPTED in states:
        return SubmissionStatus.ACCEPTED_WITH_EXCEPTION
    return SubmissionStatus.VALID


def record(
    session: Session, plan: Plan, submission_ids: Iterable[int], findings: Sequence[Finding]
) -> dict[int, SubmissionStatus]:
    """Store what validating `submission_ids` found, and return each one's status.

    `findings` must be everything the run found in those submissions: a finding of theirs
    that is not among them is no longer produced and becomes resolved (unless a steward
    accepted it). A finding given twice at the same place is stored once (the first). The
    findings of a superseded submission are not stored: a run that raced with the arrival
    of its new version must not rewrite its history. Runs in the session's transaction and
    does not commit. Raises ValueError for an id that is not a submission of the plan, or a
    finding of a submission not in `submission_ids` (both mistakes of the caller).
    """
    ids = set(submission_ids)
    submissions = [s for s in lock(session, ids) if s.plan_id == plan.id]
    unknown = ids - {s.id for s in submissions}
    if unknown:
        raise ValueError(f"not submissions of plan {plan.id}: {sorted(unknown)}")
    strays = {f.submission_id for f in findings} - ids
    if strays:
        raise ValueError(f"findings of submissions not validated in this run: {sorted(strays)}")
    current = {s.id for s in submissions if s.status is not SubmissionStatus.SUPERSEDED}
    produced: dict[tuple[int, Place], Finding] = {}
    for finding in findings:
        if finding.submission_id in current:
            produced.setdefault((finding.submission_id, _place(finding)), finding)
    # The state is not written here: a new row is open, a stored one keeps its state, and
    # the states are settled below, where an accepted finding can be told apart.
    upsert(
        session,
        schema.Finding,
        [
            {
                "submission_id": f.submission_id,
                "sheet": f.sheet,
                "row": f.row,
                "field": f.field,
                "rule": f.rule,
                "value": f.value,
                "message_vi": f.message_vi,
                "message_en": f.message_en,
                "hint": f.hint,
            }
            for f in produced.values()
        ],
        key=("submission_id", "sheet", "row", "field", "rule"),
    )
    states: dict[int, set[FindingState]] = {i: set() for i in current}
    for stored in _findings_of(session, current):
        if stored.state is not FindingState.ACCEPTED:
            again = (stored.submission_id, _place(stored)) in produced
            stored.state = FindingState.OPEN if again else FindingState.RESOLVED
        states[stored.submission_id].add(stored.state)
    # `settle` of each, from the states just set (one flush, not a query per submission).
    for submission in submissions:
        if submission.id in current:
            submission.status = _status(states[submission.id])
    session.flush()
    return {s.id: s.status for s in submissions}
