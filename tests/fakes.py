"""An in-memory unit of work for unit tests of services: the same repositories' behaviour, no database.

It keeps what the services of accounts and approvals use, as plain dicts, and the change log it would
write, so a unit test asserts a use case's record as an integration test does (STYLE.md, "Tests").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from armtrace.domain.accounts import Principal
from armtrace.domain.actors import Clock
from armtrace.store.uow import Change


@dataclass
class FakeAccounts:
    uow: FakeUnitOfWork
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[int, dict[str, Any]] = field(default_factory=dict)
    access: list[tuple[datetime, str, str, str | None, dict[str, Any] | None]] = field(default_factory=list)

    def user(self, username: str, lock: bool = False) -> dict[str, Any] | None:
        return next((dict(u) for u in self.users.values() if u["username"] == username), None)

    def user_by_id(self, user_id: int) -> dict[str, Any] | None:
        return dict(self.users[user_id]) if user_id in self.users else None

    def active_roles(self) -> list[str]:
        return [u["roles"] for u in self.users.values() if u["active"]]

    def add_user(self, values: dict[str, Any]) -> int:
        user_id = len(self.users) + 1
        self.users[user_id] = {"id": user_id, "last_failure_at": None, **values}
        self.uow.note(Change("accounts:user:add", "user", values["username"], None, {"roles": values["roles"]}))
        return user_id

    def failed_sign_in(self, user_id: int, at: datetime) -> None:
        self.users[user_id]["failures"] += 1
        self.users[user_id]["last_failure_at"] = at

    def signed_in(self, user_id: int) -> None:
        self.users[user_id].update(failures=0, last_failure_at=None)

    def add_token(self, values: dict[str, Any]) -> int:
        token_id = len(self.tokens) + 1
        self.tokens[token_id] = {"id": token_id, "revoked_at": None, "last_used_at": None, **values}
        self.uow.note(Change("accounts:token:create", "api_token", str(token_id), None, {"name": values["name"]}))
        return token_id

    def token(self, token_hash: str) -> dict[str, Any] | None:
        return next((dict(t) for t in self.tokens.values() if t["token_hash"] == token_hash), None)

    def token_by_id(self, token_id: int) -> dict[str, Any] | None:
        return dict(self.tokens[token_id]) if token_id in self.tokens else None

    def revoke_token(self, token_id: int, at: datetime) -> None:
        self.tokens[token_id]["revoked_at"] = at
        self.uow.note(Change("accounts:token:revoke", "api_token", str(token_id), None, None))

    def token_used(self, token_id: int, at: datetime) -> None:
        self.tokens[token_id]["last_used_at"] = at

    def log_access(self, at: datetime, action: str, obj: str | None, query: dict[str, Any] | None) -> None:
        self.access.append((at, self.uow.actor.id, action, obj, query))


class FakeUnitOfWork:
    """Stands in for store.uow.UnitOfWork: what is committed stays; what is not is thrown away."""

    def __init__(self, principal: Principal, clock: Clock) -> None:
        self.principal, self.clock = principal, clock
        self.carrying: int | None = None
        self.access_action: str | None = None
        self.accounts = FakeAccounts(self)
        self.change_log: list[tuple[str, Change]] = []
        self._pending: list[Change] = []
        self._saved: tuple[dict[int, dict[str, Any]], dict[int, dict[str, Any]], int] | None = None

    @property
    def actor(self):  # type: ignore[no-untyped-def]
        return self.principal.actor

    def acting_as(self, principal: Principal) -> FakeUnitOfWork:
        """The same in-memory store, for another principal (a second person, say)."""
        self.principal = principal
        return self

    def reading(self) -> FakeUnitOfWork:
        return self

    def __enter__(self) -> FakeUnitOfWork:
        a = self.accounts
        self._saved = (
            {k: dict(v) for k, v in a.users.items()},
            {k: dict(v) for k, v in a.tokens.items()},
            len(a.access),
        )
        self._pending = []
        return self

    def note(self, change: Change) -> None:
        self._pending.append(change)

    def accessed(self, obj: str | None = None, query: dict[str, object] | None = None, suffix: str = "") -> None:
        assert self.access_action
        self.accounts.log_access(self.clock.now(), self.access_action + suffix, obj, query)

    def commit(self) -> None:
        self.change_log.extend((self.actor.id, c) for c in self._pending)
        self._pending = []
        self._saved = None

    def __exit__(self, *exc: object) -> None:
        if self._saved is not None:  # not committed: as a rollback would
            users, tokens, logged = self._saved
            self.accounts.users, self.accounts.tokens = users, tokens
            del self.accounts.access[logged:]
        self._saved = None
