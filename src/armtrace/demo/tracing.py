"""The demo's tracing story: three national nodes on loopback HTTP trace three seized weapons.

Uganda finds the weapons and asks; Belgium made two of them; Kenya imported one and holds
the other in its State stocks. Each node has its own SQLite file and key and serves the
exchange API on its own port; every message crosses real HTTP, signed, and is applied
once. Each node's officer and supervisor act signed in, so an answer that sends registry
data abroad waits for the supervisor's approval, as it would in life. The story runs on a
shared demo clock that moves days forward between the acts, so the statistics show days.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx

from armtrace.app import NodeServer, free_port
from armtrace.demo.narrator import Narrator
from armtrace.demo.nodes import MAKER_ID, Exported, belgian_registry, ugandan_seizures
from armtrace.demo.people import ADMINISTRATOR, REGISTRAR, demo_users, signed_in
from armtrace.demo.pictures import plate
from armtrace.domain.accounts import SCHEDULER, Principal
from armtrace.domain.actors import FixedClock
from armtrace.domain.errors import N_, RuleViolation
from armtrace.domain.records import WeaponRecord
from armtrace.domain.tracing import Markings
from armtrace.queries.registry import WeaponFilter, WeaponRow
from armtrace.runtime import Runtime
from armtrace.services import approvals, deadlines, exchange, registry, tracing
from armtrace.services import photographs as photos
from armtrace.services.importing.records import load_records
from armtrace.settings import load_settings

UGANDA_LAW = "Firearms Act (Cap. 299), s. 3: possession without a firearm certificate"
USE, USE_DETAIL = "prosecution", "of the holders, after the criminal investigation"


@dataclass
class Node:
    node_id: str
    country: str
    role: str  # a message: the State's part in the story
    runtime: Runtime
    path: Path
    server: NodeServer | None = None
    people: dict[str, Principal] = field(default_factory=dict)  # the demo's people, signed in here

    def deliver(self, client: httpx.Client) -> int:
        """A pass of the node's scheduler over its outbox, at the story's pace."""
        return exchange.deliver(self.runtime.uow(SCHEDULER), self.runtime.clock, client).delivered


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


@dataclass(frozen=True)
class Story:
    served: list[Served]
    answered: str  # a request Kenya's registry answered, for the newcomer to open


def run_story(
    ken: Runtime, ken_path: Path, seed: int, narrator: Narrator, ports: tuple[int, int, int] | None = None
) -> Story:
    """Build Belgium's and Uganda's nodes beside Kenya's, serve all three, and trace three weapons.

    `ports` fixes the nodes' ports (BEL, KEN, UGA), as `demo --serve` does; by default any free ones."""
    bel_path, uga_path, keys = side_paths(ken_path)
    clock = FixedClock(ken.clock.now() - timedelta(days=40))
    kenyan = ken.uow(REGISTRAR)
    fn_weapons = registry.find_weapons(WeaponFilter(manufacturer=MAKER_ID), kenyan, per_page=2000).items
    exported = [_exported(ken, w) for w in fn_weapons if w.serial]
    diverted = _pick(fn_weapons, ("stolen", "lost", "held", "in_stock"), seed)
    in_stock = WeaponFilter(category="assault_rifle", status="in_stock")
    state_rifle = _pick(registry.find_weapons(in_stock, kenyan, per_page=500).items, ("in_stock",), seed)
    pistols = WeaponFilter(category="self_loading_pistol", status="held")
    pistol = _pick(registry.find_weapons(pistols, kenyan, per_page=500).items, ("held",), seed + 1)
    nodes = {
        "BEL": _node("BEL-FPS", "BEL", N_("State of manufacture"), bel_path, clock),
        "KEN": Node("KEN-NFP", "KEN", N_("importing State"), Runtime(ken.settings, clock), ken_path),
        "UGA": _node("UGA-NFP", "UGA", N_("State where the weapons were found"), uga_path, clock),
    }
    for n in nodes.values():
        demo_users(n.runtime)
        n.people = {who: signed_in(n.runtime, who) for who in ("officer", "supervisor")}
    _load(nodes["BEL"].runtime, belgian_registry(exported, seed))
    seized = ugandan_seizures(diverted, state_rifle, clock.now())
    ids = _load(nodes["UGA"].runtime, [s.record for s in seized])
    _identities(nodes, keys, ports or (free_port(), free_port(), free_port()))
    narrator.say(
        N_("[bold]Three national nodes trace weapons seized in Uganda[/bold] [dim](synthetic cases)[/dim]"), gap=True
    )
    for n in nodes.values():
        assert n.server is not None
        narrator.node(n.node_id, n.role, n.server.address, n.path.name)
    try:
        with httpx.Client() as client:
            answered = _story(nodes, clock, client, narrator, diverted, state_rifle, ids)
            _unacknowledged(nodes, clock, client, narrator, pistol)
    finally:
        for n in nodes.values():
            if n.server:
                n.server.stop()
    served = []
    for n in nodes.values():
        assert n.server is not None
        served.append(Served(n.node_id, n.role, n.runtime.settings.database_url, n.server.port))
    return Story(served, answered)


