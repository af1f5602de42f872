"""`armtrace node | peer | trace | outbox | serve`: this node, its peers, and tracing requests."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from armtrace.cli.output import ArmtraceGroup, console, errors, ready
from armtrace.domain.disclosure import Disclosure
from armtrace.domain.tracing import Markings
from armtrace.exchange.delivery import deliver_due
from armtrace.queries.disclosure import draft_answer
from armtrace.queries.tracing import Statistics, list_requests, request_detail, statistics_of
from armtrace.services import tracing

node = typer.Typer(cls=ArmtraceGroup, no_args_is_help=True, help="This node's identity and point of contact.")
peer = typer.Typer(cls=ArmtraceGroup, no_args_is_help=True, help="Other nodes this node trusts.")
trace = typer.Typer(cls=ArmtraceGroup, no_args_is_help=True, help="Tracing requests between States.")
outbox = typer.Typer(cls=ArmtraceGroup, no_args_is_help=True, help="Messages waiting for delivery.")
Opt = typer.Option


@node.command("init")
def node_init(
    ctx: typer.Context,
    country: Annotated[str, Opt(help="This State, ISO 3166 alpha-3")],
    contact: Annotated[str, Opt(help="National point of contact (ITI para 25): person or office")],
    node_id: Annotated[str | None, Opt("--id", help="The node's name among peers (default COUNTRY-NFP)")] = None,
    key: Annotated[Path, Opt(help="Where the private key goes (outside the database)")] = Path("node-key.pem"),
    email: Annotated[str | None, Opt()] = None,
    phone: Annotated[str | None, Opt()] = None,
) -> None:
    """Create this node's identity: an Ed25519 key pair and its point of contact."""
    rt = ready(ctx)
    public = tracing.init_node(
        tracing.InitNode(node_id or f"{country.upper()}-NFP", country, key, contact, email, phone), rt.uow(), rt.clock
    )
    console.print(f"Node created. Its public key, for peers: [bold]{public}[/bold]")
    console.print(f"The private key is in {key.resolve()} (owner-only): keep it safe and backed up.")


@node.command("show")
def node_show(ctx: typer.Context) -> None:
    """This node's identity, as peers need it."""
    rt = ready(ctx)
    console.print_json(json.dumps(tracing.node_identity(rt.uow())))


@peer.command("add")
def peer_add(
    ctx: typer.Context,
    node_id: str,
    address: Annotated[str, Opt(help="The peer's base URL, e.g. https://trace.example.gov")],
    key: Annotated[str, Opt(help="The peer's public key (from its 'armtrace node show')")],
    country: Annotated[str | None, Opt()] = None,
    role: Annotated[str, Opt(help="state, or hub for an international body")] = "state",
) -> None:
    """Trust another node: its address and the only key its messages may carry."""
    rt = ready(ctx)
    tracing.add_peer(tracing.AddPeer(node_id, role, address, key, country), rt.uow(), rt.clock)
    console.print(f"Peer {node_id} added.")


@trace.command("new")
def trace_new(
    ctx: typer.Context,
    basis: Annotated[list[str], Opt(help="Ground of illicitness, ITI para 6: a, b, c, d or e (repeatable)")],
    legal: Annotated[str, Opt(help="Legal justification")],
    circumstances: Annotated[str, Opt(help="Where, when and how the weapon was found")],
    use: Annotated[str, Opt(help="What the answer will be used for")],
    category: Annotated[str | None, Opt()] = None,
    calibre: Annotated[str | None, Opt()] = None,
    manufacturer: Annotated[str | None, Opt()] = None,
    serial: Annotated[str | None, Opt()] = None,
    made_in: Annotated[str | None, Opt("--made-in")] = None,
    model: Annotated[str | None, Opt()] = None,
    imported_into: Annotated[str | None, Opt(help="Country of the last import mark")] = None,
    obliterated: Annotated[bool, Opt(help="The serial is obliterated (attach photographs)")] = False,
    photo: Annotated[list[str] | None, Opt(help="Photograph reference (repeatable)")] = None,
    to: Annotated[str | None, Opt(help="The peer to ask (default: the State the marks point to)")] = None,
    weapon: Annotated[int | None, Opt(help="The recovered weapon's record here")] = None,
    urgent: Annotated[str | None, Opt(help="Mark urgent, giving the reason")] = None,
) -> None:
    """Draft a tracing request; every missing element of the ITI's content is listed at once."""
    rt = ready(ctx)
    marks = Markings(manufacturer, serial, made_in, model, imported_into, obliterated)
    ref = tracing.draft_request(
        tracing.DraftRequest(
            tuple(basis),
            legal,
            circumstances,
            marks,
            category,
            calibre,
            use,
            "urgent" if urgent else "routine",
            urgent,
            tuple(photo or ()),
            to,
            weapon,
        ),
        rt.uow(),
        rt.clock,
    )
    console.print(f"Drafted request [bold]{ref}[/bold]. Send it with: armtrace trace send {ref}")


