"""Three nodes, three processes, three stores: a weapon seized in Uganda is traced through Belgium
to Kenya, where it was stolen. Kenya's node is stopped mid-way and started again; every message
arrives exactly once, and forged, altered and replayed envelopes are refused over HTTP.

Each node is a real `armtrace serve` process on its own loopback port and its own store
(SQLite files, or PostgreSQL databases), its background delivery done by its scheduler; the
officers act through the real CLI, each signed in as themselves.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from armtrace.app import free_port
from armtrace.domain.accounts import Principal, Role
from armtrace.domain.actors import Actor, SystemClock
from armtrace.domain.records import AddWeapon, EventInput, WeaponRecord
from armtrace.exchange.envelope import Envelope, create_key, signed
from armtrace.services import exchange as ex
from armtrace.services.accounts import AddUser, add_user
from armtrace.services.importing.records import load_records
from armtrace.store import tables as t
from armtrace.store.engine import make_engine
from armtrace.store.migrate import upgrade
from armtrace.store.uow import UnitOfWork
from tests.conftest import PG_URL

SERIAL = "8382593"
PASSWORD = "national focal point 2026"
FAL = {"category": "rifle", "manufacturer": "FN Herstal", "model": "FAL", "calibre": "7.62x51 NATO", "serial": SERIAL}


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 10, tzinfo=UTC)


@dataclass
class Node:
    node_id: str
    country: str
    url: str
    key: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @cached_property
    def engine(self) -> sa.Engine:
        return make_engine(self.url)

    def uow(self) -> UnitOfWork:
        """The node's set-up, by its administrator: accounts, identity, peers, the registry's records."""
        admin = Principal(
            Actor(f"{self.node_id.lower()}-admin", f"{self.country} administrator"), frozenset({Role.ADMIN})
        )
        return UnitOfWork(self.engine, admin, SystemClock())

    def cli(self, *args: str, user: str = "officer") -> str:
        """The command at this node, signed in as one of its users."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("ARMTRACE_")}
        done = subprocess.run(
            [sys.executable, "-m", "armtrace.cli.main", "--db", self.url, "--user", user, *args],
            env={**env, "COLUMNS": "200", "ARMTRACE_LANG": "en", "ARMTRACE_PASSWORD": PASSWORD},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def start(self) -> None:
        serve = ["serve", "--port", str(self.port), "--every", "0.2"]
        self.log = self.key.with_suffix(".log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "armtrace.cli.main", "--db", self.url, *serve], stdout=self.log, stderr=self.log
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.address + "/exchange/v1/node", timeout=0.5).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise AssertionError(f"{self.node_id} did not start: {self._stderr()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=20)
            self.log.close()
        self.process = None

    def _stderr(self) -> str:
        self.stop()
        return self.key.with_suffix(".log").read_text()

    def request(self, request_id: str) -> sa.Row:  # type: ignore[type-arg]
        with self.engine.connect() as conn:
            return conn.execute(sa.select(t.trace_requests).where(t.trace_requests.c.id == request_id)).one()

    def wait_for(self, request_id: str, status: str, timeout: float = 40) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.engine.connect() as conn:
                now = conn.execute(
                    sa.select(t.trace_requests.c.status).where(t.trace_requests.c.id == request_id)
                ).scalar_one_or_none()
            if now == status:
                return
            time.sleep(0.1)
        raise AssertionError(f"{request_id} at {self.node_id} is {now!r}, not {status!r}, after {timeout} s")


def _databases(kind: str, tmp_path: Path) -> Iterator[list[str]]:
    if kind == "sqlite":
        yield [f"sqlite:///{tmp_path}/{name}.db" for name in ("bel", "ken", "uga")]
        return
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is required on CI")
        pytest.skip("no PostgreSQL answered on 127.0.0.1:5432 and ARMTRACE_TEST_POSTGRES_URL is not set")
    names = [f"armtrace_e2e_{uuid.uuid4().hex[:8]}_{n}" for n in ("bel", "ken", "uga")]
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield [sa.make_url(PG_URL).set(database=n).render_as_string(hide_password=False) for n in names]
    with admin.connect() as conn:
        for name in names:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, Node]]:
    """Belgium made the rifle and exported it to Kenya; Kenya imported it and lost it to theft;
    Uganda seized it. Each node trusts the other two."""
    urls = iter(_databases(request.param, tmp_path))
    bel_url, ken_url, uga_url = next(urls)
    nodes = {
        c: Node(f"{c}-NFP", c, url, tmp_path / f"{c}.pem", free_port())
        for c, url in (("BEL", bel_url), ("KEN", ken_url), ("UGA", uga_url))
    }
    clock = SystemClock()
    public = {}
    for n in nodes.values():
        upgrade(n.engine)
        for user, role in (("officer", "tracing_officer"), ("supervisor", "tracing_officer")):
            add_user(AddUser(user, f"{n.country} {user}", PASSWORD, (role,)), n.uow(), clock)
        public[n.node_id] = ex.init_node(ex.InitNode(n.node_id, n.country, n.key, f"{n.country} NFP"), n.uow(), clock)
    for n in nodes.values():
        for o in nodes.values():
            if o is not n:
                ex.add_peer(ex.AddPeer(o.node_id, "state", o.address, public[o.node_id], o.country), n.uow(), clock)
    made = EventInput(
        "manufactured", why="Licence BE/1", occurred_at=at(2013, 2, 9), country="BEL", holder="FN Herstal"
    )
    export = EventInput(
        "exported", why="Export licence EXP/16/5", occurred_at=at(2016, 6, 19), country="BEL", counterpart_country="KEN"
    )
    imported = EventInput(
        "imported",
        why="Import permit IP/2368",
        occurred_at=at(2016, 7, 24),
        country="KEN",
        counterpart_country="BEL",
        holder="Ministry of Defence",
    )
    stolen = EventInput("stolen", why="Occurrence book OB/2371", occurred_at=at(2020, 4, 20), country="KEN")
    seized = EventInput(
        "recovered", why="Seizure report UPF/BUS/31", occurred_at=at(2026, 11, 1), country="UGA", holder="UPF"
    )
    for node, record in (
        (nodes["BEL"], WeaponRecord(AddWeapon(FAL, made), (export,))),
        (nodes["KEN"], WeaponRecord(AddWeapon(FAL, imported), (stolen,))),
        (nodes["UGA"], WeaponRecord(AddWeapon(FAL, seized))),
    ):
        assert load_records([record], node.uow(), clock).loaded == 1
    for n in nodes.values():
        n.start()
    yield nodes
    for n in nodes.values():
        n.stop()
        n.engine.dispose()
    next(urls, None)


