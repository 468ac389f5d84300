"""Finding the administrative bodies a plan's text names, against the dictionary.

A mention is a name of the dictionary (`administrative_bodies.yaml`), with the title of its
head before it ("Trưởng phòng Nội vụ") and its level after it ("quận", "thuộc quận", "10
phường", "các huyện, thị xã, thành phố", "phường An Lạc"). What it stands for depends on the
tier of the plan that names it: in a district's plan "Phòng Nội vụ quận" is one of its
units, "Ủy ban nhân dân quận" is the issuer itself, "Ủy ban nhân dân 10 phường" are its
local units, "Sở Nội vụ Thành phố" is an authority above it, and "Ủy ban Mặt trận Tổ quốc
Việt Nam phường" is a body of another tier, which reports to no district plan.

Precision over recall: a listed name that runs on into more capitalised words ("Phòng Kinh
tế - Hạ tầng" when only "Phòng Kinh tế" is listed) is an unknown body, never the nearest
entry; a name that is also a common word ("thanh tra", "công an") counts only with a level.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from functools import cache

from papi_etl.plan.importing.vocabulary import (
    BodyEntry,
    Level,
    bodies,
    phrase_body,
    phrase_pattern,
    searchable,
    vocabulary,
)


class Stands(Enum):
    """What a mention stands for in the plan that names it."""

    UNIT = "unit"  # one of the plan's units (Phòng Nội vụ quận)
    GROUP = "group"  # a collective name (các cơ quan chuyên môn)
    LOCAL_GROUP = "local_group"  # the People's Committees one tier below (10 phường)
    LOCAL_UNIT = "local_unit"  # one of them, by name (phường An Lạc)
    ISSUER = "issuer"  # the plan's own People's Committee
    AUTHORITY = "authority"  # a body above the plan (Sở Nội vụ Thành phố, Chính phủ)
    OUTSIDE = "outside"  # a body of another tier (Ủy ban MTTQ phường in a district's plan)
    VAGUE = "vague"  # các cơ quan, đơn vị liên quan
    OTHER = "other"  # a board or person that reports to no plan (Ban Thanh tra nhân dân)
    UNKNOWN = "unknown"  # a body's name the dictionary does not hold

    @property
    def assignable(self) -> bool:
        """Whether a task can be given to what the mention stands for."""
        return self in (Stands.UNIT, Stands.GROUP, Stands.LOCAL_GROUP, Stands.LOCAL_UNIT)


@dataclass(frozen=True)
class Tier:
    """Where a plan stands: its tier, and the place and level word of its issuer."""

    tier: str  # province, district or commune
    place: str  # "Bình Tân"
    level_word: str  # "quận"


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    surface: str
    stands: Stands
    entry: BodyEntry | None
    tier: str | None
    level: Level | None
    place: str | None
    count: int | None
    level_text: str | None = None  # the words after the name: "10 phường", "thuộc quận"

    @property
    def key(self) -> str:
        """A name for what the mention stands for, the same whichever words the text uses."""
        if self.stands is Stands.LOCAL_GROUP and self.level is not None:
            return f"group:{self.level.group_code}"
        if self.stands is Stands.LOCAL_UNIT:
            return f"local:{searchable(self.place or '')}"
        if self.stands is Stands.GROUP and self.entry is not None:
            return f"group:{self.entry.group}"
        if self.entry is not None:
            return f"{self.entry.key}@{self.tier}"
        return f"unknown:{searchable(self.surface)}"


@dataclass(frozen=True)
class _Name:
    entry: BodyEntry
    pattern: re.Pattern[str]


@cache
def _names() -> tuple[_Name, ...]:
    return tuple(
        _Name(entry, re.compile(phrase_pattern(name)))
        for entry in bodies().entries
        for name in entry.names
    )


@cache
def _titles() -> tuple[re.Pattern[str], ...]:
    """Titles of a head, as patterns that end where the body's name starts."""
    ordered = sorted(bodies().titles, key=len, reverse=True)
    return tuple(re.compile(rf"(?<![\w&]){phrase_body(title)}\s+") for title in ordered)


