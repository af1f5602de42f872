"""Accounts: users with roles, sign-in with lockout, API tokens for systems, and the access log.

Passwords are hashed with argon2id; API tokens are 256-bit random secrets shown once and
kept only as their SHA-256, so a stolen database yields no usable token. Five failed
sign-ins in a row lock an account for fifteen minutes. Every search and every read of
holders' names is written to the access log: who, when, what was asked.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from armtrace.domain.accounts import Principal, Role, locked, password_problems, roles_from
from armtrace.domain.actors import Actor, Clock
from armtrace.domain.errors import N_, Conflict, NotFound, NotPermitted, NotSignedIn, ProblemList
from armtrace.store.uow import UnitOfWork

HASHER = PasswordHasher()
TOKEN_PREFIX = "armtrace_"
TOUCH_EVERY = timedelta(minutes=5)  # how stale a token's last use may be before it is written again


@dataclass(frozen=True)
class AddUser:
    username: str
    name: str
    password: str
    roles: tuple[str, ...]


def has_administrator(uow: UnitOfWork) -> bool:
    """Whether an active account holds the admin role: until one does, the console may make the first."""
    with uow:
        return any(Role.ADMIN.value in roles.split(",") for roles in uow.accounts.active_roles())


def add_user(cmd: AddUser, uow: UnitOfWork, clock: Clock) -> int:
    """Create an account with its roles; the password must meet the policy."""
    problems = ProblemList()
    username = cmd.username.strip().lower()
    if not username or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
        problems.add("username", "use letters, digits, '.', '-' or '_'", cmd.username)
    if not cmd.name.strip():
        problems.add("name", "the person's name is required, for the change log")
    roles, role_problems = roles_from(cmd.roles)
    problems.problems.extend(role_problems.problems)
    problems.problems.extend(password_problems(cmd.password, username).problems)
    problems.raise_if_any(N_("the user %(user)r was not created", user=cmd.username))
    with uow:
        if uow.accounts.user(username) is not None:
            raise Conflict(N_("the user %(user)r exists already", user=username))
        user_id = uow.accounts.add_user(
            {
                "username": username,
                "name": cmd.name.strip(),
                "password_hash": HASHER.hash(cmd.password),
                "roles": ",".join(sorted(r.value for r in roles)),
                "active": True,
                "failures": 0,
                "created_at": clock.now(),
            }
        )
        uow.commit()
        return user_id


def sign_in(username: str, password: str, uow: UnitOfWork, clock: Clock) -> Principal:
    """The user's principal if the password is right; failures are counted and lock the account."""
    now = clock.now()
    refused = NotPermitted(
        "the user name or the password is wrong", hint=N_("check both; 5 failures in a row lock the account")
    )
    with uow:
        user = uow.accounts.user(username.strip().lower(), lock=True)  # sign-ins of one account in turn
        if user is None or not user["active"]:
            HASHER.hash(password)  # the same work as a real check: no timing tells which names exist
            raise refused
        until = locked(user["failures"], user["last_failure_at"], now)
        if until is not None:
            raise NotPermitted(
                N_("the account %(user)r is locked after repeated failed sign-ins", user=user["username"]),
                rule="armtrace lockout: 5 failures, 15 minutes",
                hint=N_("try again after %(time)s UTC, or ask an administrator", time=until.strftime("%H:%M")),
            )
        try:
            HASHER.verify(user["password_hash"], password)
        except (VerificationError, InvalidHashError):
            uow.accounts.failed_sign_in(user["id"], now)
            uow.commit()
            raise refused from None
        if user["failures"]:
            uow.accounts.signed_in(user["id"])
        uow.commit()
        return _principal(user)


@dataclass(frozen=True)
class CreateToken:
    username: str
    name: str  # the system that will use it
    days: int = 90


def create_token(cmd: CreateToken, uow: UnitOfWork, clock: Clock) -> tuple[int, str]:
    """A new API token for a user's system: its id, and the secret, shown this once only."""
    problems = ProblemList()
    if not 1 <= cmd.days <= 366:
        problems.add("days", "a token lives from 1 to 366 days", cmd.days, hint=N_("renew it with a new token"))
    problems.raise_if_any(N_("the token was not created"))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    with uow:
        user = uow.accounts.user(cmd.username.strip().lower())
        if user is None:
            raise NotFound(
                N_("there is no user %(user)r", user=cmd.username), hint=N_("create it with 'armtrace user add'")
            )
        token_id = uow.accounts.add_token(
            {
                "user_id": user["id"],
                "name": cmd.name.strip() or "unnamed",
                "token_hash": _digest(secret),
                "created_at": now,
                "expires_at": now + timedelta(days=cmd.days),
            }
        )
        uow.commit()
        return token_id, secret


def revoke_token(token_id: int, uow: UnitOfWork, clock: Clock) -> None:
    """Stop a token from working, at once and for good."""
    with uow:
        token = uow.accounts.token_by_id(token_id)
        if token is None:
            raise NotFound(N_("there is no token #%(token)s", token=token_id))
        if token["revoked_at"] is None:
            uow.accounts.revoke_token(token_id, clock.now())
        uow.commit()


def principal_for_token(secret: str, uow: UnitOfWork, clock: Clock) -> Principal:
    """Who a bearer token speaks for, if it is known, unexpired, unrevoked and its user active."""
    now = clock.now()
    refused = NotSignedIn("the API token is not valid", hint=N_("it may be mistyped, expired or revoked"))
    with uow:
        token = uow.accounts.token(_digest(secret)) if secret.startswith(TOKEN_PREFIX) else None
        if token is None or token["revoked_at"] is not None or token["expires_at"] <= now:
            raise refused
        user = uow.accounts.user_by_id(token["user_id"])
        if user is None or not user["active"]:
            raise refused
        if token["last_used_at"] is None or now - token["last_used_at"] > TOUCH_EVERY:
            uow.accounts.token_used(token["id"], now)
            uow.commit()
        return _principal(user)


def principal_of(username: str, uow: UnitOfWork) -> Principal:
    """A signed-in user's principal with the roles the account holds now (a session carries none)."""
    with uow:
        user = uow.accounts.user(username)
    if user is None or not user["active"]:
        raise NotSignedIn("the account of this session is closed", hint=N_("sign in again, or ask an administrator"))
    return _principal(user)


def record_access(
    actor: Actor, action: str, obj: str | None, query: dict[str, Any] | None, uow: UnitOfWork, clock: Clock
) -> None:
    """Write one line to the access log (who, when, what was asked); `uow` must act as `actor`."""
    assert uow.actor == actor, "the access log names the actor of the unit of work"
    with uow:
        uow.accounts.log_access(clock.now(), action, obj, query)
        uow.commit()


def weapons_listed(who: Principal, query: dict[str, Any], holders: bool, uow: UnitOfWork, clock: Clock) -> None:
    """A search of the registry, or a list that shows holders' names, goes to the access log."""
    searched = {k: v for k, v in query.items() if v is not None and k != "page"}
    if searched or holders:
        action = "registry:weapons:search" + (":holders" if holders else "")
        record_access(who.actor, action, None, query, uow, clock)


def weapon_read(who: Principal, weapon_id: int, holders: bool, uow: UnitOfWork, clock: Clock) -> None:
    """A weapon's page read with its holders' names goes to the access log."""
    if holders:
        record_access(who.actor, "registry:holders:read", f"weapon:{weapon_id}", None, uow, clock)


def _principal(user: dict[str, Any]) -> Principal:
    roles, _ = roles_from(user["roles"])
    return Principal(Actor(user["username"], user["name"]), roles)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
