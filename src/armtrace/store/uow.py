"""The unit of work: one transaction per use case, and the change log written on commit.

Repositories note every change they make; the unit of work writes those notes to the
change log in the same transaction, so no service writes history by hand and no change
is committed without its record (STYLE.md, "History is written by the machinery").

A unit of work acts for one principal (services/door.py checks what it may do), and may
carry the approval under which a two-person act is carried out: committing marks that
approval carried out in the same transaction, or refuses if someone used it already.

Given an open connection instead of an engine (a test's outer transaction), it works in a
savepoint of that connection and leaves the connection open.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from types import TracebackType

import sqlalchemy as sa

from armtrace.domain.accounts import Principal
from armtrace.domain.actors import Actor, Clock
from armtrace.domain.chain import change_hash
from armtrace.domain.errors import N_, Conflict
from armtrace.domain.lifecycle import utc_text
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
    def __init__(
        self, bind: sa.Engine | sa.Connection, principal: Principal, clock: Clock, run_id: str | None = None
    ) -> None:
        self.bind = bind
        self.principal = principal
        self.clock = clock
        self.run_id = run_id or str(uuid.uuid4())
        self.carrying: int | None = None  # the approval under which this work is done, if any
        self.access_action: str | None = None  # what the door writes to the access log for this use case
        self._conn: sa.Connection | None = None
        self._write = True

    def reading(self) -> UnitOfWork:
        """`with uow.reading():` a read-only transaction, which never waits for the write lock."""
        self._write = False
        return self

    @property
    def actor(self) -> Actor:
        return self.principal.actor

    def __enter__(self) -> UnitOfWork:
        from armtrace.store.accounts import Accounts
        from armtrace.store.anchors import Anchors
        from armtrace.store.approvals import Approvals
        from armtrace.store.chain import EventLog
        from armtrace.store.closures import Closures
        from armtrace.store.exchange import Inbox, Nodes, Outbox
        from armtrace.store.importing import ImportFiles
        from armtrace.store.integrity import Integrity
        from armtrace.store.registry import Businesses, Weapons
        from armtrace.store.retention import Retention
        from armtrace.store.tracing import Attachments, Requests

        if isinstance(self.bind, sa.Connection):
            self._conn = self.bind
            self._tx: sa.Transaction = self.bind.begin_nested()
        else:
            self._conn = self.bind.connect().execution_options(armtrace_write=self._write)
            self._tx = self._conn.begin()
        self._changes: list[Change] = []
        self.events = EventLog(self._conn)
        self.weapons = Weapons(self._conn, self)
        self.businesses = Businesses(self._conn, self)
        self.closures = Closures(self._conn, self)
        self.nodes = Nodes(self._conn, self)
        self.requests = Requests(self._conn, self)
        self.attachments = Attachments(self._conn, self)
        self.outbox = Outbox(self._conn)
        self.inbox = Inbox(self._conn)
        self.accounts = Accounts(self._conn, self)
        self.approvals = Approvals(self._conn, self)
        self.retention = Retention(self._conn, self)
        self.imports = ImportFiles(self._conn, self)
        self.integrity = Integrity(self._conn)
        self.anchors = Anchors(self._conn, self)
        return self

    @property
    def conn(self) -> sa.Connection:
        assert self._conn is not None, "use the unit of work inside 'with'"
        return self._conn

    def note(self, change: Change) -> None:
        self._changes.append(change)

    def accessed(self, obj: str | None = None, query: dict[str, object] | None = None, suffix: str = "") -> None:
        """Write this use case's line to the access log (the action is the one its door declares)."""
        assert self.access_action, "only a use case that declares an access-log action writes one"
        self.accounts.log_access(self.clock.now(), self.access_action + suffix, obj, query)

    def commit(self) -> None:
        if self.carrying is not None:
            if not self.approvals.carried_out(self.carrying, self.clock.now()):
                raise Conflict(
                    N_("approval #%(approval)s was carried out already, or is not approved", approval=self.carrying),
                    rule="armtrace two-person rule",
                    hint=N_("see it with 'armtrace approval list --all'"),
                )
            self.carrying = None
        if self._changes:
            self._write_change_log()
        self.events.write_head()
        self._tx.commit()

    def _write_change_log(self) -> None:
        """The change log's lines of this transaction, chained on from its tip (row 2 of chain_head), which is
        taken under a lock: lines are chained in the order their transactions commit."""
        head = t.chain_head.c
        tip = self.conn.execute(sa.select(head.seq, head.hash).where(head.id == 2).with_for_update()).one()
        at = self.clock.now()
        prev, lines = tip.hash, []
        for c in self._changes:
            line = {
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
            digest = change_hash(prev, {**line, "at": utc_text(at)})
            lines.append({**line, "prev_hash": prev, "hash": digest})
            prev = digest
        self.conn.execute(t.change_log.insert(), lines)
        self.conn.execute(t.chain_head.update().where(head.id == 2).values(seq=tip.seq + len(lines), hash=prev))
        self._changes.clear()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._tx.is_active:
            self._tx.rollback()
        if not isinstance(self.bind, sa.Connection):
            self.conn.close()
        self._conn = None
        self._write = True


def _json(value: dict[str, object] | None) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
