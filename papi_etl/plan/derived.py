"""What is worked out from a plan alone, worked out once per plan object.

A city's or a country's run computes the metrics of hundreds of districts, and every step
asks the same questions of each district's plan (which tasks a unit reports, the required
task rows as a frame): answered from the pydantic model each time, they cost more than the
district's data. A `Plan` is frozen and the loader shares one object per file content
(`papi_etl.plan.loader.load`), so an answer is kept per plan object and dropped with it.

Keys are the object's identity, not its content: a frozen model with list fields cannot be
hashed, and hashing its content would cost what the cache saves. The entry is removed when
the plan is garbage-collected, so an id reused by a later object never finds a stale answer.
What a cached function returns is shared by its callers: they must not modify it (the
frames of `papi_etl.metrics.compute` are never modified, by the house rule).
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import TypeVar

from papi_etl.plan.model import Plan

T = TypeVar("T")


def per_plan(function: Callable[[Plan], T]) -> Callable[[Plan], T]:
    """`function(plan)` computed once per plan object (see the module)."""
    cache: dict[int, T] = {}

    @functools.wraps(function)
    def cached(plan: Plan) -> T:
        key = id(plan)
        try:
            return cache[key]
        except KeyError:
            pass
        value = function(plan)
        cache[key] = value
        weakref.finalize(plan, cache.pop, key, None)
        return value

    return cached