@cache
def _level_pattern() -> re.Pattern[str]:
    """A level after a name: "quận", "thuộc quận", "10 phường", "các xã, thị trấn"."""
    data = bodies()
    words = "|".join(
        re.escape(searchable(level.word))
        for level in sorted(data.levels, key=lambda x: len(x.word), reverse=True)
    )
    prefixes = "|".join(re.escape(searchable(p)) for p in data.level_prefixes)
    return re.compile(
        rf"\s+(?P<prefix>(?:{prefixes})\s+)?(?P<count>\d{{1,3}}\s+)?"
        rf"(?P<words>(?:{words})(?:\s*(?:,|và)\s*(?:{words}))*)(?![\w&])"
    )


def _level(word: str) -> Level:
    wanted = searchable(word)
    return next(level for level in bodies().levels if searchable(level.word) == wanted)


_WORD = re.compile(r"\S+")


def _is_capitalised(word: str) -> bool:
    first = word[:1]
    return first.isupper() or first.isdigit()


@cache
def _stop_words() -> frozenset[str]:
    """Words that begin a title or a body, never a place name."""
    data = bodies()
    firsts = [phrase.split()[0] for phrase in (*data.titles, *data.head_words)]
    return frozenset(searchable(word) for word in firsts) | {"ủy", "uỷ", "ubnd"}


def _place(text: str, at: int, plan: Tier | None) -> tuple[str | None, int]:
    """A place name right after a level word: digits, or two or more capitalised syllables
    (one is enough when it is the plan's own place)."""
    words: list[re.Match[str]] = []
    for match in _WORD.finditer(text, at):
        if text[at : match.start()].strip():
            break
        word = match.group(0)
        bare = word.rstrip(",;.:)”\"'")
        if not bare or not _is_capitalised(bare) or searchable(bare) in _stop_words():
            break
        words.append(match)
        at = match.start() + len(bare)
        if bare != word:
            break
    if not words:
        return None, 0
    place = " ".join(m.group(0).rstrip(",;.:)”\"'") for m in words)
    end = words[-1].start() + len(words[-1].group(0).rstrip(",;.:)”\"'"))
    if len(words) >= 2 or place.isdigit() or (plan is not None and place == plan.place):
        return place, end
    return None, 0


def _continues_name(text: str, at: int) -> re.Match[str] | None:
    """More capitalised words straight after a name: the name is longer than the entry's."""
    match = re.match(r"(\s*[-\u2013]\s*|\s+và\s+|\s+)(\S+)", text[at:])
    if match is None:
        return None
    word = match.group(2).rstrip(",;.:)”\"'")
    if not word or not word[:1].isupper() or searchable(word) in _stop_words():
        return None
    if _level_pattern().match(searchable(text[at:])):
        return None
    return match


_MAX_UNKNOWN_WORDS = 12


@cache
def _predicate() -> re.Pattern[str]:
    words = sorted(vocabulary().predicate_words, key=len, reverse=True)
    return re.compile(rf"(?:{'|'.join(phrase_body(w) for w in words)})(?![\w&])")


def _unknown_end(text: str, at: int) -> int:
    """Where an unknown body's name that starts at `at` ends: at punctuation, before the
    verb of its clause, or after its level ("Phòng Quản lý chất lượng quận")."""
    folded = searchable(text)
    end = at
    for count, match in enumerate(_WORD.finditer(text, at)):
        if count >= _MAX_UNKNOWN_WORDS or _predicate().match(folded, match.start()):
            break
        level = _level_pattern().match(folded, end) if end > at else None
        if level is not None and level.end() >= match.end():
            return level.end()
        bare = match.group(0).rstrip(",;.:)”\"'")
        end = match.start() + len(bare)
        if bare != match.group(0):
            break
    return end


def _tier_of(level: Level | None, place: str | None, entry: BodyEntry, plan: Tier) -> str:
    if level is None:
        return plan.tier if entry.level == "any" else entry.level
    if level.in_province is not None:
        central = place is not None and place in bodies().central_cities
        if not central and plan.tier == level.tier:
            return level.in_province
    return level.tier


