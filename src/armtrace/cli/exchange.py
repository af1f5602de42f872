"""`armtrace node | peer | outbox | serve`: this node, the peers it trusts, and the exchange with them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.markup import escape
from rich.table import Table

from armtrace import scheduler
from armtrace.cli.output import ArmtraceGroup, _, console, errors, ready, word, write_bug_log
from armtrace.cli.signin import signed_in
from armtrace.domain.errors import ArmtraceError
from armtrace.services import exchange

node = typer.Typer(cls=ArmtraceGroup, no_args_is_help=True, help=_("This node's identity and point of contact."))
peer = typer.Typer(cls=ArmtraceGroup, no_args_is_help=True, help=_("Other nodes this node trusts."))
outbox = typer.Typer(cls=ArmtraceGroup, no_args_is_help=True, help=_("Messages waiting for delivery."))
Opt = typer.Option


@node.command("init", help=_("Create this node's identity: an Ed25519 key pair and its point of contact."))
def node_init(
    ctx: typer.Context,
    country: Annotated[str, Opt(help=_("This State, ISO 3166 alpha-3"))],
    contact: Annotated[str, Opt(help=_("National point of contact (ITI para 25): person or office"))],
    node_id: Annotated[str | None, Opt("--id", help=_("The node's name among peers (default COUNTRY-NFP)"))] = None,
    key: Annotated[Path, Opt(help=_("Where the private key goes (outside the database)"))] = Path("node-key.pem"),
    email: Annotated[str | None, Opt()] = None,
    phone: Annotated[str | None, Opt()] = None,
) -> None:
    rt = ready(ctx)
    cmd = exchange.InitNode(node_id or f"{country.upper()}-NFP", country, key, contact, email, phone)
    public = exchange.init_node(cmd, rt.uow(signed_in(ctx)), rt.clock)
    console.print(_("Node created. Its public key, for peers: [bold]%(key)s[/bold]", key=public))
    console.print(_("The private key is in %(path)s (owner-only): keep it safe and backed up.", path=key.resolve()))


@node.command("show", help=_("This node's identity, as peers need it."))
def node_show(ctx: typer.Context) -> None:
    rt = ready(ctx)
    console.print_json(json.dumps(exchange.node_identity(rt.uow(signed_in(ctx)))))


@peer.command("add", help=_("Trust another node: its address and the only key its messages may carry."))
def peer_add(
    ctx: typer.Context,
    node_id: str,
    address: Annotated[str, Opt(help=_("The peer's base URL, e.g. https://trace.example.gov"))],
    key: Annotated[str, Opt(help=_("The peer's public key (from its 'armtrace node show')"))],
    country: Annotated[str | None, Opt()] = None,
    role: Annotated[str, Opt(help=_("state, or hub for an international body"))] = "state",
) -> None:
    rt = ready(ctx)
    exchange.add_peer(exchange.AddPeer(node_id, role, address, key, country), rt.uow(signed_in(ctx)), rt.clock)
    console.print(_("Peer %(peer)s added.", peer=node_id))


@outbox.command("list", help=_("Messages not delivered: refused by their peer (with its reason), or still tried."))
def outbox_list(ctx: typer.Context) -> None:
    rt = ready(ctx)
    waiting = exchange.outbox(rt.uow(signed_in(ctx)))
    table = Table(_("message"), _("to"), _("request"), _("attempts"), _("state"), _("last error"), title_justify="left",
                  title=_("%(count)s message(s) not delivered", count=len(waiting)))  # fmt: skip
    for m in waiting:
        state = (
            "[red]" + _("refused by the peer: %(reason)s", reason=word(m.refused_reason)) + "[/red]"
            if m.refused_reason
            else _("next try %(time)s", time=m.next_attempt_at.strftime("%Y-%m-%d %H:%M"))
        )
        table.add_row(m.id, m.recipient, m.subject or "", str(m.attempts), state, escape(m.last_error or ""))
    console.print(table)


@outbox.command("deliver", help=_("Deliver the messages that are due, now."))
def outbox_deliver(ctx: typer.Context) -> None:
    rt = ready(ctx)
    uow = rt.uow(signed_in(ctx))
    with httpx.Client() as client:
        done = exchange.deliver(uow, rt.clock, client)
    console.print(
        _(
            "Delivered %(delivered)s, failed %(failed)s, refused by the peer %(refused)s, still waiting %(pending)s.",
            delivered=done.delivered,
            failed=done.failed,
            refused=done.refused,
            pending=done.pending,
        )
    )


def serve(
    ctx: typer.Context,
    host: Annotated[str, Opt()] = "127.0.0.1",
    port: Annotated[int, Opt()] = 8000,
    every: Annotated[float, Opt(help=_("Seconds between outbox delivery passes"))] = 2.0,
) -> None:
    """The node's server in the foreground; each request it serves carries its own principal, and its
    background work (delivering the outbox, reminders) is the scheduler's."""
    import uvicorn

    from armtrace.app import create_app

    rt = ready(ctx)
    with scheduler.Scheduler(rt, every, on_error=pass_failed):
        uvicorn.run(create_app(rt), host=host, port=port, log_level="warning")


def pass_failed(error: Exception) -> None:
    """Report a failed pass of the scheduler in one line; a bug's traceback goes to its log."""
    if isinstance(error, ArmtraceError):
        reason = word(error.detail)
    else:
        where = write_bug_log(error, "armtrace serve: scheduler")
        reason = _("%(error)s (a bug; its traceback is in %(path)s)", error=type(error).__name__, path=where)
    errors.print(_("[yellow]delivery pass failed:[/yellow] %(error)s", error=escape(reason)), soft_wrap=True)
