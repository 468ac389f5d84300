"""`papi-etl plan import`: a draft plan file and its review report from a plan document.

Exit status: 0 the draft is written and only guesses and defaults are left to review, 1 the
draft is written but the document lacked something (an unknown body, no reporting rule, a
dimension without tasks: see the review report), 2 nothing usable (an empty, binary or
unreadable file, a document that is no plan) or the output exists (use --force).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from papi_etl.cli.context import JsonOption, echo, emit_json
from papi_etl.plan import load
from papi_etl.plan.importing import comparison, draft
from papi_etl.plan.importing.importer import ImportResult, import_document
from papi_etl.plan.importing.review import Severity


def _review_path(output: Path) -> Path:
    return output.with_name(f"{output.stem}.review.md")


def _counts(result: ImportResult) -> dict[str, int]:
    return {severity.value: result.review.count(severity) for severity in Severity}


def _figures(plan: dict[str, Any]) -> str:
    tasks = sum(len(d["tasks"]) for d in plan["dimensions"])
    inferred = sum(
        bool(t.get("inferred"))
        for t in [*(t for d in plan["dimensions"] for t in d["tasks"]), *plan["assignments"]]
    )
    return (
        f"{len(plan['dimensions'])} nội dung, {tasks} nhiệm vụ, {len(plan['assignments'])} "
        f"nhiệm vụ được giao, {inferred} phân công suy luận, {len(plan['units'])} đơn vị / "
        f"{len(plan['dimensions'])} dimensions, {tasks} tasks, {len(plan['assignments'])} "
        f"assignments, {inferred} inferred, {len(plan['units'])} units"
    )


def plan_import(
    document: Annotated[
        Path,
        typer.Argument(
            help="Văn bản kế hoạch: tệp văn bản (UTF-8) hoặc .docx. / The plan document: "
            "a UTF-8 text file or a .docx.",
            metavar="DOCUMENT",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="Tệp kế hoạch nháp cần ghi (mặc định plans/<mã kế hoạch>.yaml); báo cáo rà "
            "soát ghi bên cạnh (<tên>.review.md). / The draft plan file (default "
            "plans/<plan id>.yaml); the review report goes beside it (<name>.review.md).",
            show_default=False,
        ),
    ] = None,
    reference: Annotated[
        Path | None,
        typer.Option(
            "--compare",
            help="So sánh bản nháp với một tệp kế hoạch tham chiếu và in điểm từng trường. / "
            "Compare the draft with a reference plan file and print the score of each field.",
            metavar="REFERENCE",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Ghi đè tệp đã có. / Overwrite an existing output file."),
    ] = False,
    json: JsonOption = False,
) -> None:
    """Nhập kế hoạch từ văn bản thành tệp kế hoạch nháp và báo cáo rà soát. / Import a plan
    from its document into a draft plan file and a review report."""
    if output is not None and output.exists() and not force:
        _refuse(output)
    result = import_document(document)
    written: Path | None = None
    if result.plan is not None:
        written = output or Path("plans") / f"{result.plan['id']}.yaml"
        if written.exists() and not force:
            _refuse(written)
        text = draft.render(result.plan, document.name, _review_path(written).name)
        problems = draft.check(text)
        for problem in problems:  # the importer's own fault: say so, write nothing
            result.review.add(
                Severity.PROBLEM,
                problem.where or "plan",
                f"Bản nháp không qua kiểm tra (dòng {problem.line}): {problem.message_vi}",
                f"The draft fails the plan check (line {problem.line}): {problem.message_en}",
            )
        if problems:
            result = ImportResult(None, result.review)
            written = None
        else:
            _write(written, text, result.review.markdown(f"Báo cáo rà soát: {document.name}"))
    scores = None
    if reference is not None and written is not None:
        scores = comparison.compare(load(written).plan, load(reference).plan)
    if json:
        emit_json(
            {
                "output": str(written) if written else None,
                "review_file": str(_review_path(written)) if written else None,
                "exit_code": result.exit_code,
                "counts": _counts(result),
                "review": [item.as_dict() for item in result.review.ordered()],
                "scores": [s.as_dict() for s in scores] if scores is not None else None,
            }
        )
        raise typer.Exit(result.exit_code)
    _print(result, written, scores)
    raise typer.Exit(result.exit_code)


def _write(draft_path: Path, plan_text: str, review_text: str) -> None:
    try:
        draft_path.parent.mkdir(parents=True, exist_ok=True)
        draft_path.write_text(plan_text, encoding="utf-8")
        _review_path(draft_path).write_text(review_text, encoding="utf-8")
    except OSError as error:
        typer.echo(
            f"Không ghi được {draft_path}: {error.strerror}. / Cannot write {draft_path}: "
            f"{error.strerror}.",
            err=True,
        )
        raise typer.Exit(2) from None


def _refuse(path: Path) -> None:
    typer.echo(
        f"Tệp {path} đã có; dùng --force để ghi đè. / {path} exists; use --force to overwrite.",
        err=True,
    )
    raise typer.Exit(2)


def _print(
    result: ImportResult, written: Path | None, scores: list[comparison.Score] | None
) -> None:
    for item in result.review.ordered():
        for line in item.lines():
            echo(line)
    counts = _counts(result)
    echo()
    echo(
        f"Rà soát: {counts['problem']} vấn đề, {counts['inferred']} suy luận, "
        f"{counts['default']} mặc định. / Review: {counts['problem']} problems, "
        f"{counts['inferred']} inferred, {counts['default']} defaults."
    )
    if written is None or result.plan is None:
        echo(
            "Không nhập được kế hoạch: văn bản không có nội dung dùng được. / Nothing "
            "usable: no plan was written."
        )
        return
    echo(f"Đã ghi bản nháp / Draft written: {written} ({_figures(result.plan)}).")
    echo(f"Báo cáo rà soát / Review report: {_review_path(written)}")
    if scores is None:
        return
    echo()
    echo("So sánh với kế hoạch tham chiếu / Compared with the reference:")
    width = max(len(s.field) for s in scores)
    for score in scores:
        note = f"  ({score.note})" if score.note else ""
        echo(
            f"  {score.field:<{width}}  {score.agree:>4}/{score.total:<4} {score.share:7.1%}{note}"
        )
