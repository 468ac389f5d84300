"""Reading a plan file's YAML while remembering where each value stands in the file.

PyYAML's `safe_load` forgets line numbers and silently keeps the last of two equal keys.
A steward fixing a plan file needs "line 212" and needs to hear about a duplicated key, so
the file is composed into nodes once and turned into plain data here, with a map from each
value's path (("dimensions", 0, "tasks", 3, "text")) to its line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from papi_etl.errors import PlanError, PlanProblem

Location = tuple[str | int, ...]


@dataclass
class PlanSource:
    """The plan file's data, with the line (1-based) of every mapping, list and value."""

    path: str
    data: Any
    lines: dict[Location, int] = field(default_factory=dict)

    def line(self, location: Location) -> int | None:
        """The line of the value at `location`, or of its nearest ancestor in the file."""
        for end in range(len(location), -1, -1):
            found = self.lines.get(tuple(location[:end]))
            if found is not None:
                return found
        return None

    def where(self, location: Location) -> str:
        """A readable path, naming the code of each item passed through: tasks[3] (D1.04)."""
        parts: list[str] = []
        node = self.data
        for step in location:
            if isinstance(step, int):
                label = f"[{step}]"
                if isinstance(node, list) and 0 <= step < len(node):
                    node = node[step]
                    if isinstance(node, dict) and isinstance(node.get("code"), str):
                        label += f" ({node['code']})"
                else:
                    node = None
                if parts:
                    parts[-1] += label
                else:
                    parts.append(label)
            else:
                parts.append(str(step))
                node = node.get(step) if isinstance(node, dict) else None
        return ".".join(parts)

    def problem(self, location: Location, message_en: str, message_vi: str) -> PlanProblem:
        return PlanProblem(
            path=self.path,
            line=self.line(location),
            where=self.where(location),
            message_en=message_en,
            message_vi=message_vi,
        )


# libyaml's parser (when PyYAML was built with it) composes the same nodes with the same
# marks about 20 times faster than the pure-Python one: a country's 700 district plans open
# in seconds instead of minutes. It words its errors differently and refuses some input the
# pure-Python parser takes (nesting past 1,000 levels, a lone surrogate escape) and takes
# some the other refuses (tabs; "?" inside a plain scalar of a [list]), so it is only
# trusted with a file holding neither a tab nor a "?" that it reads without any fault;
# any other file is read by the pure-Python parser, whose result and wording are the
# contract.
_FAST_COMPOSER: type[yaml.SafeLoader] | None = getattr(yaml, "CSafeLoader", None)

MAX_NODES = 200_000
"""Values a plan file may hold once its YAML aliases are expanded; the bundled plan holds
about 2,000. A short file whose aliases nest ("billion laughs" in YAML) would expand to
billions, and must be refused, not walked."""


class _TooLarge(Exception):
    """The plan expands past MAX_NODES."""


def _fail(path: str, line: int | None, message_en: str, message_vi: str) -> PlanError:
    return PlanError([PlanProblem(path, line, "", message_en, message_vi)])


