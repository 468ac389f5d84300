"""The header of a plan document: who issued it, its number, place, date, title and signer.

A Vietnamese administrative document opens with a two-column header (Nghị định
30/2020/NĐ-CP, Phụ lục I): the issuing body in capitals on the left ("ỦY BAN NHÂN DÂN /
QUẬN BÌNH TÂN") with the number under it ("Số: 461/KH-UBND"), the national motto and
"<place>, ngày DD tháng MM năm YYYY" on the right, then the kind of document ("KẾ HOẠCH")
and its title in capitals. It closes with the signer's title ("CHỦ TỊCH", "KT. CHỦ TỊCH /
PHÓ CHỦ TỊCH") and name. Copied from a portal, the columns come as lines one after the
other, a name or a title broken anywhere; from a DOCX, as the cells of a table.

The title is in capitals on the page; the plan file wants it as a sentence. Its words are
given the case they have where the body of the document uses them ("Chỉ số hiệu quả quản
trị hành chính công cấp tỉnh (PAPI) trên địa bàn quận Bình Tân"); a word the body does not
have is left in lower case and the title is reported for review.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from papi_etl.plan.document import SourceLine
from papi_etl.plan.importing.bodies import Tier, title_case
from papi_etl.plan.importing.vocabulary import bodies, searchable

_NUMBER = re.compile(r"Số\s*:\s*(?P<number>\d+[^\s|,;]*/[^\s|,;]+)")
_DATE = re.compile(
    r",\s*ngày\s+(?P<day>\d{1,2})\s+tháng\s+(?P<month>\d{1,2})\s+năm\s+(?P<year>\d{4})"
)
_YEARS = re.compile(r"(?:năm|giai đoạn)\s+(?P<first>\d{4})(?:\s*[-\u2013]\s*(?P<last>\d{4}))?")
_SIGNER_TITLE = re.compile(r"\b(CHỦ TỊCH|GIÁM ĐỐC|TRƯỞNG BAN|BÍ THƯ)\b")
_PLAN_KIND = "KẾ HOẠCH"


@dataclass(frozen=True)
class Issuer:
    name: str  # "Ủy ban nhân dân quận Bình Tân"
    tier: Tier
    line: SourceLine


@dataclass(frozen=True)
class Header:
    issuer: Issuer | None
    number: str | None
    number_line: SourceLine | None
    place: str | None
    date: dt.date | None
    date_line: SourceLine | None
    title: str | None  # "Kế hoạch ..." as a sentence
    title_line: SourceLine | None
    title_guessed: list[str]  # words of the title whose case the body does not show
    years: tuple[int, int] | None
    signer: str | None


def _is_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _issuer(lines: list[SourceLine]) -> Issuer | None:
    """The last "ỦY BAN NHÂN DÂN <level> <PLACE>" of the header (a commune's header may
    name its district first)."""
    data = bodies()
    words: list[tuple[str, SourceLine]] = [(w, line) for line in lines for w in line.text.split()]
    folded = [searchable(w) for w, _ in words]
    levels = sorted(data.levels, key=lambda x: -len(x.word.split()))
    found: Issuer | None = None
    for start in range(len(words)):
        if folded[start : start + 4] != ["ủy", "ban", "nhân", "dân"]:
            continue
        at = start + 4
        level = next(
            (lv for lv in levels if folded[at : at + len(lv.word.split())] == lv.word.split()),
            None,
        )
        if level is None:
            continue
        at += len(level.word.split())
        place_words = []
        while at < len(words) and _in_place(words[at][0]):
            bare = folded[at].rstrip(",;.:")
            if bare in _NOT_PLACE or words[at][0].endswith(":"):
                break
            place_words.append(words[at][0].rstrip(",;."))
            at += 1
        if not place_words:
            continue
        place = title_case(" ".join(place_words))
        tier = level.tier
        if level.in_province is not None and place not in data.central_cities:
            tier = level.in_province
        name = f"Ủy ban nhân dân {level.word} {place}"
        found = Issuer(name, Tier(tier, place, level.word), words[start][1])
    return found


def issuer_of(name: str) -> Issuer | None:
    """The issuer a plan file names ("Ủy ban nhân dân quận Bình Tân"), with its tier."""
    return _issuer([SourceLine(name, "", "")])


_NOT_PLACE = ("cộng", "số", "độc")


def _in_place(word: str) -> bool:
    """A word of a place's name: capitalised ("Bình", "BÌNH") or a number ("Quận 1")."""
    return word[:1].isupper() or word.isdigit()


def _title(lines: list[SourceLine]) -> tuple[str | None, SourceLine | None]:
    for index, line in enumerate(lines):
        if not line.text.startswith(_PLAN_KIND):
            continue
        parts = [line.text[len(_PLAN_KIND) :].strip()]
        for following in lines[index + 1 :]:
            if not _is_capitals(following.text):
                break
            parts.append(following.text)
        title = " ".join(p for p in parts if p)
        if title:
            return title, line
    return None, None


