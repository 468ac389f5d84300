"""Checks on a file's bytes before any parser touches them.

Submissions come from outside (a ward's e-mail, an HTTP upload), so a file may be huge, a
zip bomb named .xlsx, an XML bomb inside a workbook, a password-protected workbook or text
in a legacy encoding. Each is turned here into a precise rejection, so that openpyxl, csv
and json only ever see bytes that are bounded and of the form they expect.

An XLSX is a zip of XML parts. Its entries' declared sizes bound what `zipfile` will ever
inflate (it stops at the declared size and checks the CRC), so bounding the declared sizes
bounds the memory and time of everything after. XML entity declarations have no place in
an Office file and are what every XML bomb and external entity (XXE) needs; they are refused
here in every part but images, and openpyxl parses through defusedxml as a second line. A
zip whose headers understate an entry's size (a "lying" bomb) is cut at the declared size
by `zipfile`, which then fails the CRC: a corrupt workbook, for a few kilobytes of memory.
"""

from __future__ import annotations

import io
import zipfile

from papi_etl.forms.numbers import format_number
from papi_etl.forms.rejection import RejectedSubmission, RejectionCode

MIB = 1024 * 1024
DEFAULT_MAX_BYTES = 10 * MIB
MAX_UNCOMPRESSED = 100 * MIB
MAX_RATIO = 200
"""Deflate packs XML about 5-30 to 1; a zip bomb packs hundreds or a thousand to 1."""
RATIO_FROM = 1 * MIB
"""Entries smaller than this may have any ratio: they cannot add up to harm."""
MAX_ENTRIES = 1000

_OLE = bytes.fromhex("D0CF11E0A1B11AE1")
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_DECLARATIONS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
_OVERLAP = max(len(m) for m in _DECLARATIONS)
_IMAGES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svg")


def _size(count: int) -> str:
    if count >= MIB:
        return f"{format_number(round(count / MIB, 1))} MiB"
    return f"{format_number(count)} byte"


