"""Every rejection code: the exact code, and a message that names the fault."""

from __future__ import annotations

import io
import json
import unicodedata
import zipfile
from collections.abc import Callable

import pytest
from sqlalchemy import select

from papi_etl import archive, forms, schema
from papi_etl.collect import collect
from papi_etl.forms import RejectedSubmission, RejectionCode
from papi_etl.forms.safety import MAX_ENTRIES
from papi_etl.ingest import Outcome
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.sources.inbox import InboxSource
from papi_etl.store.schema import RawFile
from papi_etl.workspace import open_workspace

HEADER = "unit,period,task,status,result,evidence,difficulties,proposals,indicator,value,note\n"
OLE = bytes.fromhex("D0CF11E0A1B11AE1")


def _csv(*rows: str) -> bytes:
    return (HEADER + "".join(f"{row}\n" for row in rows)).encode()


def _json(**fields) -> bytes:
    data = {"unit": "AL", "period": "2019-Q1", "tasks": [], "indicators": []} | fields
    return json.dumps(data, ensure_ascii=False).encode()


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def _encrypted(content: bytes) -> bytes:
    """The zip with bit 0 (encrypted) set in every entry's flags, local and central."""
    patched = bytearray(content)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = patched.find(signature)
        while start != -1:
            patched[start + offset] |= 0x1
            start = patched.find(signature, start + 4)
    return bytes(patched)