def _story(
    nodes: dict[str, Node],
    clock: FixedClock,
    client: httpx.Client,
    narrator: Narrator,
    diverted: WeaponRow,
    rifle: WeaponRow,
    seized_ids: list[int],
) -> str:
    bel, ken, uga = nodes["BEL"], nodes["KEN"], nodes["UGA"]
    officer = {c: n.runtime.uow(n.people["officer"]) for c, n in nodes.items()}
    supervisor = {c: n.runtime.uow(n.people["supervisor"]) for c, n in nodes.items()}

    def exchange_messages() -> None:
        for _round in range(3):  # a message, its receipt, nothing more: three passes settle everything
            if not sum(n.deliver(client) for n in nodes.values()):
                return

    def later(days: int) -> None:
        clock.at += timedelta(days=days)

    def answer_from_registry(node: Node, request_id: str) -> None:
        """The officer answers as the registry drafts it; an answer that discloses waits for the supervisor."""
        c = node.country
        draft = tracing.draft_answer(request_id, officer[c])
        narrator.say(N_("%(node)s's officer opens %(request)s.", node=node.node_id, request=request_id), gap=True)
        for ref in tracing.show_request(request_id, officer[c], clock).request["content"]["photographs"]:
            with httpx.Client() as client:
                p = photos.photograph(request_id, ref.removeprefix("sha256:"), officer[c], clock, client)
            narrator.say(
                N_("  Photograph %(name)s fetched from the requesting State, %(size)s bytes, its hash checked.",
                   name=p.name, size=len(p.data))
            )  # fmt: skip
        narrator.disclosure(request_id, draft)
        cmd = tracing.AnswerRequest.as_drafted(request_id, draft)
        handled = tracing.answer(cmd, officer[c], clock)
        if not handled.done:
            assert handled.approval_id is not None
            narrator.say(
                N_(
                    "  The answer sends registry data abroad, so it waits for a second officer: approval #%(approval)s."
                    " The supervisor approves it and it is sent.",
                    approval=handled.approval_id,
                )
            )
            approvals.decide(handled.approval_id, True, None, supervisor[c], clock, node.runtime.policy)

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
        photographs=(("receiver-left.png", plate(shade=150)), ("etched-serial.png", plate(shade=110))),
    )
    narrator.say(
        N_(
            "Uganda's officer sends three requests: %(chain)s and %(blind)s to BEL, %(refused)s to KEN.",
            chain=chain,
            blind=blind,
            refused=refused,
        ),
        gap=True,
    )
    exchange_messages()
    later(1)
    tracing.acknowledge(chain, officer["BEL"], clock)
    tracing.acknowledge(blind, officer["BEL"], clock)
    later(2)
    tracing.acknowledge(refused, officer["KEN"], clock)
    exchange_messages()
    later(4)
    answer_from_registry(bel, blind)
    later(5)
    answer_from_registry(bel, chain)
    exchange_messages()
    follow_up = tracing.follow(chain, officer["UGA"], clock)
    tracing.send_request(follow_up, officer["UGA"], clock, uga.runtime.deadlines)
    narrator.say(
        N_(
            "Uganda follows the chain to Kenya with one action: %(request)s, linked to %(chain)s.",
            request=follow_up,
            chain=chain,
        ),
        gap=True,
    )
    exchange_messages()
    later(1)
    tracing.acknowledge(follow_up, officer["KEN"], clock)
    refusal = tracing.AnswerRequest(refused, "refused", restriction="national_security")
    tracing.answer(refusal, officer["KEN"], clock)  # discloses nothing: sent at once
    narrator.say(
        N_(
            "KEN-NFP refuses %(request)s: the rifle is from State stocks (reason sent: %(reason)s).",
            request=refused,
            reason="national_security",
        ),
        gap=True,
    )
    exchange_messages()
    later(6)
    answer_from_registry(ken, follow_up)
    exchange_messages()
    narrator.say(N_("[bold]Uganda's case view: the chain, State by State[/bold]"), gap=True)
    narrator.case(tracing.show_request(follow_up, officer["UGA"], clock).request)
    narrator.say("")
    narrator.statistics(tracing.statistics(officer["UGA"]))
    _count_messages(nodes, narrator)
    return follow_up


