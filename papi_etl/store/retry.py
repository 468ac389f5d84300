"""One unit of work in one transaction, tried again when the database failed in a way that
heals: the server restarting or the connection lost (PostgreSQL restarted, a backend
terminated, a network blip), a serialization failure or deadlock, a SQLite file locked by
another process, or two runs filing the same unit's next version at once (the second one's
insert meets the first one's row: a unique violation, under PostgreSQL's READ COMMITTED,
which is the isolation the store uses).

The work must be safe to run again: a transaction that failed left nothing (the database
rolled it back), and one that may have committed before its connection was lost is found
again by the work itself (collect's raw-file row, unique on the SHA-256, makes a repeat a
duplicate). After the last try, `StoreUnavailable` says what failed and that nothing of this
unit was half-written; it is an infrastructure fault, not a PapiError, so that a Prefect
task retries it, and the command line shows it as one clear paragraph.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

LOGGER = logging.getLogger(__name__)

T = TypeVar("T")

# Seconds before each retry: ~15 s in all, what a PostgreSQL restart takes with room to spare.
WAITS = (0.5, 1.0, 2.0, 4.0, 8.0)
_UNIQUE_VIOLATION = "23505"


class StoreUnavailable(Exception):  # noqa: N818 (it says what happened, like SourceError)
    """The store failed on every try; what `what` would have written was not written."""

    def __init__(self, what: str, what_vi: str, tries: int, error: DBAPIError) -> None:
        cause = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
        self.message_en = (
            f"The store failed while {what}, {tries} times: {cause}. Nothing of it was "
            "written; what was done before is kept. Run the command again once the database "
            "is back: it resumes where this run stopped."
        )
        self.message_vi = (
            f"Cơ sở dữ liệu bị lỗi khi {what_vi} (đã thử {tries} lần): {cause}. Phần việc này chưa "
            "được ghi; những gì đã làm trước đó vẫn được giữ. Khi cơ sở dữ liệu hoạt động trở "
            "lại, chạy lại lệnh: lần chạy sau sẽ tiếp tục từ chỗ đã dừng."
        )
        super().__init__(f"{self.message_vi}\n{self.message_en}")


def is_transient(error: DBAPIError) -> bool:
    """True for a database fault that another try, a moment later, may not meet."""
    if error.connection_invalidated or isinstance(error, OperationalError):
        return True
    code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    return isinstance(error, IntegrityError) and code == _UNIQUE_VIOLATION


def in_transaction(
    sessions: sessionmaker[Session],
    work: Callable[[Session], T],
    what: str,
    what_vi: str,
    *,
    waits: tuple[float, ...] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """`work(session)` in one transaction, committed; again after each of `waits` when the
    database failed transiently. `what` and `what_vi` say what the work does, for the
    messages ("taking in AL/AL_2019-Q1.xlsx", "nhận tệp AL/AL_2019-Q1.xlsx"). Raises
    StoreUnavailable after the last try, and any other error at once. `waits` defaults to
    WAITS."""
    waits = WAITS if waits is None else waits
    attempt = 0
    while True:
        attempt += 1
        try:
            with sessions.begin() as session:
                return work(session)
        except DBAPIError as error:
            if not is_transient(error):
                raise
            if attempt > len(waits):
                raise StoreUnavailable(what, what_vi, attempt, error) from error
            wait = waits[attempt - 1]
            LOGGER.warning(
                "the store failed while %s (%s); try %d of %d in %.1f s",
                what,
                str(error.orig).strip().splitlines()[0] if error.orig else error,
                attempt + 1,
                len(waits) + 1,
                wait,
            )
            sleep(wait)
