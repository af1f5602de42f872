"""`armtrace user | token`: accounts for the API and the pages, and tokens for other systems."""

from __future__ import annotations

from typing import Annotated

import typer

from armtrace.cli.output import ArmtraceGroup, console, ready
from armtrace.services import accounts

user = typer.Typer(cls=ArmtraceGroup, no_args_is_help=True, help="People who sign in to the API and the pages.")
token = typer.Typer(cls=ArmtraceGroup, no_args_is_help=True, help="API tokens for other systems.")
Opt = typer.Option


@user.command("add")
def user_add(
    ctx: typer.Context,
    username: str,
    name: Annotated[str, Opt(help="The person's full name, kept in the change log")],
    role: Annotated[
        list[str],
        Opt(help="admin, registry_clerk, tracing_officer, stockpile_manager, licensing_officer, analyst, auditor"),
    ],
    password: Annotated[
        str, Opt(prompt=True, hide_input=True, confirmation_prompt=True, envvar="ARMTRACE_NEW_PASSWORD")
    ],
) -> None:
    """Create a user with one or more roles (the password is asked for, twice)."""
    rt = ready(ctx)
    accounts.add_user(accounts.AddUser(username, name, password, tuple(role)), rt.uow(), rt.clock)
    console.print(f"User {username.strip().lower()} created with roles: {', '.join(role)}.")


@token.command("create")
def token_create(
    ctx: typer.Context,
    username: str,
    name: Annotated[str, Opt(help="The system that will use the token")],
    days: Annotated[int, Opt(help="Days until it expires (1-366)")] = 90,
) -> None:
    """Create an API token for a user's system; the secret is shown this once only."""
    rt = ready(ctx)
    token_id, secret = accounts.create_token(accounts.CreateToken(username, name, days), rt.uow(), rt.clock)
    console.print(f"Token #{token_id} for {username}, valid {days} days. Its secret, shown only now:")
    console.print(secret, markup=False, highlight=False)
    console.print("Send it as: Authorization: Bearer <secret>")


@token.command("revoke")
def token_revoke(ctx: typer.Context, token_id: int) -> None:
    """Revoke a token: it stops working at once."""
    rt = ready(ctx)
    accounts.revoke_token(token_id, rt.uow(), rt.clock)
    console.print(f"Token #{token_id} revoked.")
