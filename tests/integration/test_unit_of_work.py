"""The unit of work given an open connection: it works in a savepoint, so an outer transaction (a test's,
a larger job's) decides in the end, and a failed unit undoes only its own work."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from armtrace.domain.errors import Conflict
from armtrace.services.registry import add_weapon
from armtrace.store import tables as t
from armtrace.store.uow import UnitOfWork
from tests import factories as f
from tests.conftest import CLERK


def test_units_of_work_on_an_outer_connection_commit_into_savepoints_the_outer_rollback_undoes(engine, clock) -> None:
    with engine.connect() as outer:
        tx = outer.begin()
        add_weapon(f.add_weapon("SAV1"), UnitOfWork(outer, CLERK, clock), clock)
        with pytest.raises(Conflict):  # the same weapon again: this unit's savepoint is rolled back, not the first
            add_weapon(f.add_weapon("SAV1"), UnitOfWork(outer, CLERK, clock), clock)
        assert outer.execute(sa.select(sa.func.count()).select_from(t.weapons)).scalar_one() == 1
        assert outer.execute(sa.select(t.chain_head.c.seq).where(t.chain_head.c.id == 1)).scalar_one() == 1
        tx.rollback()
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.weapons)).scalar_one() == 0
        assert conn.execute(sa.select(sa.func.count()).select_from(t.change_log)).scalar_one() == 0
