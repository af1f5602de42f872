"""Clerks recording at the same time still produce one unbroken chain."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from armtrace.services.integrity import verify
from armtrace.services.registry import add_weapon
from armtrace.store import tables as t
from tests import factories as f


def test_parallel_writers_get_consecutive_numbers_and_an_intact_chain(engine, uow, clock) -> None:
    serials = [f"PAR{i:04d}" for i in range(24)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda s: add_weapon(f.add_weapon(s), uow(), clock), serials))
    assert sorted(r.seq for r in results) == list(range(1, 25))
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.weapons)).scalar_one() == 24
    report = verify(uow())
    assert report.ok and report.events == 24
