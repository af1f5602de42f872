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
from armtrace.domain.errors import N_, NotPermitted, ProblemList


class Role(StrEnum):
    ADMIN = "admin"
    REGISTRY_CLERK = "registry_clerk"
    TRACING_OFFICER = "tracing_officer"
    STOCKPILE_MANAGER = "stockpile_manager"
    LICENSING_OFFICER = "licensing_officer"
    ANALYST = "analyst"
    AUDITOR = "auditor"


R = Role
_EVERYONE = frozenset(Role)
_READERS = frozenset({R.ADMIN, R.REGISTRY_CLERK, R.TRACING_OFFICER, R.AUDITOR})

PERMISSIONS: dict[str, frozenset[Role]] = {
    # the registry
    "registry.read": _EVERYONE,  # weapons and their lifecycle, holders masked
    "registry.read_holders": _READERS,  # names of holders: every read is written to the access log
    "registry.record": frozenset({R.ADMIN, R.REGISTRY_CLERK}),
    "registry.import": frozenset({R.ADMIN, R.REGISTRY_CLERK}),
    "registry.verify": frozenset({R.ADMIN, R.AUDITOR}),
    "registry.purge": frozenset({R.ADMIN, R.REGISTRY_CLERK}),  # with a second person's approval
    # identification of recovered weapons
    "identify.search": frozenset({R.ADMIN, R.REGISTRY_CLERK, R.TRACING_OFFICER, R.ANALYST, R.AUDITOR}),
    # tracing between States
    "tracing.read": frozenset({R.ADMIN, R.TRACING_OFFICER, R.AUDITOR}),
    "tracing.act": frozenset({R.ADMIN, R.TRACING_OFFICER}),
    "tracing.statistics": frozenset({R.ADMIN, R.TRACING_OFFICER, R.ANALYST, R.AUDITOR}),
    # acts that need two people: seeing what waits, and deciding (the act's own permission is checked too)
    "approvals.decide": frozenset({R.ADMIN, R.REGISTRY_CLERK, R.TRACING_OFFICER, R.AUDITOR}),
    # this node: the peers it trusts
    "node.manage": frozenset({R.ADMIN}),
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

    def may(self, permission: str) -> bool:
        return bool(self.roles & PERMISSIONS[permission])

    def require(self, permission: str) -> None:
        """Refuse, naming the permission and who holds it, unless one of the roles holds it."""
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


def roles_from(names: str | list[str] | tuple[str, ...]) -> tuple[frozenset[Role], ProblemList]:
    """Roles from their names, with a problem for each name that is not a role."""
    problems = ProblemList()
    items = names.split(",") if isinstance(names, str) else list(names)
    roles = set()
    for name in (n.strip().lower() for n in items if n.strip()):
        try:
            roles.add(Role(name))
        except ValueError:
            problems.add(
                "roles", "is not a role", name, hint=N_("roles: %(roles)s", roles=", ".join(r.value for r in Role))
            )
    if not roles and not problems.problems:
        problems.add(
            "roles",
            "a user needs at least one role",
            hint=N_("roles: %(roles)s", roles=", ".join(r.value for r in Role)),
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