def _unacknowledged(nodes: dict[str, Node], clock: FixedClock, client: httpx.Client, narrator: Narrator,
                    pistol: WeaponRow) -> None:  # fmt: skip
    """A request Kenya has not acknowledged: it waits on Kenya's dashboard with its age, on Kenya's own clock,
    and once past Kenya's time to acknowledge, Kenya's national point of contact is told."""
    ken, uga = nodes["KEN"], nodes["UGA"]
    marks = Markings(pistol.manufacturer, pistol.serial, None, pistol.model, "KEN")
    ref = _ask(uga, "handed in at Malaba police station by a truck driver's employer", marks, pistol, None)
    for n in (uga, ken, uga):  # the request, then Kenya's automatic receipt
        n.deliver(client)
    clock.at += timedelta(days=9)
    deadlines.notify_contact(ken.runtime.uow(SCHEDULER), clock, ken.runtime.mailer)
    waiting = tracing.show_request(ref, ken.runtime.uow(ken.people["officer"]), clock).request
    narrator.say(
        N_(
            "%(request)s, about a pistol handed in at Malaba, reached Kenya %(days)s days ago and is not acknowledged: "
            "Kenya's own time to acknowledge (5 working days, its public holidays excepted) ran out on %(by)s. "
            "It waits on Kenya's dashboard with its age, and Kenya's national point of contact is told.",
            request=ref,
            days=waiting["waited_days"],
            by=waiting["acknowledge_by"].date().isoformat(),
        ),
        gap=True,
    )


def _ask(
    uga: Node,
    circumstances: str,
    markings: Markings,
    recorded: WeaponRow | None,
    weapon_id: int | None,
    photographs: tuple[tuple[str, bytes], ...] = (),
) -> str:
    officer = uga.runtime.uow(uga.people["officer"])
    refs = tuple(photos.attach(name, "image/png", data, officer, uga.runtime.clock) for name, data in photographs)
    cmd = tracing.DraftRequest(
        ("a",),
        UGANDA_LAW,
        circumstances,
        markings,
        recorded.category if recorded else "rifle",
        recorded.calibre if recorded else "7.62x51 NATO",
        USE,
        photographs=refs,
        intended_use_detail=USE_DETAIL,
        weapon_id=weapon_id,
    )
    ref = tracing.draft_request(cmd, officer, uga.runtime.clock)
    tracing.send_request(ref, officer, uga.runtime.clock, uga.runtime.deadlines)
    return ref


def _count_messages(nodes: dict[str, Node], narrator: Narrator) -> None:
    sent = received = 0
    for n in nodes.values():
        counted = tracing.counts(n.runtime.uow(n.people["officer"]))
        sent, received = sent + counted.delivered, received + counted.received
        if counted.pending:
            raise RuleViolation(
                N_("%(node)s still has %(pending)s undelivered message(s)", node=n.node_id, pending=counted.pending)
            )
    verdict = N_("each applied exactly once") if sent == received else N_("MISMATCH")
    narrator.say(
        N_(
            "Messages exchanged over HTTP: %(sent)s sent, %(received)s received and applied: %(verdict)s.",
            sent=sent,
            received=received,
            verdict=verdict,
        ),
        gap=True,
    )


def _node(node_id: str, country: str, role: str, path: Path, clock: FixedClock) -> Node:
    rt = Runtime(load_settings(database_url=f"sqlite:///{path}"), clock)
    rt.init_store()
    return Node(node_id, country, role, rt, path)


def _load(rt: Runtime, records: list[WeaponRecord]) -> list[int]:
    """The registrar records a State's registry; the weapons' ids, in the records' order."""
    result = load_records(records, rt.uow(REGISTRAR), rt.clock, rt.policy)
    if result.rejected:
        first = result.rejected[0]
        raise RuleViolation(
            N_("demo record %(index)s was refused: %(detail)s", index=first.index, detail=first.detail),
            problems=first.problems,
        )
    return result.weapon_ids


def _identities(nodes: dict[str, Node], keys: Path, ports: tuple[int, int, int]) -> None:
    """Each node's administrator gives it its key and point of contact and trusts the other two; then it serves."""
    public = {}
    for n, port in zip(nodes.values(), ports, strict=True):
        cmd = exchange.InitNode(n.node_id, n.country, keys / f"{n.node_id}.pem", f"{n.country} national focal point")
        public[n.node_id] = exchange.init_node(cmd, n.runtime.uow(ADMINISTRATOR), n.runtime.clock)
        n.server = NodeServer(n.runtime, port)
    for n in nodes.values():
        for other in nodes.values():
            if other is not n:
                assert other.server is not None
                peer = exchange.AddPeer(
                    other.node_id, "state", other.server.address, public[other.node_id], other.country
                )
                exchange.add_peer(peer, n.runtime.uow(ADMINISTRATOR), n.runtime.clock)
    for n in nodes.values():
        assert n.server is not None
        n.server.start()


def _exported(rt: Runtime, w: WeaponRow) -> Exported:
    """What Belgium's records must show of a weapon Kenya imported from it (its history, no holder)."""
    timeline = registry.show_weapon(w.id, rt.uow(REGISTRAR), holders=False).timeline
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
