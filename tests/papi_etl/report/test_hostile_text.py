"""A unit's text that looks like a formula or like markup, through every file the project
writes: the report's annexes (XLSX), its overview (Markdown, HTML), the feedback workbooks
of each form, the filled template and the CSV form. Text stays text everywhere (see
`papi_etl.spreadsheet_text` and `papi_etl.markup`)."""

from __future__ import annotations

import collections
import csv
import dataclasses
import io
import itertools
import json
import re

import openpyxl
import pytest
from hostile_text import FORMULAS, MARKUP
from markdown_it import MarkdownIt
from reliability_ledger import record
from report_store import HELD_BACK, PERIOD
from sqlalchemy import update

from papi_etl import forms
from papi_etl.collect import collect
from papi_etl.forms.normalise import text as normalised
from papi_etl.plan import assignments
from papi_etl.report import markdown
from papi_etl.report.model import Table
from papi_etl.report.produce import produce
from papi_etl.sources.inbox import InboxSource
from papi_etl.spreadsheet_text import is_formula_like
from papi_etl.store import schema
from papi_etl.validation import feedback
from papi_etl.validation.finding import Finding

pytestmark = pytest.mark.reliability
HOSTILE = FORMULAS + MARKUP
EXPECTED = {normalised(text) for text in FORMULAS}


def _submission_json(plan, unit: str) -> bytes:
    """The unit's report with a hostile text in every free-text field, cycling the list."""
    texts = iter(HOSTILE * 20)
    tasks = [
        {
            "task": task.code,
            "status": "dang_trien_khai",
            "result": next(texts),
            "evidence": next(texts),
            "difficulties": next(texts),
            "proposals": next(texts),
        }
        for task in assignments.tasks_of_unit(plan, unit)
    ]
    indicators = [
        {"indicator": x.code, "value": next(texts), "note": next(texts)}
        for x in assignments.indicators_of_unit(plan, unit)
    ]
    document = {"unit": unit, "period": PERIOD, "tasks": tasks, "indicators": indicators}
    return json.dumps(document, ensure_ascii=False).encode()


def _cells(book: openpyxl.Workbook):
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from (cell for cell in row if cell.value is not None)


def _assert_text_only(book: openpyxl.Workbook, where: str) -> set[str]:
    """No formula anywhere; each formula-like text is a string cell Excel keeps as text.
    Returns the formula-like texts found."""
    found = set()
    for cell in _cells(book):
        assert cell.data_type != "f", f"{where}: {cell.parent.title}!{cell.coordinate}"
        if cell.value in EXPECTED:
            assert cell.data_type == "s" and cell.quotePrefix, f"{where}: {cell.coordinate}"
            found.add(cell.value)
    return found


def _load(path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path)


def test_formula_text_in_a_json_report_is_text_in_the_annex(workspace, tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / HELD_BACK).mkdir(parents=True)
    (inbox / HELD_BACK / "bao-cao.json").write_bytes(_submission_json(workspace.plan, HELD_BACK))
    done = collect(workspace.sessions, workspace.plan, [InboxSource(inbox)], workspace.data_dir)
    assert [item.outcome.value for item in done.items] == ["superseded"]
    with workspace.sessions.begin() as session:
        session.execute(
            update(schema.Submission)
            .where(schema.Submission.status == schema.SubmissionStatus.RECEIVED)
            .values(status=schema.SubmissionStatus.VALID)
        )
    with workspace.sessions.begin() as session:
        produced = produce(session, workspace.plan, PERIOD, tmp_path / "reports")
    book = _load(produced.paths["xlsx"])
    found = _assert_text_only(book, "annex")
    assert found == EXPECTED  # every formula-like text reached the annexes, as text
    difficulties = book["PL7 Khó khăn vướng mắc"]
    texts = {difficulties.cell(row=r, column=4).value for r in range(5, difficulties.max_row + 1)}
    assert EXPECTED & texts
    record(
        "formula injection",
        "formula-like texts in a JSON report, through the annex XLSX",
        len(HOSTILE),
        "stored as text (data_type 's', quotePrefix); no formula cell",
    )


