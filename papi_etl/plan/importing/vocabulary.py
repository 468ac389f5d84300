"""The importer's data: the words of a plan document, the dictionary of bodies, the defaults.

They are YAML files beside this module (`vocabulary.yaml`, `administrative_bodies.yaml`,
`draft_defaults.yaml`), read once; the code holds no name of a body, dimension or period.

Matching ignores what varies between copies of one text: letter case, the old and new
placement of tone marks ("Uỷ ban"/"Ủy ban", "hoà"/"hòa"), the kind of dash and the spaces
around it. `searchable` keeps the text's length, so that a match's offsets are offsets into
the text as written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from papi_etl.plan.model import UnitKind

_HERE = Path(__file__).parent

# Old-style tone placement on the second vowel of "oa", "oe", "uy" and its modern form; the
# pairs have the same length, so offsets survive.
_TONES = "\u0300\u0301\u0309\u0303\u0323"
_OLD_TONE = {
    unicodedata.normalize("NFC", first + second + tone): unicodedata.normalize(
        "NFC", first + tone + second
    )
    for first, second in (("o", "a"), ("o", "e"), ("u", "y"))
    for tone in _TONES
}
_OLD_TONE_PATTERN = re.compile("|".join(sorted(_OLD_TONE, key=len, reverse=True)))


def searchable(text: str) -> str:
    """`text` lower-cased with modern tone placement and plain dashes, of the same length."""
    lowered = unicodedata.normalize("NFC", text).lower()
    if len(lowered) != len(text):  # a character whose lower case is longer: keep as is
        lowered = text
    modern = _OLD_TONE_PATTERN.sub(lambda m: _OLD_TONE[m.group(0)], lowered)
    return modern.replace("\u2013", "-").replace("\u2014", "-")


def phrase_body(phrase: str) -> str:
    """A regex for the words of `phrase` in `searchable` text, with any spacing and dashes."""
    words = searchable(phrase).replace("-", " - ").split()
    parts = []
    for word in words:
        parts.append(r"\s*-\s*" if word == "-" else re.escape(word))
    body = ""
    for index, part in enumerate(parts):
        dash = part.startswith(r"\s*")
        previous_dash = index > 0 and parts[index - 1].startswith(r"\s*")
        body += part if index == 0 or dash or previous_dash else r"\s+" + part
    return body


def phrase_pattern(phrase: str) -> str:
    """A regex for `phrase` as whole words (see `phrase_body`)."""
    return rf"(?<![\w&]){phrase_body(phrase)}(?![\w&])"


@dataclass(frozen=True)
class Dimension:
    number: int
    name_vi: str
    name_en: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class PeriodKindWords:
    code: str
    words: tuple[str, ...]
    month: int
    label_vi: str
    label_en: str


@dataclass(frozen=True)
class LegalKind:
    kind: str
    symbols: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    dimensions: tuple[Dimension, ...]
    dimension_heading_words: tuple[str, ...]
    implementation_headings: tuple[str, ...]
    assigning_words: tuple[str, ...]
    requesting_words: tuple[str, ...]
    lead_words: tuple[str, ...]
    coordinating_words: tuple[str, ...]
    reporting_words: tuple[str, ...]
    predicate_words: tuple[str, ...]
    table_columns: dict[str, tuple[str, ...]]
    legal_kinds: tuple[LegalKind, ...]
    known_laws: tuple[str, ...]
    period_kinds: tuple[PeriodKindWords, ...]
    quarter_kinds: tuple[PeriodKindWords, ...]
    month_kind: dict[str, str]

    def kind_of_month(self, month: int) -> PeriodKindWords:
        """The report of a month the rule names without its kind ("T11", "tháng 11")."""
        shape = self.month_kind
        return PeriodKindWords(
            code=shape["code"].format(month=month),
            words=(),
            month=month,
            label_vi=shape["label_vi"].format(month=month, year="{year}"),
            label_en=shape["label_en"].format(month=month, year="{year}"),
        )


@dataclass(frozen=True)
class Level:
    word: str
    tier: str
    group_code: str
    in_province: str | None


@dataclass(frozen=True)
class BodyEntry:
    """One entry of the dictionary of administrative bodies (see its YAML for the fields)."""

    key: str
    names: tuple[str, ...]
    role: str
    level: str
    code: str | None = None
    kind: UnitKind | None = None
    group: str | None = None
    kinds: tuple[UnitKind, ...] = ()
    needs_level: bool = False
    exact_case: bool = False

    @property
    def name(self) -> str:
        """The entry's full name: its first surface form."""
        return self.names[0]


