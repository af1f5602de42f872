"""Who may do what: roles, the permission table, and the rules on passwords and lockout.

A registry of weapons and their holders is sensitive and a trace file is evidence, so
every service an entry point offers names one permission, and one table says which
roles hold it. The table is the whole policy: a test walks it through the API and proves
each role gets exactly what it lists. The auditor reads everything and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from armtrace.domain.actors import Actor
from armtrace.domain.errors import N_, NotPermitted, NotSignedIn, ProblemList


class Role(StrEnum):
    ADMIN = "admin"
    REGISTRY_CLERK = "registry_clerk"
    TRACING_OFFICER = "tracing_officer"
    STOCKPILE_MANAGER = "stockpile_manager"
    LICENSING_OFFICER = "licensing_officer"
    ANALYST = "analyst"
    AUDITOR = "auditor"
    # Principals that are not people, never given to an account:
    PEER = "peer"  # another node, whose signed message is being received
    SCHEDULER = "scheduler"  # this node's own background work: delivering the outbox, reminders
    OPERATOR = "operator"  # whoever runs the console on the store's own machine, before any sign-in


R = Role
PEOPLE = frozenset({R.ADMIN, R.REGISTRY_CLERK, R.TRACING_OFFICER, R.STOCKPILE_MANAGER, R.LICENSING_OFFICER,
                    R.ANALYST, R.AUDITOR})  # fmt: skip
_EVERYONE = PEOPLE
_READERS = frozenset({R.ADMIN, R.REGISTRY_CLERK, R.TRACING_OFFICER, R.AUDITOR})

PERMISSIONS: dict[str, frozenset[Role]] = {
    # the registry
    "registry.read": _EVERYONE,  # weapons and their lifecycle, holders masked
    "registry.read_holders": _READERS,  # names of holders: every read is written to the access log
    "registry.record": frozenset({R.ADMIN, R.REGISTRY_CLERK}),
    "registry.import": frozenset({R.ADMIN, R.REGISTRY_CLERK}),
    "registry.verify": frozenset({R.ADMIN, R.AUDITOR, R.OPERATOR}),  # reads no holder, changes nothing
    "registry.purge": frozenset({R.ADMIN, R.REGISTRY_CLERK}),  # with a second person's approval
    # identification of recovered weapons
    "identify.search": frozenset({R.ADMIN, R.REGISTRY_CLERK, R.TRACING_OFFICER, R.ANALYST, R.AUDITOR}),
    # tracing between States
    "tracing.read": frozenset({R.ADMIN, R.TRACING_OFFICER, R.AUDITOR}),
    "tracing.act": frozenset({R.ADMIN, R.TRACING_OFFICER}),
    "tracing.statistics": frozenset({R.ADMIN, R.TRACING_OFFICER, R.ANALYST, R.AUDITOR}),
    # acts that need two people: seeing what waits, and deciding (the act's own permission is checked too)
    "approvals.decide": frozenset({R.ADMIN, R.REGISTRY_CLERK, R.TRACING_OFFICER, R.AUDITOR}),
    # this node: the peers it trusts, and the exchange of signed messages with them
    "node.manage": frozenset({R.ADMIN}),
    "exchange.receive": frozenset({R.PEER}),  # the message's signature and sender are checked inside
    "exchange.deliver": frozenset({R.ADMIN, R.TRACING_OFFICER, R.SCHEDULER}),
    "tracing.remind": frozenset({R.ADMIN, R.TRACING_OFFICER, R.SCHEDULER}),
    "registry.anchor": frozenset({R.ADMIN, R.AUDITOR, R.SCHEDULER}),  # lodge the chain heads with peers
    # accounts
    "accounts.manage": frozenset({R.ADMIN}),
    "accounts.audit": frozenset({R.ADMIN, R.AUDITOR}),
}

MIN_PASSWORD = 12
MAX_FAILURES = 5  # failed sign-ins in a row before the account is locked
LOCKOUT = timedelta(minutes=15)


@dataclass(frozen=True)
class Principal:
    """An authenticated user (or a system acting by token) and the roles they hold."""

    actor: Actor
    roles: frozenset[Role] = field(default_factory=frozenset)

    @property
    def signed_in(self) -> bool:
        return bool(self.roles)

    def may(self, permission: str) -> bool:
        return bool(self.roles & PERMISSIONS[permission])

    def require(self, permission: str) -> None:
        """Refuse, naming the permission and who holds it, unless one of the roles holds it."""
        if not self.signed_in:
            raise NotSignedIn(
                N_("this needs a signed-in user: it needs the permission %(permission)r", permission=permission),
                rule="armtrace permission table",
                hint=N_("sign in, send an API token, or at the command line give --user NAME"),
            )
        if not self.may(permission):
            holders = ", ".join(sorted(r.value for r in PERMISSIONS[permission]))
            raise NotPermitted(
                N_(
                    "%(user)s may not do this: it needs the permission %(permission)r",
                    user=self.actor.id,
                    permission=permission,
                ),
                rule="armtrace permission table",
                hint=N_("roles that hold it: %(roles)s; ask an administrator", roles=holders),
            )


NOBODY = Principal(Actor("anonymous", "not signed in"))
PEER_NODE = Principal(Actor("peer", "a peer node"), frozenset({R.PEER}))
SCHEDULER = Principal(Actor("scheduler", "this node's scheduler"), frozenset({R.SCHEDULER}))


def operator(login: str) -> Principal:
    """The console's operator (whoever can run commands beside the store), for the few acts that need
    no account: initialising the store, verifying it, building the demo."""
    return Principal(Actor(f"console:{login}", login), frozenset({R.OPERATOR}))


def roles_from(names: str | list[str] | tuple[str, ...]) -> tuple[frozenset[Role], ProblemList]:
    """Roles from their names, with a problem for each name that is not a role."""
    problems = ProblemList()
    items = names.split(",") if isinstance(names, str) else list(names)
    roles = set()
    for name in (n.strip().lower() for n in items if n.strip()):
        try:
            role = Role(name)
            if role not in PEOPLE:
                raise ValueError(name)
            roles.add(role)
        except ValueError:
            problems.add(
                "roles",
                "is not a role",
                name,
                hint=N_("roles: %(roles)s", roles=", ".join(sorted(r.value for r in PEOPLE))),
            )
    if not roles and not problems.problems:
        problems.add(
            "roles",
            "a user needs at least one role",
            hint=N_("roles: %(roles)s", roles=", ".join(sorted(r.value for r in PEOPLE))),
        )
    return frozenset(roles), problems


def password_problems(password: str, username: str) -> ProblemList:
    problems = ProblemList()
    if len(password) < MIN_PASSWORD:
        problems.add(
            "password",
            N_("is shorter than %(length)s characters", length=MIN_PASSWORD),
            rule="armtrace password policy",
        )
    elif username.lower() in password.lower():
        problems.add("password", "contains the user name", rule="armtrace password policy")
    return problems


def locked(failures: int, last_failure: datetime | None, now: datetime) -> datetime | None:
    """Until when an account is locked after `failures` failed sign-ins in a row, if it is."""
    if failures < MAX_FAILURES or last_failure is None:
        return None
    until = last_failure + LOCKOUT
    return until if now < until else None
