"""Reading accounts: the users and their roles, and the access log, newest first."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from armtrace.store import tables as t


@dataclass(frozen=True)
class UserRow:
    username: str
    name: str
    roles: list[str]
    active: bool
    locked_failures: int


def list_users(conn: sa.Connection) -> list[UserRow]:
    u = t.users.c
    rows = conn.execute(sa.select(u.username, u.name, u.roles, u.active, u.failures).order_by(u.username))
    return [UserRow(r.username, r.name, r.roles.split(","), r.active, r.failures) for r in rows]


@dataclass(frozen=True)
class AccessRow:
    at: datetime
    actor: str
    action: str
    object: str | None
    query: dict[str, Any] | None


def access_log(conn: sa.Connection, page: int = 1, per_page: int = 100) -> tuple[list[AccessRow], int]:
    """One page of the access log, newest first, and how many lines it has in all."""
    a = t.access_log.c
    rows = conn.execute(sa.select(t.access_log).order_by(a.id.desc()).limit(per_page).offset((page - 1) * per_page))
    total = conn.execute(sa.select(sa.func.count()).select_from(t.access_log)).scalar_one()
    items = [AccessRow(r.at, r.actor, r.action, r.object, json.loads(r.query) if r.query else None) for r in rows]
    return items, int(total)
