"""The report as a PDF, with the same content and layout as the Word document.

The form of Nghị định 30/2020/NĐ-CP, as the DOCX: A4, margins 2 cm top and bottom, 3 cm
left, 1.5 cm right; the text in Times New Roman 13 pt, or the font with its metrics that
`fonts` finds (Liberation Serif), embedded; the page number at the top centre from page 2
on; the annexes on landscape pages. Tables are set in 10 pt or less, at the size at which
their widest word fits its column (`widths`), so that no number or word is broken. The
synthetic-data warning, when due, is printed at the foot of every page after the first
(which has it in large type at the top), so that no page taken out of the report can pass
for real figures.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Paragraph as Para
from reportlab.platypus import Table as Grid

from papi_etl.report import fonts, widths
from papi_etl.report.model import Bullets, Figure, Num, Paragraph, Report, Section, Table
from papi_etl.report.notation import NBSP
from papi_etl.report.wording import lower_first

BODY_PT = 13
TABLE_PT = 10.0  # the largest table text; smaller when a word would not fit its column
ANNEX_PT = 8.5
FIGURE_CM = 12.0  # charts a little narrower than the text: shorter, still legible
CELL_PADDING = 2.5  # points, left and right of a cell's text
MARGINS = {"top": 2.0 * cm, "bottom": 2.0 * cm, "left": 3.0 * cm, "right": 1.5 * cm}
LANDSCAPE_MARGIN = 2.0 * cm
HEADER_FILL = colors.HexColor("#D9E2F3")
WARNING = colors.HexColor("#C00000")

# reportlab wraps every compressed stream (the embedded fonts, the charts, the pages) in
# ASCII85 by default, in pure Python as its C accelerator is not installed: a quarter of
# the PDF's rendering time and 15 % of its size, for a 7-bit-clean file that no reader
# needs. Set here, where the process's PDFs are made.
rl_config.useA85 = 0


def _style(name: str, size: float, **options: object) -> ParagraphStyle:
    options.setdefault("leading", size * 1.15)  # single line spacing, as Word sets it
    return ParagraphStyle(name, fontName=fonts.serif().face("regular"), fontSize=size, **options)


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles, made once the serif is registered."""
    return {
        "body": _style("body", BODY_PT, alignment=TA_JUSTIFY, firstLineIndent=1 * cm, spaceAfter=6),
        "bullet": _style(
            "bullet", BODY_PT, alignment=TA_JUSTIFY, firstLineIndent=1 * cm, spaceAfter=3
        ),
        "heading1": _style("heading1", BODY_PT, spaceBefore=6, spaceAfter=6, keepWithNext=1),
        "heading2": _style("heading2", BODY_PT, spaceBefore=4, spaceAfter=6, keepWithNext=1),
        "center": _style("center", BODY_PT, alignment=TA_CENTER),
        "title": _style("title", 14, alignment=TA_CENTER),
        "caption": _style("caption", 11, alignment=TA_CENTER, spaceAfter=8),
        "table_title": _style("table_title", 11.5, alignment=TA_CENTER, spaceAfter=3),
        "note": _style("note", 10, spaceBefore=2, spaceAfter=8),
        "small": _style("small", 11, alignment=TA_LEFT),
        "notice": _style("notice", 14, alignment=TA_CENTER, textColor=WARNING, spaceAfter=6),
    }


def _p(text: str, style: str | ParagraphStyle, *, bold: bool = False, italic: bool = False) -> Para:
    markup = escape(text)
    if bold:
        markup = f"<b>{markup}</b>"
    if italic:
        markup = f"<i>{markup}</i>"
    return Para(markup, _styles()[style] if isinstance(style, str) else style)


def _lines(lines: list[tuple[str, bool, bool]], size: float = BODY_PT) -> list[Para]:
    style = _style("lines", size, alignment=TA_CENTER)
    out = []
    for text, bold, italic in lines:
        markup = escape(text)
        markup = f"<b>{markup}</b>" if bold else markup
        out.append(Para(f"<i>{markup}</i>" if italic else markup, style))
    return out


def _header(report: Report, width: float) -> Grid:
    header = report.header
    left = _lines(
        [
            (header.authority, False, False),
            (header.authority_area, True, False),
            ("———", False, False),
            (header.number, False, False),
        ],
        size=12.5,
    )
    right = _lines(
        [
            (header.nation, True, False),
            (header.motto, True, False),
            ("———————————", False, False),
            (report.place_date, False, True),
        ],
        size=12.5,
    )
    grid = Grid([[left, right]], colWidths=[width * 0.38, width * 0.62])
    grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return grid


def _cell_styles(size: float) -> dict[str, ParagraphStyle]:
    return {
        "cell": _style("cell", size, alignment=TA_LEFT),
        "number": _style("number", size, alignment=TA_RIGHT),
        "head": _style("head", size, alignment=TA_CENTER),
    }


def _cell(value: str | Num, styles: dict[str, ParagraphStyle]) -> Para:
    if isinstance(value, Num):  # a number is never broken: its spaces do not break
        return _p(value.text.replace(" ", NBSP), styles["number"])
    return _p(value, styles["cell"])


