"""The report as a PDF, with the same content and layout as the Word document.

reportlab's built-in fonts have no Vietnamese letters, so DejaVu Sans (shipped with
matplotlib, every Vietnamese glyph) is registered and embedded. DejaVu is wider than Times
New Roman, hence the smaller sizes. The synthetic-data warning, when due, is printed at the
top of every page, so that no page taken out of the report can pass for real figures.
"""

from __future__ import annotations

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
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
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

from papi_etl.report.charts import font_files
from papi_etl.report.model import Bullets, Figure, Num, Paragraph, Report, Section, Table, cell_text
from papi_etl.report.wording import lower_first

FONT = "DejaVuSans"
MARGINS = {"top": 2.0 * cm, "bottom": 2.0 * cm, "left": 3.0 * cm, "right": 1.5 * cm}
LANDSCAPE_MARGIN = 2.0 * cm
HEADER_FILL = colors.HexColor("#D9E2F3")
WARNING = colors.HexColor("#C00000")

# reportlab wraps every compressed stream (the embedded fonts, the charts, the pages) in
# ASCII85 by default, in pure Python as its C accelerator is not installed: a quarter of
# the PDF's rendering time and 15 % of its size, for a 7-bit-clean file that no reader
# needs. Set here, where the process's PDFs are made.
rl_config.useA85 = 0


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    files = font_files()
    faces = {
        "regular": FONT,
        "bold": f"{FONT}-Bold",
        "italic": f"{FONT}-Oblique",
        "bold_italic": f"{FONT}-BoldOblique",
    }
    for style, name in faces.items():
        pdfmetrics.registerFont(TTFont(name, str(files[style])))
    pdfmetrics.registerFontFamily(
        FONT,
        normal=faces["regular"],
        bold=faces["bold"],
        italic=faces["italic"],
        boldItalic=faces["bold_italic"],
    )


def _style(name: str, size: float, **options: object) -> ParagraphStyle:
    options.setdefault("leading", size * 1.3)
    return ParagraphStyle(name, fontName=FONT, fontSize=size, **options)


STYLES = {
    "body": _style("body", 10.5, alignment=TA_JUSTIFY, firstLineIndent=1 * cm, spaceAfter=5),
    "bullet": _style("bullet", 10.5, alignment=TA_JUSTIFY, leftIndent=0.5 * cm, spaceAfter=3),
    "heading1": _style("heading1", 10.5, spaceBefore=6, spaceAfter=5, keepWithNext=1),
    "heading2": _style("heading2", 10.5, spaceBefore=4, spaceAfter=4, keepWithNext=1),
    "center": _style("center", 10.5, alignment=TA_CENTER),
    "title": _style("title", 12.5, alignment=TA_CENTER, leading=17),
    "caption": _style("caption", 9, alignment=TA_CENTER, spaceAfter=8),
    "table_title": _style("table_title", 9.5, alignment=TA_CENTER, spaceAfter=3),
    "note": _style("note", 8, spaceBefore=2, spaceAfter=8),
    "cell": _style("cell", 8, alignment=TA_LEFT),
    "cell_number": _style("cell_number", 8, alignment=TA_RIGHT),
    "cell_head": _style("cell_head", 8, alignment=TA_CENTER),
    "small": _style("small", 9, alignment=TA_LEFT, leading=11.5),
    "notice": _style("notice", 12, alignment=TA_CENTER, textColor=WARNING, spaceAfter=6),
}


def _p(text: str, style: str, *, bold: bool = False, italic: bool = False) -> Para:
    markup = escape(text)
    if bold:
        markup = f"<b>{markup}</b>"
    if italic:
        markup = f"<i>{markup}</i>"
    return Para(markup, STYLES[style])


def _lines(lines: list[tuple[str, bool, bool]], size: float = 10) -> list[Para]:
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
        ]
    )
    right = _lines(
        [
            (header.nation, True, False),
            (header.motto, True, False),
            ("———————————", False, False),
            (report.place_date, False, True),
        ],
        size=9.5,
    )
    grid = Grid([[left, right]], colWidths=[width * 0.38, width * 0.62])
    grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return grid


def _table(table: Table, width: float) -> list[Flowable]:
    scale = width / sum(table.widths)
    head = [_p(title, "cell_head", bold=True) for title in table.columns]
    body = [
        [_p(cell_text(value), "cell_number" if isinstance(value, Num) else "cell") for value in row]
        for row in table.rows
    ]
    grid = Grid([head, *body], colWidths=[w * scale for w in table.widths], repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    # A title never ends a page, yet a long table may start under it and run on.
    flowables: list[Flowable] = [
        CondPageBreak(4 * cm),
        _p(table.title, "table_title", bold=True),
        grid,
    ]
    flowables.append(_p(table.note, "note", italic=True) if table.note else Spacer(1, 8))
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
            flowables.append(_figure(charts[block.chart], block.caption, width - 0.5 * cm))
    return flowables


def _closing(report: Report, width: float) -> Flowable:
    left = [_p("Nơi nhận:", "small", bold=True, italic=True)]
    left += [_p(f"- {recipient}", "small") for recipient in report.recipients]
    right: list[Flowable] = _lines(
        [(report.signature.on_behalf, True, False), (report.signature.title, True, False)]
    )
    right.append(Spacer(1, 2.2 * cm))  # room for the signature and seal
    grid = Grid([[left, right]], colWidths=[width * 0.5, width * 0.5])
    grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return KeepTogether([Spacer(1, 10), grid])


def _decorate(
    report: Report, page: tuple[float, float]
) -> Callable[[Canvas, BaseDocTemplate], None]:
    """What every page carries besides its frame: the warning and the page number."""
    width, height = page

    def draw(canvas: Canvas, document: BaseDocTemplate) -> None:
        canvas.saveState()
        if report.notice and document.page > 1:  # the first page has it in large type
            canvas.setFont(f"{FONT}-Bold", 9)
            canvas.setFillColor(WARNING)
            canvas.drawCentredString(width / 2, height - 1.2 * cm, report.notice)
        if document.page > 1:  # numbered from page 2 on, as Nghị định 30/2020/NĐ-CP has it
            canvas.setFont(FONT, 9)
            canvas.setFillColor(colors.black)
            canvas.drawCentredString(width / 2, 1.0 * cm, str(document.page))
        canvas.restoreState()

    return draw


def write(report: Report, path: Path, charts: dict[str, Path]) -> Path:
    """Write the report to `path` (.pdf) with the charts' PNGs (by chart key) embedded."""
    _register_fonts()
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
            story += _table(table, landscape_width)
    document.build(story)
    return path
