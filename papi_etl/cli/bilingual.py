"""The command line's own words, Vietnamese first and English after: help pages and the
option parser's errors.

Typer (0.29) prints its help and its usage errors with the English strings of the Click it
vendors, which has no translation hook (no gettext). So the commands are built from the
classes here: they write the help page's headings, markers and usage line in both
languages, and an error of the parser is shown as `Lỗi: <Vietnamese>` then `Error:
<English as Typer wrote it>`. The Vietnamese is made from the error's kind and fields
(the missing option, the unknown one and the close names, the value and the rule it
broke), and for the messages that only exist as text, from the catalogue `_MESSAGES`; a
message it does not know still gets a Vietnamese line, and the English keeps every
detail. A test makes each kind of mistake, so a Typer that rewords a message, or moves
the private classes imported here, shows up there (pyproject.toml pins Typer's minor
version for that reason).

Exit status 2 for every usage error, as Click has it; never a traceback.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any

import typer
from typer._click.core import Context
from typer._click.exceptions import (
    BadParameter,
    ClickException,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)
from typer._click.formatting import HelpFormatter
from typer.core import TyperCommand, TyperGroup

USAGE = "Cách dùng / Usage: "
HELP_OPTION = "Hiện hướng dẫn này rồi thoát. / Show this message and exit."
HEADINGS = {
    "argument": "Tham số / Arguments",
    "option": "Tùy chọn / Options",
    "command": "Lệnh / Commands",
}
_MARKERS = (
    (re.compile(r"default: (?P<value>.*)", re.S), "mặc định / default: {value}"),
    (re.compile(r"required"), "bắt buộc / required"),
)
_PARAM_KINDS = {"option": "tùy chọn", "argument": "tham số", "parameter": "tham số"}
_PATH_KINDS = {"file": "tệp", "directory": "thư mục", "path": "đường dẫn"}


class WrongUsage(UsageError):
    """A mistake in the arguments that the command itself finds (two options that exclude
    each other), said in both languages; exit status 2 like the parser's own."""

    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_vi = message_vi


# --- help pages ----------------------------------------------------------------------


def _marker(piece: str) -> str:
    for pattern, vietnamese in _MARKERS:
        if found := pattern.fullmatch(piece):
            return vietnamese.format(**found.groupdict())
    return piece


def _help_record(param: Any, ctx: Context) -> tuple[str, str] | None:
    """Typer's record of a parameter, its bracketed markers ("[default: 4200; required]")
    said in both languages. Typer writes them after the help text, two spaces apart."""
    record = param.get_help_record(ctx)
    if record is None:
        return None
    name, text = record
    if param.param_type_name == "argument" and param.metavar:
        name = param.metavar  # not "FILE <file>": the placeholder says it
    own = param.help or ""
    extra = text[len(own) :].strip() if text.startswith(own) else ""
    if not (extra.startswith("[") and extra.endswith("]")):
        return name, text
    markers = "; ".join(_marker(piece) for piece in extra[1:-1].split("; "))
    return name, f"{own}  [{markers}]" if own else f"[{markers}]"


class _Bilingual:
    """What every command and group of papi-etl shares: the help page in both languages."""

    def collect_usage_pieces(self: Any, ctx: Context) -> list[str]:
        # Typer writes a required argument "{FILE}"; the README and every Unix tool, "FILE".
        pieces = super().collect_usage_pieces(ctx)  # type: ignore[misc]
        return [re.sub(r"^\{(.+)\}", r"\1", piece) for piece in pieces]

    def format_usage(self: Any, ctx: Context, formatter: HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), USAGE)

    def get_help_option(self: Any, ctx: Context) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION
        return option

    def format_help(self: Any, ctx: Context, formatter: HelpFormatter) -> None:
        # Plain text always: Rich's panels would bring back its own English headings.
        self.format_usage(ctx, formatter)
        self.format_help_text(ctx, formatter)
        self.format_options(ctx, formatter)
        self.format_epilog(ctx, formatter)

    def format_options(self: Any, ctx: Context, formatter: HelpFormatter) -> None:
        records: dict[str, list[tuple[str, str]]] = {"argument": [], "option": []}
        for param in self.get_params(ctx):
            record = _help_record(param, ctx)
            if record is not None and param.param_type_name in records:
                records[param.param_type_name].append(record)
        for kind, rows in records.items():
            if rows:
                with formatter.section(HEADINGS[kind]):
                    formatter.write_dl(rows)


