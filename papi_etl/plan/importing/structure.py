"""Where a plan document keeps its dimensions, tasks and assignments.

The section that holds the PAPI dimensions is found by its headings, whatever its number
or title: a heading ("1. Đối với nội dung “Tham gia của người dân ở cấp cơ sở”", "Nội dung
7: Quản trị môi trường", a table row "I | THAM GIA CỦA NGƯỜI DÂN Ở CẤP CƠ SỞ") names a
dimension when it holds one of its names and little else. Under a dimension, the tasks are
the items of `papi_etl.plan.document.items` (bullets, or "1.1."/"a)" items), or the rows of
a table whose header names a task column and a lead or coordinating column.

The section titled "Tổ chức thực hiện" holds the assignments: its numbered parts, each a
heading ("Giao Trưởng phòng Nội vụ quận", "Đề nghị Ủy ban Mặt trận ...") with its items;
an item that names no subject of its own is the heading's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from papi_etl.plan.document import (
    Block,
    BlockKind,
    SourceLine,
    ends_sentence,
    fold,
    items,
)
from papi_etl.plan.importing import bodies, roles
from papi_etl.plan.importing.bodies import Mention, Stands, Tier
from papi_etl.plan.importing.roles import Roles
from papi_etl.plan.importing.vocabulary import Dimension, searchable, vocabulary

_MAX_HEADING_WORDS = 30
# The plan as a whole is given to bodies named collectively ("các cơ quan chuyên môn, ...").
_COLLECTIVE = (Stands.GROUP, Stands.LOCAL_GROUP)
_ROMAN = {"I": 1, "V": 5, "X": 10}


@dataclass
class FoundTask:
    section: str
    text: str
    line: SourceLine
    roles: Roles
    # For an assignment: the roles of its part's heading; None for a task of a dimension.
    heading: Roles | None = None
    timeframe: str | None = None
    from_table: bool = False


@dataclass
class FoundDimension:
    dimension: Dimension
    section: str
    line: SourceLine
    tasks: list[FoundTask] = field(default_factory=list)


@dataclass
class Structure:
    dimensions: list[FoundDimension] = field(default_factory=list)
    assignments: list[FoundTask] = field(default_factory=list)
    implementation_section: str = ""  # "III"
    # The bodies the plan gives to carry it out as a whole: the subject of the first part of
    # "Tổ chức thực hiện" that names bodies collectively.
    general: list[Mention] = field(default_factory=list)
    general_line: SourceLine | None = None
    stray: list[tuple[SourceLine, str]] = field(default_factory=list)  # items of no dimension
    duplicate: list[tuple[SourceLine, Dimension]] = field(default_factory=list)
    unread_cells: list[tuple[SourceLine, str]] = field(default_factory=list)


def arabic(number: str) -> int | None:
    if number.isdigit():
        return int(number)
    if number and all(c in _ROMAN for c in number.upper()):
        values = [_ROMAN[c] for c in number.upper()]
        return sum(
            -v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values)
        )
    return None


def _words(text: str) -> list[str]:
    return re.sub(r"[^\w\s]", " ", searchable(text)).split()


def dimension_of(text: str) -> Dimension | None:
    """The PAPI dimension a heading names, or None when `text` is no dimension's heading."""
    words = _words(text)
    if not words or len(words) > _MAX_HEADING_WORDS:
        return None
    vocab = vocabulary()
    names = sorted(
        ((name, d) for d in vocab.dimensions for name in d.names), key=lambda p: -len(p[0])
    )
    joined = " ".join(words)
    for name, dimension in names:
        key = " ".join(_words(name))
        if f" {key} " not in f" {joined} ":
            continue
        rest = f" {joined} ".replace(f" {key} ", " ")
        for phrase in sorted(vocab.dimension_heading_words, key=len, reverse=True):
            rest = rest.replace(f" {' '.join(_words(phrase))} ", " ")
        left = [w for w in rest.split() if not w.isdigit() and arabic(w.upper()) is None]
        if len(left) <= 2:
            return dimension
    return None


def _is_dimension_heading(block: Block) -> Dimension | None:
    if block.kind in (BlockKind.SECTION, BlockKind.PART, BlockKind.NUMBERED):
        return dimension_of(block.text)
    if block.kind is BlockKind.PARAGRAPH and not ends_sentence(block.text):
        return dimension_of(block.text)
    return None


@dataclass(frozen=True)
class _Columns:
    task: int
    number: int | None
    lead: int | None
    coordinating: int | None
    timeframe: int | None

    def cell(self, cells: tuple[str, ...], index: int | None) -> str:
        return fold(cells[index]) if index is not None and index < len(cells) else ""


