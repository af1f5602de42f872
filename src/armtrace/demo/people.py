"""The demo's people: on every demo node, an officer, a supervising officer (the second person of the
two-person rule) and an auditor, all with one published password, for a newcomer to sign in with."""

from __future__ import annotations

import contextlib

from armtrace.domain.errors import Conflict
from armtrace.runtime import Runtime
from armtrace.services import accounts

PASSWORD = "demo passphrase 2026"
USERS = (
    ("officer", "Demo tracing officer", ("tracing_officer", "registry_clerk", "analyst")),
    ("supervisor", "Demo supervising officer", ("tracing_officer", "registry_clerk")),  # the second person
    ("auditor", "Demo auditor", ("auditor",)),
)


def demo_users(rt: Runtime) -> None:
    for username, name, roles in USERS:
        with contextlib.suppress(Conflict):  # made before: the sign-ins exist
            accounts.add_user(accounts.AddUser(username, name, PASSWORD, roles), rt.uow(), rt.clock)