def summary(command: Any) -> str:
    """A command's line in its group's list: its first paragraph, whole (Typer would cut
    it at 45 characters, in the middle of the Vietnamese)."""
    text = inspect.cleandoc(command.short_help or command.help or "")
    return " ".join(text.split("\n\n")[0].split())


class BilingualCommand(_Bilingual, TyperCommand):
    """A papi-etl command: help in Vietnamese then English."""


class BilingualGroup(_Bilingual, TyperGroup):
    """A papi-etl group of commands; its usage errors are shown Vietnamese first."""

    def format_options(self, ctx: Context, formatter: HelpFormatter) -> None:
        super().format_options(ctx, formatter)
        rows = [
            (name, summary(command))
            for name in self.list_commands(ctx)
            if (command := self.get_command(ctx, name)) is not None and not command.hidden
        ]
        if rows:
            with formatter.section(HEADINGS["command"]):
                formatter.write_dl(rows)

    def make_context(
        self, info_name: str | None, args: list[str], parent: Context | None = None, **extra: Any
    ) -> Context:
        with _said_in_both_languages():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: Context) -> Any:
        with _said_in_both_languages():
            return super().invoke(ctx)


class BilingualTyper(typer.Typer):
    """A Typer app made of BilingualGroup and BilingualCommand, plain text, no completion
    scripts, no Rich tracebacks (the command line prints its own one-paragraph errors)."""

    def __init__(self, **options: Any) -> None:
        options.setdefault("cls", BilingualGroup)
        options.setdefault("no_args_is_help", True)
        super().__init__(
            add_completion=False,
            pretty_exceptions_enable=False,
            rich_markup_mode=None,
            **options,
        )

    def command(self, name: str | None = None, **options: Any) -> Callable[[Any], Any]:
        options.setdefault("cls", BilingualCommand)
        return super().command(name, **options)


# --- usage errors --------------------------------------------------------------------


def _kinds(text: str) -> str:
    return _PATH_KINDS.get(text.lower(), text)


_MESSAGES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = tuple(
    (re.compile(pattern, re.S), say)
    for pattern, say in (
        (
            r"Option (?P<name>'.*') requires an argument\.",
            lambda m: f"tùy chọn {m['name']} cần một giá trị đi kèm.",
        ),
        (
            r"Option (?P<name>'.*') requires (?P<count>\d+) arguments\.",
            lambda m: f"tùy chọn {m['name']} cần {m['count']} giá trị đi kèm.",
        ),
        (
            r"Option (?P<name>'.*') does not take a value\.",
            lambda m: f"tùy chọn {m['name']} không nhận giá trị.",
        ),
        (
            r"Argument (?P<name>'.*') takes (?P<count>\d+) values\.",
            lambda m: f"tham số {m['name']} nhận {m['count']} giá trị.",
        ),
        (
            r"Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)",
            lambda m: f"thừa tham số: {m['args']}.",
        ),
        (
            r"No such command (?P<name>'.*?')\.(?: Did you mean (?P<close>.*)\?)?",
            lambda m: (
                f"không có lệnh {m['name']}."
                + (f" Có phải ý bạn là {m['close']}?" if m["close"] else "")
            ),
        ),
        (r"Missing command\.", lambda m: "thiếu tên lệnh."),
        (
            r"(?P<kind>\w+) (?P<path>'.*') does not exist\.",
            lambda m: f"{_kinds(m['kind'])} {m['path']} không tồn tại.",
        ),
        (
            r"(?P<kind>\w+) (?P<path>'.*') is a file\.",
            lambda m: f"{m['path']} là một tệp, cần một thư mục.",
        ),
        (
            r"(?P<kind>\w+) (?P<path>'.*') is a directory\.",
            lambda m: f"{m['path']} là một thư mục, cần một tệp.",
        ),
        (
            r"(?P<kind>\w+) (?P<path>'.*') is not readable\.",
            lambda m: f"không có quyền đọc {_kinds(m['kind'])} {m['path']}.",
        ),
        (
            r"(?P<kind>\w+) (?P<path>'.*') is not writable\.",
            lambda m: f"không có quyền ghi vào {_kinds(m['kind'])} {m['path']}.",
        ),
        (
            r"(?:Value error, )?(?P<value>.*) is not one of (?P<choices>.*)\.",
            lambda m: f"{m['value']} không phải một trong các giá trị {m['choices']}.",
        ),
        (
            r"Value (?P<value>.*) is not a valid (?P<kind>.*)\.",
            lambda m: f"{m['value']} không phải giá trị hợp lệ ({m['kind']}).",
        ),
    )
)

