"""The demo's tracing story: three national nodes on loopback HTTP trace three seized weapons.

Uganda finds the weapons and asks; Belgium made two of them; Kenya imported one and holds
the other in its State stocks. Each node has its own SQLite file and key and serves the
exchange API on its own port; every message crosses real HTTP, signed, and is applied
once. The story runs on a shared demo clock that moves days forward between the acts,
so the statistics show days, as they would in life.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa

from armtrace.api.server import BackgroundServer, free_port
from armtrace.cli.output import _, console
from armtrace.cli.tracing import print_case, print_disclosure, print_statistics
from armtrace.demo.nodes import MAKER_ID, Exported, belgian_registry, ugandan_seizures
from armtrace.demo.people import demo_users
from armtrace.domain.actors import Actor, FixedClock
from armtrace.domain.errors import N_, RuleViolation
from armtrace.domain.tracing import Markings
from armtrace.exchange.delivery import deliver_due
from armtrace.queries.disclosure import draft_answer
from armtrace.queries.registry import WeaponFilter, WeaponRow, list_weapons, weapon_detail
from armtrace.queries.tracing import exchanged, request_detail, statistics_of
from armtrace.runtime import Runtime
from armtrace.services import accounts
from armtrace.services import approvals as two_person
from armtrace.services import tracing as tr
from armtrace.services.records import load_records
from armtrace.settings import Settings

UGANDA_LAW = "Firearms Act (Cap. 299), s. 3: possession without a firearm certificate"
USE = "criminal investigation and prosecution of the holders"


@dataclass
class Node:
    node_id: str
    country: str
    role: str
    runtime: Runtime
    path: Path
    server: BackgroundServer | None = None

    def deliver(self, client: httpx.Client) -> int:
        return deliver_due(self.runtime.uow(), self.runtime.clock, client).delivered


def side_paths(ken_path: Path) -> tuple[Path, Path, Path]:
    """Where the other two States' stores and the three keys go, beside Kenya's demo store."""
    stem = ken_path.with_suffix("")
    return Path(f"{stem}-bel.db"), Path(f"{stem}-uga.db"), Path(f"{stem}-keys")


def remove_sides(ken_path: Path) -> None:
    bel, uga, keys = side_paths(ken_path)
    for db in (bel, uga):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(keys, ignore_errors=True)


@dataclass(frozen=True)
class Served:
    """A demo node as the story left it: enough to serve it again."""

    node_id: str
    role: str
    url: str
    port: int


def run_story(ken: Runtime, ken_path: Path, seed: int, ports: tuple[int, int, int] | None = None) -> list[Served]:
    """Build Belgium's and Uganda's nodes beside Kenya's, serve all three, and trace three weapons.

    `ports` fixes the nodes' ports (BEL, KEN, UGA), as `demo --serve` does; by default any free ones."""
    bel_path, uga_path, keys = side_paths(ken_path)
    clock = FixedClock(ken.clock.now() - timedelta(days=40))
    with ken.engine.connect() as conn:
        fn_weapons = list_weapons(conn, WeaponFilter(manufacturer=MAKER_ID), per_page=2000).items
        exported = [_exported(conn, w) for w in fn_weapons if w.serial]
        diverted = _pick(fn_weapons, ("stolen", "lost", "held", "in_stock"), seed)
        state_rifle = _pick(
            list_weapons(conn, WeaponFilter(category="assault_rifle", status="in_stock"), per_page=500).items,
            ("in_stock",),
            seed,
        )
    nodes = {
        "BEL": _node("BEL-FPS", "BEL", _("State of manufacture"), bel_path, clock),
        "KEN": Node(
            "KEN-NFP", "KEN", _("importing State"), Runtime(ken.settings, clock, Actor("ken-nfp", "KEN NFP")), ken_path
        ),
        "UGA": _node("UGA-NFP", "UGA", _("State where the weapons were found"), uga_path, clock),
    }
    for n in nodes.values():
        demo_users(n.runtime)
    _load(nodes["BEL"].runtime, belgian_registry(exported, seed))
    seized = ugandan_seizures(diverted, state_rifle, clock.now())
    _load(nodes["UGA"].runtime, [s.record for s in seized])
    with nodes["UGA"].runtime.engine.connect() as conn:
        ids = sorted(w.id for w in list_weapons(conn, WeaponFilter(), per_page=10).items)
    _identities(nodes, keys, ports or (free_port(), free_port(), free_port()))
    console.print(
        "\n" + _("[bold]Three national nodes trace weapons seized in Uganda[/bold] [dim](synthetic cases)[/dim]")
    )
    for n in nodes.values():
        assert n.server is not None
        console.print(f"  {n.node_id}  {n.role:<35} {n.server.address}  {n.path.name}", soft_wrap=True)
    try:
        with httpx.Client() as client:
            _story(nodes, clock, client, diverted, state_rifle, ids)
    finally:
        for n in nodes.values():
            if n.server:
                n.server.stop()
    served = []
    for n in nodes.values():
        assert n.server is not None
        served.append(Served(n.node_id, n.role, n.runtime.settings.database_url, n.server.port))
    return served


