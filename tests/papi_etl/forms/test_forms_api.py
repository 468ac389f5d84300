"""The public surface of papi_etl.forms cannot drift unnoticed."""

import papi_etl.forms as forms


def test_the_exported_names():
    assert sorted(forms.__all__) == [
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
    assert all(hasattr(forms, name) for name in forms.__all__)


def test_a_rejection_is_a_papi_error_with_both_messages():
    from papi_etl.errors import PapiError, is_domain_error

    error = forms.RejectedSubmission(forms.RejectionCode.EMPTY_FILE, "Tệp rỗng.", "Empty.")
    assert isinstance(error, PapiError) and is_domain_error(error)
    assert (error.code, error.message_vi, error.message_en) == ("empty_file", "Tệp rỗng.", "Empty.")


def test_the_form_is_told_by_the_bytes_before_the_name():
    assert forms.form_of(b"PK\x03\x04...", "report.csv") == "xlsx"
    assert forms.form_of(bytes.fromhex("D0CF11E0A1B11AE1"), "report.csv") == "xlsx"
    assert forms.form_of(b'\xef\xbb\xbf {"unit": "AL"}', "report.csv") == "json"
    assert forms.form_of(b"unit,period", "report.xlsx") == "xlsx"
    assert forms.form_of(b"unit,period", "report.JSON") == "json"
    assert forms.form_of(b"unit,period", "report") == "csv"
