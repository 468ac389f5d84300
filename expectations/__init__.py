"""The Great Expectations suites of a plan, and the runner that turns their results into
findings. The validation rules live here and only here (`expectations.suites`).

    build(plan)              the plan's suites: tasks (sheet NhiemVu), indicators (ChiSo)
    validate(frames, period) one GX run per suite over all rows -> list[Finding]

Importing this package imports GX (seconds): callers that may not need it import it lazily.
"""

from expectations.runner import ExpectationError, validate
from expectations.suites import build

__all__ = ["ExpectationError", "build", "validate"]