def _story(
    nodes: dict[str, Node],
    clock: FixedClock,
    client: httpx.Client,
    diverted: WeaponRow,
    rifle: WeaponRow,
    seized_ids: list[int],
) -> None:
    bel, ken, uga = nodes["BEL"], nodes["KEN"], nodes["UGA"]

    def exchange() -> None:
        for _round in range(3):  # a message, its receipt, nothing more: three passes settle everything
            if not sum(n.deliver(client) for n in nodes.values()):
                return

    def later(days: int) -> None:
        clock.at += timedelta(days=days)

    def answer_from_registry(node: Node, request_id: str) -> None:
        with node.runtime.engine.connect() as conn:
            draft = draft_answer(conn, request_id)
        console.print("\n" + _("%(node)s's officer opens %(request)s.", node=node.node_id, request=request_id))
        print_disclosure(request_id, draft)
        a = draft.answer
        cmd = tr.AnswerRequest(
            request_id,
            a.outcome.value,
            None,
            a.failure.value if a.failure else None,
            a.facts,
            a.next_country,
            draft.weapon_id,
        )
        rt = node.runtime
        officer, supervisor = (accounts.principal_of(name, rt.uow()) for name in ("officer", "supervisor"))
        handled = two_person.answer_or_ask(cmd, rt.uow(officer.actor), clock)
        if not handled.done:
            console.print(
                _(
                    "  The answer sends registry data abroad, so it waits for a second officer: approval #%(approval)s."
                    " The supervisor approves it and it is sent.",
                    approval=handled.approval_id,
                ),
                soft_wrap=True,
            )
            two_person.decide(handled.approval_id, True, None, supervisor, rt.uow, clock, rt.policy)  # type: ignore[arg-type]

    chain = _ask(
        uga,
        "seized at Busia border post from a vehicle arriving from Kenya; two suspects held",
        Markings("FN Herstal", diverted.serial, "BEL", diverted.model),
        diverted,
        seized_ids[0],
    )
    refused = _ask(
        uga,
        "found in an abandoned cattle camp near Moroto after a raid",
        Markings(rifle.manufacturer, rifle.serial, None, rifle.model, "KEN"),
        rifle,
        seized_ids[1],
    )
    blind = _ask(
        uga,
        "recovered in Kisenyi, Kampala, during a search; serial ground off the receiver",
        Markings("FN Herstal", None, "BEL", "FAL", serial_obliterated=True),
        None,
        seized_ids[2],
        photographs=("UPF/FSL/KLA-2026-118/receiver-left.jpg", "UPF/FSL/KLA-2026-118/etched.jpg"),
    )
    console.print(
        "\n"
        + _(
            "Uganda's officer sends three requests: %(chain)s and %(blind)s to BEL, %(refused)s to KEN.",
            chain=chain,
            blind=blind,
            refused=refused,
        )
    )
    exchange()
    later(1)
    tr.acknowledge(chain, bel.runtime.uow(), clock)
    tr.acknowledge(blind, bel.runtime.uow(), clock)
    later(2)
    tr.acknowledge(refused, ken.runtime.uow(), clock)
    exchange()
    later(4)
    answer_from_registry(bel, blind)
    later(5)
    answer_from_registry(bel, chain)
    exchange()
    follow_up = tr.follow(chain, uga.runtime.uow(), clock)
    tr.send_request(follow_up, uga.runtime.uow(), clock)
    console.print(
        "\n"
        + _(
            "Uganda follows the chain to Kenya with one action: %(request)s, linked to %(chain)s.",
            request=follow_up,
            chain=chain,
        )
    )
    exchange()
    later(1)
    tr.acknowledge(follow_up, ken.runtime.uow(), clock)
    tr.answer(tr.AnswerRequest(refused, "refused", restriction="national_security"), ken.runtime.uow(), clock)
    console.print(
        "\n"
        + _(
            "KEN-NFP refuses %(request)s: the rifle is from State stocks (reason sent: %(reason)s).",
            request=refused,
            reason="national_security",
        )
    )
    exchange()
    later(6)
    answer_from_registry(ken, follow_up)
    exchange()
    with uga.runtime.engine.connect() as conn:
        console.print("\n" + _("[bold]Uganda's case view: the chain, State by State[/bold]"))
        print_case(request_detail(conn, follow_up, clock.now()))
        console.print()
        print_statistics(statistics_of(conn))
    _count_messages(nodes)


