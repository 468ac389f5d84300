"""The reporting calendar of a plan, read from its "Tổ chức thực hiện".

A plan states its reporting rule in one sentence, for the units and again for the unit that
consolidates: "Định kỳ hàng quý, 6 tháng, 9 tháng và năm (trước ngày 10 của tháng 3, tháng
6, tháng 9, tháng 11), báo cáo kết quả thực hiện về Ủy ban nhân dân quận (qua Phòng Nội vụ)
..." and "... (trước ngày 15 của tháng 3, tháng 6, tháng 9, tháng 11) tham mưu Ủy ban nhân
dân quận báo cáo Sở Nội vụ Thành phố, Ủy ban nhân dân Thành phố ...".

* The rule with the earliest day is the units'; a later day in another rule is the
  consolidated deadline. The kinds of report it names, in order, go with the months it
  names, in order ("hàng quý" with March: the first quarter, the others being the 6- and
  9-month and yearly reports). When there are more or fewer months than kinds, each kind
  takes its usual month (vocabulary.yaml) and the pairing is reported as inferred.
* The consolidating unit is the body after "qua" in the units' rule, else the lead of the
  task that holds the consolidated rule; the recipients are the bodies above the plan that
  the consolidated rule reports to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from papi_etl.plan.document import SourceLine
from papi_etl.plan.importing import bodies
from papi_etl.plan.importing.bodies import Mention, Stands, Tier
from papi_etl.plan.importing.vocabulary import PeriodKindWords, searchable, vocabulary

_DEADLINE = re.compile(
    r"trước\s+ngày\s+(?P<day>\d{1,2})\s+(?:của\s+|các\s+|hằng\s+|hàng\s+)?"
    r"(?P<months>tháng\s+\d{1,2}(?:\s*(?:,|và)\s*(?:tháng\s+)?\d{1,2}(?![\d/]))*)"
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZĐÀ-Ỹ])")


@dataclass(frozen=True)
class Source:
    """A text to look for a rule in: a task's text with its place and lead units."""

    text: str
    line: SourceLine
    lead: tuple[Mention, ...] = ()


@dataclass(frozen=True)
class Rule:
    day: int
    months: tuple[int, ...]
    kinds: tuple[PeriodKindWords, ...]
    sentence: str
    source: Source
    start: int  # where the deadline stands in the sentence


@dataclass
class Reading:
    """What the document says of its reporting calendar, and what was guessed."""

    unit_rule: Rule | None = None
    consolidated_rule: Rule | None = None
    kinds: list[tuple[PeriodKindWords, int]] = field(default_factory=list)  # (kind, month)
    kinds_guessed: bool = False
    consolidating: Mention | None = None
    consolidating_from: str = ""  # "via" (after "qua") or "lead" (the task's lead)
    recipients: list[Mention] = field(default_factory=list)


def _kinds(segment: str) -> list[PeriodKindWords]:
    """The kinds of report named in `segment` ("hàng quý, 6 tháng, 9 tháng và năm")."""
    found = []
    for piece in re.split(r"\s*(?:,|\svà\s)\s*", segment):
        piece = piece.strip(" (")
        for kind in vocabulary().period_kinds:
            if any(piece.endswith(searchable(word)) for word in kind.words):
                found.append(kind)
                break
    return found


def _rules(source: Source) -> list[Rule]:
    rules = []
    for sentence in _SENTENCE.split(source.text):
        folded = searchable(sentence)
        for match in _DEADLINE.finditer(folded):
            months = tuple(int(m) for m in re.findall(r"\d{1,2}", match["months"]))
            if not all(1 <= m <= 12 for m in months) or not 1 <= int(match["day"]) <= 31:
                continue
            if re.match(r"\s+năm\s+\d{4}", folded[match.end() :]):
                continue  # one date ("trước ngày 10 tháng 12 năm 2024"), not a periodic rule
            head = folded[: match.start()]
            periodic = head.rfind("định kỳ")
            segment = head[periodic + len("định kỳ") :] if periodic >= 0 else head[-60:]
            rules.append(
                Rule(
                    int(match["day"]),
                    months,
                    tuple(_kinds(segment)),
                    sentence,
                    source,
                    match.start(),
                )
            )
    return rules


def pair(rule: Rule) -> tuple[list[tuple[PeriodKindWords, int]], bool]:
    """The report kinds of a rule with their months; True when the pairing was guessed."""
    words = vocabulary()
    kinds = list(rule.kinds)
    months = list(rule.months)
    quarterly = words.period_kinds[0]
    if kinds == [quarterly] and len(months) == len(words.quarter_kinds):
        return list(zip(words.quarter_kinds, months, strict=True)), False
    if kinds and len(kinds) == len(months):
        return list(zip(kinds, months, strict=True)), False
    usual = kinds or list(words.period_kinds)
    paired: list[tuple[PeriodKindWords, int]] = []
    for month in dict.fromkeys(months):  # each month once, in the rule's order
        kind = next((k for k in usual if k.month == month), None) or words.kind_of_month(month)
        if all(k.code != kind.code for k, _ in paired):
            paired.append((kind, month))
    return paired, True


def read(sources: list[Source], plan: Tier) -> Reading:
    """The reporting calendar from the texts of "Tổ chức thực hiện" (or of the whole plan)."""
    reading = Reading()
    rules = [rule for source in sources for rule in _rules(source)]
    if not rules:
        return reading
    unit_rule = min(rules, key=lambda r: r.day)
    later = [r for r in rules if r.day > unit_rule.day]
    reading.unit_rule = unit_rule
    reading.consolidated_rule = max(later, key=lambda r: r.day) if later else None
    reading.kinds, reading.kinds_guessed = pair(unit_rule)
    via = re.search(r"(?<![\w])qua\s+", searchable(unit_rule.sentence))
    if via is not None:
        mentions = bodies.find(unit_rule.sentence[via.end() :], plan)
        if mentions and mentions[0].start == 0 and mentions[0].stands is Stands.UNIT:
            reading.consolidating, reading.consolidating_from = mentions[0], "via"
    consolidated = reading.consolidated_rule
    if reading.consolidating is None and consolidated is not None:
        units = [m for m in consolidated.source.lead if m.stands is Stands.UNIT]
        if units:
            reading.consolidating, reading.consolidating_from = units[0], "lead"
    if consolidated is not None:
        reading.recipients = _recipients(consolidated, plan)
    return reading


def _recipients(rule: Rule, plan: Tier) -> list[Mention]:
    """The bodies the consolidated rule reports to: those after "báo cáo" that stand above
    the plan (or the issuer, when the report goes to it alone)."""
    folded = searchable(rule.sentence)
    words = "|".join(re.escape(searchable(w)) for w in vocabulary().reporting_words)
    reporting = [m.end() for m in re.finditer(rf"(?<![\w])(?:{words})(?![\w])", folded)]
    if not reporting:
        return []
    after = [m for m in bodies.find(rule.sentence, plan) if m.start >= reporting[0]]
    above = [m for m in after if m.stands is Stands.AUTHORITY]
    return above or [m for m in after if m.stands is Stands.ISSUER][:1]
