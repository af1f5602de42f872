"""Two nodes' stores side by side: KEN on the store under test, BEL on a SQLite file of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from armtrace.domain.accounts import Principal, Role
from armtrace.domain.actors import Actor
from armtrace.services import exchange as ex
from armtrace.store.engine import make_engine
from armtrace.store.migrate import upgrade
from armtrace.store.uow import UnitOfWork


def officer(username: str, name: str) -> Principal:
    """A node's officer who also administers it (adds its peers)."""
    return Principal(Actor(username, name), frozenset({Role.TRACING_OFFICER, Role.ADMIN}))


@pytest.fixture
def nodes(engine, clock, tmp_path: Path):  # type: ignore[no-untyped-def]
    """KEN on the store under test, BEL on a SQLite file of its own, each trusting the other."""
    bel_engine = make_engine(f"sqlite:///{tmp_path}/bel.db")
    upgrade(bel_engine)
    ken = lambda: UnitOfWork(engine, officer("ken-officer", "KEN tracing officer"), clock)  # noqa: E731
    bel = lambda: UnitOfWork(bel_engine, officer("bel-officer", "BEL tracing officer"), clock)  # noqa: E731
    ken_key = ex.init_node(
        ex.InitNode("KEN-NFP", "KEN", tmp_path / "ken.pem", "Kenya National Focal Point"), ken(), clock
    )
    bel_key = ex.init_node(ex.InitNode("BEL-FPS", "BEL", tmp_path / "bel.pem", "Belgian Federal Police"), bel(), clock)
    ex.add_peer(ex.AddPeer("BEL-FPS", "state", "http://127.0.0.1:1", bel_key, "BEL"), ken(), clock)
    ex.add_peer(ex.AddPeer("KEN-NFP", "state", "http://127.0.0.1:2", ken_key, "KEN"), bel(), clock)
    yield ken, bel, engine, bel_engine
    bel_engine.dispose()
