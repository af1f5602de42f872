"""`armtrace verify`: every break in the event chain, the change log and the projections, named."""

from __future__ import annotations

import dataclasses
import json
from typing import Annotated

import httpx
import typer
from rich.markup import escape
from rich.table import Table

from armtrace.cli.output import _, console, ready, word
from armtrace.cli.signin import signed_in
from armtrace.domain.errors import N_, RuleViolation
from armtrace.services import anchors, integrity

FORMATS = ("table", "json")


def verify(
    ctx: typer.Context,
    format_: Annotated[str, typer.Option("--format", help=_("table, or json for scripts"))] = "table",
    with_anchors: Annotated[
        bool, typer.Option("--anchors", help=_("Also check the log against the chain heads peers signed for"))
    ] = False,
    ask_peers: Annotated[
        bool, typer.Option("--ask-peers", help=_("With --anchors: ask each peer what it keeps, over the exchange"))
    ] = False,
) -> None:
    if format_ not in FORMATS:
        raise RuleViolation(N_("--format %(value)r is not one of: %(formats)s", value=format_,
                               formats=", ".join(FORMATS)))  # fmt: skip
    rt = ready(ctx)
    report = integrity.verify(rt.uow(rt.operator), rt.policy)
    anchored = None
    if with_anchors or ask_peers:
        with httpx.Client() as client:
            anchored = anchors.verify_anchors(rt.uow(rt.operator), rt.clock, client, ask_peers)
    sound = report.ok and (anchored is None or anchored.ok)
    if format_ == "json":
        body = {**{k: v for k, v in dataclasses.asdict(report).items() if k != "counts"}, "ok": sound,
                "by_kind": report.by_kind, "bad_events": report.bad_events}  # fmt: skip
        if anchored is not None:
            body["anchors"] = {**dataclasses.asdict(anchored), "ok": anchored.ok,
                               "first_suspect_event": anchored.first_suspect_event}  # fmt: skip
        console.print_json(json.dumps(body, default=str))
        raise typer.Exit(0 if sound else 1)
    console.print(
        _(
            "Checked %(events)s events (%(archived)s archived), %(lines)s change-log lines and %(weapons)s weapons.",
            events=format(report.events, ","),
            archived=format(report.archived, ","),
            lines=format(report.change_log, ","),
            weapons=format(report.weapons, ","),
        )
    )
    if anchored is not None:
        _print_anchors(anchored)
    if report.ok and (anchored is None or anchored.ok):
        console.print(
            _(
                "[bold green]OK[/bold green]: the chain is intact up to event #%(seq)s, the change log is intact, "
                "and every projection matches its events.",
                seq=report.head_seq,
            )
        )
        return
    if report.ok:
        raise typer.Exit(1)  # the anchors said what is wrong
    table = Table(_("kind"), _("event"), _("weapon"), _("what is wrong"), title=_("Findings"), title_justify="left")
    for f in report.findings:
        where = ("#" + str(f.seq)) if f.seq is not None else ""
        table.add_row(word(f.kind), where, str(f.weapon_id or ""), escape(word(f.detail)))
    console.print(table)
    kinds = ", ".join(f"{word(k)} {n}" for k, n in sorted(report.by_kind.items()))
    console.print(_("[bold red]%(count)s finding(s)[/bold red]: %(kinds)s.", count=sum(report.by_kind.values()),
                    kinds=kinds))  # fmt: skip
    if report.bad_events:
        first, last = report.bad_events
        console.print(_("The first bad event is #%(first)s, the last #%(last)s.", first=first, last=last))
    console.print(
        _(
            "The record has been altered outside armtrace. Keep this store as evidence and "
            "compare it with the last chain head lodged with peers or a backup."
        )
    )
    raise typer.Exit(1)


def _print_anchors(a: anchors.AnchorReport) -> None:
    console.print(_("Anchors checked: %(count)s (receipts held here and what peers answered).", count=len(a.checks)))
    for node, why in a.unanswered:
        console.print("[yellow]" + _("%(node)s did not answer: %(why)s (not taken as agreement)", node=node,
                                     why=escape(why)) + "[/yellow]")  # fmt: skip
    broken = a.first_broken
    if broken is None:
        return
    last = a.last_holding
    console.print(
        "[bold red]"
        + _("The log was rewritten: the chain head #%(seq)s that %(node)s holds no longer matches.", seq=broken.seq,
            node=broken.node)
        + "[/bold red]"
    )  # fmt: skip
    if last is not None:
        console.print(_("The last anchor that still holds is event #%(seq)s (%(node)s, %(at)s).", seq=last.seq,
                        node=last.node, at=last.at.strftime("%Y-%m-%d %H:%M")))  # fmt: skip
    console.print(_("The first event that may have been rewritten is #%(seq)s.", seq=a.first_suspect_event))


def lodge(ctx: typer.Context) -> None:
    """Lodge this node's chain heads with every peer now (serve's scheduler does it daily)."""
    rt = ready(ctx)
    count = anchors.lodge(rt.uow(signed_in(ctx)), rt.clock, every=None)
    console.print(_("Chain heads lodged with %(count)s peer(s); they go with the next delivery.", count=count))
