"""Who leads and who coordinates a task, read from its sentence.

A plan's task names its bodies in three places, and only two of them give a role:

* the subject of a clause: the bodies at the start of the text or of a clause (after ". ",
  "; ", ": ", ", ", "Giao", "Đề nghị"), listed with commas and "và" and with the titles of
  their heads ("Thủ trưởng các cơ quan chuyên môn, đơn vị sự nghiệp, Chủ tịch Ủy ban nhân dân
  10 phường thực hiện ...") lead the task, as does a body named just before "chủ trì" or
  "phối hợp" ("..., Phòng Tài chính - Kế hoạch quận phối hợp với ...");
* the bodies right after "phối hợp (với)", "cùng với" coordinate;
* every other body (after "hướng dẫn", "của", "tại", "về", ...) is the object of the task,
  not one who carries it out: it gets no role.

A subject that is not a unit of the plan (the issuer itself, a body of another tier, "các
cơ quan, đơn vị liên quan") is kept aside for the review report, as is the name of a body
the dictionary does not hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from papi_etl.plan.importing import bodies
from papi_etl.plan.importing.bodies import Mention, Stands, Tier
from papi_etl.plan.importing.vocabulary import phrase_body, searchable, vocabulary

_CLAUSE_END = re.compile(r"(?:^|[.;:,(]|[.;:]\s*[-\u2013])\s*$")


@dataclass
class Roles:
    """The bodies of one task's text, by role (mentions in the order of the text)."""

    lead: list[Mention] = field(default_factory=list)
    coordinating: list[Mention] = field(default_factory=list)
    # Named where a role stands but not assignable (issuer, another tier, vague, other).
    unassignable: list[tuple[str, Mention]] = field(default_factory=list)
    unknown: list[Mention] = field(default_factory=list)
    # Whether the text opens with its subject (else the lead comes from a later clause).
    opens_with_subject: bool = False
    # Whether the lead is asked ("Đề nghị ...") rather than assigned.
    requested: bool = False


@cache
def _ending(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(phrase_body(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w&])(?:{alternatives})\s*$")


@cache
def _starting(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(phrase_body(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"\s*,?\s*(?:{alternatives})(?![\w&])")


_SEPARATOR = re.compile(r"^[\s,]*(?:(?:và|cùng|hoặc)\s+)?(?:các\s+)?$")


def _chains(text: str, mentions: list[Mention]) -> list[list[Mention]]:
    """Mentions that follow one another with only commas or "và" between them."""
    chains: list[list[Mention]] = []
    for mention in mentions:
        between = searchable(text[chains[-1][-1].end : mention.start]) if chains else None
        if between is not None and _SEPARATOR.match(between):
            chains[-1].append(mention)
        else:
            chains.append([mention])
    return chains


def _before(text: str, at: int) -> tuple[str, bool]:
    """The folded text before `at` with any assigning word ("Giao", "Đề nghị") cut off, and
    whether a requesting word ("Đề nghị") was cut."""
    words = vocabulary()
    before = searchable(text[:at])
    requested = _ending(words.requesting_words).search(before)
    assigning = _ending(words.assigning_words).search(before)
    if assigning is not None:
        before = before[: assigning.start()]
    return before, requested is not None and assigning is not None


def _opens_clause(before: str) -> bool:
    return bool(_CLAUSE_END.search(before))


def analyse(text: str, plan: Tier) -> Roles:
    """The roles of the bodies named in one task's text (see the module's rules)."""
    words = vocabulary()
    roles = Roles()
    mentions = bodies.find(text, plan)
    roles.unknown += [m for m in mentions if m.stands is Stands.UNKNOWN]
    coordinating_before = _ending(words.coordinating_words)
    role_after = _starting((*words.lead_words, *words.coordinating_words))
    for chain in _chains(text, mentions):
        before, requested = _before(text, chain[0].start)
        if coordinating_before.search(before):
            assign(roles, roles.coordinating, chain, "coordinating")
        elif _opens_clause(before):
            assign(roles, roles.lead, chain, "lead")
            if not before.strip():
                roles.opens_with_subject = True
            roles.requested = roles.requested or requested
        elif role_after.match(searchable(text[chain[-1].end :])):
            assign(roles, roles.lead, chain[-1:], "lead")
    roles.unknown += _unknown_subjects(text, mentions)
    return roles


def assign(roles: Roles, into: list[Mention], chain: list[Mention], role: str) -> None:
    """Give `role` (lead or coordinating) to the assignable bodies of `chain`, each once;
    keep the others aside for the review report (unknown ones are kept by the caller)."""
    for mention in chain:
        if mention.stands.assignable:
            if all(m.key != mention.key for m in into):
                into.append(mention)
        elif mention.stands is not Stands.UNKNOWN:
            roles.unassignable.append((role, mention))


def _unknown_subjects(text: str, mentions: list[Mention]) -> list[Mention]:
    """Names of bodies the dictionary lacks where a subject or a coordinator stands."""
    words = vocabulary()
    found = []
    covered = [(m.start, m.end) for m in mentions]
    coordinating_before = _ending(words.coordinating_words)
    predicate = _starting(words.predicate_words)
    for match in re.finditer(r"(?:^|(?<=[\s(]))\S", text):
        at = match.start()
        if any(start <= at < end for start, end in covered):
            continue
        if not bodies.head_word_at(text, at):
            continue
        before, _ = _before(text, at)
        after_comma = before.rstrip().endswith(",")
        opens = _opens_clause(before) and not after_comma
        candidate = bodies.unknown_at(text, at)
        if after_comma and predicate.match(searchable(text[candidate.end :])):
            opens = True
        if opens or coordinating_before.search(before):
            found.append(candidate)
            covered.append((candidate.start, candidate.end))
    return found