@trace.command("send")
def trace_send(ctx: typer.Context, request_id: str) -> None:
    """Send a drafted request; it waits in the outbox until the peer receives it."""
    rt = ready(ctx)
    tracing.send_request(request_id, rt.uow(), rt.clock, rt.deadlines)
    console.print(
        f"Request {request_id} sent (queued in the outbox; 'armtrace outbox deliver' or a running "
        "'armtrace serve' delivers it)."
    )


@trace.command("ack")
def trace_ack(ctx: typer.Context, request_id: str) -> None:
    """Acknowledge a request received from another State."""
    rt = ready(ctx)
    tracing.acknowledge(request_id, rt.uow(), rt.clock)
    console.print(f"Request {request_id} acknowledged.")


@trace.command("answer")
def trace_answer(
    ctx: typer.Context,
    request_id: str,
    outcome: Annotated[
        str | None, Opt(help="traced, partially_traced, not_traced, delayed or refused (default: as drafted)")
    ] = None,
    fact: Annotated[list[str] | None, Opt(help="What the records show, one line each (repeatable)")] = None,
    restriction: Annotated[
        str | None, Opt(help="criminal_investigation, confidentiality_law, national_security")
    ] = None,
    failure: Annotated[str | None, Opt(help="Coded reason a trace failed, e.g. record_not_found")] = None,
    next_country: Annotated[str | None, Opt(help="The State the weapon went to, if it left this one")] = None,
    weapon: Annotated[int | None, Opt(help="Draft from this record (when the marks fit several)")] = None,
    send: Annotated[bool, Opt(help="Send the answer drafted from the registry, as shown")] = False,
) -> None:
    """Answer a request received from another State.

    Without --outcome, drafts the answer from the registry and shows exactly what would be
    disclosed; --send then sends it as shown. With --outcome, sends the answer given.
    """
    rt = ready(ctx)
    if outcome is None:
        with rt.engine.connect() as conn:
            draft = draft_answer(conn, request_id, weapon)
        a = draft.answer
        print_disclosure(request_id, draft)
        if not send:
            console.print(
                f"\nNothing sent. Send it as shown with: armtrace trace answer {request_id} --send"
                + (f" --weapon {weapon}" if weapon else "")
            )
            return
        cmd = tracing.AnswerRequest(
            request_id,
            a.outcome.value,
            a.restriction.value if a.restriction else None,
            a.failure.value if a.failure else None,
            a.facts,
            a.next_country,
            draft.weapon_id,
        )
    else:
        cmd = tracing.AnswerRequest(request_id, outcome, restriction, failure, tuple(fact or ()), next_country, weapon)
    tracing.answer(cmd, rt.uow(), rt.clock)
    console.print(f"Request {request_id} answered: {cmd.outcome}.")


def print_disclosure(request_id: str, draft: Disclosure) -> None:
    a = draft.answer
    console.print(f"[bold]Answer to {request_id}[/bold], drafted from the registry: exactly what would be sent")
    console.print(f"  outcome: {a.outcome.value}")
    for label, value in (("reason", a.restriction), ("failure", a.failure), ("next State", a.next_country)):
        if value:
            console.print(f"  {label}: {value}")
    for line in a.facts:
        console.print(f"  • {escape(line)}", soft_wrap=True)
    if draft.notes:
        console.print("[dim]For you only, not sent:[/dim]")
        for note in draft.notes:
            console.print(f"  [dim]{escape(note)}[/dim]", soft_wrap=True)


@trace.command("follow")
def trace_follow(ctx: typer.Context, request_id: str) -> None:
    """Follow an answer to the next State: a new request, linked to this one."""
    rt = ready(ctx)
    ref = tracing.follow(request_id, rt.uow(), rt.clock)
    console.print(f"Drafted follow-up request [bold]{ref}[/bold]. Send it with: armtrace trace send {ref}")


@trace.command("list")
def trace_list(
    ctx: typer.Context,
    overdue: Annotated[bool, Opt("--overdue", help="Only requests past a deadline")] = False,
) -> None:
    """Requests sent and received, newest first; overdue ones flagged."""
    rt = ready(ctx)
    with rt.engine.connect() as conn:
        rows = list_requests(conn, rt.clock.now(), only_overdue=overdue)
    table = Table("request", "direction", "with", "status", "outcome", "sent", "answer by", "overdue")
    for r in rows:
        table.add_row(
            r.id,
            r.direction,
            r.counterpart,
            r.status,
            r.outcome or "",
            r.sent_at.date().isoformat() if r.sent_at else "",
            r.answer_by.date().isoformat() if r.answer_by else "",
            f"[red]{r.overdue}[/red]" if r.overdue else "",
        )
    console.print(table)