@pytest.mark.parametrize("form", forms.FORMS)
def test_the_feedback_workbook_of_each_form_holds_text_only(plan, tmp_path, form):
    unit = "BTD"
    sent = tmp_path / f"sent.{form}"
    forms.write(forms.read(_submission_json(plan, unit), "x.json", plan), form, sent, plan)
    submission = forms.read(sent.read_bytes(), sent.name, plan)
    findings = [
        Finding(1, unit, PERIOD, "NhiemVu", row.row, "result", "rule", row.result, m, m, m)
        for row, m in zip(submission.tasks, HOSTILE, strict=False)
    ]
    written = feedback.write(tmp_path / "fb.xlsx", sent.read_bytes(), sent.name, findings, plan)
    book = _load(written.path)
    assert _assert_text_only(book, f"feedback of {form}") == EXPECTED
    assert written.marked == len(findings)
    # The unit sends the feedback workbook back: it reads as what it sent.
    again = forms.read(written.path.read_bytes(), "fb.xlsx", plan)
    assert [t.result for t in again.tasks] == [t.result for t in submission.tasks]
    assert [x.value_text for x in again.indicators] == [x.value_text for x in submission.indicators]
    record(
        "formula injection",
        f"formula-like texts in a {form.upper()} report, through the feedback workbook and back",
        len(HOSTILE),
        "text in every cell; read back unchanged",
    )


def test_the_csv_form_escapes_formula_text_and_reads_it_back(plan, tmp_path):
    submission = forms.read(_submission_json(plan, "BTD"), "x.json", plan)
    path = tmp_path / "BTD.csv"
    forms.write(submission, "csv", path, plan)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    escaped = [field for row in rows for field in row if field.startswith("'")]
    assert len(escaped) >= len(FORMULAS)
    assert not [field for row in rows for field in row if is_formula_like(field)]
    again = forms.read(path.read_bytes(), path.name, plan)
    assert _unnumbered(again.tasks) == _unnumbered(submission.tasks)
    assert [(x.value, x.value_text) for x in again.indicators] == [
        (x.value, x.value_text) for x in submission.indicators
    ]


def test_a_negative_number_is_a_number_in_every_form(plan, tmp_path):
    text = _submission_json(plan, "BTD").decode()
    document = json.loads(text)
    document["indicators"][0]["value"] = -2
    submission = forms.read(json.dumps(document).encode(), "x.json", plan)
    for form in ("xlsx", "csv"):
        path = tmp_path / f"BTD.{form}"
        forms.write(submission, form, path, plan)
        again = forms.read(path.read_bytes(), path.name, plan)
        assert (again.indicators[0].value, again.indicators[0].value_text) == (-2.0, "")
    book = _load(tmp_path / "BTD.xlsx")
    values = [c for c in _cells(book) if c.value == -2]
    assert values and all(c.data_type == "n" for c in values)


RENDERER = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _unnumbered(rows):
    return [dataclasses.replace(row, row=0) for row in rows]


def _with_texts(report, texts: tuple[str, ...]):
    """The report with every table cell, summary line and attention line from `texts`."""

    def rows(table: Table) -> Table:
        cycle = itertools.cycle(texts)
        return dataclasses.replace(
            table, rows=tuple(tuple(next(cycle) for _ in row) for row in table.rows)
        )

    sections = tuple(
        dataclasses.replace(
            section, blocks=tuple(rows(b) if isinstance(b, Table) else b for b in section.blocks)
        )
        for section in report.sections
    )
    return dataclasses.replace(
        report,
        annexes=tuple(rows(t) for t in report.annexes),
        sections=sections,
        summary=texts,
        attention=texts,
    )


def _tags(html: str) -> collections.Counter[str]:
    return collections.Counter(re.findall(r"<([a-z0-9]+)", html))


def test_the_overview_shows_units_text_as_text(built):
    report = _with_texts(built.report, MARKUP)
    plain = _with_texts(built.report, tuple(f"văn bản {n}" for n in range(len(MARKUP))))
    rendered = RENDERER.render(markdown.to_markdown(report))
    page = markdown.to_html(report)
    # The same report with plain texts makes exactly the same elements: none came from a text.
    for hostile, harmless in (
        (rendered, RENDERER.render(markdown.to_markdown(plain))),
        (page, markdown.to_html(plain)),
    ):
        assert not re.search(r"<(script|img|a|code|del)\b", hostile)
        assert _tags(hostile) == _tags(harmless)
    visible = re.sub(r"<[^>]+>", "", rendered)
    for text in ("<script>alert('x')</script>", "[bấm vào](javascript:alert(1))", "a | b | c"):
        shown = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert shown in visible
    record(
        "markup injection",
        "script, img onerror, javascript: links, images, | and # in the report overview "
        "(Markdown as rendered, HTML)",
        len(MARKUP) * 2,
        "shown as text; no tag, link or heading made",
    )
