"""The content model of a consolidated report: frozen dataclasses every renderer reads.

A `Report` is what the report says, independent of the file format: header fields, title,
summary, sections made of paragraphs, bullet lists, tables and figures, annex tables, chart
specs, recipients, and its `Edition` (version, supplementary, changes). `content.build`
makes one from the metrics; the DOCX, PDF, XLSX, Markdown and chart renderers lay it out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from papi_etl.report import notation
from papi_etl.report.notation import Fmt

SYNTHETIC_NOTICE = "DỮ LIỆU MÔ PHỎNG – không phải số liệu thật"
DATE_TO_FILL = "ngày ... tháng ... năm ..."


@dataclass(frozen=True)
class Num:
    """A number in a table: the value for spreadsheets, the format for every reader."""

    value: float | None
    fmt: Fmt

    @property
    def text(self) -> str:
        return notation.formatted(self.value, self.fmt)


Cell = str | Num


def cell_text(cell: Cell) -> str:
    return cell.text if isinstance(cell, Num) else cell


@dataclass(frozen=True)
class Table:
    """A table with one header row; `key` names its XLSX sheet (at most 31 characters).

    `widths` are the columns' relative widths, shared by every renderer. `stand_in`, when
    given, is what the DOCX and the PDF print under the title instead of the rows: for an
    annex that repeats a table of the body, or one too long to print, which the XLSX
    workbook holds in full.
    """

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[float, ...]
    note: str = ""
    stand_in: str = ""


@dataclass(frozen=True)
class Paragraph:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Figure:
    """A place for the chart `chart` (a `Chart.key`) in the text."""

    chart: str
    caption: str


Block = Paragraph | Bullets | Table | Figure


@dataclass(frozen=True)
class Section:
    """A heading and what follows it; level 1 is "I. ...", level 2 is "1. ..."."""

    heading: str
    level: int
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class Chart:
    """What a chart shows; `charts.render` draws it. kind: "barh", "bar" or "line"."""

    key: str
    kind: str
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    axis_label: str
    axis_max: float
    fmt: Fmt


@dataclass(frozen=True)
class Header:
    """The official header block: issuing body on the left, national heading on the right."""

    authority: str
    authority_area: str
    nation: str
    motto: str
    number: str
    place: str


@dataclass(frozen=True)
class Signature:
    """The signature block: "TM. ỦY BAN NHÂN DÂN", the title, room for the signature and
    the seal, then the signer's name."""

    on_behalf: str
    title: str
    name: str = ""


@dataclass(frozen=True)
class IndicatorFigure:
    code: str
    name: str
    unit_of_measure: str
    value: float | None
    fmt: Fmt


@dataclass(frozen=True)
class Facts:
    """The key figures a supplementary report compares with the version already sent."""

    expected: int
    received: int
    on_time: int
    reporting_rate: float | None
    on_time_reporting_rate: float | None
    completeness_rate: float | None
    index_overall: float | None
    index_by_dimension: tuple[tuple[str, float | None], ...]
    counted_units: tuple[str, ...]
    indicators: tuple[IndicatorFigure, ...]


@dataclass(frozen=True)
class Edition:
    """Which version of the period's report this is; not part of the content's hash.

    `issued_on` is the day the version was first produced (the date line), `changes` what
    differs from the last version delivered (a supplementary report only).
    """

    version: int
    supplementary: bool
    changes: tuple[str, ...]
    issued_on: dt.date
    replaces_version: int | None = None


@dataclass(frozen=True)
class Report:
    """The whole report. `attention` lists the units late, missing or left out (one line
    per kind), which section I shows and the overview renderers repeat."""

    plan_id: str
    period_code: str
    period_label: str
    header: Header
    subject: str
    synthetic: bool
    preamble: str
    summary: tuple[str, ...]
    attention: tuple[str, ...]
    sections: tuple[Section, ...]
    annexes: tuple[Table, ...]
    charts: tuple[Chart, ...]
    recipients: tuple[str, ...]
    signature: Signature
    facts: Facts
    edition: Edition

    @property
    def heading(self) -> str:
        return "BÁO CÁO BỔ SUNG" if self.edition.supplementary else "BÁO CÁO"

    @property
    def place_date(self) -> str:
        """The place and date line, the date left for the office to fill in on the day the
        report is signed and issued (not the day it was generated)."""
        return f"{self.header.place}, {DATE_TO_FILL}"

    @property
    def notice(self) -> str | None:
        """The warning printed above everything when the figures are not real."""
        return SYNTHETIC_NOTICE if self.synthetic else None

    @property
    def file_stem(self) -> str:
        return f"bao-cao-papi-{self.period_code}-v{self.edition.version}"

    def document_sections(self) -> tuple[Section, ...]:
        """The sections in reading order; a supplementary report opens with its changes."""
        if not self.edition.supplementary:
            return self.sections
        replaced = self.edition.replaces_version
        intro = (
            f"Báo cáo này bổ sung, thay thế báo cáo phiên bản {replaced} đã gửi. "
            "Các nội dung thay đổi so với báo cáo đã gửi:"
            if replaced is not None
            else "Các nội dung thay đổi so với báo cáo đã gửi:"
        )
        changes = Section(
            "NỘI DUNG BỔ SUNG, ĐIỀU CHỈNH",
            1,
            (Paragraph(intro), Bullets(self.edition.changes)),
        )
        return (changes, *self.sections)

    def table(self, key: str) -> Table:
        """The body table with that key (the overview renderers pick a few by key)."""
        return next(
            block
            for section in self.sections
            for block in section.blocks
            if isinstance(block, Table) and block.key == key
        )
