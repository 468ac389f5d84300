"""The forms a unit's report comes in (XLSX template, CSV, JSON): reading and writing them.

`read` turns any form's bytes into a `papi_etl.submission.Submission`, normalised (NFC text,
the plan's spelling of codes, status keys, numbers in Vietnamese notation) but not judged:
judging is validation's job. A file that cannot be read at all raises `RejectedSubmission`
and nothing else, whatever the bytes; its `code` is one of `RejectionCode`:

    empty_file, too_large                     the size, before anything else
    not_a_workbook, encrypted_workbook,       what the bytes are (an .xls, an .ods, a
    corrupt_workbook, zip_bomb, xml_bomb      password, a truncated zip, a bomb)
    bad_encoding, bad_csv, bad_json           a text form that is not UTF-8 or not well formed
    missing_sheet, missing_columns            the tables cannot be found
    too_many_rows, no_rows                    nothing, or far too much, to read
    unknown_unit, unknown_period,             codes the plan does not have
    unknown_task, unknown_indicator
    mixed_units, mixed_periods                one file, one unit, one period

(`unknown_unit_folder`, `unknown_sender`, `wrong_unit` and `period_not_started` are raised
at intake, by `papi_etl.ingest`, which knows who sent a file and when.)

`write` produces each form from a Submission (the XLSX form is the unit's template filled
with the submission's rows), for synthetic data and for round-trip tests.
"""

from __future__ import annotations

from pathlib import Path, PurePath

from papi_etl.forms import csv_form, json_form, safety, template, xlsx
from papi_etl.forms.numbers import parse_date, parse_number
from papi_etl.forms.rejection import RejectedSubmission, RejectionCode
from papi_etl.forms.safety import DEFAULT_MAX_BYTES
from papi_etl.plan.model import Plan
from papi_etl.submission import Submission

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMS",
    "RejectedSubmission",
    "RejectionCode",
    "form_of",
    "parse_date",
    "parse_number",
    "read",
    "write",
]

FORMS = ("xlsx", "csv", "json")
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def form_of(content: bytes, name: str) -> str:
    """Which form a file is: by its bytes first (names lie), then by its name's extension.

    A file named .xlsx that is not a workbook is read as one, to be rejected as
    not_a_workbook rather than misread as CSV.
    """
    if safety.looks_like_workbook(content):
        return "xlsx"
    suffix = PurePath(name).suffix.lower()
    if suffix in _WORKBOOK_SUFFIXES:
        return "xlsx"
    if suffix == ".json" or content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "json"
    return "csv"


def read(
    content: bytes, name: str, plan: Plan, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Submission:
    """The submission in a file as received (`name` is its original name, for its extension).

    Raises RejectedSubmission, and only that, for any file that cannot be read.
    """
    safety.check_size(content, max_bytes)
    readers = {"xlsx": xlsx.read, "csv": csv_form.read, "json": json_form.read}
    return readers[form_of(content, name)](content, plan)


def write(submission: Submission, form: str, path: Path, plan: Plan) -> None:
    """Writes `submission` in `form` (xlsx, csv or json) to `path`, creating its folder.

    The XLSX form needs the plan (for the template around the rows) and raises
    template.UnknownUnitError or UnknownPeriodError for codes the plan lacks; CSV and JSON
    write the codes as given.
    """
    if form == "xlsx":
        template.write_filled(plan, submission, path)
    elif form == "csv":
        csv_form.write(submission, path)
    elif form == "json":
        json_form.write(submission, path)
    else:
        raise ValueError(f"form must be one of {', '.join(FORMS)}, not {form!r}")
