"""How the command line speaks: one console, errors by the one table, shared options."""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from armtrace.domain.errors import ArmtraceError, response_for
from armtrace.runtime import Runtime

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)


def show_error(error: ArmtraceError) -> int:
    """Print what was wrong, the rule and what to do; return the exit code from the table."""
    _, code = response_for(error)
    rule = f" [dim]({escape(error.rule)})[/dim]" if error.rule else ""
    errors.print(f"[bold red]Error:[/bold red] {escape(error.detail)}{rule}", soft_wrap=True)
    for p in error.problems:
        errors.print(f"  [red]•[/red] {escape(str(p))}", soft_wrap=True)
    if error.hint:
        errors.print(f"[bold]What to do:[/bold] {escape(error.hint)}", soft_wrap=True)
    return code


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
