"""The demo's people: on every demo node, an officer, a supervising officer (the second person of the
two-person rule) and an auditor, all with one published password, for a newcomer to sign in with.

They act in the story as themselves, signed in with that password, so every act of theirs
passes the same checks, logs and approvals as a real officer's. Two named principals
without an account set the demo up: the administrator who makes the accounts and gives
each node its identity and peers, and the registrar who records the registries.
"""

from __future__ import annotations

import contextlib

from armtrace.domain.accounts import NOBODY, Principal, Role
from armtrace.domain.actors import Actor
from armtrace.domain.errors import Conflict
from armtrace.runtime import Runtime
from armtrace.services import accounts

PASSWORD = "demo passphrase 2026"
USERS = (
    ("officer", "Demo tracing officer", ("tracing_officer", "registry_clerk", "analyst")),
    ("supervisor", "Demo supervising officer", ("tracing_officer", "registry_clerk")),  # the second person
    ("auditor", "Demo auditor", ("auditor",)),
)
ADMINISTRATOR = Principal(Actor("demo-admin", "Demo administrator"), frozenset({Role.ADMIN}))
REGISTRAR = Principal(Actor("registrar", "Demo registrar"), frozenset({Role.REGISTRY_CLERK}))


def demo_users(rt: Runtime) -> None:
    """The demo's accounts on a node, made by its administrator (again harmlessly: made before, they stay)."""
    for username, name, roles in USERS:
        with contextlib.suppress(Conflict):
            accounts.add_user(accounts.AddUser(username, name, PASSWORD, roles), rt.uow(ADMINISTRATOR), rt.clock)


def signed_in(rt: Runtime, username: str) -> Principal:
    """One of the demo's people, signed in on a node with the published password."""
    return accounts.sign_in(username, PASSWORD, rt.uow(NOBODY), rt.clock)
