"""Read the items of a plan document from its plain text (the format of `shared/seed/*.txt`).

The text of Kế hoạch 461/KH-UBND is a copy of a laid-out document, and it carries the
layout's quirks:

* Hard line breaks fall in the middle of sentences, names and headings: the first line of
  nearly every paragraph holds only a few words ("- Ủy ban nhân dân phường căn cứ kết"),
  a heading may run over two lines ("II. NHIỆM VỤ VÀ GIẢI" / "PHÁP", "2. Giao Chánh" /
  "Văn phòng Hội đồng nhân dân ..."), and an item's text continues over many lines.
* A hyphen that joins two parts of one phrase can land at the start of a line, where it
  looks like a bullet: "... ở phường" / "- xã, thị trấn." and "Trung tâm Văn hóa" /
  "- Thể dục Thể thao quận". A bullet, in turn, may end without a full stop
  ("... cộng đồng tại phường" followed by the next bullet).
* Some bullets hold more than one paragraph: an unbulleted paragraph ("Quan tâm các chế
  độ ...", "Định kỳ hàng quý ...") belongs to the bullet above it.
* The parts of section III are of three shapes: a heading followed by bullets (III.1,
  III.3, III.5), a heading followed by one paragraph (III.2, III.4), and a heading that
  runs into its sentence ("6. Đề nghị Ủy ban Mặt trận ... quận" / "chủ trì, ...").
* The page header is a table flattened into lines separated by "|" and "-----" rules.

The rules applied, in this order, to each line (`_continues` holds the name rule):

1. A line holding only "|" or dashes is layout and is dropped.
2. A line "I. ...", "II. ..." (Roman numeral) starts a section; a line "1. ..." starts a
   numbered part of the current section; "Nơi nhận:" ends the body.
3. A line starting with "- " starts a bullet, unless it continues the line before: the
   word after the dash starts with a lowercase letter (a bullet never does), or the line
   before ends inside a capitalised name -- no closing punctuation, and one of its last two
   syllables capitalised (other than the paragraph's first syllable, which is capitalised
   as the start of a sentence). Vietnamese capitalises only the first syllable of each
   word of a name ("Trung tâm Văn hóa"), hence two syllables.
4. Any other line continues a heading by the same test as in 3, and continues a bullet or a
   paragraph unless it starts with a capital letter right after a line that ends a
   sentence, in which case it starts a new paragraph.

Then, within each numbered part of sections II and III, a bullet is an item; a paragraph
is an item when the part has none yet and otherwise belongs to the item above it; a
numbered heading that ends a sentence (III.6) is its part's only item. The paragraph that
ends with "./." -- the mark that closes the body of a Vietnamese administrative document
-- is the closing paragraph ("Trong quá trình triển khai thực hiện ..."): it is no item,
and nothing after it is read.

Item texts are NFC-normalised and whitespace-folded; the plan file's task texts are these
texts verbatim, typos included.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

__all__ = ["DocumentItem", "fold", "parse", "read"]

#: The sections whose numbered parts hold the plan's items.
ITEM_SECTIONS: tuple[str, ...] = ("II", "III")

_LAYOUT = re.compile(r"^[|\-\s]+$")
_ROMAN = re.compile(r"^(?P<num>[IVX]+)\.\s+(?P<rest>\S.*)$")
_NUMBERED = re.compile(r"^(?P<num>\d{1,2})\.\s+(?P<rest>\S.*)$")
_DASH = re.compile(r"^[-\u2013]\s+(?P<rest>\S.*)$")
_RECIPIENTS = re.compile(r"^Nơi nhận\s*:")
_CLOSING_MARK = "./."
# Quotes and brackets that may follow the last letter or stop of a sentence.
_TRAILING_CLOSERS = "\"'”’»)]"
_SENTENCE_END = ".!?:"


@dataclass(frozen=True)
class DocumentItem:
    """One item of the plan: a bullet, or a part's only paragraph.

    `section` is "II.1" ... "II.6", "III.1" ... "III.6"; `ordinal` counts from 1 within the
    section; `text` is NFC, whitespace-folded, without the leading "- " or "N. ".
    """

    section: str
    ordinal: int
    text: str


def fold(text: str) -> str:
    """NFC-normalise and fold every run of whitespace (newlines included) to one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


class _Kind(Enum):
    SECTION = "section"
    PART = "part"
    BULLET = "bullet"
    PARAGRAPH = "paragraph"
    END = "end"