def _ask(
    uga: Node,
    circumstances: str,
    markings: Markings,
    recorded: WeaponRow | None,
    weapon_id: int,
    photographs: tuple[str, ...] = (),
) -> str:
    ref = tr.draft_request(
        tr.DraftRequest(
            ("a",),
            UGANDA_LAW,
            circumstances,
            markings,
            recorded.category if recorded else "rifle",
            recorded.calibre if recorded else "7.62x51 NATO",
            USE,
            photographs=photographs,
            weapon_id=weapon_id,
        ),
        uga.runtime.uow(),
        uga.runtime.clock,
    )
    tr.send_request(ref, uga.runtime.uow(), uga.runtime.clock, uga.runtime.deadlines)
    return ref


def _count_messages(nodes: dict[str, Node]) -> None:
    sent = received = 0
    for n in nodes.values():
        with n.runtime.engine.connect() as conn:
            out, pending, kept = exchanged(conn)
        sent, received = sent + out, received + kept
        if pending:
            raise RuleViolation(
                N_("%(node)s still has %(pending)s undelivered message(s)", node=n.node_id, pending=pending)
            )
    verdict = _("each applied exactly once") if sent == received else "[red]" + _("MISMATCH") + "[/red]"
    console.print(
        "\n"
        + _(
            "Messages exchanged over HTTP: %(sent)s sent, %(received)s received and applied: %(verdict)s.",
            sent=sent,
            received=received,
            verdict=verdict,
        )
    )


def _node(node_id: str, country: str, role: str, path: Path, clock: FixedClock) -> Node:
    rt = Runtime(Settings(database_url=f"sqlite:///{path}"), clock, Actor(node_id.lower(), f"{country} officer"))
    rt.init_store()
    return Node(node_id, country, role, rt, path)


def _load(rt: Runtime, records: list) -> None:  # type: ignore[type-arg]
    result = load_records(records, rt.uow(), rt.clock, rt.policy)
    if result.rejected:
        first = result.rejected[0]
        raise RuleViolation(
            N_("demo record %(index)s was refused: %(detail)s", index=first.index, detail=first.detail),
            problems=first.problems,
        )


def _identities(nodes: dict[str, Node], keys: Path, ports: tuple[int, int, int]) -> None:
    """Each node gets its key and point of contact, trusts the other two, and starts serving."""
    public = {}
    for n in nodes.values():
        public[n.node_id] = tr.init_node(
            tr.InitNode(n.node_id, n.country, keys / f"{n.node_id}.pem", f"{n.country} national focal point"),
            n.runtime.uow(),
            n.runtime.clock,
        )
        n.server = BackgroundServer(n.runtime, ports[len(public) - 1])
    for n in nodes.values():
        for other in nodes.values():
            if other is not n:
                assert other.server is not None
                tr.add_peer(
                    tr.AddPeer(other.node_id, "state", other.server.address, public[other.node_id], other.country),
                    n.runtime.uow(),
                    n.runtime.clock,
                )
    for n in nodes.values():
        assert n.server is not None
        n.server.start()


def _exported(conn: sa.Connection, w: WeaponRow) -> Exported:
    timeline = weapon_detail(conn, w.id).timeline
    imported = next(e.occurred_at for e in timeline if e.type == "imported")
    return Exported(
        w.serial or "", w.model or "", w.category, w.calibre or "", w.year_of_manufacture or imported.year, imported
    )


def _pick(rows: list[WeaponRow], statuses: tuple[str, ...], seed: int) -> WeaponRow:
    for status in statuses:
        pool = [w for w in rows if w.status == status and w.serial]
        if pool:
            return random.Random(seed).choice(pool)
    raise RuleViolation(N_("the demo registry has no weapon to trace"), hint=N_("build it with more --weapons"))