def approve(node: Node, asked: str) -> None:
    """The answer discloses registry data, so it waits; the supervisor approves it and it is sent."""
    approval = re.search(r"Waiting for approval #(\d+)", asked)
    assert approval, asked
    assert "approved by supervisor" in node.cli("approval", "decide", approval[1], "--approve", user="supervisor")


def ids(node: Node, table: sa.Table, delivered: bool | None = None) -> list[str]:
    with node.engine.connect() as conn:
        query = sa.select(table.c.id)
        if delivered is not None:
            query = query.where(table.c.delivered_at.is_not(None) if delivered else table.c.delivered_at.is_(None))
        return list(conn.execute(query).scalars())


def types(node: Node) -> list[str]:
    """The types of the messages a node delivered."""
    with node.engine.connect() as conn:
        rows = conn.execute(sa.select(t.outbox.c.envelope).where(t.outbox.c.delivered_at.is_not(None))).scalars()
        return [json.loads(envelope)["type"] for envelope in rows]


def test_a_chain_through_two_states_survives_a_node_restart_and_every_message_arrives_once(world) -> None:
    bel, ken, uga = world["BEL"], world["KEN"], world["UGA"]
    new = uga.cli(
        "trace", "new", "--basis", "a", "--legal", "Firearms Act (Cap. 299) s.3", "--circumstances",
        "seized at Busia border post", "--use", "prosecution", "--category", "rifle", "--calibre", "7.62x51 NATO",
        "--manufacturer", "FN Herstal", "--serial", SERIAL, "--made-in", "BEL", "--model", "FAL", "--weapon", "1",
    )  # fmt: skip
    first = new.split("Drafted request ")[1].split(".")[0].strip()
    uga.cli("trace", "send", first)
    bel.wait_for(first, "sent")
    bel.cli("trace", "ack", first)
    draft = bel.cli("trace", "answer", first)
    assert "exported from BEL to KEN" in draft and "Nothing sent" in draft
    with bel.engine.connect() as conn:
        logged = conn.execute(sa.select(t.access_log.c.actor, t.access_log.c.action, t.access_log.c.object)).all()
    assert ("officer", "tracing:answer:draft", first) in logged
    approve(bel, bel.cli("trace", "answer", first, "--send"))
    uga.wait_for(first, "answered")
    assert json.loads(uga.request(first).answer)["next_country"] == "KEN"

    follow = uga.cli("trace", "follow", first).split("follow-up request ")[1].split(".")[0].strip()
    ken.stop()  # Kenya's node goes down before the follow-up is sent
    uga.cli("trace", "send", follow)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with uga.engine.connect() as conn:
            tried = conn.execute(sa.select(sa.func.max(t.outbox.c.attempts))).scalar_one()
        if tried:
            break
        time.sleep(0.1)
    assert ids(uga, t.outbox, delivered=False), "the follow-up should wait while Kenya is down"
    ken.start()
    ken.wait_for(follow, "sent")
    ken.cli("trace", "ack", follow)
    approve(ken, ken.cli("trace", "answer", follow, "--send"))
    uga.wait_for(follow, "answered")
    chain = uga.cli("trace", "show", follow)
    assert "1. asked BEL" in chain and "2. asked KEN" in chain and "left licit control here: stolen" in chain

    deadline = time.monotonic() + 30  # let the last receipts and acknowledgements land
    while time.monotonic() < deadline and any(ids(n, t.outbox, delivered=False) for n in world.values()):
        time.sleep(0.1)
    sent = [m for n in world.values() for m in ids(n, t.outbox, delivered=True)]
    received = [m for n in world.values() for m in ids(n, t.inbox)]
    assert not any(ids(n, t.outbox, delivered=False) for n in world.values())
    assert sorted(sent) == sorted(received) and len(set(received)) == len(received)
    kinds = [kind for n in world.values() for kind in types(n)]
    assert sum(k.startswith("trace.") for k in kinds) == 8  # two requests, their receipts, acknowledgements, answers
    # Each serve's scheduler lodged its chain heads with its two peers on its first pass, and got receipts back.
    assert (kinds.count("chain.anchor"), kinds.count("chain.anchor_receipt")) == (6, 6)
    assert len(sent) == 20

    stats = uga.cli("trace", "stats")
    assert "BEL-NFP" in stats and "KEN-NFP" in stats

    # Hostile envelopes, over HTTP, to a node on the store under test: nothing of them is applied.
    with uga.engine.connect() as conn:
        envelope = json.loads(
            conn.execute(sa.select(t.outbox.c.envelope).where(t.outbox.c.recipient == "KEN-NFP")).scalars().first()
        )
    before = ids(ken, t.inbox)
    replayed = httpx.post(ken.address + "/exchange/v1/envelopes", json=envelope)
    altered = httpx.post(
        ken.address + "/exchange/v1/envelopes", json={**envelope, "body": {**envelope["body"], "request_id": "X"}}
    )
    forger = create_key(ken.key.parent / "forger.pem")
    fresh = Envelope.from_json({**envelope, "id": str(uuid.uuid4())})
    forged = httpx.post(ken.address + "/exchange/v1/envelopes", json=signed(fresh, datetime.now(UTC), forger).to_json())
    reasons = [r.json()["reason"] for r in (replayed, altered, forged)]
    assert [r.status_code for r in (replayed, altered, forged)] == [403, 403, 403]
    assert reasons == ["replay", "bad_signature", "bad_signature"]
    assert ids(ken, t.inbox) == before