@dataclass
class _Block:
    """A logical line: a heading, a bullet or a paragraph, its hard line breaks undone."""

    kind: _Kind
    number: str  # the Roman or Arabic number of a heading, else ""
    lines: list[str]

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def _starts_lowercase(text: str) -> bool:
    first = text[:1]
    return first.isalpha() and first.islower()


def _starts_uppercase(text: str) -> bool:
    first = text[:1]
    return first.isalpha() and first.isupper()


def _ends_sentence(text: str) -> bool:
    return text.rstrip(_TRAILING_CLOSERS)[-1:] in _SENTENCE_END


def _ends_inside_name(text: str) -> bool:
    """Whether `text` (a block so far) ends in the middle of a capitalised name."""
    if not text or not text[-1].isalnum():
        return False
    words = text.split()
    # The block's first word is capitalised as the start of its sentence, not as a name.
    tail = words[1:][-2:]
    return any(_starts_uppercase(word) for word in tail)


def _continues(block: _Block, line: str) -> bool:
    """Whether `line` (without any leading dash) continues `block` despite looking new."""
    return _starts_lowercase(line) or _ends_inside_name(block.text)


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    for raw in _lines(text):
        if _LAYOUT.match(raw):
            continue
        last = blocks[-1] if blocks else None
        if _RECIPIENTS.match(raw):
            blocks.append(_Block(_Kind.END, "", [raw]))
        elif m := _ROMAN.match(raw):
            blocks.append(_Block(_Kind.SECTION, m["num"], [m["rest"]]))
        elif m := _NUMBERED.match(raw):
            blocks.append(_Block(_Kind.PART, m["num"], [m["rest"]]))
        elif m := _DASH.match(raw):
            if last is not None and last.kind is not _Kind.END and _continues(last, m["rest"]):
                last.lines.append(raw)
            else:
                blocks.append(_Block(_Kind.BULLET, "", [m["rest"]]))
        elif last is None or last.kind is _Kind.END:
            blocks.append(_Block(_Kind.PARAGRAPH, "", [raw]))
        elif last.kind in (_Kind.SECTION, _Kind.PART):
            if _continues(last, raw):
                last.lines.append(raw)
            else:
                blocks.append(_Block(_Kind.PARAGRAPH, "", [raw]))
        elif _starts_uppercase(raw) and _ends_sentence(last.text):
            blocks.append(_Block(_Kind.PARAGRAPH, "", [raw]))
        else:
            last.lines.append(raw)
    return blocks


def _lines(text: str) -> list[str]:
    """The non-blank lines of `text`, each NFC-normalised and whitespace-folded."""
    lines = (fold(line) for line in unicodedata.normalize("NFC", text).splitlines())
    return [line for line in lines if line]


def parse(text: str) -> list[DocumentItem]:
    """The items of sections II and III of a plan document's plain text, in order."""
    items: list[DocumentItem] = []
    # Each item's text is kept as a list of pieces until the end.
    pieces: list[list[str]] = []
    section: str | None = None
    part: str | None = None
    part_items = 0

    def add(text: str) -> None:
        nonlocal part_items
        part_items += 1
        items.append(DocumentItem(f"{section}.{part}", part_items, ""))
        pieces.append([text])

    for block in _blocks(text):
        if block.kind is _Kind.END:
            break
        if block.kind is _Kind.PARAGRAPH and block.text.endswith(_CLOSING_MARK):
            break
        if block.kind is _Kind.SECTION:
            section, part, part_items = block.number, None, 0
            continue
        if section not in ITEM_SECTIONS:
            continue
        if block.kind is _Kind.PART:
            part, part_items = block.number, 0
            if _ends_sentence(block.text):
                add(block.text)  # a heading that runs into its sentence (III.6)
            continue
        if part is None:
            continue  # text between a section heading and its first part
        if block.kind is _Kind.BULLET or part_items == 0:
            add(block.text)
        else:
            pieces[-1].append(block.text)

    return [
        DocumentItem(item.section, item.ordinal, fold(" ".join(texts)))
        for item, texts in zip(items, pieces, strict=True)
    ]


def read(path: str | Path) -> list[DocumentItem]:
    """The items of the plan document stored as UTF-8 plain text at `path`."""
    return parse(Path(path).read_text(encoding="utf-8"))
