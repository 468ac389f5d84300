"""Loading a plan file: YAML, then the schema, then the cross-references.

Every fault is turned into a `PlanProblem` with the file, the line and the path inside the
file, in English and Vietnamese, and all of them are raised together in one `PlanError`.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from papi_etl.errors import PlanError, PlanProblem
from papi_etl.plan import consistency
from papi_etl.plan.model import Plan
from papi_etl.plan.source import PlanSource, read

# Vietnamese wording of pydantic's error types; anything else gets the generic sentence.
_VI_BY_ERROR_TYPE = {
    "missing": "Thiếu trường bắt buộc.",
    "extra_forbidden": "Trường này không có trong lược đồ kế hoạch (có thể viết sai tên).",
    "string_type": "Giá trị phải là chuỗi ký tự.",
    "string_too_short": "Giá trị không được để trống.",
    "string_pattern_mismatch": "Mã chỉ gồm chữ cái không dấu, chữ số và các ký tự . _ -",
    "int_parsing": "Giá trị phải là số nguyên.",
    "int_type": "Giá trị phải là số nguyên.",
    "float_parsing": "Giá trị phải là số.",
    "float_type": "Giá trị phải là số.",
    "bool_parsing": "Giá trị phải là true hoặc false.",
    "date_from_datetime_parsing": "Ngày không hợp lệ; ghi theo dạng YYYY-MM-DD.",
    "date_parsing": "Ngày không hợp lệ; ghi theo dạng YYYY-MM-DD.",
    "date_type": "Ngày không hợp lệ; ghi theo dạng YYYY-MM-DD.",
    "enum": "Giá trị không thuộc danh sách cho phép.",
    "literal_error": "Giá trị không thuộc danh sách cho phép.",
    "greater_than_equal": "Giá trị nhỏ hơn mức tối thiểu cho phép.",
    "less_than_equal": "Giá trị lớn hơn mức tối đa cho phép.",
    "too_short": "Danh sách phải có ít nhất một phần tử.",
    "list_type": "Giá trị phải là một danh sách.",
    "model_type": "Giá trị phải là một khối (mapping) các trường.",
    "dict_type": "Giá trị phải là một khối (mapping) các trường.",
}


@dataclass(frozen=True)
class LoadedPlan:
    """A plan and the fingerprint of the file it came from (the store keeps both)."""

    plan: Plan
    path: Path
    sha256: str


def _schema_problems(error: ValidationError, source: PlanSource) -> list[PlanProblem]:
    problems = []
    for item in error.errors(include_url=False):
        message = item["msg"].removeprefix("Value error, ")
        given = item.get("input")
        if item["type"] not in ("missing",) and isinstance(given, str | int | float):
            message += f" (given: {given!r})"
        vi = _VI_BY_ERROR_TYPE.get(item["type"], "Giá trị không hợp lệ.")
        if item["type"] == "value_error":
            vi = f"Giá trị không hợp lệ: {message}"
        problems.append(source.problem(tuple(item["loc"]), message + ".", vi))
    return problems


_LOADED: dict[tuple[Path, str], LoadedPlan] = {}


@contextlib.contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Parsing a plan makes some 60,000 short-lived YAML nodes, freed by reference counting;
    each allocation burst also sets off Python's cycle collector, whose full passes walk
    every plan loaded before. A city opening 100 districts spent 1.8 s of 3.3 s there
    (`gc.callbacks`). Collection resumes afterwards, so nothing cyclic is kept for long."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load(path: Path) -> LoadedPlan:
    """Read, validate and cross-check a plan file; raises PlanError listing every fault.

    A file already loaded in this process with the same content is not parsed again: every
    flow run and sub-flow opens the plan (~0.15 s of YAML and checks each, ~30 times in a
    demo). The plan is immutable, so sharing it is safe; an edited file is loaded anew."""
    try:
        key = (path.resolve(), hashlib.sha256(path.read_bytes()).hexdigest())
    except OSError:
        key = None  # `read` says what is wrong with the file, located
    if key is not None and key in _LOADED:
        return _LOADED[key]
    with _without_cycle_collection():
        return _load(path, key)


def _load(path: Path, key: tuple[Path, str] | None) -> LoadedPlan:
    """`load` of a file not loaded yet; `key` is its cache key (path, SHA-256 of the bytes
    hashed before parsing), None when they could not be read then."""
    source = read(path)
    if not isinstance(source.data, dict):
        raise PlanError(
            [
                source.problem(
                    (),
                    "The plan file must be a YAML mapping (id, units, dimensions, ...).",
                    "Tệp kế hoạch phải là một khối YAML gồm các trường id, units, dimensions...",
                )
            ]
        )
    try:
        plan = Plan.model_validate(source.data)
    except ValidationError as error:
        raise PlanError(_schema_problems(error, source)) from None
    problems = consistency.check(plan, source)
    if problems:
        raise PlanError(problems)
    if key is None:  # unreadable a moment ago, read since
        key = (path.resolve(), hashlib.sha256(path.read_bytes()).hexdigest())
    loaded = _LOADED[key] = LoadedPlan(plan=plan, path=path, sha256=key[1])
    return loaded