def recase(title: str, body: str) -> tuple[str, list[str]]:
    """`title` (capitals) as a sentence, each word cased as the body writes it (see the
    module's docstring), and the words it had to guess."""
    words = title.split()
    keys = [searchable(w) for w in words]
    body_words = body.split()
    body_keys = [searchable(w) for w in body_words]
    cased: list[str | None] = [None] * len(words)
    index = 0
    while index < len(words):
        best, best_at = 0, -1
        for at, key in enumerate(body_keys):
            if key != keys[index]:
                continue
            length = 0
            while (
                index + length < len(words)
                and at + length < len(body_keys)
                and body_keys[at + length] == keys[index + length]
            ):
                length += 1
            if length > best:
                best, best_at = length, at
        if best >= 2:
            for offset in range(best):
                cased[index + offset] = body_words[best_at + offset]
            index += best
        else:
            index += 1
    guessed = []
    result = []
    for word, found in zip(words, cased, strict=True):
        if found is not None:
            result.append(found)
        elif word.strip("()").isupper() and word.startswith("(") and len(word.strip("()")) > 1:
            result.append(word)  # an acronym in brackets: "(PAPI)"
        else:
            lowered = word.lower()
            result.append(lowered)
            if any(c.isalpha() for c in word):
                guessed.append(lowered)
    return " ".join(result), guessed


def _signer(tail: list[SourceLine]) -> str | None:
    """The name under the last signer's title ("CHỦ TỊCH" / "Lê Văn Thinh")."""
    title_at = None
    for index, line in enumerate(tail):
        if _SIGNER_TITLE.search(line.text) and _is_capitals(line.text):
            title_at = index
    if title_at is None:
        return None
    for line in tail[title_at + 1 :]:
        text = line.text.strip("| ")
        words = text.split()
        if _is_capitals(text) or text.startswith(("(", "[")):
            continue
        if 2 <= len(words) <= 5 and all(w[:1].isupper() and w[1:].islower() for w in words):
            return text
    return None


def read(head: list[SourceLine], tail: list[SourceLine], every: list[SourceLine]) -> Header:
    """The header fields from the lines before the body (`head`), after it (`tail`) and all
    the document's lines (whose words in lower case give the title its case)."""
    body_text = " ".join(line.text for line in every if not _is_capitals(line.text))
    flat = [_row_lines(line) for line in head]
    lines = [line for group in flat for line in group]
    joined = " ".join(line.text for line in lines)
    number_match = _NUMBER.search(joined)
    number_line = _line_of(lines, number_match.group(0)) if number_match else None
    date_match = _DATE.search(joined)
    date, place, date_line = None, None, None
    if date_match:
        try:
            date = dt.date(
                int(date_match["year"]), int(date_match["month"]), int(date_match["day"])
            )
        except ValueError:
            date = None
        before = joined[: date_match.start()].split()
        place_words = []
        for word in reversed(before):
            if not word[:1].isupper() or "/" in word or word in ("|",) or _is_capitals(word):
                break
            place_words.insert(0, word)
        place = " ".join(place_words) or None
        date_line = _line_of(lines, "ngày")
    raw_title, title_line = _title(lines)
    # The issuer heads the page: a body named later ("Thực hiện Kế hoạch ... của Ủy ban nhân
    # dân tỉnh Long An") is not it.
    top = lines[: lines.index(title_line)] if title_line is not None else lines
    title, guessed, years = None, [], None
    if raw_title:
        sentence, guessed = recase(raw_title, body_text)
        title = f"Kế hoạch {sentence}"
        if years_match := _YEARS.search(searchable(sentence)):
            first = int(years_match["first"])
            years = (first, int(years_match["last"] or first))
    tail_lines = [line for row in tail for line in _row_lines(row)]
    return Header(
        issuer=_issuer(top),
        number=number_match["number"] if number_match else None,
        number_line=number_line,
        place=place,
        date=date,
        date_line=date_line,
        title=title,
        title_line=title_line,
        title_guessed=guessed,
        years=years,
        signer=_signer(tail_lines),
    )


def _row_lines(line: SourceLine) -> list[SourceLine]:
    """A table row (a DOCX header) as the lines of its cells, one after the other."""
    if line.cells is None:
        return [line]
    return [
        SourceLine(part, line.where_vi, line.where_en)
        for cell in line.cells
        for part in cell.split("\n")
        if part.strip()
    ]


def _line_of(lines: list[SourceLine], needle: str) -> SourceLine | None:
    first = needle.split()[0]
    return next((line for line in lines if first in line.text), None)
