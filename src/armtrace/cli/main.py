"""The root of the `armtrace` command: global options, init, verify; areas as sub-commands.

Every command but a few acts as the user named by --user, signed in (cli/signin.py); init
and verify act as the console's operator, who may set up the store and check it and do
nothing else.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from armtrace.cli import (
    accounts,
    approvals,
    closures,
    demo,
    exchange,
    identify,
    importing,
    integrity,
    marking,
    registry,
    retention,
    signin,
    tracing,
)
from armtrace.cli.output import ArmtraceGroup, _, console, errors, runtime
from armtrace.runtime import Runtime
from armtrace.settings import load_settings

DEMO_STORE = Path("armtrace-demo.db")

app = typer.Typer(
    cls=ArmtraceGroup,
    no_args_is_help=True,
    add_completion=False,
    help=_("armtrace: mark, record and trace small arms and light weapons."),
)
app.add_typer(registry.weapon, name="weapon")
app.add_typer(registry.event, name="event")
app.add_typer(closures.business, name="business")
app.add_typer(marking.app, name="marking")
app.add_typer(retention.app, name="retention")
app.command("demo", help=_("Build a realistic national registry in a fresh SQLite file and show what to try."))(
    demo.demo
)
app.command(
    "import", help=_("Import weapons and their events; bad rows go to a report and never block the good ones.")
)(importing.import_command)
app.command("identify", help=_("Find the record of a recovered weapon from damaged or misread marks."))(
    identify.identify_command
)
app.add_typer(exchange.node, name="node")
app.add_typer(exchange.peer, name="peer")
app.add_typer(tracing.trace, name="trace")
app.add_typer(exchange.outbox, name="outbox")
app.command("serve", help=_("Run this node's HTTP server, and deliver the outbox in the background."))(exchange.serve)
app.command("verify", help=_("Recompute the hash chains and every projection; name every break; exit 1 on any."))(
    integrity.verify
)
app.command("anchor", help=_("Lodge this node's chain heads with every peer now (serve does it daily)."))(
    integrity.lodge
)
app.add_typer(accounts.user, name="user")
app.add_typer(accounts.token, name="token")
app.add_typer(approvals.app, name="approval")


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option("--db", envvar="ARMTRACE_DATABASE_URL", help=_("Store URL (default: sqlite:///armtrace.db)")),
    ] = None,
    user: Annotated[
        str | None,
        typer.Option(
            "--user",
            envvar="ARMTRACE_USER",
            help=_(
                "Your user of the registry: every command acts and reads signed in as them (the password is asked "
                "for, or read with --password-stdin or from ARMTRACE_PASSWORD)"
            ),
        ),
    ] = None,
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help=_("Read the password from the first line of standard input (scripts)")),
    ] = False,
) -> None:
    overrides: dict[str, object] = {}
    if db:
        overrides["database_url"] = db
    elif DEMO_STORE.exists() and not Path("armtrace.db").exists() and ctx.invoked_subcommand != "demo":
        # Right after 'armtrace demo', with nothing configured, the other commands use its store.
        overrides["database_url"] = f"sqlite:///{DEMO_STORE.resolve()}"
        errors.print(
            "[dim]"
            + _("Using the demo store %(path)s (set ARMTRACE_DATABASE_URL to use another).", path=DEMO_STORE)
            + "[/dim]"
        )
    ctx.obj = Runtime(load_settings(**overrides))
    signin.remember(ctx, user, password_stdin)


@app.command("init", help=_("Create the store, or bring it up to date (Alembic migrations)."))
def init(ctx: typer.Context) -> None:
    rt = runtime(ctx)
    rt.init_store()
    console.print(_("Store ready at [bold]%(url)s[/bold]", url=rt.safe_url))


if __name__ == "__main__":
    app()
