"""The root of the `armtrace` command: global options, init, verify; areas as sub-commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from armtrace.cli import accounts, demo, identify, importing, registry, retention, tracing
from armtrace.cli.output import ArmtraceGroup, console, errors, ready, runtime
from armtrace.runtime import Runtime
from armtrace.services.integrity import verify as verify_store
from armtrace.settings import Settings

DEMO_STORE = Path("armtrace-demo.db")

app = typer.Typer(
    cls=ArmtraceGroup,
    no_args_is_help=True,
    add_completion=False,
    help="armtrace: mark, record and trace small arms and light weapons.",
)
app.add_typer(registry.weapon, name="weapon")
app.add_typer(registry.event, name="event")
app.add_typer(registry.business, name="business")
app.add_typer(retention.app, name="retention")
app.command("demo")(demo.demo)
app.command("import")(importing.import_command)
app.command("identify")(identify.identify_command)
app.add_typer(tracing.node, name="node")
app.add_typer(tracing.peer, name="peer")
app.add_typer(tracing.trace, name="trace")
app.add_typer(tracing.outbox, name="outbox")
app.command("serve")(tracing.serve)
app.add_typer(accounts.user, name="user")
app.add_typer(accounts.token, name="token")


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option("--db", envvar="ARMTRACE_DATABASE_URL", help="Store URL (default: sqlite:///armtrace.db)"),
    ] = None,
    actor: Annotated[
        str | None, typer.Option("--as", envvar="ARMTRACE_ACTOR", help="Who you are, for the change log")
    ] = None,
) -> None:
    overrides: dict[str, object] = {}
    if db:
        overrides["database_url"] = db
    elif DEMO_STORE.exists() and not Path("armtrace.db").exists() and ctx.invoked_subcommand != "demo":
        # Right after 'armtrace demo', with nothing configured, the other commands use its store.
        overrides["database_url"] = f"sqlite:///{DEMO_STORE.resolve()}"
        errors.print(f"[dim]Using the demo store {DEMO_STORE} (set ARMTRACE_DATABASE_URL to use another).[/dim]")
    if actor:
        overrides["actor"] = actor
    ctx.obj = Runtime(Settings(**overrides))  # type: ignore[arg-type]


@app.command()
def init(ctx: typer.Context) -> None:
    """Create the store, or bring it up to date (Alembic migrations)."""
    rt = runtime(ctx)
    rt.init_store()
    console.print(f"Store ready at [bold]{rt.safe_url}[/bold]")


@app.command()
def verify(ctx: typer.Context) -> None:
    """Recompute every hash in the chain and every weapon's projection; exit 1 on any break."""
    rt = ready(ctx)
    report = verify_store(rt.engine, rt.policy)
    console.print(f"Checked {report.events:,} events ({report.archived:,} archived) and {report.weapons:,} weapons.")
    if report.chain_break:
        console.print(
            f"[bold red]Chain broken at event #{report.chain_break.seq}:[/bold red] {report.chain_break.reason}"
        )
    for message in report.projection_errors:
        console.print(f"[bold red]Projection:[/bold red] {message}")
    if not report.ok:
        console.print(
            "The record has been altered outside armtrace. Keep this store as evidence and "
            "compare it with the last chain head lodged with peers or a backup."
        )
        raise typer.Exit(1)
    console.print(
        f"[bold green]OK[/bold green]: the chain is intact up to event #{report.head_seq} "
        "and every projection matches its events."
    )


if __name__ == "__main__":
    app()