def check_size(content: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Rejects an empty file (empty_file) and one larger than `max_bytes` (too_large)."""
    if not content:
        raise RejectedSubmission(
            RejectionCode.EMPTY_FILE,
            "Tệp rỗng (0 byte): không có nội dung báo cáo.",
            "The file is empty (0 bytes).",
        )
    if len(content) > max_bytes:
        raise RejectedSubmission(
            RejectionCode.TOO_LARGE,
            f"Tệp có dung lượng {format_number(len(content))} byte ({_size(len(content))}), "
            f"vượt giới hạn {format_number(max_bytes)} byte ({_size(max_bytes)}).",
            f"The file is {len(content):,} bytes ({_size(len(content))}), over the limit of "
            f"{max_bytes:,} bytes ({_size(max_bytes)}).",
        )


def looks_like_workbook(content: bytes) -> bool:
    """True for a zip or an OLE compound file: Office formats, whatever the file's name."""
    return content.startswith(_ZIP) or content.startswith(_OLE)


def _not_xlsx(names: set[str]) -> RejectedSubmission:
    kinds = (
        ("mimetype", "tệp OpenDocument (.ods, .odt)", "an OpenDocument file (.ods, .odt)"),
        ("xl/workbook.bin", "sổ tính nhị phân Excel (.xlsb)", "a binary Excel workbook (.xlsb)"),
        ("word/document.xml", "văn bản Word (.docx)", "a Word document (.docx)"),
        ("ppt/presentation.xml", "bản trình chiếu (.pptx)", "a presentation (.pptx)"),
    )
    vi, en = "tệp nén ZIP", "a zip archive"
    for name, kind_vi, kind_en in kinds:
        if name in names:
            vi, en = kind_vi, kind_en
            break
    return RejectedSubmission(
        RejectionCode.NOT_A_WORKBOOK,
        f"Tệp là {vi}, không phải sổ tính Excel (.xlsx). Hãy dùng mẫu báo cáo .xlsx đã gửi.",
        f"The file is {en}, not an Excel workbook (.xlsx).",
    )


def _check_entries(entries: list[zipfile.ZipInfo]) -> None:
    if len(entries) > MAX_ENTRIES:
        raise RejectedSubmission(
            RejectionCode.ZIP_BOMB,
            f"Tệp nén chứa {len(entries)} thành phần, vượt giới hạn {MAX_ENTRIES}.",
            f"The workbook holds {len(entries)} entries, over the limit of {MAX_ENTRIES}.",
        )
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise RejectedSubmission(
            RejectionCode.ENCRYPTED_WORKBOOK,
            "Tệp được đặt mật khẩu. Hãy gỡ mật khẩu rồi gửi lại.",
            "The workbook is encrypted (password-protected zip entries).",
        )
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNCOMPRESSED:
        raise RejectedSubmission(
            RejectionCode.ZIP_BOMB,
            f"Khi giải nén, tệp chiếm {_size(total)}, vượt giới hạn {_size(MAX_UNCOMPRESSED)}.",
            f"The workbook inflates to {_size(total)}, over the limit of "
            f"{_size(MAX_UNCOMPRESSED)}.",
        )
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size >= RATIO_FROM and ratio > MAX_RATIO:
            raise RejectedSubmission(
                RejectionCode.ZIP_BOMB,
                f"Thành phần '{entry.filename}' được nén với tỷ lệ {ratio:.0f}:1, vượt giới "
                f"hạn {MAX_RATIO}:1 (dấu hiệu của bom nén).",
                f"Entry '{entry.filename}' has a compression ratio of {ratio:.0f}:1, over the "
                f"limit of {MAX_RATIO}:1.",
            )


def _scan_xml(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    tail = b""
    with archive.open(entry) as part:
        while chunk := part.read(MIB):
            window = tail + chunk
            if any(marker in window for marker in _DECLARATIONS):
                raise RejectedSubmission(
                    RejectionCode.XML_BOMB,
                    f"Thành phần '{entry.filename}' khai báo DTD/thực thể XML, điều mà tệp "
                    "Excel không bao giờ có (dấu hiệu của bom XML). Tệp bị từ chối.",
                    f"Entry '{entry.filename}' declares a DTD or XML entities, which no Office "
                    "file does (the mark of an XML bomb).",
                )
            tail = window[-_OVERLAP:]


def check_workbook(content: bytes) -> None:
    """Rejects bytes that are not a safe XLSX; returns quietly when openpyxl may read them.

    Raises RejectedSubmission: encrypted_workbook (an OLE file holding an encrypted package,
    or encrypted zip entries), not_a_workbook (an .xls, .ods, .docx, any other file),
    corrupt_workbook (a truncated or damaged zip), zip_bomb, xml_bomb.
    """
    if content.startswith(_OLE):
        if _ENCRYPTED_PACKAGE in content:
            raise RejectedSubmission(
                RejectionCode.ENCRYPTED_WORKBOOK,
                "Tệp được đặt mật khẩu nên không đọc được. Hãy gỡ mật khẩu (Tệp > Thông tin > "
                "Bảo vệ sổ làm việc > Mã hóa bằng mật khẩu, xóa mật khẩu) rồi gửi lại.",
                "The workbook is password-protected (an encrypted OLE package).",
            )
        raise RejectedSubmission(
            RejectionCode.NOT_A_WORKBOOK,
            "Tệp là sổ tính Excel 97-2003 (.xls). Hãy dùng mẫu báo cáo .xlsx hoặc lưu lại "
            "dưới dạng Sổ làm việc Excel (.xlsx).",
            "The file is a legacy Excel 97-2003 workbook (.xls), not .xlsx.",
        )
    if not content.startswith(_ZIP):
        raise RejectedSubmission(
            RejectionCode.NOT_A_WORKBOOK,
            "Tệp không phải sổ tính Excel (.xlsx). Hãy dùng mẫu báo cáo .xlsx đã gửi.",
            "The file is not an Excel workbook (.xlsx): it is not a zip archive.",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            _check_entries(entries)
            names = {entry.filename for entry in entries}
            if "xl/workbook.xml" not in names:
                raise _not_xlsx(names)
            for entry in entries:
                # Every part but images, whatever its name: the workbook's relationships may
                # point openpyxl at a sheet named "sheet1.dat". (An image that a workbook
                # passes off as a sheet still meets defusedxml.)
                if not entry.filename.lower().endswith(_IMAGES):
                    _scan_xml(archive, entry)
    except RejectedSubmission:
        raise
    except Exception as error:  # hostile bytes: whatever zipfile raises means "damaged"
        raise RejectedSubmission(
            RejectionCode.CORRUPT_WORKBOOK,
            "Tệp Excel bị hỏng hoặc không trọn vẹn (có thể chưa tải về xong). Hãy mở lại "
            "bằng Excel, lưu lại rồi gửi lại.",
            f"The workbook is damaged or truncated: {type(error).__name__}: {error}.",
        ) from None


def decode_text(content: bytes, form: str) -> str:
    """The text of a CSV or JSON file, which must be UTF-8 (with or without a BOM).

    Excel in a Vietnamese locale saves "CSV" in Windows-1258 and "Unicode text" in UTF-16;
    either would come out as mojibake, so it is refused with how to save it right.
    Raises RejectedSubmission(bad_encoding).
    """
    how = (
        "Hãy lưu lại bằng 'CSV UTF-8 (Comma delimited) (*.csv)'."
        if form == "CSV"
        else "Hãy lưu tệp ở mã UTF-8."
    )
    if content.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in content[:4096]:
        raise RejectedSubmission(
            RejectionCode.BAD_ENCODING,
            f"Tệp {form} được lưu ở mã UTF-16 (Unicode text) hoặc không phải tệp văn bản, "
            f"không ở mã UTF-8. {how}",
            f"The {form} file is UTF-16 (or binary), not UTF-8.",
        )
    try:
        return content.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        byte = content[error.start]
        raise RejectedSubmission(
            RejectionCode.BAD_ENCODING,
            f"Tệp {form} không ở mã UTF-8: byte 0x{byte:02X} ở dòng {line} không hợp lệ; có "
            f"thể tệp được lưu bằng mã Windows-1258 hoặc TCVN3. {how}",
            f"The {form} file is not UTF-8: byte 0x{byte:02X} on line {line} is invalid "
            "(probably Windows-1258 or TCVN3).",
        ) from None
