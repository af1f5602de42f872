"""`armtrace verify`: every break in the event chain, the change log and the projections, named."""

from __future__ import annotations

import dataclasses
import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from armtrace.cli.output import _, console, ready, word
from armtrace.domain.errors import N_, RuleViolation
from armtrace.services import integrity

FORMATS = ("table", "json")


def verify(
    ctx: typer.Context,
    format_: Annotated[str, typer.Option("--format", help=_("table, or json for scripts"))] = "table",
) -> None:
    if format_ not in FORMATS:
        raise RuleViolation(N_("--format %(value)r is not one of: %(formats)s", value=format_,
                               formats=", ".join(FORMATS)))  # fmt: skip
    rt = ready(ctx)
    report = integrity.verify(rt.uow(rt.operator), rt.policy)
    if format_ == "json":
        body = {**{k: v for k, v in dataclasses.asdict(report).items() if k != "counts"}, "ok": report.ok,
                "by_kind": report.by_kind, "bad_events": report.bad_events}  # fmt: skip
        console.print_json(json.dumps(body, default=str))
        raise typer.Exit(0 if report.ok else 1)
    console.print(
        _(
            "Checked %(events)s events (%(archived)s archived), %(lines)s change-log lines and %(weapons)s weapons.",
            events=format(report.events, ","),
            archived=format(report.archived, ","),
            lines=format(report.change_log, ","),
            weapons=format(report.weapons, ","),
        )
    )
    if report.ok:
        console.print(
            _(
                "[bold green]OK[/bold green]: the chain is intact up to event #%(seq)s, the change log is intact, "
                "and every projection matches its events.",
                seq=report.head_seq,
            )
        )
        return
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
