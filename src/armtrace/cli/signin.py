"""Who is at the command line: the one place that turns the root options into a principal.

The command line acts for a signed-in user of the registry, for every act and every read,
as the pages and the API do, so the services check, log and hold its acts like theirs:
--user (or ARMTRACE_USER) names the user, and the password is read from standard input
with --password-stdin (for scripts), else taken from ARMTRACE_PASSWORD, else asked for.
A command signs in once. Only a few commands act without a user: init and verify (the
console's operator), demo (its own people), serve (each request carries its principal)
and making a registry's first administrator.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

import typer

from armtrace.cli.output import _, ready
from armtrace.domain.accounts import NOBODY, Principal
from armtrace.domain.errors import N_, NotSignedIn
from armtrace.services import accounts

_KEY = "armtrace.credentials"


@dataclass
class _Credentials:
    username: str | None
    password: str | None  # read from standard input as the command starts, with --password-stdin
    principal: Principal | None = None  # once signed in


def remember(ctx: typer.Context, username: str | None, password_stdin: bool) -> None:
    """Keep the root options until a command needs its user. The password on standard input is read at
    once, before any prompt of the command (a new user's password) reads the rest."""
    password = None
    if password_stdin:
        line = sys.stdin.readline()
        password = line.removesuffix("\n").removesuffix("\r")
        if not password:
            raise NotSignedIn(
                N_("--password-stdin was given, but standard input held no password"),
                hint=N_("write the password as the first line of standard input, e.g. from a secrets file"),
            )
    ctx.meta[_KEY] = _Credentials(username.strip() if username else None, password)


def signed_in(ctx: typer.Context) -> Principal:
    """The user at the command line, signed in (once per command); refused, saying how to give one, if none is."""
    credentials = _credentials(ctx)
    if credentials.principal is None:
        if not credentials.username:
            raise NotSignedIn(
                N_("this needs a user of the registry: the command line acts and reads only as a signed-in user"),
                rule="armtrace permission table",
                hint=N_(
                    "run it as: armtrace --user NAME followed by the command (or set ARMTRACE_USER); the password "
                    "is asked for, read from standard input with --password-stdin, or from ARMTRACE_PASSWORD"
                ),
            )
        rt = ready(ctx)
        password = (
            credentials.password
            or os.environ.get("ARMTRACE_PASSWORD")
            or typer.prompt(_("Password"), hide_input=True, err=True)
        )
        credentials.principal = accounts.sign_in(credentials.username, password, rt.uow(NOBODY), rt.clock)
    return credentials.principal


def user_named(ctx: typer.Context) -> bool:
    """Whether the command names a user (--user or ARMTRACE_USER): a bare console may only make a
    registry's first administrator, as the console's operator."""
    return bool(_credentials(ctx).username)


def _credentials(ctx: typer.Context) -> _Credentials:
    credentials: _Credentials = ctx.find_root().meta[_KEY]
    return credentials
