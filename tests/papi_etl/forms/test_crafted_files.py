"""Crafted hostile workbooks, as an attacker would build them: every XML bomb and external
entity is refused by the byte scan AND, when the scan is bypassed, by defusedxml; a zip
bomb is bounded before anything inflates; no zip member name is ever used as a path."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
import zlib

import pytest
from reliability_ledger import record

from papi_etl import forms
from papi_etl.forms import RejectedSubmission, RejectionCode, xlsx
from papi_etl.validation import feedback

pytestmark = pytest.mark.reliability

MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SHEET = "xl/worksheets/sheet1.xml"
CELL = '<row r="1"><c r="A1" t="inlineStr"><is><t>&x;</t></is></c></row>'


def _sheet(doctype: str) -> bytes:
    return (
        f'<?xml version="1.0"?>{doctype}<worksheet {MAIN}><sheetData>{CELL}</sheetData></worksheet>'
    ).encode()


def _laughs() -> str:
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    return f'<!DOCTYPE worksheet [<!ENTITY l0 "lol">{entities}<!ENTITY x "&l9;">]>'


def _renamed(content: bytes, old: str, new: str) -> bytes:
    """The workbook with one part renamed, and every reference to it (a sheet named .dat)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            data = source.read(entry).replace(old.encode(), new.encode())
            target.writestr(new if entry.filename == old else entry.filename, data)
    return out.getvalue()


def _doctypes(httpserver) -> dict[str, str]:
    external = httpserver.url_for("/dtd")
    return {
        "billion laughs": _laughs(),
        "external entity (file)": '<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        "external entity (http)": f'<!DOCTYPE w [<!ENTITY x SYSTEM "{external}">]>',
        "external DTD": f'<!DOCTYPE w SYSTEM "{external}">',
        "parameter entity": f'<!DOCTYPE w [<!ENTITY % p SYSTEM "{external}"> %p;]>',
    }


def _read_bounded(plan, content: bytes) -> RejectedSubmission:
    tracemalloc.start()
    try:
        with pytest.raises(RejectedSubmission) as raised:
            forms.read(content, "AL.xlsx", plan)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024
    return raised.value


@pytest.mark.parametrize("name", [SHEET, "xl/worksheets/sheet1.dat", "xl/worksheets/x.png"])
def test_entities_are_refused_in_any_part_by_both_lines(plan, template_bytes, httpserver, name):
    content = template_bytes()
    if name != SHEET:
        content = _renamed(content, SHEET, name)
    tried = 0
    for label, doctype in _doctypes(httpserver).items():
        crafted = _renamed(content, name, name)  # a copy, then the part replaced below
        with zipfile.ZipFile(io.BytesIO(crafted)) as archive:
            parts = {e.filename: archive.read(e) for e in archive.infolist()}
        parts[name] = _sheet(doctype)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for part, data in parts.items():
                target.writestr(part, data)
        crafted = out.getvalue()
        if not name.endswith(".png"):  # images are not scanned: defusedxml alone guards them
            assert _read_bounded(plan, crafted).code == RejectionCode.XML_BOMB
        with pytest.raises(RejectedSubmission) as raised:
            xlsx._tables(crafted)  # the byte scan bypassed: openpyxl meets defusedxml
        # An external DTD declares nothing defusedxml forbids, and expat never loads it:
        # the undefined entity leaves the part unreadable.
        bypassed = {RejectionCode.XML_BOMB}
        if label == "external DTD":
            bypassed.add(RejectionCode.CORRUPT_WORKBOOK)
        assert raised.value.code in bypassed
        tried += 1
    assert httpserver.log == []  # nothing was ever fetched
    record(
        "hostile XLSX",
        f"XML bombs and external entities (XXE) in part {name}",
        tried,
        "xml_bomb; nothing expanded or fetched",
    )


def _zip_by_hand(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip whose headers say what we like: (name, deflated data, declared size, crc)."""
    body, central = io.BytesIO(), io.BytesIO()
    for name, data, declared, crc in entries:
        offset, encoded = body.tell(), name.encode()
        body.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                20,
                0,
                8,
                0,
                0,
                crc,
                len(data),
                declared,
                len(encoded),
                0,
            )
            + encoded
            + data
        )
        central.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0,
                crc,
                len(data),
                declared,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    directory, start = central.getvalue(), body.tell()
    body.write(directory)
    body.write(
        struct.pack(
            "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), start, 0
        )
    )
    return body.getvalue()


def _deflated(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def test_a_zip_bomb_that_lies_about_its_size_is_cut_and_fails_its_checksum(plan, template_bytes):
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    bomb = b"".join(packer.compress(b"<" * (1 << 20)) for _ in range(500)) + packer.flush()
    entries = []
    with zipfile.ZipFile(io.BytesIO(template_bytes())) as archive:
        for entry in archive.infolist():
            data = archive.read(entry)
            deflated = bomb if entry.filename == SHEET else _deflated(data)
            entries.append((entry.filename, deflated, len(data), zlib.crc32(data)))
    error = _read_bounded(plan, _zip_by_hand(entries))  # 500 MiB said to be a few KiB
    assert error.code == RejectionCode.CORRUPT_WORKBOOK and "CRC" in error.message_en
    record(
        "hostile XLSX",
        "zip bomb declaring a small size (500 MiB inflating)",
        1,
        "cut at the declared size, corrupt_workbook, < 20 MiB of memory",
    )


def test_a_zip_bomb_that_tells_the_truth_is_refused_before_inflating(plan, template_bytes):
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    bomb = b"".join(packer.compress(b" " * (1 << 20)) for _ in range(300)) + packer.flush()
    entries = []
    with zipfile.ZipFile(io.BytesIO(template_bytes())) as archive:
        for entry in archive.infolist():
            data = archive.read(entry)
            entries.append((entry.filename, _deflated(data), len(data), zlib.crc32(data)))
    entries.append(("xl/media/big.xml", bomb, 300 << 20, 0))
    error = _read_bounded(plan, _zip_by_hand(entries))
    assert error.code == RejectionCode.ZIP_BOMB
    record(
        "hostile XLSX",
        "zip bomb declaring its size (300 MiB, ratio ~1000:1)",
        1,
        "zip_bomb before anything inflates",
    )


TRAVERSING = (
    "../../../../tmp/papi-evil.txt",
    "/tmp/papi-evil-abs.txt",
    "..\\..\\evil.txt",
    "xl/../../evil.txt",
    "x" * 240 + ".xml",
    "\u2024\u2024/evil.txt",
)


def test_zip_member_names_are_never_paths(plan, template_bytes, tmp_path, rezip, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content = rezip(template_bytes(), {name: b"<x/>" for name in TRAVERSING})
    before = sorted(p for p in tmp_path.rglob("*"))
    submission = forms.read(content, "../../AL.xlsx", plan)
    assert submission.unit == "AL"
    written = feedback.write(tmp_path / "fb" / "AL.xlsx", content, "../../AL.xlsx", [], plan)
    after = sorted(p for p in tmp_path.rglob("*"))
    assert [p for p in after if p not in before] == [tmp_path / "fb", written.path]
    with zipfile.ZipFile(written.path) as archive:
        assert not [n for n in archive.namelist() if ".." in n or n.startswith("/")]
    record(
        "path traversal",
        "zip members named ../, absolute, backslashes, long, lookalike dots",
        len(TRAVERSING),
        "read as a workbook; no file written but the feedback itself",
    )