@trace.command("show")
def trace_show(
    ctx: typer.Context,
    request_id: str,
    as_json: Annotated[bool, Opt("--json", help="Everything, as JSON")] = False,
) -> None:
    """A request: what it asks, the chain so far State by State, its answer, and every act, timed."""
    rt = ready(ctx)
    with rt.engine.connect() as conn:
        d = request_detail(conn, request_id, rt.clock.now())
    if as_json:
        console.print_json(json.dumps(d, default=str))
        return
    print_case(d)


def print_case(d: dict[str, Any]) -> None:
    """The case view: the request, the chain State by State, and its timed acts."""
    m = d["content"]["markings"]
    console.print(
        f"[bold]{d['id']}[/bold] ({d['direction']}, {d['priority']}) {d['requester']} → {d['requested']}: "
        f"{d['status']}" + (f" — [red]{d['overdue']} overdue[/red]" if d.get("overdue") else "")
    )
    serial = "obliterated" if m.get("serial_obliterated") and not m.get("serial") else m.get("serial")
    console.print(
        f"  {d['content'].get('category')} {m.get('manufacturer') or ''} {m.get('model') or ''}, serial {serial}, "
        f"{d['content'].get('calibre')}; found: {escape(d['content']['circumstances'])}",
        soft_wrap=True,
    )
    for i, link in enumerate(d.get("chain", []), 1):
        where = link["country"] or link["asked"]
        result = link["outcome"] or link["status"]
        if link["reason"]:
            result += f" ({link['reason']})"
        console.print(f"  {i}. asked {where} [{link['request_id']}]: [bold]{result}[/bold]")
        for fact in link["facts"]:
            console.print(f"       {escape(fact)}", soft_wrap=True)
        if link["next_country"]:
            console.print(f"       → went to {link['next_country']}")
    for act in d["acts"]:
        console.print(f"  [dim]{act['at']:%Y-%m-%d %H:%M} {act['act']} by {act['by']}[/dim]")


@trace.command("remind")
def trace_remind(ctx: typer.Context) -> None:
    """Remind counterparts of overdue acknowledgements and answers (at most once a week each)."""
    rt = ready(ctx)
    sent = tracing.send_reminders(rt.uow(), rt.clock)
    console.print(f"Reminders queued: {len(sent)}" + (f" ({', '.join(sent)})" if sent else ""))


@trace.command("stats")
def trace_stats(ctx: typer.Context) -> None:
    """Per counterpart State and overall: requests, answers, response times, why traces fail."""
    rt = ready(ctx)
    with rt.engine.connect() as conn:
        print_statistics(statistics_of(conn))


def print_statistics(s: Statistics) -> None:
    table = Table(
        "with",
        "sent",
        "recv.",
        "ack'd",
        "answered",
        "traced",
        "days to ack\nmedian / p90",
        "days to answer\nmedian / p90",
        title="Tracing statistics",
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )

    def pair(values: tuple[float | None, float | None]) -> str:
        return "—" if values[0] is None else f"{values[0]:g} / {values[1]:g}"

    for c in [*s.by_counterpart, s.overall]:
        table.add_row(
            c.name,
            str(c.sent),
            str(c.received),
            str(c.acknowledged),
            str(c.answered),
            str(c.traced),
            pair(c.median_and_p90(c.days_to_acknowledge)),
            pair(c.median_and_p90(c.days_to_answer)),
        )
    console.print(table)
    if s.failure_reasons:
        console.print("Why traces failed: " + ", ".join(f"{reason} ({n})" for reason, n in s.failure_reasons))
    if s.restrictions:
        console.print("Answers restricted for: " + ", ".join(f"{reason} ({n})" for reason, n in s.restrictions))


@outbox.command("deliver")
def outbox_deliver(ctx: typer.Context) -> None:
    """Deliver the messages that are due, now."""
    rt = ready(ctx)
    with httpx.Client() as client:
        done = deliver_due(rt.uow(), rt.clock, client)
    console.print(f"Delivered {done.delivered}, failed {done.failed}, still waiting {done.pending}.")


def serve(
    ctx: typer.Context,
    host: Annotated[str, Opt()] = "127.0.0.1",
    port: Annotated[int, Opt()] = 8000,
    every: Annotated[float, Opt(help="Seconds between outbox delivery passes")] = 2.0,
) -> None:
    """Run this node's HTTP server, and deliver the outbox in the background."""
    import uvicorn

    from armtrace.api.app import create_app

    rt = ready(ctx)
    stop = threading.Event()

    def deliver_forever() -> None:
        with httpx.Client() as client:
            while not stop.is_set():
                try:
                    tracing.send_reminders(rt.uow(), rt.clock)
                    deliver_due(rt.uow(), rt.clock, client)
                except Exception as exc:
                    errors.print(f"[yellow]delivery pass failed:[/yellow] {exc}")
                stop.wait(every)

    worker = threading.Thread(target=deliver_forever, name="outbox", daemon=True)
    worker.start()
    try:
        uvicorn.run(create_app(rt), host=host, port=port, log_level="warning")
    finally:
        stop.set()
        worker.join(timeout=5)
        time.sleep(0)
