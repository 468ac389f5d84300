"""The errors papi_etl raises, and how each is meant to be treated.

A *broken contract* (a plan file that does not hold together, a file that cannot be read)
is an exception from this module: never retried, shown to the user as one clear paragraph
and mapped by the command line to exit status 2. A *data condition* (a late unit, a blank
field) is never an exception: it becomes a finding. An *infrastructure fault* (a reset
connection, HTTP 503) is left to propagate as the library's own exception, so that a task
can retry it; `is_domain_error` lets a retry condition refuse to retry ours.

    PapiError
    ├── PlanError                 the plan file is unreadable or inconsistent
    ├── PlanDocumentError         a plan document to import cannot be read (empty, binary, ...)
    ├── ConfigurationError        a setting is missing or malformed
    ├── UnknownPeriodError        a period code that the plan's calendar does not have
    ├── StoreError                the store cannot be opened or migrated
    │   └── StoreMissingError     a command that only reads found no store there yet
    ├── forms.RejectedSubmission  a received file cannot be read as a submission (its
    │                             `code` says why; collect stores it, never raises it)
    └── forms.template.UnknownUnitError   a unit code the plan does not have

The sources' `SourceError` (papi_etl.sources.base) and the store's `StoreUnavailable`
(papi_etl.store.retry) are deliberately outside this tree: a source or a database that is
down is an infrastructure fault, retried by the task that runs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class PapiError(Exception):
    """Base of every error that papi_etl raises on purpose.

    `message_vi` is for officials, `message_en` for operators; `str()` gives both,
    Vietnamese first (what the command line prints).
    """

    def __init__(self, message_en: str, message_vi: str | None = None) -> None:
        self.message_en = message_en
        self.message_vi = message_vi
        super().__init__(message_en if message_vi is None else f"{message_vi}\n{message_en}")


@dataclass(frozen=True)
class PlanProblem:
    """One fault in a plan file, located as precisely as the file allows."""

    path: str
    line: int | None
    where: str
    message_en: str
    message_vi: str

    def paragraph(self) -> str:
        place = f"{self.path}, dòng {self.line} / line {self.line}" if self.line else self.path
        if self.where:
            place += f", tại / at {self.where}"
        return f"{place}:\n  {self.message_vi}\n  {self.message_en}"


class PlanError(PapiError):
    """The plan file cannot be used; `problems` lists every fault found, not just the first."""

    def __init__(self, problems: list[PlanProblem]) -> None:
        self.problems = problems
        count = len(problems)
        head_en = f"The plan file has {count} problem{'s' if count != 1 else ''}:"
        head_vi = f"Tệp kế hoạch có {count} lỗi:"
        body = "\n\n".join(p.paragraph() for p in problems)
        super().__init__(f"{head_en}\n\n{body}", head_vi)
        self._text = f"{head_vi} / {head_en}\n\n{body}"

    def __str__(self) -> str:
        return self._text


class PlanDocumentError(PapiError):
    """A plan document given to `plan import` cannot be read as text or DOCX at all."""


class ConfigurationError(PapiError):
    """A setting is missing or malformed; fails at start, never as an empty value later."""


class UnknownPeriodError(PapiError):
    """A period code that the plan's calendar does not define."""


class StoreError(PapiError):
    """The store cannot be reached, created or migrated."""


class StoreMissingError(StoreError):
    """No store exists at the configured place yet (no SQLite file, or a database without
    the schema): the message says where it looked and what to do."""

    def __init__(self, url: str, data_dir: Path) -> None:
        self.url = url
        super().__init__(
            f"There is no store at {url} yet: nothing has been taken in there. Check that "
            f"PAPI_DATA_DIR (now {data_dir}) or PAPI_DATABASE_URL names the data you mean; "
            "to start a new store, run: papi-etl db upgrade (papi-etl collect also makes it "
            "when it takes the first reports in).",
            f"Chưa có cơ sở dữ liệu tại {url}: chưa nhận báo cáo nào ở đó. Hãy kiểm tra "
            f"PAPI_DATA_DIR (đang là {data_dir}) hoặc PAPI_DATABASE_URL có trỏ đúng nơi lưu dữ "
            "liệu không; nếu muốn tạo cơ sở dữ liệu mới, chạy: papi-etl db upgrade (lệnh "
            "papi-etl collect cũng tạo khi nhận những báo cáo đầu tiên).",
        )


def is_domain_error(error: BaseException) -> bool:
    """True for errors that retrying cannot fix (used by task retry conditions)."""
    return isinstance(error, PapiError)
