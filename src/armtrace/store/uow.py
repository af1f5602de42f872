"""The unit of work: one transaction per use case, and the change log written on commit.

Repositories note every change they make; the unit of work writes those notes to the
change log in the same transaction, so no service writes history by hand and no change
is committed without its record (STYLE.md, "History is written by the machinery").
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from types import TracebackType

import sqlalchemy as sa

from armtrace.domain.actors import Actor, Clock
from armtrace.store import tables as t


@dataclass(frozen=True)
class Change:
    action: str  # area:subject:action, e.g. registry:weapon:add
    object_type: str
    object_id: str
    before: dict[str, object] | None
    after: dict[str, object] | None
    reason: str | None = None


class UnitOfWork:
    def __init__(self, engine: sa.Engine, actor: Actor, clock: Clock, run_id: str | None = None) -> None:
        self.engine = engine
        self.actor = actor
        self.clock = clock
        self.run_id = run_id or str(uuid.uuid4())
        self._conn: sa.Connection | None = None

    def __enter__(self) -> UnitOfWork:
        from armtrace.store.accounts import Accounts
        from armtrace.store.approvals import Approvals
        from armtrace.store.chain import EventLog
        from armtrace.store.registry import Businesses, Weapons
        from armtrace.store.tracing import Inbox, Nodes, Outbox, Requests

        self._conn = self.engine.connect().execution_options(armtrace_write=True)
        self._tx = self._conn.begin()
        self._changes: list[Change] = []
        self.events = EventLog(self._conn)
        self.weapons = Weapons(self._conn, self)
        self.businesses = Businesses(self._conn, self)
        self.nodes = Nodes(self._conn, self)
        self.requests = Requests(self._conn, self)
        self.outbox = Outbox(self._conn)
        self.inbox = Inbox(self._conn)
        self.accounts = Accounts(self._conn, self)
        self.approvals = Approvals(self._conn, self)
        return self

    @property
    def conn(self) -> sa.Connection:
        assert self._conn is not None, "use the unit of work inside 'with'"
        return self._conn

    def note(self, change: Change) -> None:
        self._changes.append(change)

    def commit(self) -> None:
        if self._changes:
            at = self.clock.now()
            self.conn.execute(
                t.change_log.insert(),
                [
                    {
                        "at": at,
                        "actor": self.actor.id,
                        "actor_name": self.actor.name,
                        "run_id": self.run_id,
                        "action": c.action,
                        "object_type": c.object_type,
                        "object_id": c.object_id,
                        "before": _json(c.before),
                        "after": _json(c.after),
                        "reason": c.reason,
                    }
                    for c in self._changes
                ],
            )
            self._changes.clear()
        self.events.write_head()
        self._tx.commit()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._tx.is_active:
            self._tx.rollback()
        self.conn.close()
        self._conn = None


def _json(value: dict[str, object] | None) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
