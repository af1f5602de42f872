"""How the command line speaks: one console, in the user's language, errors by the one table.

An ArmtraceError is a user's problem: it is told what was wrong, the rule and what to do,
and exits with the table's code. Anything else is armtrace's own bug: the user gets one
line saying so and where the traceback was written, never the traceback itself (it may
name the store, and it tells a clerk nothing they can act on).
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from armtrace import i18n
from armtrace.domain.errors import ArmtraceError, Problem, response_for
from armtrace.runtime import Runtime

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)
LANGUAGE = i18n.of_command_line()
BUG_EXIT = 1
# Click's own ways of ending a command (--help, a bad option, Ctrl-C at a prompt): not bugs.
_NOT_BUGS = (typer.Exit, typer.Abort, click.exceptions.Exit, click.exceptions.Abort, click.ClickException)


def _(message: str, **params: object) -> str:
    """A message of the command line in its language; `params` fill its %(name)s placeholders."""
    text = i18n.translations(LANGUAGE).gettext(message)
    return text % params if params else text


def word(text: str) -> str:
    """A text that comes whole from below (an error's detail, a stored code) in the command line's language."""
    return i18n.word(LANGUAGE, text)


def show_error(error: ArmtraceError) -> int:
    """Print what was wrong, the rule and what to do; return the exit code from the table."""
    code = response_for(error)[1]
    rule = f" [dim]({escape(error.rule)})[/dim]" if error.rule else ""
    label, todo = _("Error:"), _("What to do:")  # outside the f-strings, where the catalogue's extraction finds them
    errors.print(f"[bold red]{label}[/bold red] {escape(word(error.detail))}{rule}", soft_wrap=True)
    for p in error.problems:
        errors.print(f"  [red]•[/red] {escape(_problem(p))}", soft_wrap=True)
    if error.hint:
        errors.print(f"[bold]{todo}[/bold] {escape(word(error.hint))}", soft_wrap=True)
    return code


def show_bug(exc: BaseException, command: str) -> int:
    """Write the traceback to a file of its own and tell the user, in one line, where it is."""
    where = write_bug_log(exc, command)
    if where is None:
        line = _("armtrace hit a bug (%(error)s) and stopped; its traceback could not be written.", error=_name(exc))
    else:
        line = _(
            "armtrace hit a bug (%(error)s) and stopped; the traceback is in %(path)s: send that file to whoever "
            "maintains armtrace.",
            error=_name(exc),
            path=str(where),
        )
    errors.print(f"[bold red]{escape(line)}[/bold red]", soft_wrap=True)
    return BUG_EXIT


def bug_log_dirs() -> list[Path]:
    """Where bug logs go: the user's state folder (XDG), else the temporary folder."""
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return [Path(state) / "armtrace", Path(tempfile.gettempdir()) / "armtrace"]


def write_bug_log(exc: BaseException, command: str) -> Path | None:
    """The traceback, with what was running, in a new owner-only file; None if no folder would take it."""
    now = datetime.now(UTC)
    text = (
        f"armtrace bug report, {now.isoformat(timespec='seconds')}\n"
        f"command: {command}\npython: {sys.version.split()[0]} on {sys.platform}\n\n"
        + "".join(traceback.format_exception(exc))
    )
    for folder in bug_log_dirs():
        path = folder / f"bug-{now:%Y%m%dT%H%M%S}Z-{os.getpid()}.log"
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            # Owner-only: a traceback may name the store and the records being worked on.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            return path
        except OSError:
            continue
    return None


def _name(exc: BaseException) -> str:
    return type(exc).__name__


def _problem(p: Problem) -> str:
    worded = Problem(p.field, word(p.message), p.value, p.rule, p.hint and word(p.hint))
    return str(worded)


class ArmtraceGroup(TyperGroup):
    """Turns an ArmtraceError raised by a command into a clear message and its exit code, and any other
    exception into one line naming the log that holds its traceback."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except ArmtraceError as exc:
            raise typer.Exit(show_error(exc)) from None
        except _NOT_BUGS:
            raise
        except Exception as exc:
            raise typer.Exit(show_bug(exc, f"{ctx.command_path} {ctx.invoked_subcommand or ''}".strip())) from None


def runtime(ctx: typer.Context) -> Runtime:
    rt: Runtime = ctx.find_root().obj
    return rt


def ready(ctx: typer.Context) -> Runtime:
    """The runtime of a command that needs an initialised store."""
    rt = runtime(ctx)
    rt.require_store()
    return rt
