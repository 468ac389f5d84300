"""Writing a draft plan file, checked by the loader of `papi-etl plan check` first.

The draft says what it is at its top, and every block that holds defaults says so in a
comment, so that a steward reading the file (not only the review report) sees what the
document gave and what it did not.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import yaml

from papi_etl.errors import PlanError, PlanProblem
from papi_etl.plan import loader

_BLOCK_NOTES = {
    "units": "Đơn vị: lấy từ các cơ quan, đơn vị văn bản nêu tên. Chưa có địa chỉ liên hệ "
    "(contact): MẶC ĐỊNH, cần bổ sung.",
    "groups": "Nhóm đơn vị: các tên gọi chung trong văn bản.",
    "dimensions": "Các nội dung PAPI và nhiệm vụ, nguyên văn theo văn bản. Nhiệm vụ có "
    "`inferred: true` là phân công SUY LUẬN (xem `inference_note`).",
    "assignments": "Mục Tổ chức thực hiện: nhiệm vụ được giao cho từng đơn vị.",
    "indicators": "Chỉ tiêu: MẶC ĐỊNH rỗng (văn bản không liệt kê), cần bổ sung.",
    "calendar": "Lịch báo cáo theo quy định báo cáo định kỳ của văn bản; khoảng thời gian số "
    "liệu mỗi kỳ (span_start, span_end) là MẶC ĐỊNH.",
    "orchestration": "Lịch chạy các luồng: MẶC ĐỊNH, tính từ các hạn báo cáo.",
    "status_weights": "Trọng số tình trạng nhiệm vụ: MẶC ĐỊNH.",
}


class _Dumper(yaml.SafeDumper):
    """No anchors and aliases: a task's lead and reporting units are often the same list,
    and a steward edits each where it stands."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def render(plan: dict[str, Any], document: str, review_file: str | None) -> str:
    """The draft's YAML text: a heading comment, then each top-level block with its note."""
    now = dt.datetime.now().astimezone().strftime("%d/%m/%Y %H:%M")
    review = f" Báo cáo rà soát: {review_file}." if review_file else ""
    lines = [
        f"# BẢN NHÁP do `papi-etl plan import` tạo từ {document} lúc {now}.{review}",
        "# Rà soát mọi mục SUY LUẬN và MẶC ĐỊNH trước khi dùng; `papi-etl plan check` kiểm tra.",
        "# DRAFT written by `papi-etl plan import`: review every inferred and default value.",
        "",
    ]
    for key, value in plan.items():
        if key in _BLOCK_NOTES:
            lines.append(f"# {_BLOCK_NOTES[key]}")
        lines.append(
            yaml.dump(
                {key: value},
                Dumper=_Dumper,
                allow_unicode=True,
                sort_keys=False,
                width=100,
                indent=2,
            ).rstrip()
        )
        if isinstance(value, list | dict):
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def check(text: str) -> list[PlanProblem]:
    """The faults `papi-etl plan check` would find in the draft (none, normally)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "draft.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            loader.load(path)
        except PlanError as error:
            return error.problems
    return []
