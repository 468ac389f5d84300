"""Read the items of a plan document from its lines (the format of `shared/seed/*.txt`).

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

Other plans number their items instead of bulleting them ("1.1.", "a)"), or list their tasks
in a table: a line of text with cells between "|" (or a row of a DOCX table, see
`papi_etl.plan.importing.reading`) is a table row, kept with its cells.

The rules applied, in this order, to each line (`_continues` holds the name rule):

1. A line holding only "|" or dashes is layout and is dropped.
2. A line "I. ...", "II. ..." (Roman numeral) starts a section; a line "1. ..." starts a
   numbered part of the current section; "Nơi nhận:" ends the body. A line "1.1. ..." or
   "a) ..." starts a numbered item, a line with two or more "|" and two cells a table row.
3. A line starting with "- " starts a bullet, unless it continues the line before: the
   word after the dash starts with a lowercase letter (a bullet never does), or the line
   before ends inside a capitalised name -- no closing punctuation, and one of its last two
   syllables capitalised (other than the paragraph's first syllable, which is capitalised
   as the start of a sentence). Vietnamese capitalises only the first syllable of each
   word of a name ("Trung tâm Văn hóa"), hence two syllables. After a heading only the
   first test holds: a heading often ends with a whole name ("2. Sở Nội vụ").
4. Any other line continues a heading by the same test as in 3, and continues a bullet or a
   paragraph unless it starts with a capital letter right after a line that ends a
   sentence, in which case it starts a new paragraph.

Then, within each numbered part of sections II and III, a bullet is an item; a paragraph
is an item when the part has none yet and otherwise belongs to the item above it; a
numbered heading that ends a sentence (III.6) is its part's only item. Where a part numbers
its items ("1.1.", "a)") instead, the first marker that comes in the part is the item's,
and deeper ones ("- " under "1.1.") belong to the item above (`items`). The paragraph that
ends with "./." -- the mark that closes the body of a Vietnamese administrative document
-- is the closing paragraph ("Trong quá trình triển khai thực hiện ..."): it is no item,
and nothing after it is read.

Item texts are NFC-normalised and whitespace-folded; the plan file's task texts are these
texts verbatim, typos included.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

__all__ = [
    "Block",
    "BlockKind",
    "DocumentItem",
    "Item",
    "SourceLine",
    "blocks",
    "ends_sentence",
    "fold",
    "items",
    "lines_of_text",
    "parse",
    "read",
    "split_closing",
]

#: The sections whose numbered parts hold the plan's items.
ITEM_SECTIONS: tuple[str, ...] = ("II", "III")

_LAYOUT = re.compile(r"^[|\-\s:=_]+$")
_ROMAN = re.compile(r"^(?P<num>[IVX]+)\.\s+(?P<rest>\S.*)$")
_NUMBERED = re.compile(r"^(?P<num>\d{1,2})\.\s+(?P<rest>\S.*)$")
_SUBNUMBERED = re.compile(r"^(?P<num>\d{1,2}\.\d{1,2}(?:\.\d{1,2})?)\.?\s+(?P<rest>\S.*)$")
_LETTERED = re.compile(r"^(?P<num>[a-zđ])\)\s+(?P<rest>\S.*)$")
_DASH = re.compile(r"^(?P<mark>[-\u2013+\u2022])\s+(?P<rest>\S.*)$")
_RECIPIENTS = re.compile(r"^Nơi nhận\s*:")
_CLOSING_MARK = "./."
# Quotes and brackets that may follow the last letter or stop of a sentence.
_TRAILING_CLOSERS = "\"'”’»)]"
_SENTENCE_END = ".!?:"


@dataclass(frozen=True)
class SourceLine:
    """One line of a plan document, with where it stands (for the review report).

    `cells` is set for a row of a table (a DOCX table, or a text line "a | b | c").
    """

    text: str
    where_vi: str
    where_en: str
    cells: tuple[str, ...] | None = None


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


class BlockKind(Enum):
    SECTION = "section"
    PART = "part"
    NUMBERED = "numbered"  # "1.1." or "a)"
    BULLET = "bullet"
    PARAGRAPH = "paragraph"
    ROW = "row"
    END = "end"


@dataclass
class Block:
    """A logical line: a heading, a bullet, a paragraph or a table row, its breaks undone.

    `number` is the Roman or Arabic number of a heading, the "1.1"/"a" of a numbered item
    or the mark of a bullet ("-", "+"); `line` is where the block starts.
    """

    kind: BlockKind
    number: str
    lines: list[str]
    line: SourceLine
    cells: tuple[str, ...] | None = field(default=None)

    @property
    def text(self) -> str:
        return " ".join(self.lines)

    @property
    def marker(self) -> str:
        """What makes blocks siblings: "1.1" and "1.2" share "n.n", "a" and "b" share "a"."""
        if self.kind is BlockKind.NUMBERED:
            return "a" if self.number.isalpha() else re.sub(r"\d+", "n", self.number)
        return self.number if self.kind is BlockKind.BULLET else ""


@dataclass(frozen=True)
class Item:
    """A task-shaped piece of text: a bullet or numbered item with what belongs to it."""

    text: str
    line: SourceLine
    number: str


def _starts_lowercase(text: str) -> bool:
    first = text[:1]
    return first.isalpha() and first.islower()


def _starts_uppercase(text: str) -> bool:
    first = text[:1]
    return first.isalpha() and first.isupper()


def ends_sentence(text: str) -> bool:
    """Whether `text` ends with a full stop, a colon, ! or ? (quotes and brackets aside)."""
    return text.rstrip(_TRAILING_CLOSERS)[-1:] in _SENTENCE_END


def _ends_inside_name(text: str) -> bool:
    """Whether `text` (a block so far) ends in the middle of a capitalised name."""
    if not text or not text[-1].isalnum():
        return False
    words = text.split()
    # The block's first word is capitalised as the start of its sentence, not as a name.
    tail = words[1:][-2:]
    return any(_starts_uppercase(word) for word in tail)


def _continues(block: Block, line: str) -> bool:
    """Whether `line` (without any leading dash) continues `block` despite looking new."""
    return _starts_lowercase(line) or _ends_inside_name(block.text)


def _table_cells(text: str) -> tuple[str, ...] | None:
    """The cells of a text line that is a table row ("| 1 | Nhiệm vụ | Sở Nội vụ |")."""
    if text.count("|") < 2:
        return None
    cells = [fold(cell) for cell in text.strip().strip("|").split("|")]
    return tuple(cells) if sum(1 for c in cells if c) >= 2 else None


def lines_of_text(text: str, *, tables: bool = True) -> list[SourceLine]:
    """The non-blank lines of a plain-text document, NFC and whitespace-folded, numbered.

    With `tables`, a line holding two or more "|" between at least two non-blank cells is a
    table row (the seed's flattened header has "|" alone on its lines, which stay layout).
    """
    found = []
    for number, raw in enumerate(unicodedata.normalize("NFC", text).splitlines(), 1):
        line = fold(raw)
        if not line:
            continue
        cells = _table_cells(line) if tables and not _LAYOUT.match(line) else None
        found.append(SourceLine(line, f"dòng {number}", f"line {number}", cells))
    return found


def blocks(lines: Iterable[SourceLine]) -> list[Block]:
    """The logical lines of a document: headings, bullets, numbered items, paragraphs, rows."""
    found: list[Block] = []
    for line in lines:
        raw = line.text
        last = found[-1] if found else None
        if line.cells is not None:
            # The signature table of a DOCX holds "Nơi nhận:" in its first cell.
            ends = bool(_RECIPIENTS.match(line.cells[0]))
            kind = BlockKind.END if ends else BlockKind.ROW
            found.append(Block(kind, "", [raw], line, line.cells))
            continue
        if _LAYOUT.match(raw):
            continue
        if _RECIPIENTS.match(raw):
            found.append(Block(BlockKind.END, "", [raw], line))
        elif m := _ROMAN.match(raw):
            found.append(Block(BlockKind.SECTION, m["num"], [m["rest"]], line))
        elif m := _SUBNUMBERED.match(raw):
            found.append(Block(BlockKind.NUMBERED, m["num"], [m["rest"]], line))
        elif m := _NUMBERED.match(raw):
            found.append(Block(BlockKind.PART, m["num"], [m["rest"]], line))
        elif m := _LETTERED.match(raw):
            found.append(Block(BlockKind.NUMBERED, m["num"], [m["rest"]], line))
        elif m := _DASH.match(raw):
            continuable = last is not None and last.kind not in (BlockKind.END, BlockKind.ROW)
            if continuable and last.kind in (BlockKind.SECTION, BlockKind.PART):
                # A heading may end with a whole name ("2. Sở Nội vụ"): a dash after it
                # continues it only in the middle of a word group ("- xã, thị trấn").
                continuable = _starts_lowercase(m["rest"])
            if continuable and _continues(last, m["rest"]):
                last.lines.append(raw)
            else:
                mark = "+" if m["mark"] == "+" else "-"
                found.append(Block(BlockKind.BULLET, mark, [m["rest"]], line))
        elif last is None or last.kind in (BlockKind.END, BlockKind.ROW):
            found.append(Block(BlockKind.PARAGRAPH, "", [raw], line))
        elif last.kind in (BlockKind.SECTION, BlockKind.PART):
            if _continues(last, raw):
                last.lines.append(raw)
            else:
                found.append(Block(BlockKind.PARAGRAPH, "", [raw], line))
        elif _starts_uppercase(raw) and ends_sentence(last.text):
            found.append(Block(BlockKind.PARAGRAPH, "", [raw], line))
        else:
            last.lines.append(raw)
    return found


def split_closing(every: list[Block]) -> tuple[list[Block], list[Block]]:
    """The body, and what follows it: from "Nơi nhận:", or after the paragraph ending "./."

    The closing paragraph itself ("Trong quá trình triển khai ... ./.") is in neither: it
    is no item of the plan, unless it is the only paragraph of the last numbered part
    ("2. Giao Trưởng phòng Nội vụ huyện" / "Tổng hợp, ... tháng 12./.").
    """
    for index, block in enumerate(every):
        if block.kind is BlockKind.END:
            return every[:index], every[index:]
        if block.kind is BlockKind.PARAGRAPH and block.text.endswith(_CLOSING_MARK):
            before = every[index - 1] if index else None
            if (
                before is not None
                and before.kind is BlockKind.PART
                and not ends_sentence(before.text)
            ):
                # The mark may close a part's only paragraph: then that is an item.
                return every[: index + 1], every[index + 1 :]
            return every[:index], every[index + 1 :]
    return every, []


def items(group: Iterable[Block]) -> list[Item]:
    """The items of a run of blocks under one heading (rows and headings aside).

    The first bullet or numbered item sets the items' marker; a block with that marker
    starts an item, a paragraph starts one only while there is none yet, and anything else
    (a paragraph, a deeper bullet) belongs to the item above it.
    """
    found: list[tuple[list[str], SourceLine, str]] = []
    marker: str | None = None
    for block in group:
        if block.kind not in (BlockKind.BULLET, BlockKind.NUMBERED, BlockKind.PARAGRAPH):
            continue
        if marker is None and block.kind is not BlockKind.PARAGRAPH:
            marker = block.marker
        starts = block.kind is not BlockKind.PARAGRAPH and block.marker == marker
        if starts or not found:
            found.append(([block.text], block.line, block.number))
        else:
            found[-1][0].append(block.text)
    return [Item(fold(" ".join(texts)), line, number) for texts, line, number in found]


def parse(text: str) -> list[DocumentItem]:
    """The items of sections II and III of a plan document's plain text, in order."""
    body, _ = split_closing(blocks(lines_of_text(text, tables=False)))
    found: list[DocumentItem] = []
    section: str | None = None
    part: str | None = None
    group: list[Block] = []

    def close() -> None:
        if section in ITEM_SECTIONS and part is not None:
            for ordinal, item in enumerate(items(group), 1):
                found.append(DocumentItem(f"{section}.{part}", ordinal, item.text))

    for block in body:
        if block.kind is BlockKind.SECTION:
            close()
            section, part, group = block.number, None, []
        elif block.kind is BlockKind.PART:
            close()
            part, group = block.number, []
            if ends_sentence(block.text):
                # A heading that runs into its sentence (III.6) is its part's only item.
                group = [Block(BlockKind.PARAGRAPH, "", [block.text], block.line)]
        else:
            group.append(block)
    close()
    return found


def read(path: str | Path) -> list[DocumentItem]:
    """The items of the plan document stored as UTF-8 plain text at `path`."""
    return parse(Path(path).read_text(encoding="utf-8"))
