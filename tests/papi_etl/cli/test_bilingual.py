"""The command line speaks Vietnamese first: every help page, and the option parser's
errors (`papi_etl.cli.bilingual`). In this process (the pages and errors are what Typer
builds, whoever calls it); the entry point itself is run once, as a user would."""

from __future__ import annotations

import re
import unicodedata

import pytest
import typer.main
from reliability_ledger import record
from typer.testing import CliRunner

from papi_etl.cli.bilingual import BilingualCommand, BilingualGroup
from papi_etl.cli.main import app

# One scheme of placeholders (papi_etl/cli/context.py), and the choice lists.
PLACEHOLDERS = {"PERIOD", "UNIT", "FILE", "DIR", "PATH", "YEAR", "PORT", "HOST", "SEED", "N"}
PLACEHOLDERS |= {"ID", "NAME", "TEXT", "SUBMISSION", "DOCUMENT", "REFERENCE"}
PLACEHOLDERS |= {"[inbox|http]", "[xlsx|csv|json]"}
# Letters only Vietnamese has: a help text holding one was written in Vietnamese.
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


def _commands(group=None, path=()):
    """Every command and group of papi-etl, with its words on the command line."""
    group = group or typer.main.get_command(app)
    yield path, group
    for name, command in group.commands.items():
        if isinstance(command, BilingualGroup):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


COMMANDS = list(_commands())


def _bilingual(text: str) -> bool:
    """'<Tiếng Việt>. / <English>.': Vietnamese with its diacritics, in NFC, then English."""
    vietnamese, sep, english = text.partition(" / ")
    return (
        bool(sep and english)
        and VIETNAMESE.search(vietnamese) is not None
        and VIETNAMESE.search(english) is None
        and unicodedata.is_normalized("NFC", text)
    )


def _help(*words: str) -> str:
    result = CliRunner().invoke(app, [*words, "--help"])
    assert result.exit_code == 0, result.output
    return result.stdout


def _flat(page: str) -> str:
    """The page's lines joined again where the terminal's width wrapped them."""
    return " ".join(page.split())


def test_every_command_is_built_from_the_bilingual_classes():
    assert len(COMMANDS) == 24  # papi-etl, 3 groups and 20 commands
    for path, command in COMMANDS:
        assert isinstance(command, BilingualGroup | BilingualCommand), path


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_help_page_is_vietnamese_first(path, command):
    page = _help(*path)
    lines = page.splitlines()
    assert lines[0].startswith(f"Cách dùng / Usage: papi-etl {' '.join(path)}".rstrip())
    assert "Tùy chọn / Options:" in lines
    assert "--help Hiện hướng dẫn này rồi thoát. / Show this message and exit." in _flat(page)
    for english in ("Usage:", "Options:", "Arguments:", "Commands:"):
        assert page.count(english) == page.count(f" / {english}"), english
    assert "[default:" not in page and "[required" not in page
    summary = " ".join(command.help.split("\n\n")[0].split())
    assert _bilingual(summary), summary
    if isinstance(command, BilingualGroup):
        assert "Lệnh / Commands:" in lines
        return
    for param in command.params:
        assert _bilingual(" ".join(param.help.split())), (path, param.name, param.help)
        if not getattr(param, "is_flag", False):
            assert param.metavar in PLACEHOLDERS, (path, param.name, param.metavar)


def test_a_group_without_its_command_shows_its_page_and_exits_2():
    bare = CliRunner().invoke(app, ["steward"])
    assert bare.exit_code == 2
    assert bare.stderr.startswith("Cách dùng / Usage: papi-etl steward [OPTIONS] COMMAND")
    assert "Lệnh / Commands:" in bare.stderr


def test_markers_and_placeholders_in_a_page():
    page = _flat(_help("synth"))
    assert "--format [xlsx|csv|json]" in page and "--districts N" in page
    assert "[mặc định / default: xlsx]" in page
    assert "[bắt buộc / required]" in page
    assert "[mặc định / default: 1; 1<=x<=999]" in page
    accept = _flat(_help("steward", "accept"))
    assert "Cách dùng / Usage: papi-etl steward accept [OPTIONS] SUBMISSION" in accept
    assert "Tham số / Arguments:" in accept and "--finding ID" in accept


MISTAKES = [
    (["metrics"], "Thiếu tùy chọn '--period'.", "Missing option '--period'."),
    (["validate"], "Thiếu tham số 'FILE'.", "Missing argument 'FILE'."),
    (
        ["metrics", "--perod", "2019-Q1"],
        "Không có tùy chọn --perod. Có phải ý bạn là --period?",
        "No such option: --perod",
    ),
    (
        ["calendar", "--year", "sớm"],
        "Giá trị của '--year' không hợp lệ: 'sớm' không phải số nguyên.",
        "Invalid value for '--year'",
    ),
    (
        ["synth", "-o", "x", "--format", "docx"],
        "Giá trị của '--format' không hợp lệ: 'docx' không phải một trong các giá trị "
        "'xlsx', 'csv', 'json'.",
        "Invalid value for '--format'",
    ),
    (
        ["synth", "-o", "x", "--districts", "0"],
        "Giá trị của '--districts' không hợp lệ: giá trị phải lớn hơn hoặc bằng 1.",
        "Invalid value for '--districts'",
    ),
    (
        ["ui", "--port", "70000"],
        "Giá trị của '--port' không hợp lệ: giá trị phải nhỏ hơn hoặc bằng 65535.",
        "Invalid value for '--port'",
    ),
    (
        ["validate", "không-có.xlsx"],
        "Giá trị của 'FILE' không hợp lệ: tệp 'không-có.xlsx' không tồn tại.",
        "file 'không-có.xlsx' does not exist.",
    ),
    (["plan", "show", "thừa"], "Thừa tham số: thừa.", "Got unexpected extra argument"),
    (["plan", "shwo"], "Không có lệnh 'shwo'. Có phải ý bạn là 'show'?", "No such command"),
    (
        ["metrics", "--period"],
        "Tùy chọn '--period' cần một giá trị đi kèm.",
        "requires an argument",
    ),
    (
        ["plan", "show", "--json=1"],
        "Tùy chọn '--json' không nhận giá trị.",
        "does not take a value",
    ),
    (
        ["template", "--period", "2019-Q1", "-o", "x.xlsx"],
        "Cần đúng một trong hai: --unit UNIT hoặc --all.",
        "give either --unit UNIT or --all.",
    ),
]


@pytest.mark.reliability
@pytest.mark.parametrize(
    ("words", "vietnamese", "english"), MISTAKES, ids=[" ".join(m[0]) for m in MISTAKES]
)
def test_usage_errors_are_vietnamese_first_and_exit_2(words, vietnamese, english, tmp_path):
    result = CliRunner().invoke(app, words)
    assert result.exit_code == 2, result.output
    said = result.stderr.splitlines()
    assert f"Lỗi: {vietnamese}" in said
    error = next(i for i, line in enumerate(said) if line.startswith("Error: "))
    assert said[error - 1] == f"Lỗi: {vietnamese}" and english in said[error]
    assert "Traceback" not in result.output and result.stdout == ""
    record("command line", f"papi-etl {' '.join(words)}", 1, "exit 2, Lỗi: then Error:")


def test_the_entry_point_says_a_usage_error_vietnamese_first(papi):
    result = papi("findings", "--unit")
    assert result.code == 2
    assert result.err.splitlines()[-2:] == [
        "Lỗi: Tùy chọn '--unit' cần một giá trị đi kèm.",
        "Error: Option '--unit' requires an argument.",
    ]
