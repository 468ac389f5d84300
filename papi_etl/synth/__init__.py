"""Realistic synthetic submissions for tests, the demo and benchmarks.

`build` makes every reporting unit's report for the chosen periods as Submissions, with a
seeded mix of late, missing and erroneous reports (or none, `clean=True`); `write` puts
them in the drop-folder layout with their arrival times and a manifest of what was
injected. Everything is derived from the plan and the seed: the same seed gives the same
files, one period generated alone is the same as in a full run, and every text is marked
as synthetic ("[Dữ liệu mô phỏng]").
"""

from papi_etl.synth.inbox import MANIFEST_NAME, PeriodSummary, relative_path, write
from papi_etl.synth.scenario import (
    DEFAULT_SEED,
    ErrorKind,
    InjectedError,
    SyntheticReport,
    build,
)
from papi_etl.synth.texts import SYNTHETIC_MARK

__all__ = [
    "DEFAULT_SEED",
    "MANIFEST_NAME",
    "SYNTHETIC_MARK",
    "ErrorKind",
    "InjectedError",
    "PeriodSummary",
    "SyntheticReport",
    "build",
    "relative_path",
    "write",
]
