"""Fuzzing the readers of the three forms and of the plan file, and the intake behind them.

The property, whatever the input: a reader returns a submission (its text NFC) or raises
`RejectedSubmission` with a code and a reason in both languages, and nothing else; through
intake, the bytes are archived and a raw-file row kept, read or rejected. Examples come
from hypothesis with a fixed seed (derandomize), so CI tries the same inputs every run;
`PAPI_FUZZ_SCALE=N` tries N times as many. Each test records in the reliability ledger how
many inputs it tried and what came of them.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from hostile_text import FORMULAS, MARKUP
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_ledger import record
from sqlalchemy import func, select

from papi_etl import archive, forms, schema
from papi_etl.forms import RejectedSubmission, RejectionCode, template
from papi_etl.forms.template import FIRST_ROW
from papi_etl.ingest import ingest
from papi_etl.plan import assignments, load
from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.sources.base import Received
from papi_etl.store import schema as store_schema
from papi_etl.submission import Submission
from papi_etl.workspace import open_workspace

pytestmark = pytest.mark.reliability
SCALE = max(int(os.environ.get("PAPI_FUZZ_SCALE", "1")), 1)
SHEET = "xl/worksheets/sheet1.xml"
ARRIVED = dt.datetime(2019, 3, 5, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
WORDS = (
    "Hoàn thành",
    unicodedata.normalize("NFD", "Hoàn thành"),  # as a Mac types it
    "\u202eHoàn thành",  # right-to-left override
    "Đang\u200ftriển khai",  # right-to-left mark inside
    "AL",
    "\u200bAL",
    "al ",
    "BTĐ",
    "2019-Q1",
    "2019-q1",
    "D1.01",
    "I1.01",
    "1.234,5",
    "85%",
    "-3",
    "không phát sinh",
    "",
    " ",
    "\x00\x01\x1f",
    "\r\n\t",
    "🙂",
    "\ud7ff\ufffe\uffff",
    *FORMULAS,
    *MARKUP,
)


def fuzz(examples: int) -> Callable:
    return settings(
        max_examples=examples * SCALE,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )


def texts() -> st.SearchStrategy[str]:
    """Words a unit writes, hostile ones, any text, and now and then a huge cell."""
    repeated = st.builds(
        lambda word, n: word * (n * 1000 if n == 40 else n),
        st.sampled_from(("x", "ệ", "=1+", "\u202e")),
        st.integers(0, 40),
    )
    return st.one_of(st.sampled_from(WORDS), st.text(max_size=30), repeated)


def scalars() -> st.SearchStrategy[object]:
    return st.one_of(
        texts(),
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**30), max_value=10**30),
        st.floats(allow_nan=False, allow_infinity=False),
    )


def json_values() -> st.SearchStrategy[object]:
    return st.recursive(
        scalars(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts(), inner, max_size=4),
        max_leaves=12,
    )


class Judge:
    """Reads each input; counts the outcomes; fails on anything but the two allowed."""

    def __init__(self, plan) -> None:
        self.plan = plan
        self.outcomes: Counter[str] = Counter()

    def __call__(self, content: bytes, name: str) -> None:
        try:
            submission = forms.read(content, name, self.plan)
        except RejectedSubmission as rejection:
            assert rejection.code in set(RejectionCode)
            assert rejection.message_vi.strip() and rejection.message_en.strip()
            self.outcomes[f"rejected: {rejection.code}"] += 1
            return
        assert isinstance(submission, Submission)
        for row in submission.tasks:
            for text in (row.task, row.status, row.result, row.evidence, row.difficulties):
                assert unicodedata.is_normalized("NFC", text)
        self.outcomes["read"] += 1

    def record(self, parser: str, inputs: str, target: int) -> None:
        tried = sum(self.outcomes.values())
        assert tried >= target * SCALE * 0.8, self.outcomes
        rejected = tried - self.outcomes["read"]
        codes = len([key for key in self.outcomes if key.startswith("rejected")])
        record(
            "fuzzed inputs",
            f"{parser}: {inputs}",
            tried,
            f"{self.outcomes['read']:,} read, {rejected:,} rejected with a reason "
            f"({codes} codes); 0 uncaught",
        )


@pytest.fixture
def judge(plan) -> Judge:
    return Judge(plan)


# JSON --------------------------------------------------------------------------------------


def json_documents(plan) -> st.SearchStrategy[dict]:
    tasks = [t.code for t in assignments.tasks(plan)][:8]
    indicators = [x.code for x in plan.indicators][:8]
    task = st.fixed_dictionaries(
        {"task": st.one_of(st.sampled_from(tasks), st.sampled_from(tasks), texts())},
        optional={k: texts() | scalars() for k in schema.TASK_COLUMNS if k != "task"},
    )
    indicator = st.fixed_dictionaries(
        {"indicator": st.one_of(st.sampled_from(indicators), st.sampled_from(indicators), texts())},
        optional={k: scalars() for k in schema.INDICATOR_COLUMNS if k != "indicator"},
    )
    unit, period = st.sampled_from(["AL", "BTD", "PNV"]), st.sampled_from(["2019-Q1", "2019-6M"])
    tasks_, indicators_ = st.lists(task, max_size=5), st.lists(indicator, max_size=5)
    return st.fixed_dictionaries(
        {
            "unit": st.one_of(unit, unit, unit, texts(), json_values()),
            "period": st.one_of(period, period, period, scalars()),
            "tasks": st.one_of(tasks_, tasks_, tasks_, json_values()),
            "indicators": st.one_of(indicators_, indicators_, indicators_, json_values()),
        },
        optional={"_id": scalars(), "extra": json_values()},
    )


def test_json_documents_of_every_shape(plan, judge):
    @fuzz(2500)
    @given(document=json_documents(plan), drop=st.sets(st.sampled_from(["unit", "tasks"])))
    def run(document, drop):
        for key in drop:
            document.pop(key, None)
        judge(json.dumps(document, ensure_ascii=False).encode(), "bao-cao.json")

    run()
    judge.record(
        "JSON reader",
        "documents with wrong types, missing keys, huge and hostile "
        "text (formulas, markup, NFD, RTL marks, control characters)",
        2500,
    )


@pytest.mark.parametrize(
    ("name", "prefix"),
    [
        ("bao-cao.json", b"{"),
        ("bao-cao.csv", b"unit,period,task,"),
        ("bao-cao.xlsx", b"PK\x03\x04"),
    ],
)
def test_random_bytes_with_each_name(judge, name, prefix):
    @fuzz(1700)
    @given(content=st.binary(max_size=3000), framed=st.booleans(), depth=st.integers(0, 3500))
    def run(content, framed, depth):
        if framed:
            content = prefix + content
        if depth > 2900:
            content = b"[" * 10_000 * (depth - 2900) + content
        judge(content, name)

    run()
    judge.record(
        f"reader of {name}",
        "random bytes, with and without the form's first bytes, deep brackets",
        1700,
    )


# CSV ---------------------------------------------------------------------------------------


def test_csv_tables_of_every_shape(plan, judge):
    keys = list(dict.fromkeys((*schema.TASK_COLUMNS, *schema.INDICATOR_COLUMNS)))
    tasks = [t.code for t in assignments.tasks(plan)][:8]

    @fuzz(2000)
    @given(
        header=st.one_of(
            st.just(keys),
            st.just(keys),
            st.permutations(keys).flatmap(
                lambda k: st.lists(st.sampled_from(k), min_size=1, max_size=len(k))
            ),
        ),
        rows=st.lists(st.lists(texts(), max_size=10), max_size=5),
        planned=st.lists(st.sampled_from(tasks), max_size=4),
        delimiter=st.sampled_from([",", ";", "\t", "|"]),
        quote=st.booleans(),
        bom=st.booleans(),
    )
    def run(header, rows, planned, delimiter, quote, bom):
        def cell(text: str) -> str:
            return '"' + text.replace('"', '""') + '"' if quote else text

        plausible = [  # rows of a task the plan has, so that some files read
            [{"unit": "AL", "period": "2019-Q1", "task": task}.get(key, "") for key in header]
            for task in planned
        ]
        lines = [delimiter.join(header)] + [
            delimiter.join(cell(c) for c in row) for row in plausible + rows
        ]
        content = "\n".join(lines).encode("utf-8", "surrogatepass")
        judge((b"\xef\xbb\xbf" if bom else b"") + content, "bao-cao.csv")

    run()
    judge.record(
        "CSV reader", "tables with any columns, delimiters and quoting, hostile text", 2000
    )


# XLSX --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("fuzz") / "AL.xlsx"
    template.write(load(DEFAULT_PLAN).plan, "AL", "2019-Q1", path)
    return path.read_bytes()


def test_workbooks_with_flipped_bytes(judge, workbook):
    @fuzz(500)
    @given(
        flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), min_size=1, max_size=6),
        cut=st.floats(0.3, 1),
    )
    def run(flips, cut):
        content = bytearray(workbook)
        for where, byte in flips:
            content[int(where * (len(content) - 1))] = byte
        judge(bytes(content[: max(int(cut * len(content)), 1)]), "AL.xlsx")

    run()
    judge.record("XLSX reader", "the template with bytes flipped and cut short", 500)


def test_workbooks_with_mutated_sheet_xml(judge, workbook):
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive_:
        parts = {e.filename: archive_.read(e) for e in archive_.infolist()}
    sheet = parts[SHEET].decode()

    @fuzz(200)
    @given(
        cuts=st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1)), max_size=3),
        inserted=st.lists(
            st.tuples(
                st.floats(0, 1),
                texts()
                | st.sampled_from(
                    [
                        "<row>",
                        "</c>",
                        '<c r="A1" t="s"><v>99999</v></c>',
                        '<c r="B10" t="inlineStr"><is><t>=1+1</t></is></c>',
                        "&amp;",
                        "&#0;",
                        '<c r="XFD1"><v>1</v></c>',
                        "<f>1+1</f>",
                    ]
                ),
            ),
            max_size=3,
        ),
        part=st.sampled_from([SHEET, "xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml"]),
    )
    def run(cuts, inserted, part):
        text = sheet if part == SHEET else parts[part].decode()
        for start, end in cuts:
            a, b = sorted((int(start * len(text)), int(end * len(text))))
            text = text[:a] + text[b:]
        for where, snippet in inserted:
            at = int(where * len(text))
            text = text[:at] + snippet + text[at:]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for name, data in parts.items():
                target.writestr(
                    name, text.encode("utf-8", "surrogatepass") if name == part else data
                )
        judge(out.getvalue(), "AL.xlsx")

    run()
    judge.record(
        "XLSX reader",
        "the template's sheet, workbook, styles or content-types XML cut and spliced, re-zipped",
        200,
    )


def test_workbooks_with_cells_replaced(judge, workbook):
    @fuzz(40)
    @given(
        cells=st.lists(
            st.tuples(
                st.sampled_from(["NhiemVu", "ChiSo"]),
                st.integers(1, FIRST_ROW + 12),
                st.integers(1, 10),
                scalars() | st.dates() | st.sampled_from(["=1+1", "=A1&A2", "=1/0"]),
            ),
            min_size=1,
            max_size=8,
        )
    )
    def run(cells):
        book = openpyxl.load_workbook(io.BytesIO(workbook))
        for sheet, row, column, value in cells:
            if isinstance(value, str):
                value = value.replace("\x00", "")
                value = openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE.sub("", value)[:32_000]
            target = book[sheet].cell(row=row, column=column)
            if not isinstance(target, openpyxl.cell.cell.MergedCell):  # the title block
                target.value = value
        out = io.BytesIO()
        book.save(out)
        judge(out.getvalue(), "AL.xlsx")

    run()
    judge.record(
        "XLSX reader",
        "the template with cells replaced (text, numbers, dates, "
        "booleans, formulas, keys and headers overwritten)",
        40,
    )


# Intake: the raw bytes are always kept -------------------------------------------------------


def test_every_fuzzed_file_taken_in_keeps_its_bytes(plan, tmp_path, workbook):
    workspace = open_workspace(Settings(data_dir=tmp_path / "data"), load(DEFAULT_PLAN))
    tried = Counter()

    @fuzz(120)
    @given(
        content=st.one_of(
            st.binary(max_size=500),
            json_documents(plan).map(
                lambda d: json.dumps(d, ensure_ascii=False).encode("utf-8", "surrogatepass")
            ),
            st.tuples(st.floats(0, 1), st.integers(0, 255)).map(
                lambda flip: workbook[: int(flip[0] * len(workbook))] + bytes([flip[1]])
            ),
        ),
        name=st.sampled_from(["bao-cao.json", "bao-cao.csv", "bao-cao.xlsx", "bao-cao"]),
        folder=st.sampled_from(["AL", "BTD", "khac"]),
    )
    def run(content, name, folder):
        item = Received(content, "inbox", f"{folder}/{name}", ARRIVED, claimed_unit=folder)
        with workspace.sessions.begin() as session:
            done = ingest(session, plan, item, workspace.data_dir)
        assert archive.read(workspace.data_dir, done.sha256) == content
        with workspace.sessions() as session:
            kept = session.scalar(
                select(func.count())
                .select_from(store_schema.RawFile)
                .where(store_schema.RawFile.sha256 == done.sha256)
            )
        assert kept == 1
        tried[done.outcome.value] += 1

    run()
    total = sum(tried.values())
    assert total >= 120 * SCALE * 0.8
    record(
        "fuzzed inputs",
        "intake (archive, read, file): random bytes, JSON documents, "
        "cut workbooks, in a unit's folder or another's",
        total,
        ", ".join(f"{n:,} {o}" for o, n in sorted(tried.items())) + "; every byte archived "
        "with its raw-file row",
    )
