"""The CLI's outer edge: every error a command raises becomes lines and an exit code here."""

from __future__ import annotations

import ast
import errno
import os
import re
import sys
from collections.abc import Callable, Sequence, Sized
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup

try:  # Typer 0.20 and later carry their own copy of Click; older ones use Click itself.
    from typer._click import exceptions as usage
except ImportError:  # pragma: no cover
    from click import exceptions as usage  # type: ignore[no-redef]

from .cli_values import install
from .errors import NexusError, display_path, one_line

PROG = "nexus-pm"
# `check` and `match` promise 2 for input they cannot read, so that 1 always means
# findings (for `match`: that nothing matched).
FILE_SYSTEM_EXIT = {"check": 2, "match": 2}
# Python 3.11's pathlib reports a symlink loop as RuntimeError, not OSError(ELOOP).
_LOOP = re.compile(r"Symlink loop from ('.*'|\".*\")", re.DOTALL)


def out(message: str) -> None:
    typer.echo(message)


def err(message: str) -> None:
    typer.echo(message, err=True)


def show(found: Sized, json: Callable[[], str] | None, text: Callable[[], str], none: str) -> None:
    """What a listing command found on stdout: `json` if asked for, even of nothing, else
    `text`; with nothing found and no JSON asked for, the line `none` on stderr."""
    if json is not None:
        sys.stdout.write(json())
    elif found:
        sys.stdout.write(text())
    else:
        err(none)


class Group(TyperGroup):
    """Runs every command: a NexusError or an error on a bad path ends as lines and an exit code."""

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        # Click cuts each command's line at 45 characters; the help says it whole.
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=1000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    # Simple values are read without pydantic, which only records need: the options of the
    # group, then of the command run, --help included (made when first asked for).
    def get_params(self, ctx: Any) -> Any:
        params = super().get_params(ctx)
        install(params)
        return params

    def resolve_command(self, ctx: Any, args: Any) -> Any:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None:
            install(command.get_params(ctx))
        return name, command, rest

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort):
            raise  # both are RuntimeErrors
        except NexusError as exc:
            # The one place a command's error becomes what the user sees.
            for line in "\n".join(exc.lines(_command_path(ctx))).split("\n"):
                # Whatever a message quotes, a terminal only shows it.
                err(one_line(line))
            raise typer.Exit(exc.exit_code) from None
        except usage.UsageError as exc:
            # Some parse errors carry no context; this one knows the command.
            raise typer.Exit(_report_usage(exc, _command_path(ctx))) from None
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                raise  # the reader went away: typer exits quietly
            where = _command_path(ctx)
            err(describe(exc, where))
        except RuntimeError as exc:
            loop = _LOOP.fullmatch(str(exc))
            if loop is None:
                raise
            path = ast.literal_eval(loop.group(1))
            err(f"{_shown(path)}: {os.strerror(errno.ELOOP)}")
        raise typer.Exit(FILE_SYSTEM_EXIT.get(ctx.invoked_subcommand or "", 1))

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        # Typer prints usage errors as a boxed, multi-line panel; one line is greppable.
        try:
            # One name in every message, however the CLI was started.
            result = super().main(args, PROG, complete_var, standalone_mode=False, **extra)
            code = result if isinstance(result, int) else 0
        except usage.UsageError as exc:
            code = _report_usage(exc, PROG)
        except usage.ClickException as exc:
            err(f"{PROG}: {one_line(exc.format_message())}")
            code = exc.exit_code
        except typer.Abort:
            err(f"{PROG}: aborted")
            code = 1
        if standalone_mode:
            sys.exit(code)
        return code


def _report_usage(exc: usage.UsageError, where: str) -> int:
    if isinstance(exc, getattr(usage, "NoArgsIsHelpError", ())):
        exc.show()  # the help text itself, as Typer prints it
    else:
        err(usage_line(exc, where))
    return exc.exit_code


def _command_path(ctx: Any) -> str:
    sub = ctx.invoked_subcommand
    return f"{ctx.command_path} {sub}" if sub else ctx.command_path


def describe(exc: OSError, where: str = PROG) -> str:
    """`path: reason`, or `command: reason` when the error names no file."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    shown = _shown(os.fsdecode(exc.filename)) if exc.filename is not None else where
    return f"{shown}: {one_line(reason)}"


def _shown(path: str) -> str:
    try:
        return display_path(path)
    except OSError:
        return one_line(path)  # the working folder itself is gone


def usage_line(exc: usage.UsageError, where: str = PROG) -> str:
    """A usage error on one line, with click's suggestion for a misspelt option."""
    where = exc.ctx.command_path if exc.ctx is not None else where
    possible = getattr(exc, "possibilities", None)
    if isinstance(exc, usage.NoSuchOption) and possible:
        message = f"{exc.message}; did you mean {' or '.join(possible)}?"
    else:
        message = exc.format_message()
    return f"{where}: {one_line(' '.join(message.split()))}"


def path_value(value: str | Path) -> Path:
    """A path option or argument; an empty one would quietly mean the working folder."""
    if isinstance(value, Path):
        return value  # a default, as declared
    if not value:
        raise typer.BadParameter("the path is empty")
    return Path(value)


def file_value(value: str | Path) -> Path:
    path = path_value(value)
    if path.is_dir():
        raise typer.BadParameter(f"{display_path(path)} is a folder, not a file")
    return path


def address_value(value: str) -> str:
    """HOST:PORT for `serve`; MkDocs checks the host, but a port over 65535 crashes it."""
    port = value.rpartition(":")[2]
    if port.isdigit() and not 0 < int(port) < 65536:
        raise typer.BadParameter(f"port {port} is not between 1 and 65535")
    return value