def _table(table: Table, width: float, largest: float = TABLE_PT) -> list[Flowable]:
    title = _p(table.title, "table_title", bold=True)
    if table.stand_in:
        return [CondPageBreak(2 * cm), title, _p(table.stand_in, "note", italic=True)]
    size, columns = widths.fit(table, width, CELL_PADDING, largest)
    styles = _cell_styles(size)
    head = [_p(name, styles["head"], bold=True) for name in table.columns]
    body = [[_cell(value, styles) for value in row] for row in table.rows]
    style = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ]
    )
    # A tall row may run on to the next page, so that a table fills the page it starts on.
    grid = Grid([head, *body], colWidths=columns, repeatRows=1, splitInRow=1)
    grid.setStyle(style)
    # A title never ends a page: it starts one when its header and two lines do not fit.
    header = Grid([head], colWidths=columns)
    header.setStyle(style)
    _, needed = header.wrap(width, 10_000)
    _, titled = title.wrap(width, 10_000)
    lines = 2 * size * 1.15 + 4
    flowables: list[Flowable] = [CondPageBreak(titled + needed + lines), title, grid]
    flowables.append(_p(table.note, "note", italic=True) if table.note else Spacer(1, 6))
    return flowables


def _figure(path: Path, caption: str, width: float) -> Flowable:
    pixels_wide, pixels_high = ImageReader(str(path)).getSize()
    image = Image(str(path), width=width, height=width * pixels_high / pixels_wide)
    return KeepTogether([image, _p(caption, "caption", italic=True)])


def _section(section: Section, charts: dict[str, Path], width: float) -> list[Flowable]:
    style = "heading1" if section.level == 1 else "heading2"
    flowables: list[Flowable] = [_p(section.heading, style, bold=True)]
    for block in section.blocks:
        if isinstance(block, Paragraph):
            flowables.append(_p(block.text, "body", bold=block.bold, italic=block.italic))
        elif isinstance(block, Bullets):
            flowables += [_p(f"- {item}", "bullet") for item in block.items]
        elif isinstance(block, Table):
            flowables += _table(block, width)
        elif isinstance(block, Figure) and block.chart in charts:
            flowables.append(_figure(charts[block.chart], block.caption, FIGURE_CM * cm))
    return flowables


def _closing(report: Report, width: float) -> Flowable:
    left = [_p("Nơi nhận:", _style("to", 12), bold=True, italic=True)]
    left += [_p(f"- {recipient}", "small") for recipient in report.recipients]
    signature = report.signature
    right: list[Flowable] = _lines(
        [(signature.on_behalf, True, False), (signature.title, True, False)]
    )
    right.append(Spacer(1, 2.6 * cm))  # room for the signature and seal
    if signature.name:
        right += _lines([(signature.name, True, False)], size=14)
    grid = Grid([[left, right]], colWidths=[width * 0.5, width * 0.5])
    grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return KeepTogether([Spacer(1, 10), grid])


def _decorate(
    report: Report, page: tuple[float, float]
) -> Callable[[Canvas, BaseDocTemplate], None]:
    """What every page carries besides its frame: the warning and the page number."""
    width, height = page

    family = fonts.serif()

    def draw(canvas: Canvas, document: BaseDocTemplate) -> None:
        if document.page == 1:  # numbered from page 2 on, as Nghị định 30/2020/NĐ-CP has it
            return
        canvas.saveState()
        canvas.setFont(family.face("regular"), 13)
        canvas.drawCentredString(width / 2, height - 1.3 * cm, str(document.page))
        if report.notice:  # the first page has it in large type
            canvas.setFont(family.face("bold"), 9)
            canvas.setFillColor(WARNING)
            canvas.drawCentredString(width / 2, 1.0 * cm, report.notice)
        canvas.restoreState()

    return draw


def write(report: Report, path: Path, charts: dict[str, Path]) -> Path:
    """Write the report to `path` (.pdf) with the charts' PNGs (by chart key) embedded."""
    portrait_width = A4[0] - MARGINS["left"] - MARGINS["right"]
    wide = landscape(A4)
    landscape_width = wide[0] - 2 * LANDSCAPE_MARGIN
    document = BaseDocTemplate(
        str(path),
        pagesize=A4,
        title=f"{report.heading} {report.subject}",
        author=f"{report.header.authority} {report.header.authority_area}",
        lang="vi-VN",
        **{f"{side}Margin": size for side, size in MARGINS.items()},
    )
    document.addPageTemplates(
        [
            PageTemplate(
                "portrait",
                [
                    Frame(
                        MARGINS["left"],
                        MARGINS["bottom"],
                        portrait_width,
                        A4[1] - MARGINS["top"] - MARGINS["bottom"],
                        id="portrait",
                    )
                ],
                onPage=_decorate(report, A4),
                pagesize=A4,
            ),
            PageTemplate(
                "landscape",
                [
                    Frame(
                        LANDSCAPE_MARGIN,
                        LANDSCAPE_MARGIN,
                        landscape_width,
                        wide[1] - 2 * LANDSCAPE_MARGIN,
                        id="landscape",
                    )
                ],
                onPage=_decorate(report, wide),
                pagesize=wide,
            ),
        ]
    )
    story: list[Flowable] = []
    if report.notice:
        story.append(_p(report.notice, "notice", bold=True))
    story += [
        _header(report, portrait_width),
        Spacer(1, 14),
        _p(report.heading, "title", bold=True),
        _p(report.subject, "title", bold=True),
        _p("———————", "center"),
        Spacer(1, 8),
        _p(report.preamble, "body"),
        _p("Tóm tắt kết quả:", "body", bold=True, italic=True),
    ]
    story += [_p(f"- {sentence}", "bullet") for sentence in report.summary]
    for section in report.document_sections():
        story += _section(section, charts, portrait_width)
    story.append(_closing(report, portrait_width))
    if report.annexes:
        story += [NextPageTemplate("landscape"), PageBreak()]
        story.append(_p("PHỤ LỤC", "title", bold=True))
        story.append(_p(f"(Kèm theo báo cáo {lower_first(report.subject)})", "center", italic=True))
        story.append(Spacer(1, 8))
        for table in report.annexes:
            story += _table(table, landscape_width, ANNEX_PT)
    document.build(story)
    return path