@dataclass(frozen=True)
class Bodies:
    levels: tuple[Level, ...]
    tiers: tuple[str, ...]
    central_cities: tuple[str, ...]
    level_prefixes: tuple[str, ...]
    titles: tuple[str, ...]
    head_words: tuple[str, ...]
    entries: tuple[BodyEntry, ...]

    def entry(self, key: str) -> BodyEntry:
        return next(e for e in self.entries if e.key == key)


def _load(name: str) -> Any:
    return yaml.safe_load((_HERE / name).read_text(encoding="utf-8"))


def _nfc_tuple(values: list[str]) -> tuple[str, ...]:
    return tuple(unicodedata.normalize("NFC", v) for v in values)


def _kind(data: dict[str, Any]) -> PeriodKindWords:
    return PeriodKindWords(
        code=data["code"],
        words=_nfc_tuple(data.get("words", [])),
        month=data["month"],
        label_vi=data["label_vi"],
        label_en=data["label_en"],
    )


@cache
def vocabulary() -> Vocabulary:
    data = _load("vocabulary.yaml")
    return Vocabulary(
        dimensions=tuple(
            Dimension(d["number"], d["name_vi"], d["name_en"], _nfc_tuple(d["names"]))
            for d in data["dimensions"]
        ),
        dimension_heading_words=_nfc_tuple(data["dimension_heading_words"]),
        implementation_headings=_nfc_tuple(data["implementation_headings"]),
        assigning_words=_nfc_tuple(data["assigning_words"]),
        requesting_words=_nfc_tuple(data["requesting_words"]),
        lead_words=_nfc_tuple(data["lead_words"]),
        coordinating_words=_nfc_tuple(data["coordinating_words"]),
        reporting_words=_nfc_tuple(data["reporting_words"]),
        predicate_words=_nfc_tuple(data["predicate_words"]),
        table_columns={k: _nfc_tuple(v) for k, v in data["table_columns"].items()},
        legal_kinds=tuple(LegalKind(k["kind"], tuple(k["symbols"])) for k in data["legal_kinds"]),
        known_laws=_nfc_tuple(data["known_laws"]),
        period_kinds=tuple(_kind(k) for k in data["period_kinds"]),
        quarter_kinds=tuple(_kind(k) for k in data["quarter_kinds"]),
        month_kind=dict(data["month_kind"]),
    )


@cache
def bodies() -> Bodies:
    data = _load("administrative_bodies.yaml")
    entries = []
    for raw in data["bodies"]:
        entries.append(
            BodyEntry(
                key=raw["key"],
                names=_nfc_tuple(raw["names"]),
                role=raw["role"],
                level=raw["level"],
                code=raw.get("code"),
                kind=UnitKind(raw["kind"]) if raw.get("kind") else None,
                group=raw.get("group"),
                kinds=tuple(UnitKind(k) for k in raw.get("kinds", [])),
                needs_level=raw.get("needs_level", False),
                exact_case=raw.get("exact_case", False),
            )
        )
    return Bodies(
        levels=tuple(
            Level(
                unicodedata.normalize("NFC", level["word"]),
                level["tier"],
                level["group_code"],
                level.get("in_province"),
            )
            for level in data["levels"]
        ),
        tiers=tuple(data["tiers"]),
        central_cities=_nfc_tuple(data["central_cities"]),
        level_prefixes=_nfc_tuple(data["level_prefixes"]),
        titles=_nfc_tuple(data["titles"]),
        head_words=_nfc_tuple(data["head_words"]),
        entries=tuple(entries),
    )


@cache
def defaults() -> dict[str, Any]:
    return _load("draft_defaults.yaml")
