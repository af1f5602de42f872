"""How the command line speaks: one console, in the user's language, errors by the one table."""

from __future__ import annotations

from typing import Any

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


def _problem(p: Problem) -> str:
    worded = Problem(p.field, word(p.message), p.value, p.rule, p.hint and word(p.hint))
    return str(worded)


class ArmtraceGroup(TyperGroup):
    """Turns any ArmtraceError raised by a command into a clear message and its exit code."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except ArmtraceError as exc:
            raise typer.Exit(show_error(exc)) from None


def runtime(ctx: typer.Context) -> Runtime:
    rt: Runtime = ctx.find_root().obj
    return rt


def ready(ctx: typer.Context) -> Runtime:
    """The runtime of a command that needs an initialised store."""
    rt = runtime(ctx)
    rt.require_store()
    return rt
