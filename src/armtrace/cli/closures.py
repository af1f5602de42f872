"""`armtrace business`: a business closes and its books pass to the State (ITI para 13), reconciled with
the registry; each difference is explained by one person and approved by a second."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from armtrace.cli.approvals import done_or_waiting
from armtrace.cli.output import ArmtraceGroup, _, console, ready, word
from armtrace.cli.signin import signed_in
from armtrace.domain.errors import N_, RuleViolation
from armtrace.queries.closures import BusinessDetail
from armtrace.services import closures
from armtrace.services.importing import records

business = typer.Typer(cls=ArmtraceGroup, no_args_is_help=True, help=_("Businesses whose records the State keeps."))
Opt = typer.Option


@business.command("close", help=_("Take a closing business's books into the register and reconcile them."))
def business_close(
    ctx: typer.Context,
    name: str,
    kind: Annotated[str, Opt(help=_("manufacturer or dealer"))],
    closed_on: Annotated[str, Opt(help=_("Date of closure, YYYY-MM-DD"))],
    why: Annotated[str, Opt(help=_("The decision or law under which its records pass to the State"))],
    books_file: Annotated[
        Path | None,
        Opt(
            "--records",
            help=_("The company's records, JSON Lines: one weapon with its events a line"),
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    country: Annotated[str | None, Opt()] = None,
    licence: Annotated[str | None, Opt()] = None,
) -> None:
    rt = ready(ctx)
    try:
        closed = date.fromisoformat(closed_on)
    except ValueError:
        raise RuleViolation(
            N_("--closed-on %(value)s is not a date", value=repr(closed_on)), hint=N_("write it as YYYY-MM-DD")
        ) from None
    cmd = closures.CloseBusiness(name, kind, closed, why, country, licence)
    books = records.read_records(books_file.read_text(encoding="utf-8"), str(books_file)) if books_file else []
    done = closures.close_business(cmd, books, rt.uow(signed_in(ctx)), rt.clock, rt.policy)
    b = done.books
    console.print(
        _(
            "Books of %(name)s: %(read)s records read, %(taken)s taken in (%(events)s events), %(registered)s "
            "already in the register; on record here: %(held)s weapons held, %(transactions)s transactions.",
            name=repr(name),
            read=b["read"],
            taken=b["taken_in"],
            events=done.load.events,
            registered=b["already_registered"],
            held=b["held_on_record"],
            transactions=b["transactions_on_record"],
        )
    )
    if not b["read"] and not b["held_on_record"]:
        console.print(_("Nothing on record, nothing in the books."))
    for d in done.differences:
        console.print(f"  #{d.weapon_id} {word(d.kind.value)}: {escape(d.detail)}")
    if done.differences:
        console.print(
            _(
                "[bold yellow]Closing[/bold yellow] business #%(business)s: %(n)s differences wait for an "
                "explanation, e.g. armtrace business explain %(name)s %(weapon)s --why '…'",
                business=done.business_id,
                n=len(done.differences),
                name=json.dumps(name),
                weapon=done.differences[0].weapon_id,
            )
        )
    else:
        console.print(_("[bold green]Closed[/bold green] business #%(business)s.", business=done.business_id))
    console.print(
        _("Find its records with: %(command)s", command="armtrace weapon list --business " + json.dumps(name))
    )


@business.command("show", help=_("A business with its closure: the books' reconciliation and each difference."))
def business_show(ctx: typer.Context, name: Annotated[str | None, typer.Argument()] = None) -> None:
    rt = ready(ctx)
    uow = rt.uow(signed_in(ctx))
    shown = [closures.show_business(name, uow)] if name else closures.pending(uow)
    if not shown:
        console.print(_("No closure waits for explanations."))
    for detail in shown:
        _show(detail)


def _show(d: BusinessDetail) -> None:
    status = word(d.status or "")
    when = d.closed_on or d.closing_on
    console.print(f"[bold]#{d.id} {escape(d.name)}[/bold] · {word(d.kind)} · {status} · {when or ''}")
    if d.books:
        console.print(
            _(
                "Books: %(read)s records read, %(taken)s taken in, %(registered)s already in the register; "
                "on record: %(held)s weapons held, %(transactions)s transactions; %(n)s differences.",
                read=d.books["read"],
                taken=d.books["taken_in"],
                registered=d.books["already_registered"],
                held=d.books["held_on_record"],
                transactions=d.books["transactions_on_record"],
                n=d.books["differences"],
            )
        )
    if not d.differences:
        return
    table = Table(_("weapon"), _("serial"), _("difference"), _("explanation"))
    for x in d.differences:
        if x.explained:
            told = _("%(why)s (by %(who)s, approved by %(second)s)", why=x.explanation, who=x.explained_by,
                     second=x.approved_by)  # fmt: skip
        elif x.waiting:
            told = _("waiting for approval #%(approval)s", approval=x.waiting)
        else:
            told = _("not explained")
        table.add_row(str(x.weapon_id), x.serial or "—", f"{word(x.kind)}: {escape(x.detail)}", escape(told))
    console.print(table)


@business.command("explain", help=_("Explain a difference of a closing business; a second user approves it."))
def business_explain(
    ctx: typer.Context,
    name: str,
    weapon_id: int,
    why: Annotated[str, Opt(help=_("What became of the weapon, e.g. 'sold to X under permit P, permit on file'"))],
) -> None:
    rt = ready(ctx)
    cmd = closures.ExplainDifference(name, weapon_id, why)
    handled = closures.explain_difference(cmd, rt.uow(signed_in(ctx)), rt.clock)
    done_or_waiting(handled, _("Explained."))
