"""The legal documents a task's text cites, as structured data.

Vietnamese legal citations follow one pattern (Nghị định 30/2020/NĐ-CP on administrative
documents): the kind, "số", the number and symbol, "ngày DD tháng MM năm YYYY", "của" and
the issuer: "Nghị định số 159/2016/NĐ-CP ngày 29 tháng 11 năm 2016 của Chính phủ". Laws
and ordinances are also cited by name alone ("Luật Thanh tra"); those are taken when the
name is in the vocabulary's list, and reported when it is not. The symbol carries the kind
("NĐ" is a Nghị định): a citation whose kind and symbol disagree is reported.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from papi_etl.plan.importing import bodies
from papi_etl.plan.importing.bodies import Tier
from papi_etl.plan.importing.vocabulary import (
    LegalKind,
    phrase_body,
    searchable,
    vocabulary,
)
from papi_etl.plan.model import LegalReference


@dataclass(frozen=True)
class Doubt:
    """Something about a citation the stewards should check (for the review report)."""

    citation: str
    message_vi: str
    message_en: str


_NUMBER = r"(?P<number>\d{1,5}/(?:\d{4}/)?[0-9A-Za-zĐđ]+(?:-[0-9A-Za-zĐđ]+)*)"
_DATE = (
    r"(?:\s*,?\s*ngày\s+(?P<day>\d{1,2})\s*(?:tháng\s+|/)(?P<month>\d{1,2})"
    r"\s*(?:năm\s+|/)(?P<year>\d{4}))?"
)
_ARTICLE = r"(?P<article>(?:điều|khoản|chương|mục)\s+[0-9ivxlc]+\s+(?:của\s+)?)?"


@cache
def _numbered() -> re.Pattern[str]:
    kinds = sorted(vocabulary().legal_kinds, key=lambda k: len(k.kind), reverse=True)
    alternatives = "|".join(f"(?:{phrase_body(k.kind)})" for k in kinds)
    return re.compile(
        rf"(?<![\w&]){_ARTICLE}(?P<kind>{alternatives})\s+(?:số\s+)?{_NUMBER}{_DATE}",
        re.IGNORECASE,
    )


@cache
def _named() -> tuple[tuple[str, re.Pattern[str]], ...]:
    names = sorted(vocabulary().known_laws, key=len, reverse=True)
    return tuple(
        (
            name,
            re.compile(
                rf"(?<![\w&]){_ARTICLE}{phrase_body(name)}(?![\w&])"
                rf"(?:\s+số\s+{_NUMBER}{_DATE})?"
            ),
        )
        for name in names
    )


_UNLISTED = re.compile(r"(?<![\w&])(?P<kind>Luật|Pháp lệnh|Bộ luật)\s+(?P<name>[A-ZĐ]\S*)")


def _kind(found: str) -> LegalKind:
    wanted = searchable(found)
    return next(k for k in vocabulary().legal_kinds if searchable(k.kind) == wanted)


def _article(match: re.Match[str], text: str) -> str | None:
    if not match["article"]:
        return None
    words = text[match.start("article") : match.end("article")].split()
    return " ".join(words[:2])


def _issuer(text: str, at: int, plan: Tier) -> str | None:
    """The issuing body named by "của ..." right after a citation, if the dictionary has it."""
    rest = text[at:]
    lead = re.match(r"\s+của\s+", rest)
    if lead is None:
        return None
    mentions = bodies.find(rest[lead.end() : lead.end() + 120], plan)
    if not mentions or mentions[0].start != 0:
        return None
    return rest[lead.end() : lead.end() + mentions[0].end]


def read(text: str, plan: Tier) -> tuple[list[LegalReference], list[Doubt]]:
    """The citations in `text`, in order, and the doubts about them."""
    found: list[tuple[int, LegalReference]] = []
    doubts: list[Doubt] = []
    taken: list[tuple[int, int]] = []
    folded = searchable(text)
    for match in _numbered().finditer(text):
        kind = _kind(match["kind"])
        number = match["number"]
        cited = text[match.start("kind") : match.end()]
        symbol = number.split("/")[-1].split("-")[0]
        if kind.symbols and symbol.upper() not in {s.upper() for s in kind.symbols}:
            doubts.append(
                Doubt(
                    cited,
                    f"Số ký hiệu “{number}” không khớp loại văn bản “{kind.kind}”.",
                    f"The number '{number}' does not match the kind '{kind.kind}'.",
                )
            )
        date = None
        if match["year"]:
            try:
                date = dt.date(int(match["year"]), int(match["month"]), int(match["day"]))
            except ValueError:
                doubts.append(
                    Doubt(
                        cited,
                        "Ngày ban hành của văn bản được dẫn không phải ngày hợp lệ; đã bỏ qua.",
                        "The cited document's date is not a valid date; it was left out.",
                    )
                )
        reference = LegalReference(
            kind=kind.kind,
            number=number,
            date=date,
            issuer=_issuer(text, match.end(), plan),
            article=_article(match, text),
        )
        found.append((match.start(), reference))
        taken.append((match.start(), match.end()))
    for name, pattern in _named():
        for match in pattern.finditer(folded):
            if any(start <= match.start() < end for start, end in taken):
                continue
            kind = next(k for k in ("Bộ luật", "Luật", "Pháp lệnh") if name.startswith(k))
            date = None
            if match["year"]:
                try:
                    date = dt.date(int(match["year"]), int(match["month"]), int(match["day"]))
                except ValueError:
                    date = None
            number = text[match.start("number") : match.end("number")] if match["number"] else None
            reference = LegalReference(
                kind=kind, number=number, date=date, name=name, article=_article(match, text)
            )
            found.append((match.start(), reference))
            taken.append((match.start(), match.end()))
    for match in _UNLISTED.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        snippet = text[match.start() : match.start() + 60].split(",")[0].split(";")[0]
        doubts.append(
            Doubt(
                snippet,
                f"Văn bản “{match['kind']} {match['name']} ...” được dẫn theo tên nhưng tên này "
                "chưa có trong danh mục luật, pháp lệnh của công cụ nhập; không ghi vào dữ liệu, "
                "cần bổ sung nếu cần.",
                f"A {match['kind']} cited by a name not in the importer's list of laws: not "
                "recorded (add it to vocabulary.yaml if it should be).",
            )
        )
    found.sort(key=lambda pair: pair[0])
    unique: dict[tuple[str, str | None], LegalReference] = {}
    for _, reference in found:  # a document cited twice counts once, as first cited
        unique.setdefault((reference.kind, reference.name or reference.number), reference)
    return list(unique.values()), doubts
