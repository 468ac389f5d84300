"""A plan document's bytes as the lines `papi_etl.plan.document` reads: plain text or DOCX.

Plain text is what a legal-document portal gives when its page is copied (UTF-8). A DOCX is
read paragraph by paragraph and table by table, in the order of the document; Word's
automatic numbering is not part of a paragraph's text, so it is rendered here ("- " for a
bullet, "1.", "1.1.", "a)" as the list's level says), so that a numbered or bulleted list
reads as it does on the page. A table row keeps its cells (a cell's paragraphs one per
line). Anything else (empty, binary, a legacy .doc, a PDF, a zip that is not a Word
document, text in another encoding) is a `PlanDocumentError` saying what it is.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from papi_etl.errors import PlanDocumentError
from papi_etl.plan.document import SourceLine, fold, lines_of_text

MAX_BYTES = 20 * 1024 * 1024
# A DOCX inflates its XML 5-30 times; more than this is a zip bomb, not a plan.
MAX_INFLATED = 200 * 1024 * 1024

_ZIP = b"PK\x03\x04"
_OLE = bytes.fromhex("D0CF11E0A1B11AE1")
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = "{" + _W_NS + "}"
_NS = {"w": _W_NS}


def _fail(message_vi: str, message_en: str) -> PlanDocumentError:
    return PlanDocumentError(message_en, message_vi)


def read(path: Path) -> list[SourceLine]:
    """The lines of the document at `path`; raises PlanDocumentError when it has none."""
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise _fail("Không tìm thấy tệp văn bản.", f"{path}: no such file.") from None
    except OSError as error:
        raise _fail(
            "Không đọc được tệp văn bản.", f"{path}: cannot be read ({error.strerror})."
        ) from None
    if len(content) > MAX_BYTES:
        raise _fail(
            f"Tệp quá lớn ({len(content):,} byte) để là một kế hoạch.",
            f"The file is too large to be a plan ({len(content):,} bytes, limit {MAX_BYTES:,}).",
        )
    if content.startswith(_ZIP):
        lines = _docx_lines(content)
    elif content.startswith(_OLE):
        raise _fail(
            "Tệp là văn bản Word 97-2003 (.doc): hãy lưu lại dưới dạng .docx rồi nhập lại.",
            "The file is a legacy Word 97-2003 document (.doc): save it as .docx.",
        )
    elif content.startswith(b"%PDF"):
        raise _fail(
            "Tệp là PDF: hãy sao chép văn bản (hoặc tải bản .docx) từ cổng văn bản rồi nhập lại.",
            "The file is a PDF: copy its text (or get the .docx) from the portal.",
        )
    else:
        lines = lines_of_text(_decode(content))
    if not lines:
        raise _fail("Tệp văn bản rỗng: không có nội dung.", "The document is empty.")
    return lines


def _decode(content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = content.decode("utf-16")
    else:
        try:
            text = content.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
        except UnicodeDecodeError as error:
            raise _fail(
                "Tệp không phải văn bản UTF-8 (có thể là tệp nhị phân, hoặc văn bản mã "
                "Windows-1258/TCVN3): hãy lưu lại ở mã UTF-8 hoặc dạng .docx.",
                f"The file is not UTF-8 text (invalid byte at {error.start}): binary, or "
                "Windows-1258/TCVN3 text.",
            ) from None
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\n\r\f\v")
    if controls > max(2, len(text) // 200):
        raise _fail(
            "Tệp là tệp nhị phân, không phải văn bản.",
            f"The file is binary, not text ({controls} control characters).",
        )
    return text


def _docx_lines(content: bytes) -> list[SourceLine]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            inflated = sum(entry.file_size for entry in entries)
    except zipfile.BadZipFile:
        raise _fail(
            "Tệp nén bị hỏng hoặc không trọn vẹn.", "The file is a damaged or truncated zip."
        ) from None
    if "word/document.xml" not in names:
        raise _fail(
            "Tệp là tệp nén nhưng không phải văn bản Word (.docx).",
            "The file is a zip archive but not a Word document (.docx).",
        )
    if inflated > MAX_INFLATED:
        raise _fail(
            "Tệp .docx khi giải nén quá lớn (dấu hiệu của bom nén).",
            f"The .docx inflates to {inflated:,} bytes (a zip bomb).",
        )
    import docx  # python-docx loads lxml: only when a DOCX comes

    try:
        document = docx.Document(io.BytesIO(content))
    except Exception as error:  # hostile bytes: whatever python-docx raises means "damaged"
        raise _fail(
            "Không đọc được tệp .docx (tệp bị hỏng).",
            f"The .docx cannot be read: {type(error).__name__}: {error}.",
        ) from None
    return _Reader(document).lines()


class _Reader:
    """Walks a DOCX body in order, rendering list numbering into the paragraphs' text."""

    def __init__(self, document) -> None:
        self.document = document
        self.counters: dict[tuple[str, int], int] = {}
        self.found: list[SourceLine] = []
        self.paragraphs = 0
        self.tables = 0
        try:
            self.numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            self.numbering = None

    def lines(self) -> list[SourceLine]:
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        for child in self.document.element.body.iterchildren():
            if child.tag == f"{_W}p":
                self.paragraphs += 1
                where = (f"đoạn {self.paragraphs}", f"paragraph {self.paragraphs}")
                text = self._prefix(child) + Paragraph(child, self.document).text
                for line in text.splitlines():
                    if fold(line):
                        self.found.append(SourceLine(fold(line), *where))
            elif child.tag == f"{_W}tbl":
                self.tables += 1
                self._table(Table(child, self.document))
        return self.found

    def _table(self, table) -> None:
        for number, row in enumerate(table.rows, 1):
            cells, seen = [], set()
            for cell in row.cells:
                if id(cell._tc) in seen:  # a merged cell comes once per grid column
                    continue
                seen.add(id(cell._tc))
                texts = [self._prefix(p._p) + p.text for p in cell.paragraphs]
                cells.append("\n".join(fold(t) for t in texts if fold(t)))
            self.found.append(
                SourceLine(
                    " | ".join(fold(c) for c in cells),
                    f"bảng {self.tables}, hàng {number}",
                    f"table {self.tables}, row {number}",
                    tuple(cells),
                )
            )

    def _num_pr(self, p):
        """The paragraph's numbering (numId, ilvl), its own or its style's."""
        ppr = p.pPr
        if ppr is not None and ppr.numPr is not None and ppr.numPr.numId is not None:
            level = ppr.numPr.ilvl.val if ppr.numPr.ilvl is not None else 0
            return str(ppr.numPr.numId.val), level
        style_id = ppr.pStyle.val if ppr is not None and ppr.pStyle is not None else None
        styles = self.document.styles.element
        for _ in range(10):  # a style's numbering may come from its base style
            style = styles.get_by_id(style_id) if style_id else None
            if style is None:
                return None
            spr = style.pPr
            if spr is not None and spr.numPr is not None and spr.numPr.numId is not None:
                level = spr.numPr.ilvl.val if spr.numPr.ilvl is not None else 0
                return str(spr.numPr.numId.val), level
            style_id = style.basedOn_val
        return None

    def _level(self, num_id: str, level: int) -> tuple[str, str] | None:
        """(numFmt, lvlText) of a list level."""
        if self.numbering is None:
            return None
        from lxml import etree

        xpath = etree.XPath  # with the namespace given, whatever class lxml gave the element
        found = xpath(f'./w:num[@w:numId="{num_id}"]/w:abstractNumId/@w:val', namespaces=_NS)(
            self.numbering
        )
        if not found:
            return None
        lvl = xpath(
            f'./w:abstractNum[@w:abstractNumId="{found[0]}"]/w:lvl[@w:ilvl="{level}"]',
            namespaces=_NS,
        )(self.numbering)
        if not lvl:
            return None
        fmt = xpath("./w:numFmt/@w:val", namespaces=_NS)(lvl[0])
        text = xpath("./w:lvlText/@w:val", namespaces=_NS)(lvl[0])
        return (fmt[0] if fmt else "decimal"), (text[0] if text else "")

    def _prefix(self, p) -> str:
        numbering = self._num_pr(p)
        if numbering is None:
            return ""
        num_id, level = numbering
        shape = self._level(num_id, level)
        if shape is None or shape[0] in ("bullet", "none"):
            return "- "
        self.counters[(num_id, level)] = self.counters.get((num_id, level), 0) + 1
        for deeper in [key for key in self.counters if key[0] == num_id and key[1] > level]:
            del self.counters[deeper]
        text = shape[1] or f"%{level + 1}."
        for index in range(level + 1):
            value = self.counters.get((num_id, index), 1)
            fmt = shape[0] if index == level else (self._level(num_id, index) or ("decimal",))[0]
            text = text.replace(f"%{index + 1}", _format(value, fmt))
        return text + " "


def _format(value: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return "abcdefghijklmnopqrstuvwxyz"[(value - 1) % 26]
    if fmt in ("upperRoman", "lowerRoman"):
        numerals = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
        roman = ""
        for amount, letters in numerals:
            while value >= amount:
                roman, value = roman + letters, value - amount
        return roman if fmt == "upperRoman" else roman.lower()
    return str(value)
