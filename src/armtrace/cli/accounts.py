"""`armtrace user | token`: accounts for the API and the pages, and tokens for other systems.

Accounts are managed by a signed-in administrator (--user), so that no one at the console
can make a second person to approve their own act. Only a registry's first account, its
administrator, is made without signing in; the service refuses that once there is one.
"""

from __future__ import annotations

from typing import Annotated

import typer

from armtrace.cli.output import ArmtraceGroup, _, console, ready
from armtrace.cli.signin import signed_in, user_named
from armtrace.services import accounts

user = typer.Typer(cls=ArmtraceGroup, no_args_is_help=True, help=_("People who sign in to the API and the pages."))
token = typer.Typer(cls=ArmtraceGroup, no_args_is_help=True, help=_("API tokens for other systems."))
Opt = typer.Option


@user.command("add", help=_("Create a user with one or more roles (the password is asked for, twice)."))
def user_add(
    ctx: typer.Context,
    username: str,
    name: Annotated[str, Opt(help=_("The person's full name, kept in the change log"))],
    role: Annotated[
        list[str],
        Opt(help=_("admin, registry_clerk, tracing_officer, stockpile_manager, licensing_officer, analyst, auditor")),
    ],
    password: Annotated[
        str,
        Opt(prompt=_("Password"), hide_input=True, confirmation_prompt=True, envvar="ARMTRACE_NEW_PASSWORD"),
    ],
) -> None:
    rt = ready(ctx)
    cmd = accounts.AddUser(username, name, password, tuple(role))
    if user_named(ctx):
        accounts.add_user(cmd, rt.uow(signed_in(ctx)), rt.clock)
    else:  # the registry's first administrator, made at its console by its operator (the change log says so)
        accounts.add_first_administrator(cmd, rt.uow(rt.operator), rt.clock)
    console.print(
        _("User %(user)s created with roles: %(roles)s.", user=username.strip().lower(), roles=", ".join(role))
    )


@token.command("create", help=_("Create an API token for a user's system; the secret is shown this once only."))
def token_create(
    ctx: typer.Context,
    username: str,
    name: Annotated[str, Opt(help=_("The system that will use the token"))],
    days: Annotated[int, Opt(help=_("Days until it expires (1-366)"))] = 90,
) -> None:
    rt = ready(ctx)
    cmd = accounts.CreateToken(username, name, days)
    token_id, secret = accounts.create_token(cmd, rt.uow(signed_in(ctx)), rt.clock)
    console.print(
        _(
            "Token #%(token)s for %(user)s, valid %(days)s days. Its secret, shown only now:",
            token=token_id,
            user=username,
            days=days,
        )
    )
    console.print(secret, markup=False, highlight=False)
    console.print(_("Send it as: Authorization: Bearer <secret>"))


@token.command("revoke", help=_("Revoke a token: it stops working at once."))
def token_revoke(ctx: typer.Context, token_id: int) -> None:
    rt = ready(ctx)
    accounts.revoke_token(token_id, rt.uow(signed_in(ctx)), rt.clock)
    console.print(_("Token #%(token)s revoked.", token=token_id))
