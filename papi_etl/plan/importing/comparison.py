"""How far an imported draft agrees with a reference plan file, field by field.

Used to score the importer against a plan made by hand (`plans/461-KH-UBND-binh-tan.yaml`)
on everything both contain. Tasks are paired by their place: the n-th task of a dimension
with the n-th task of the same dimension, the n-th assignment with the n-th. Units are
compared by what they are, not by their codes: each unit's or group's name is recognised
against the dictionary of bodies ("Phòng Nội vụ quận Bình Tân" and "Phòng Nội vụ quận" are
one body), so a draft that codes a unit otherwise still agrees.

Lead units are scored twice: over the tasks whose units the reference takes from the
document (not marked inferred, the importer's job), and over all tasks (the inferred ones
being the stewards' choices, which no importer can read).
"""

from __future__ import annotations

from dataclasses import dataclass

from papi_etl import calendar
from papi_etl.plan.document import fold
from papi_etl.plan.importing import bodies, header
from papi_etl.plan.importing.bodies import Tier
from papi_etl.plan.importing.vocabulary import searchable
from papi_etl.plan.model import Plan, Task


@dataclass(frozen=True)
class Score:
    field: str
    agree: int
    total: int
    note: str = ""

    @property
    def share(self) -> float:
        return self.agree / self.total if self.total else 1.0

    def as_dict(self) -> dict[str, object]:
        return {
            "field": self.field,
            "agree": self.agree,
            "total": self.total,
            "share": round(self.share, 4),
            "note": self.note,
        }


class _Units:
    """A plan's unit and group codes as the bodies they stand for."""

    def __init__(self, plan: Plan) -> None:
        issuer = header.issuer_of(plan.document.issuer)
        tier = issuer.tier if issuer else Tier("district", plan.document.district, "quận")
        self.keys: dict[str, str] = {}
        for item in [*plan.units, *plan.groups]:
            mentions = bodies.find(item.name, tier)
            key = mentions[0].key if len(mentions) == 1 else f"name:{searchable(item.name)}"
            self.keys[item.code.upper()] = key

    def of(self, codes: list[str]) -> frozenset[str]:
        return frozenset(self.keys.get(code.upper(), f"code:{code}") for code in codes)


def _pairs(draft: Plan, reference: Plan) -> list[tuple[Task, Task | None]]:
    """Each reference task with the draft's task at the same place (None when missing)."""
    pairs: list[tuple[Task, Task | None]] = []
    by_number = {d.number: d.tasks for d in draft.dimensions}
    for dimension in reference.dimensions:
        theirs = by_number.get(dimension.number, [])
        for index, task in enumerate(dimension.tasks):
            pairs.append((task, theirs[index] if index < len(theirs) else None))
    for index, task in enumerate(reference.assignments):
        pairs.append((task, draft.assignments[index] if index < len(draft.assignments) else None))
    return pairs


def compare(draft: Plan, reference: Plan) -> list[Score]:
    """The per-field agreement of `draft` with `reference`."""
    scores = []
    for name in ("number", "title", "issuer", "district", "city", "date", "signer"):
        ours, theirs = getattr(draft.document, name), getattr(reference.document, name)
        scores.append(
            Score(f"document.{name}", int(ours == theirs), 1, "" if ours == theirs else f"{ours!r}")
        )
    wanted = {(d.number, d.name_vi) for d in reference.dimensions}
    got = {(d.number, d.name_vi) for d in draft.dimensions}
    scores.append(Score("dimensions", len(wanted & got), len(wanted), f"{len(got - wanted)} extra"))
    pairs = _pairs(draft, reference)
    dimension_tasks = sum(len(d.tasks) for d in reference.dimensions)
    bullets, assignments = pairs[:dimension_tasks], pairs[dimension_tasks:]
    draft_count = sum(len(d.tasks) for d in draft.dimensions)
    scores.append(_texts("tasks (dimensions), text verbatim", bullets, draft_count))
    scores.append(_texts("assignments, text verbatim", assignments, len(draft.assignments)))
    ours_units, their_units = _Units(draft), _Units(reference)
    named = [(r, d) for r, d in pairs if not r.inferred]
    for field, chosen, note in (
        ("lead units, tasks naming them", named, "reference not inferred"),
        ("lead units, all tasks", pairs, "inferred ones are the stewards' choice"),
    ):
        agree = sum(
            d is not None and ours_units.of(d.lead_units) == their_units.of(r.lead_units)
            for r, d in chosen
        )
        scores.append(Score(field, agree, len(chosen), note))
    agree = sum(
        d is not None
        and ours_units.of(d.coordinating_units) == their_units.of(r.coordinating_units)
        for r, d in named
    )
    scores.append(Score("coordinating units, tasks naming them", agree, len(named)))
    agree = sum(d is not None and d.inferred == r.inferred for r, d in pairs)
    scores.append(Score("inferred flag", agree, len(pairs)))
    scores += _calendar(draft, reference, ours_units, their_units)
    return scores


def _texts(field: str, pairs: list[tuple[Task, Task | None]], found: int) -> Score:
    agree = sum(d is not None and fold(d.text) == fold(r.text) for r, d in pairs)
    return Score(field, agree, len(pairs), f"{found} in the draft")


def _calendar(draft: Plan, reference: Plan, ours: _Units, theirs: _Units) -> list[Score]:
    def key(period: calendar.Period) -> tuple[str, str, str]:
        return (
            period.code,
            period.unit_deadline.isoformat(),
            period.consolidated_deadline.isoformat(),
        )

    wanted = [key(p) for p in calendar.periods(reference)]
    got = {key(p) for p in calendar.periods(draft)}
    spans_wanted = {(p.code, p.starts, p.ends) for p in calendar.periods(reference)}
    spans_got = {(p.code, p.starts, p.ends) for p in calendar.periods(draft)}
    ours_c, theirs_c = draft.calendar, reference.calendar
    return [
        Score("periods with their deadlines", sum(k in got for k in wanted), len(wanted)),
        Score("period spans", len(spans_wanted & spans_got), len(spans_wanted), "a default"),
        Score(
            "calendar.unit_deadline_day",
            int(ours_c.unit_deadline_day == theirs_c.unit_deadline_day),
            1,
        ),
        Score(
            "calendar.consolidated_deadline_day",
            int(ours_c.consolidated_deadline_day == theirs_c.consolidated_deadline_day),
            1,
        ),
        Score(
            "calendar.consolidating_unit",
            int(ours.of([ours_c.consolidating_unit]) == theirs.of([theirs_c.consolidating_unit])),
            1,
        ),
        Score(
            "calendar.recipients",
            len(set(ours_c.recipients) & set(theirs_c.recipients)),
            len(theirs_c.recipients),
        ),
        Score("calendar.rule_text", int(fold(ours_c.rule_text) == fold(theirs_c.rule_text)), 1),
        Score(
            "calendar.validity",
            int(
                (ours_c.valid_from, ours_c.valid_until)
                == (theirs_c.valid_from, theirs_c.valid_until)
            ),
            1,
        ),
    ]
