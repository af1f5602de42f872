"""Who is at the command line, when an act needs a known person.

Most commands record in the name given with --as. An act that may wait for a second
person (sending registry data abroad, changing a weapon's holder, destroying records),
the approval of one, and managing accounts need a user of the registry: --user names
them, and the password is asked for, or read from ARMTRACE_PASSWORD where a script runs
the command.
"""

from __future__ import annotations

import os

import typer

from armtrace.cli.output import _, ready
from armtrace.domain.accounts import Principal
from armtrace.domain.errors import N_, NotSignedIn
from armtrace.services.accounts import sign_in


def signed_in(ctx: typer.Context, permission: str) -> Principal:
    """The signed-in user at the command line, who must hold `permission`."""
    rt = ready(ctx)
    username = ctx.find_root().params.get("user")
    if not username:
        raise NotSignedIn(
            N_("this act needs a user of the registry: it may wait for a second person, or it manages accounts"),
            rule="armtrace two-person rule",
            hint=N_(
                "run it as: armtrace --user NAME followed by the command; the password is asked for, or read "
                "from ARMTRACE_PASSWORD"
            ),
        )
    password = os.environ.get("ARMTRACE_PASSWORD") or typer.prompt(_("Password"), hide_input=True)
    who = sign_in(username, password, rt.uow(), rt.clock)
    who.require(permission)
    return who
