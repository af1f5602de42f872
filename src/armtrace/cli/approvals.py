"""`armtrace approval`: acts waiting for a second person, and approving or rejecting them."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from armtrace.cli.output import ArmtraceGroup, _, console, ready, word
from armtrace.cli.signin import signed_in
from armtrace.domain.errors import N_, RuleViolation
from armtrace.services import approvals as two_person
from armtrace.services.door import Handled

app = typer.Typer(cls=ArmtraceGroup, no_args_is_help=True, help=_("Acts that wait for a second person's approval."))
Opt = typer.Option


@app.command("list", help=_("Acts waiting for approval, oldest first (--all for every decision)."))
def approval_list(
    ctx: typer.Context,
    all_: Annotated[bool, Opt("--all", help=_("Also the decided ones"))] = False,
) -> None:
    rt = ready(ctx)
    rows = two_person.waiting(rt.uow(signed_in(ctx)), status=None if all_ else "pending")
    if not rows:
        console.print(_("Nothing waits for approval."))
        return
    table = Table(_("#"), _("act"), _("asked by"), _("asked at"), _("status"), _("what"))
    for a in rows:
        status = word(a.status) + (f" ({a.decided_by})" if a.decided_by else "")
        table.add_row(
            str(a.id), word(a.act), a.requested_by, f"{a.requested_at:%Y-%m-%d %H:%M}", status, escape(a.summary)
        )
    console.print(table)


@app.command("decide", help=_("Approve (and so carry out) or reject an act another user asked for."))
def approval_decide(
    ctx: typer.Context,
    approval_id: int,
    approve: Annotated[bool, Opt("--approve", help=_("Approve: the act is carried out in your name"))] = False,
    reject: Annotated[bool, Opt("--reject", help=_("Reject: say why with --note"))] = False,
    note: Annotated[str | None, Opt(help=_("Why you reject it; the one who asked reads it"))] = None,
) -> None:
    if approve == reject:
        raise RuleViolation(N_("say --approve or --reject"), hint=N_("see what waits with: armtrace approval list"))
    if reject and not (note or "").strip():
        raise RuleViolation(
            N_("a rejection says why"), hint=N_("give the reason with --note; the one who asked reads it")
        )
    rt = ready(ctx)
    who = signed_in(ctx)
    status = two_person.decide(approval_id, approve, note, rt.uow(who), rt.clock, rt.policy)
    console.print(
        _(
            "Approval #%(approval)s: %(status)s by %(user)s.",
            approval=approval_id,
            status=word(status),
            user=who.actor.id,
        )
    )


def done_or_waiting(handled: Handled, done: str) -> None:
    """Say the act was done (`done`, already worded), or that it waits and how a second person approves it."""
    if handled.done:
        console.print(done)
        return
    console.print(
        _(
            "[bold]Waiting for approval #%(approval)s[/bold]: a second user approves it with "
            "armtrace --user NAME approval decide %(approval)s --approve",
            approval=handled.approval_id,
        )
    )