def _stands(entry: BodyEntry, tier: str, place: str | None, plan: Tier) -> Stands:
    tiers = bodies().tiers
    distance = tiers.index(tier) - tiers.index(plan.tier)
    if entry.role == "committee":
        if distance == 0:
            return Stands.ISSUER if place in (None, plan.place) else Stands.OUTSIDE
        if distance == 1:
            return Stands.LOCAL_UNIT if place else Stands.LOCAL_GROUP
        return Stands.AUTHORITY if distance < 0 else Stands.OUTSIDE
    if entry.role == "vague":
        return Stands.VAGUE
    if entry.role == "other":  # a body above (Chính phủ, Bộ Nội vụ) is an authority
        return Stands.AUTHORITY if distance < 0 else Stands.OTHER
    if distance != 0:
        return Stands.AUTHORITY if distance < 0 else Stands.OUTSIDE
    return Stands.GROUP if entry.role == "group" else Stands.UNIT


def _title_start(folded: str, start: int) -> int:
    for pattern in _titles():
        for match in pattern.finditer(folded, max(0, start - 40), start):
            if match.end() == start:
                return match.start()
    return start


def find(text: str, plan: Tier) -> list[Mention]:
    """Every body `text` names, in order, none overlapping another (the longest wins)."""
    folded = searchable(text)
    candidates: list[tuple[int, int, BodyEntry]] = []
    for name in _names():
        for match in name.pattern.finditer(folded):
            if name.entry.exact_case and not text[match.start()].isupper():
                continue
            candidates.append((match.start(), match.end(), name.entry))
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    found: list[Mention] = []
    taken_until = 0
    for start, end, entry in candidates:
        if start < taken_until:
            continue
        mention = _mention(text, folded, start, end, entry, plan)
        if mention is None:
            continue
        found.append(mention)
        taken_until = mention.end
    return found


def _mention(
    text: str, folded: str, start: int, end: int, entry: BodyEntry, plan: Tier
) -> Mention | None:
    level_match = _level_pattern().match(folded, end) if end < len(folded) else None
    begin = _title_start(folded, start)
    level, place, count, level_text, stop = None, None, None, None, end
    if level_match is None:
        if _continues_name(text, end) is not None:
            stop = _unknown_end(text, start)
            return Mention(begin, stop, text[start:stop], Stands.UNKNOWN, None, None, None, None, 0)
        if entry.needs_level:
            return None
    else:
        first_word = re.split(r"\s*(?:,|và)\s*", level_match["words"])[0]
        level = _level(first_word)
        stop = level_match.end()
        single = level_match["prefix"] is None and level_match["count"] is None
        if single and first_word == level_match["words"]:
            place, place_end = _place(text, stop, plan)
            stop = place_end if place is not None else stop
        count = int(level_match["count"]) if level_match["count"] else None
        level_text = text[level_match.start() : level_match.end()].strip()
    tier = _tier_of(level, place, entry, plan)
    stands = _stands(entry, tier, place, plan)
    return Mention(
        begin, stop, text[start:stop], stands, entry, tier, level, place, count, level_text
    )


def head_word_at(text: str, at: int) -> bool:
    """Whether a capitalised body's head word ("Phòng", "Trung tâm", ...) followed by another
    capitalised word starts at `at`: the beginning of a body's name."""
    rest = text[at:]
    for head in sorted(bodies().head_words, key=len, reverse=True):
        if rest.startswith(head + " "):
            after = rest[len(head) + 1 :].lstrip()
            return after[:1].isupper()
    return False


def unknown_at(text: str, at: int) -> Mention:
    """The unknown body whose name starts at `at` (see `head_word_at`)."""
    end = _unknown_end(text, at)
    return Mention(at, end, text[at:end], Stands.UNKNOWN, None, None, None, None, None)


def title_case(words: str) -> str:
    """A place name written in capitals ("BÌNH TÂN") as a name ("Bình Tân")."""
    return " ".join(word[:1].upper() + word[1:].lower() for word in words.split())


def ascii_code(text: str) -> str:
    """The initials of a name without diacritics: "An Lạc A" -> "ALA", "Quận 1" -> "Q1"."""
    plain = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return "".join(word if word.isdigit() else word[:1].upper() for word in plain.split())
