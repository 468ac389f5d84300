"""The one error a form reader raises: the file cannot be read as a submission at all.

A rejection is a broken contract, not a data condition: the unit must send the file again,
so the message says exactly what is wrong (the sheet, the columns, the code, the size and
the limit) in Vietnamese for the unit and in English for the operator. `code` is stable, for
scripts, the store and `collect --json`; the messages may be reworded.
"""

from __future__ import annotations

from enum import StrEnum

from papi_etl.errors import PapiError


class RejectionCode(StrEnum):
    EMPTY_FILE = "empty_file"
    TOO_LARGE = "too_large"
    NOT_A_WORKBOOK = "not_a_workbook"
    ENCRYPTED_WORKBOOK = "encrypted_workbook"
    CORRUPT_WORKBOOK = "corrupt_workbook"
    ZIP_BOMB = "zip_bomb"
    XML_BOMB = "xml_bomb"
    MISSING_SHEET = "missing_sheet"
    MISSING_COLUMNS = "missing_columns"
    BAD_ENCODING = "bad_encoding"
    BAD_CSV = "bad_csv"
    BAD_JSON = "bad_json"
    TOO_MANY_ROWS = "too_many_rows"
    NO_ROWS = "no_rows"
    UNKNOWN_UNIT = "unknown_unit"
    UNKNOWN_PERIOD = "unknown_period"
    UNKNOWN_TASK = "unknown_task"
    UNKNOWN_INDICATOR = "unknown_indicator"
    MIXED_UNITS = "mixed_units"
    MIXED_PERIODS = "mixed_periods"
    # Checked when the file is taken in, against who sent it and when (papi_etl.ingest).
    UNKNOWN_UNIT_FOLDER = "unknown_unit_folder"
    WRONG_UNIT = "wrong_unit"
    UNKNOWN_SENDER = "unknown_sender"
    PERIOD_NOT_STARTED = "period_not_started"


class RejectedSubmission(PapiError):
    """A file that cannot be read as a submission; `code` says why, for machines."""

    def __init__(self, code: RejectionCode, message_vi: str, message_en: str) -> None:
        self.code = code
        super().__init__(message_en, message_vi)
