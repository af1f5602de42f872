"""Repositories of accounts: users, their API tokens, and the access log."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from armtrace.store import tables as t
from armtrace.store.uow import Change

if TYPE_CHECKING:
    from armtrace.store.uow import UnitOfWork

SAFE = ("id", "username", "name", "roles", "active", "created_at")  # what the change log keeps of a user


class Accounts:
    def __init__(self, conn: sa.Connection, uow: UnitOfWork) -> None:
        self.conn, self.uow = conn, uow

    def user(self, username: str, lock: bool = False) -> dict[str, Any] | None:
        query = sa.select(t.users).where(t.users.c.username == username)
        row = self.conn.execute(query.with_for_update() if lock else query).one_or_none()
        return None if row is None else dict(row._mapping)

    def user_by_id(self, user_id: int) -> dict[str, Any] | None:
        row = self.conn.execute(sa.select(t.users).where(t.users.c.id == user_id)).one_or_none()
        return None if row is None else dict(row._mapping)

    def active_roles(self) -> list[str]:
        """The roles of every active account, each as stored ('admin,auditor')."""
        return list(self.conn.execute(sa.select(t.users.c.roles).where(t.users.c.active.is_(True))).scalars())

    def add_user(self, values: dict[str, Any]) -> int:
        user_id = int(self.conn.execute(t.users.insert().values(**values).returning(t.users.c.id)).scalar_one())
        self.uow.note(Change("accounts:user:add", "user", values["username"], None, _safe({**values, "id": user_id})))
        return user_id

    def failed_sign_in(self, user_id: int, at: datetime) -> None:
        """Count a failed sign-in in the store itself, so parallel attempts are each counted (machinery,
        not a change of the account)."""
        c = t.users.c
        self.conn.execute(t.users.update().where(c.id == user_id).values(failures=c.failures + 1, last_failure_at=at))

    def signed_in(self, user_id: int) -> None:
        self.conn.execute(t.users.update().where(t.users.c.id == user_id).values(failures=0, last_failure_at=None))

    def add_token(self, values: dict[str, Any]) -> int:
        token_id = int(
            self.conn.execute(t.api_tokens.insert().values(**values).returning(t.api_tokens.c.id)).scalar_one()
        )
        shown = {k: v for k, v in values.items() if k != "token_hash"}
        self.uow.note(Change("accounts:token:create", "api_token", str(token_id), None, _plain(shown)))
        return token_id

    def token(self, token_hash: str) -> dict[str, Any] | None:
        row = self.conn.execute(sa.select(t.api_tokens).where(t.api_tokens.c.token_hash == token_hash)).one_or_none()
        return None if row is None else dict(row._mapping)

    def token_by_id(self, token_id: int) -> dict[str, Any] | None:
        row = self.conn.execute(sa.select(t.api_tokens).where(t.api_tokens.c.id == token_id)).one_or_none()
        return None if row is None else dict(row._mapping)

    def revoke_token(self, token_id: int, at: datetime) -> None:
        self.conn.execute(t.api_tokens.update().where(t.api_tokens.c.id == token_id).values(revoked_at=at))
        self.uow.note(Change("accounts:token:revoke", "api_token", str(token_id), None, {"revoked_at": at.isoformat()}))

    def token_used(self, token_id: int, at: datetime) -> None:
        self.conn.execute(t.api_tokens.update().where(t.api_tokens.c.id == token_id).values(last_used_at=at))

    def log_access(self, at: datetime, action: str, obj: str | None, query: dict[str, Any] | None) -> None:
        """Who read or searched what, when: written for every read of holder data and every search."""
        self.conn.execute(
            t.access_log.insert().values(
                at=at,
                actor=self.uow.actor.id,
                action=action,
                object=obj,
                query=None if query is None else json.dumps(query, sort_keys=True, ensure_ascii=False, default=str),
            )
        )


def _safe(values: dict[str, Any]) -> dict[str, Any]:
    return _plain({k: v for k, v in values.items() if k in SAFE})


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values.items()}