def _cp1258(text: str) -> bytes:
    """`text` as Excel saves "CSV" in a Vietnamese locale: Windows-1258, tone marks combining."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", char)
        for i, mark in enumerate(marks):
            rest = "".join(marks[:i] + marks[i + 1 :])
            try:
                out += unicodedata.normalize("NFC", base + mark).encode("cp1258") + rest.encode(
                    "cp1258"
                )
                break
            except UnicodeEncodeError:
                continue
        else:
            out += unicodedata.normalize("NFD", char).encode("cp1258")
    return bytes(out)


def _billion_laughs(root: str) -> bytes:
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)).replace(
        "&lol0;", "lol"
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE {root} [{entities}]>'
        f'<{root} xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<si><t>&lol9;</t></si>"
        f"</{root}>"
    ).encode()


# code -> (make the file from the fixtures, its name, words the Vietnamese message must hold)
Case = tuple[Callable[..., bytes], str, tuple[str, ...]]
CASES: dict[RejectionCode, Case] = {
    RejectionCode.EMPTY_FILE: (lambda f: b"", "AL.xlsx", ("rỗng",)),
    RejectionCode.TOO_LARGE: (
        lambda f: b"x" * (10 * 1024 * 1024 + 1),
        "AL.csv",
        ("10.485.761 byte", "giới hạn 10.485.760 byte"),
    ),
    RejectionCode.NOT_A_WORKBOOK: (
        lambda f: OLE + b"\0" * 512 + "Workbook".encode("utf-16-le"),
        "AL.xls",
        ("Excel 97-2003 (.xls)",),
    ),
    RejectionCode.ENCRYPTED_WORKBOOK: (
        lambda f: OLE + b"\0" * 512 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 64,
        "AL.xlsx",
        ("được đặt mật khẩu",),
    ),
    RejectionCode.CORRUPT_WORKBOOK: (
        lambda f: f.template_bytes()[:5000],
        "AL.xlsx",
        ("bị hỏng hoặc không trọn vẹn",),
    ),
    RejectionCode.ZIP_BOMB: (
        lambda f: f.rezip(f.template_bytes(), {"xl/media/image1.png": b"\0" * (3 * 1024 * 1024)}),
        "AL.xlsx",
        ("xl/media/image1.png", "200:1"),
    ),
    RejectionCode.XML_BOMB: (
        lambda f: f.rezip(f.template_bytes(), {"xl/sharedStrings.xml": _billion_laughs("sst")}),
        "AL.xlsx",
        ("xl/sharedStrings.xml", "bom XML"),
    ),
    RejectionCode.MISSING_SHEET: (
        lambda f: f.edit(f.template_bytes(), lambda b: setattr(b["ChiSo"], "title", "Sheet2")),
        "AL.xlsx",
        ("'ChiSo'", "'NhiemVu', 'Sheet2', 'HuongDan'"),
    ),
    RejectionCode.MISSING_COLUMNS: (
        lambda f: _csv("AL,2019-Q1,D1.01").replace(b",evidence,", b",minh chung,"),
        "AL.csv",
        ("evidence", "Văn bản minh chứng"),
    ),
    RejectionCode.BAD_ENCODING: (
        lambda f: _csv("AL,2019-Q1,D1.01,Hoàn thành,,,,,,,").decode().encode("utf-16"),
        "AL.csv",
        ("UTF-16", "CSV UTF-8"),
    ),
    RejectionCode.BAD_CSV: (
        lambda f: _csv("AL,2019-Q1,D1.01,,,,,,I1.01,5,"),
        "AL.csv",
        ("Dòng 2", "dòng này ghi: unit, period, task, indicator, value"),
    ),
    RejectionCode.BAD_JSON: (
        lambda f: b'{"unit": "AL", "period": "2019-Q1", "tasks": [}',
        "AL.json",
        ("dòng 1, cột 47",),
    ),
    RejectionCode.TOO_MANY_ROWS: (
        lambda f: _csv(*["AL,2019-Q1,D1.01,,,,,,,,"] * 5001),
        "AL.csv",
        ("5000",),
    ),
    RejectionCode.NO_ROWS: (lambda f: _json(), "AL.json", ("không có dòng số liệu",)),
    RejectionCode.UNKNOWN_UNIT: (
        lambda f: _json(unit="P99", tasks=[{"task": "D1.01"}]),
        "AL.json",
        ("'P99'", "AL, ALA, BHH"),
    ),
    RejectionCode.UNKNOWN_PERIOD: (
        lambda f: _csv("AL,2020-Q1,D1.01,,,,,,,,"),
        "AL.csv",
        ("'2020-Q1'", "dòng 2", "2019-Q1, 2019-6M, 2019-9M, 2019-Y"),
    ),
    RejectionCode.UNKNOWN_TASK: (
        lambda f: _csv("AL,2019-Q1,D1.01,,,,,,,,", "AL,2019-Q1,D9.99,,,,,,,,"),
        "AL.csv",
        ("'D9.99' (dòng 3 của tệp CSV)",),
    ),
    RejectionCode.UNKNOWN_INDICATOR: (
        lambda f: _json(indicators=[{"indicator": "I1.01"}, {"indicator": "X7"}]),
        "AL.json",
        ("'X7' (phần tử 2 của mảng indicators)",),
    ),
    RejectionCode.MIXED_UNITS: (
        lambda f: _csv("AL,2019-Q1,D1.01,,,,,,,,", "BHH,2019-Q1,D1.02,,,,,,,,"),
        "AL.csv",
        ("AL (dòng 2 của tệp CSV)", "BHH (dòng 3 của tệp CSV)"),
    ),
    RejectionCode.MIXED_PERIODS: (
        lambda f: _csv("AL,2019-Q1,D1.01,,,,,,,,", "AL,2019-6m,D1.02,,,,,,,,"),
        "AL.csv",
        ("2019-Q1", "2019-6M (dòng 3 của tệp CSV)"),
    ),
}


class _Fixtures:
    def __init__(self, request: pytest.FixtureRequest) -> None:
        self.template_bytes = request.getfixturevalue("template_bytes")
        self.rezip = request.getfixturevalue("rezip")
        self.edit = request.getfixturevalue("edit")


# Codes that intake (papi_etl.ingest) raises against who sent a file and when; reading never does.
INTAKE_CODES = {"unknown_unit_folder", "unknown_sender", "wrong_unit", "period_not_started"}


def test_every_code_a_reader_raises_has_a_case():
    assert set(CASES) == {code for code in RejectionCode if code not in INTAKE_CODES}


@pytest.mark.parametrize("code", list(CASES), ids=str)
def test_each_rejection_has_its_code_and_names_the_fault(plan, request, code):
    make, name, words = CASES[code]
    with pytest.raises(RejectedSubmission) as raised:
        forms.read(make(_Fixtures(request)), name, plan)
    assert raised.value.code == code
    for word in words:
        assert word in raised.value.message_vi
    assert raised.value.message_en and raised.value.message_en != raised.value.message_vi


@pytest.mark.parametrize("code", list(CASES), ids=str)
def test_each_bad_file_collected_is_rejected_and_its_bytes_kept(plan, request, tmp_path, code):
    """Through the whole intake: the run goes on, the reason is stored, the bytes archived."""
    make, name, _words = CASES[code]
    content = make(_Fixtures(request))
    inbox = tmp_path / "inbox"
    (inbox / "AL").mkdir(parents=True)
    (inbox / "AL" / name).write_bytes(content)
    (inbox / "AL" / "hop-le.json").write_bytes(
        _json(tasks=[{"task": "D1.01", "status": "hoan_thanh"}])
    )
    workspace = open_workspace(Settings(data_dir=tmp_path / "data"), load(DEFAULT_PLAN))
    result = collect(workspace.sessions, plan, [InboxSource(inbox)], workspace.data_dir)
    by_file = {item.file: item for item in result.items}
    rejected = by_file[f"AL/{name}"]
    assert (rejected.outcome, rejected.rejection_code) == (Outcome.REJECTED, code)
    assert by_file["AL/hop-le.json"].outcome is Outcome.NEW
    assert archive.read(workspace.data_dir, archive.digest(content)) == content
    with workspace.sessions() as session:
        raw = session.scalars(
            select(RawFile).where(RawFile.sha256 == archive.digest(content))
        ).one()
        assert raw.rejection_code == code and raw.rejection_reason_vi == rejected.reason_vi


def test_the_size_limit_is_a_parameter(plan, template_bytes):
    content = template_bytes()
    with pytest.raises(RejectedSubmission) as raised:
        forms.read(content, "AL.xlsx", plan, max_bytes=1000)
    assert raised.value.code == RejectionCode.TOO_LARGE
    assert forms.read(content, "AL.xlsx", plan, max_bytes=len(content)).unit == "AL"


def test_a_windows_1258_csv_is_refused_with_the_reason(plan):
    text = _csv("AL,2019-Q1,D1.01,Hoàn thành,Đã tổ chức hội nghị,,,,,,").decode()
    legacy = _cp1258(text)
    assert unicodedata.normalize("NFC", legacy.decode("cp1258")) == text
    with pytest.raises(RejectedSubmission) as raised:
        forms.read(legacy, "AL.csv", plan)
    assert raised.value.code == RejectionCode.BAD_ENCODING
    assert "Windows-1258" in raised.value.message_vi and "dòng 2" in raised.value.message_vi


@pytest.mark.parametrize(
    ("entries", "words"),
    [
        ({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}, ("OpenDocument",)),
        ({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}, ("Word (.docx)",)),
        ({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\0"}, (".xlsb",)),
        ({"readme.txt": b"hello"}, ("tệp nén ZIP",)),
    ],
)
def test_other_zip_files_are_named_for_what_they_are(plan, entries, words):
    with pytest.raises(RejectedSubmission) as raised:
        forms.read(_zip(entries), "AL.xlsx", plan)
    assert raised.value.code == RejectionCode.NOT_A_WORKBOOK
    assert all(word in raised.value.message_vi for word in words)


def test_a_file_named_xlsx_that_is_text_is_not_a_workbook(plan):
    with pytest.raises(RejectedSubmission) as raised:
        forms.read(_csv("AL,2019-Q1,D1.01,,,,,,,,"), "AL.xlsx", plan)
    assert raised.value.code == RejectionCode.NOT_A_WORKBOOK


def test_encrypted_zip_entries_are_a_password(plan, template_bytes):
    with pytest.raises(RejectedSubmission) as raised:
        forms.read(_encrypted(template_bytes()), "AL.xlsx", plan)
    assert raised.value.code == RejectionCode.ENCRYPTED_WORKBOOK


def test_too_many_entries_is_a_zip_bomb(plan):
    content = _zip({f"xl/part{i}.xml": b"<a/>" for i in range(MAX_ENTRIES + 1)})
    with pytest.raises(RejectedSubmission) as raised:
        forms.read(content, "AL.xlsx", plan)
    assert raised.value.code == RejectionCode.ZIP_BOMB
    assert str(MAX_ENTRIES + 1) in raised.value.message_vi


def test_a_workbook_inflating_past_the_limit_is_a_zip_bomb(plan, template_bytes, rezip):
    # Many entries each under the ratio check's floor, together past 100 MiB.
    chunk = bytes(range(256)) * 4096  # 1 MiB that deflate cannot shrink much
    parts = {f"xl/media/image{i}.bin": chunk for i in range(101)}
    with pytest.raises(RejectedSubmission) as raised:
        forms.read(rezip(template_bytes(), parts), "AL.xlsx", plan, max_bytes=200 * 1024 * 1024)
    assert raised.value.code == RejectionCode.ZIP_BOMB
    assert "100 MiB" in raised.value.message_vi


def test_unknown_task_lists_every_unknown_code_with_its_row(plan):
    with pytest.raises(RejectedSubmission) as raised:
        forms.read(_csv(*[f"AL,2019-Q1,X{i},,,,,,,," for i in range(12)]), "AL.csv", plan)
    assert "'X0' (dòng 2 của tệp CSV)" in raised.value.message_vi
    assert "và 2 mã khác" in raised.value.message_vi


def test_a_row_without_a_task_code_in_a_workbook_is_named(plan, template_bytes, edit, keys_of):
    def blank_code(book):
        sheet = book[schema.TASK_SHEET]
        sheet.cell(row=10, column=keys_of(sheet)[schema.TASK]).value = None
        sheet.cell(row=10, column=keys_of(sheet)[schema.STATUS]).value = "Hoàn thành"

    with pytest.raises(RejectedSubmission) as raised:
        forms.read(edit(template_bytes(), blank_code), "AL.xlsx", plan)
    assert raised.value.code == RejectionCode.UNKNOWN_TASK
    assert "'(trống)' (dòng 10 của sheet NhiemVu)" in raised.value.message_vi


def test_a_file_without_any_unit_says_so(plan):
    with pytest.raises(RejectedSubmission) as raised:
        forms.read(_csv(",2019-Q1,D1.01,hoan_thanh,,,,,,,"), "x.csv", plan)
    assert raised.value.code == RejectionCode.UNKNOWN_UNIT
    assert "không ghi mã đơn vị" in raised.value.message_vi
