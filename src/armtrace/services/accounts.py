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
from armtrace.queries.accounts import AccessRow, UserRow, access_log, list_users
from armtrace.services.door import public, use_case
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


@public("until a registry has an administrator, its console may make the first one")
def has_administrator(uow: UnitOfWork) -> bool:
    """Whether an active account holds the admin role: until one does, the console may make the first."""
    with uow:
        return _has_administrator(uow)


def _has_administrator(uow: UnitOfWork) -> bool:
    return any(Role.ADMIN.value in roles.split(",") for roles in uow.accounts.active_roles())


@use_case("accounts.manage")
def add_user(cmd: AddUser, uow: UnitOfWork, clock: Clock) -> int:
    """Create an account with its roles; the password must meet the policy."""
    return _add_user(cmd, uow, clock, first=False)


@public("a registry's first account is its administrator, made before anyone can sign in; refused once one exists")
def add_first_administrator(cmd: AddUser, uow: UnitOfWork, clock: Clock) -> int:
    """The registry's first administrator, who then adds the others signed in."""
    with uow:
        _refuse_a_second_first(uow)
    if Role.ADMIN.value not in [r.strip().lower() for r in cmd.roles]:
        raise NotPermitted(
            N_("the first account of a registry is its administrator, who then adds the others"),
            rule="armtrace permission table",
            hint=N_("add it with --role admin, then: armtrace --user NAME user add …"),
        )
    return _add_user(cmd, uow, clock, first=True)


def _refuse_a_second_first(uow: UnitOfWork) -> None:
    if _has_administrator(uow):
        raise NotPermitted(
            N_("this registry has an administrator already: accounts are added by a signed-in administrator"),
            rule="armtrace permission table",
            hint=N_("run it as: armtrace --user ADMIN user add …"),
        )


def _add_user(cmd: AddUser, uow: UnitOfWork, clock: Clock, first: bool) -> int:
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
        if first:
            _refuse_a_second_first(uow)  # again, in the transaction that adds it
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


@public("signing in is how a person becomes a principal")
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


@use_case("accounts.manage")
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


@use_case("accounts.manage")
def revoke_token(token_id: int, uow: UnitOfWork, clock: Clock) -> None:
    """Stop a token from working, at once and for good."""
    with uow:
        token = uow.accounts.token_by_id(token_id)
        if token is None:
            raise NotFound(N_("there is no token #%(token)s", token=token_id))
        if token["revoked_at"] is None:
            uow.accounts.revoke_token(token_id, clock.now())
        uow.commit()


@public("reading a bearer token is how a system becomes a principal")
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


@public("a page's session names its user: the roles come from the account as it is now")
def principal_of(username: str, uow: UnitOfWork) -> Principal:
    """A signed-in user's principal with the roles the account holds now (a session carries none)."""
    with uow:
        user = uow.accounts.user(username)
    if user is None or not user["active"]:
        raise NotSignedIn("the account of this session is closed", hint=N_("sign in again, or ask an administrator"))
    return _principal(user)


@use_case("accounts.manage")
def users(uow: UnitOfWork) -> list[UserRow]:
    """The accounts and their roles."""
    with uow:
        return list_users(uow.conn)


@use_case("accounts.audit")
def access(uow: UnitOfWork, page: int = 1, per_page: int = 100) -> tuple[list[AccessRow], int]:
    """The access log, newest first: who read or searched what, when."""
    with uow:
        return access_log(uow.conn, page, per_page)


def _principal(user: dict[str, Any]) -> Principal:
    roles, _ = roles_from(user["roles"])
    return Principal(Actor(user["username"], user["name"]), roles)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