_PYDANTIC: dict[str, Callable[[dict[str, Any]], str]] = {
    "int_parsing": lambda e: f"{e['input']!r} không phải số nguyên.",
    "int_from_float": lambda e: f"{e['input']!r} không phải số nguyên.",
    "float_parsing": lambda e: f"{e['input']!r} không phải số.",
    "bool_parsing": lambda e: f"{e['input']!r} không phải giá trị đúng/sai.",
    "greater_than_equal": lambda e: f"giá trị phải lớn hơn hoặc bằng {e['ctx']['ge']}.",
    "greater_than": lambda e: f"giá trị phải lớn hơn {e['ctx']['gt']}.",
    "less_than_equal": lambda e: f"giá trị phải nhỏ hơn hoặc bằng {e['ctx']['le']}.",
    "less_than": lambda e: f"giá trị phải nhỏ hơn {e['ctx']['lt']}.",
}


def _from_catalogue(message: str) -> str | None:
    for pattern, say in _MESSAGES:
        if found := pattern.fullmatch(message.strip()):
            return say(found)
    return None


def _value_vi(error: BadParameter) -> str:
    """What is wrong with the value, from the validation error Typer raised it from (by
    the error's type, not its English words) or from the catalogue."""
    from pydantic import ValidationError

    cause = error.__cause__
    if isinstance(cause, ValidationError):
        first = cause.errors()[0]
        if first["type"] in _PYDANTIC:
            return _PYDANTIC[first["type"]](first)
        inner = first.get("ctx", {}).get("error")
        if inner is not None and (said := _from_catalogue(str(inner))):
            return said
    return _from_catalogue(error.message) or "giá trị không đúng."


def _hint(error: BadParameter) -> str:
    if error.param_hint is not None:
        hint = error.param_hint
        return hint if isinstance(hint, str) else " / ".join(repr(x) for x in hint)
    return error.param.get_error_hint() if error.param is not None else ""


def vietnamese(error: ClickException) -> str:
    """The error in Vietnamese, as a sentence (without the "Lỗi:" before it)."""
    if isinstance(error, WrongUsage):
        return error.message_vi
    if isinstance(error, MissingParameter):
        kind = error.param_type or (error.param.param_type_name if error.param else "parameter")
        return f"thiếu {_PARAM_KINDS.get(kind, 'tham số')} {_hint(error)}.".replace("  ", " ")
    if isinstance(error, NoSuchOption):
        said = f"không có tùy chọn {error.option_name}."
        if error.possibilities:
            said += f" Có phải ý bạn là {', '.join(sorted(error.possibilities))}?"
        return said
    if isinstance(error, BadParameter):
        hint = _hint(error)
        value = _value_vi(error)
        return f"giá trị của {hint} không hợp lệ: {value}" if hint else f"giá trị sai: {value}"
    return _from_catalogue(error.message) or "lệnh chưa đúng cách dùng."


class Bilingual(ClickException):
    """A usage error of the parser (or of a command), shown Vietnamese first: the usage
    line, how to get help, then `Lỗi:` and `Error:`. Keeps the error's exit status."""

    def __init__(self, error: ClickException) -> None:
        super().__init__(error.format_message())
        self.error = error
        self.exit_code = error.exit_code

    def show(self, file: IO[Any] | None = None) -> None:
        lines = []
        ctx: Context | None = getattr(self.error, "ctx", None)
        if ctx is not None:
            lines.append(ctx.get_usage())
            if ctx.command.get_help_option(ctx) is not None:
                lines.append(f"Xem hướng dẫn / Help: {ctx.command_path} {ctx.help_option_names[0]}")
            lines.append("")
        said = vietnamese(self.error)
        lines.append(f"Lỗi: {said[:1].upper()}{said[1:]}")
        lines.append(f"Error: {self.error.format_message()}")
        typer.echo("\n".join(lines), file=file, err=True)


@contextmanager
def _said_in_both_languages() -> Iterator[None]:
    try:
        yield
    except (Bilingual, NoArgsIsHelpError):
        raise  # said already; the help page of a bare group is its own message
    except ClickException as error:
        raise Bilingual(error) from error