def _columns(cells: tuple[str, ...]) -> _Columns | None:
    """The columns of a task table's header row, or None for any other row."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = " ".join(_words(cell))
        for column, names in vocabulary().table_columns.items():
            if column not in found and any(key == " ".join(_words(n)) for n in names):
                found[column] = index
                break
    if "task" not in found or not ({"lead", "coordinating"} & set(found)):
        return None
    return _Columns(
        found["task"],
        found.get("number"),
        found.get("lead"),
        found.get("coordinating"),
        found.get("timeframe"),
    )


class _Reader:
    def __init__(self, tier: Tier) -> None:
        self.tier = tier
        self.found = Structure()
        self.section_number = ""
        self.dimension: FoundDimension | None = None
        self.group: list[Block] = []
        self.columns: _Columns | None = None

    def section_label(self, number: str) -> str:
        return f"{self.section_number}.{number}" if self.section_number else number

    def close_group(self) -> None:
        found = items(self.group)
        if self.dimension is not None:
            for item in found:
                self.dimension.tasks.append(
                    FoundTask(self.dimension.section, item.text, item.line, self.analyse(item.text))
                )
        else:
            self.found.stray += [(item.line, item.text) for item in found]
        self.group = []

    def analyse(self, text: str) -> Roles:
        return roles.analyse(text, self.tier)

    def start_dimension(self, dimension: Dimension, number: str, line: SourceLine) -> None:
        self.close_group()
        known = next((d for d in self.found.dimensions if d.dimension == dimension), None)
        if known is not None:
            self.found.duplicate.append((line, dimension))
            self.dimension = known
            return
        ordinal = len(self.found.dimensions) + 1
        label = self.section_label(number or str(ordinal))
        self.dimension = FoundDimension(dimension, label, line)
        self.found.dimensions.append(self.dimension)

    def row(self, block: Block) -> None:
        cells = block.cells or ()
        columns = _columns(cells)
        if columns is not None:
            self.close_group()
            self.columns = columns
            return
        if self.columns is None:
            return  # a table that lists no tasks (the page header, a table of targets)
        task_text = self.columns.cell(cells, self.columns.task)
        lead_text = self.columns.cell(cells, self.columns.lead)
        coordinating_text = self.columns.cell(cells, self.columns.coordinating)
        number = self.columns.cell(cells, self.columns.number)
        named = dimension_of(task_text) or (dimension_of(number) if number else None)
        if named is not None and not lead_text and not coordinating_text:
            ordinal = arabic(number.rstrip(".")) if number else None
            self.start_dimension(named, str(ordinal) if ordinal else "", block.line)
            return
        if not task_text:
            return
        if self.dimension is None:
            self.found.stray.append((block.line, task_text))
            return
        self.dimension.tasks.append(
            FoundTask(
                self.dimension.section,
                task_text,
                block.line,
                self.cell_roles(task_text, lead_text, coordinating_text, block.line),
                timeframe=self.columns.cell(cells, self.columns.timeframe) or None,
                from_table=True,
            )
        )

    def cell_roles(self, text: str, lead: str, coordinating: str, line: SourceLine) -> Roles:
        """The roles a table row gives in its columns; every word of a unit cell must be a
        known body (or a separator), else the rest is reported."""
        found = Roles(opens_with_subject=bool(lead))
        found.unknown += roles.analyse(text, self.tier).unknown
        for cell, into in ((lead, found.lead), (coordinating, found.coordinating)):
            mentions = bodies.find(cell, self.tier)
            role = "lead" if into is found.lead else "coordinating"
            roles.assign(found, into, mentions, role)
            found.unknown += [m for m in mentions if m.stands is Stands.UNKNOWN]
            rest = cell
            for mention in sorted(mentions, key=lambda m: -m.start):
                rest = rest[: mention.start] + ";" + rest[mention.end :]
            for piece in re.split(r"[;,\n]|\s+và\s+", rest):
                piece = fold(piece).strip(" -.()")
                if piece and searchable(piece) not in ("và", "các"):
                    self.found.unread_cells.append((line, piece))
        return found


def read(body: list[Block], tier: Tier) -> Structure:
    """The dimensions, tasks and assignments of a plan's body (the blocks after its header)."""
    reader = _Reader(tier)
    implementation: list[Block] = []
    implementation_words = [" ".join(_words(h)) for h in vocabulary().implementation_headings]
    in_implementation = False
    for block in body:
        if block.kind is BlockKind.SECTION:
            reader.close_group()
            reader.dimension, reader.columns = None, None
            title = " ".join(_words(block.text))
            in_implementation = any(words in title for words in implementation_words)
            reader.section_number = block.number
            if in_implementation:
                reader.found.implementation_section = block.number
                continue
            if _is_dimension_heading(block) is not None:
                reader.section_number = ""  # "I. THAM GIA ...": the section is the dimension
        if in_implementation:
            implementation.append(block)
            continue
        if block.kind is BlockKind.ROW:
            reader.row(block)
            continue
        reader.columns = None
        dimension = _is_dimension_heading(block)
        if dimension is not None:
            reader.start_dimension(dimension, block.number, block.line)
        elif block.kind is BlockKind.SECTION:
            continue
        elif block.kind is BlockKind.PART:
            reader.close_group()
            reader.dimension = None  # a part that is no dimension ends the one before
        elif reader.dimension is not None:
            reader.group.append(block)
    reader.close_group()
    _assignments(reader, implementation)
    return reader.found


def _assignments(reader: _Reader, blocks: list[Block]) -> None:
    """The parts of "Tổ chức thực hiện", each heading with its items."""
    found = reader.found
    section = found.implementation_section
    parts: list[tuple[Block | None, list[Block]]] = [(None, [])]
    for block in blocks:
        if block.kind is BlockKind.PART:
            parts.append((block, []))
        elif block.kind is not BlockKind.ROW:
            parts[-1][1].append(block)
    for heading, group in parts:
        if heading is None and not group:
            continue
        label = f"{section}.{heading.number}" if heading and section else section
        heading_roles = None
        if heading is not None and ends_sentence(heading.text):
            group = [Block(BlockKind.PARAGRAPH, "", [heading.text], heading.line), *group]
        elif heading is not None:
            heading_roles = reader.analyse(heading.text)
        tasks = [
            FoundTask(label, item.text, item.line, reader.analyse(item.text), heading_roles)
            for item in items(group)
        ]
        found.assignments += tasks
        lead = heading_roles.lead if heading_roles and heading_roles.lead else None
        if lead is None and tasks:
            lead = tasks[0].roles.lead
        if lead and not found.general and any(m.stands in _COLLECTIVE for m in lead):
            found.general = list(lead)
            found.general_line = heading.line if heading is not None else tasks[0].line