def read(path: Path) -> PlanSource:
    """Parse a plan file; raises PlanError for an unreadable file, bad YAML or duplicate keys."""
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _fail(
            shown, None, "The plan file does not exist.", "Không tìm thấy tệp kế hoạch."
        ) from None
    except UnicodeDecodeError as exc:
        raise _fail(
            shown,
            None,
            f"The plan file is not UTF-8 text ({exc.reason} at byte {exc.start}).",
            "Tệp kế hoạch không phải văn bản UTF-8.",
        ) from None
    except OSError as exc:
        raise _fail(
            shown,
            None,
            f"The plan file cannot be read: {exc.strerror}.",
            "Không đọc được tệp kế hoạch.",
        ) from None
    if _FAST_COMPOSER is not None and "\t" not in text and "?" not in text:
        fast = _read_fast(shown, text, _FAST_COMPOSER)
        if fast is not None:
            return fast
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        raise _fail(
            shown,
            None,
            "The file nests blocks or lists too deeply to be a plan.",
            "Tệp kế hoạch lồng các khối hoặc danh sách quá sâu.",
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        detail = getattr(exc, "problem", None) or str(exc)
        raise _fail(
            shown,
            line,
            f"The file is not valid YAML: {detail}.",
            "Tệp kế hoạch không đúng cú pháp YAML.",
        ) from None
    if root is None:
        raise _fail(shown, None, "The plan file is empty.", "Tệp kế hoạch trống.")
    source = PlanSource(path=shown, data=None)
    problems: list[PlanProblem] = []
    try:
        source.data = _to_data(root, (), source, problems, yaml.SafeLoader(""), [MAX_NODES])
    except (_TooLarge, RecursionError):
        raise _fail(
            shown,
            None,
            f"The file expands to more than {MAX_NODES:,} values (YAML aliases that nest, or "
            "blocks nested too deeply): it is not a plan.",
            f"Tệp kế hoạch khi triển khai các bí danh YAML có hơn {MAX_NODES:,} giá trị hoặc "
            "lồng quá sâu: không phải một kế hoạch.",
        ) from None
    if problems:
        raise PlanError(problems)
    return source


def _read_fast(shown: str, text: str, composer: type[yaml.SafeLoader]) -> PlanSource | None:
    """The file read with libyaml; None when anything at all is amiss (see _FAST_COMPOSER)."""
    try:
        root = yaml.compose(text, Loader=composer)
        if root is None:
            return None
        source = PlanSource(path=shown, data=None)
        problems: list[PlanProblem] = []
        source.data = _to_data(root, (), source, problems, yaml.SafeLoader(""), [MAX_NODES])
    except (yaml.YAMLError, RecursionError, _TooLarge, ValueError):
        return None
    return None if problems else source


_STR_TAG = "tag:yaml.org,2002:str"


def _scalar(node: yaml.Node, loader: yaml.SafeLoader) -> Any:
    # Most of a plan is text, whose value is the node's own (SafeConstructor's
    # construct_yaml_str); PyYAML's general dispatch costs a third of a plan's reading.
    if node.tag == _STR_TAG and isinstance(node, yaml.ScalarNode):
        return node.value
    return loader.construct_object(node, deep=True)


def _to_data(
    node: yaml.Node,
    location: Location,
    source: PlanSource,
    problems: list[PlanProblem],
    loader: yaml.SafeLoader,
    budget: list[int],
) -> Any:
    """The node as plain data; `budget` holds how many more values may be made."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooLarge
    source.lines[location] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(
                    source.problem(
                        location,
                        "A key must be a plain word, not a list or a block.",
                        "Khóa phải là một từ, không phải danh sách hay khối.",
                    )
                )
                continue
            key = str(_scalar(key_node, loader))
            if key in mapping:
                problems.append(
                    PlanProblem(
                        source.path,
                        key_node.start_mark.line + 1,
                        ".".join(str(s) for s in (*location, key)),
                        f"The key '{key}' appears twice in the same block; only one may stand.",
                        f"Khóa '{key}' bị lặp lại trong cùng một khối.",
                    )
                )
                continue
            mapping[key] = _to_data(value_node, (*location, key), source, problems, loader, budget)
            # A block's faults are shown at its key ("calendar:"), not at its first entry.
            source.lines[(*location, key)] = key_node.start_mark.line + 1
        return mapping
    if isinstance(node, yaml.SequenceNode):
        return [
            _to_data(item, (*location, index), source, problems, loader, budget)
            for index, item in enumerate(node.value)
        ]
    try:
        return _scalar(node, loader)
    except ValueError as exc:
        # A scalar shaped like a date that is none ("2019-13-45") fails in PyYAML itself.
        problems.append(
            source.problem(
                location,
                f"'{node.value}' is not a valid date ({exc}); write dates as YYYY-MM-DD.",
                f"'{node.value}' không phải ngày hợp lệ; ghi ngày theo dạng YYYY-MM-DD.",
            )
        )
        return node.value
