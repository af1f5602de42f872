"""`armtrace trace`: tracing requests between States, sent, received, answered and followed."""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from armtrace.cli.approvals import done_or_waiting
from armtrace.cli.output import ArmtraceGroup, _, console, ready, word
from armtrace.cli.signin import signed_in
from armtrace.domain.disclosure import Disclosure
from armtrace.queries.tracing import Statistics
from armtrace.services import photographs, tracing

trace = typer.Typer(cls=ArmtraceGroup, no_args_is_help=True, help=_("Tracing requests between States."))
Opt = typer.Option


@trace.command("new", help=_("Draft a tracing request; every missing element of the ITI's content is listed at once."))
def trace_new(
    ctx: typer.Context,
    basis: Annotated[list[str], Opt(help=_("Ground of illicitness, ITI para 6: a, b, c, d or e (repeatable)"))],
    legal: Annotated[str, Opt(help=_("Legal justification"))],
    circumstances: Annotated[str, Opt(help=_("Where, when and how the weapon was found"))],
    use: Annotated[
        str,
        Opt(
            help=_(
                "What the answer will be used for (ITI para 17(c)): criminal_investigation, prosecution, "
                "intelligence_analysis, stockpile_or_loss_investigation, administrative_or_licensing_inquiry, "
                "or other (say what: 'other: civil forfeiture')"
            )
        ),
    ],
    category: Annotated[str | None, Opt()] = None,
    calibre: Annotated[str | None, Opt()] = None,
    manufacturer: Annotated[str | None, Opt()] = None,
    serial: Annotated[str | None, Opt()] = None,
    made_in: Annotated[str | None, Opt("--made-in")] = None,
    model: Annotated[str | None, Opt()] = None,
    imported_into: Annotated[str | None, Opt(help=_("Country of the last import mark"))] = None,
    obliterated: Annotated[bool, Opt(help=_("The serial is obliterated (attach photographs)"))] = False,
    unreadable: Annotated[
        list[str] | None,
        Opt(
            help=_(
                "An element the marks cannot show: manufacturer, model, serial or country "
                "(repeatable; attach photographs)"
            )
        ),
    ] = None,
    craft_made: Annotated[bool, Opt(help=_("Craft-made, never marked: photographs stand in for the marks"))] = False,
    use_detail: Annotated[str | None, Opt(help=_("The use in words (required for 'other')"))] = None,
    photo: Annotated[
        list[Path] | None,
        Opt(
            help=_("A photograph or scan of the weapon, attached by its hash (repeatable)"), exists=True, dir_okay=False
        ),
    ] = None,
    to: Annotated[str | None, Opt(help=_("The peer to ask (default: the State the marks point to)"))] = None,
    weapon: Annotated[int | None, Opt(help=_("The recovered weapon's record here"))] = None,
    urgent: Annotated[str | None, Opt(help=_("Mark urgent, giving the reason"))] = None,
) -> None:
    rt = ready(ctx)
    uow = rt.uow(signed_in(ctx))
    refs = [
        photographs.attach(f.name, mimetypes.guess_type(f.name)[0] or "", f.read_bytes(), uow, rt.clock)
        for f in photo or ()
    ]
    markings = {"manufacturer": manufacturer, "serial": serial, "country_of_manufacture": made_in, "model": model,
                "last_import_country": imported_into, "serial_obliterated": obliterated,
                "unreadable": unreadable or [], "craft_made": craft_made}  # fmt: skip
    cmd = tracing.DraftRequest.of(
        {"bases": basis, "legal_justification": legal, "circumstances": circumstances, "markings": markings,
         "category": category, "calibre": calibre, "intended_use": use, "intended_use_detail": use_detail,
         "priority": "urgent" if urgent else "routine",
         "urgency_reason": urgent, "photographs": refs, "requested": to, "weapon_id": weapon}
    )  # fmt: skip
    ref = tracing.draft_request(cmd, uow, rt.clock)
    console.print(
        _("Drafted request [bold]%(request)s[/bold]. Send it with: armtrace trace send %(request)s", request=ref)
    )


@trace.command("send", help=_("Send a drafted request; it waits in the outbox until the peer receives it."))
def trace_send(ctx: typer.Context, request_id: str) -> None:
    rt = ready(ctx)
    tracing.send_request(request_id, rt.uow(signed_in(ctx)), rt.clock, rt.deadlines)
    console.print(
        _(
            "Request %(request)s sent (queued in the outbox; 'armtrace outbox deliver' or a running "
            "'armtrace serve' delivers it).",
            request=request_id,
        )
    )


@trace.command("ack", help=_("Acknowledge a request received from another State."))
def trace_ack(ctx: typer.Context, request_id: str) -> None:
    rt = ready(ctx)
    tracing.acknowledge(request_id, rt.uow(signed_in(ctx)), rt.clock)
    console.print(_("Request %(request)s acknowledged.", request=request_id))


@trace.command(
    "answer",
    help=_(
        "Answer a request received from another State.\n\n"
        "Without --outcome, drafts the answer from the registry and shows exactly what would be "
        "disclosed; --send then sends it as shown. With --outcome, sends the answer given."
    ),
)
def trace_answer(
    ctx: typer.Context,
    request_id: str,
    outcome: Annotated[
        str | None, Opt(help=_("traced, partially_traced, not_traced, delayed or refused (default: as drafted)"))
    ] = None,
    fact: Annotated[list[str] | None, Opt(help=_("What the records show, one line each (repeatable)"))] = None,
    restriction: Annotated[
        str | None, Opt(help=_("criminal_investigation, confidentiality_law, national_security"))
    ] = None,
    failure: Annotated[str | None, Opt(help=_("Coded reason a trace failed, e.g. record_not_found"))] = None,
    next_country: Annotated[str | None, Opt(help=_("The State the weapon went to, if it left this one"))] = None,
    weapon: Annotated[int | None, Opt(help=_("Draft from this record (when the marks fit several)"))] = None,
    send: Annotated[bool, Opt(help=_("Send the answer drafted from the registry, as shown"))] = False,
) -> None:
    rt = ready(ctx)
    uow = rt.uow(signed_in(ctx))
    if outcome is None:
        draft = tracing.draft_answer(request_id, uow, weapon)
        print_disclosure(request_id, draft)
        if not send:
            command = f"armtrace trace answer {request_id} --send" + (f" --weapon {weapon}" if weapon else "")
            console.print("\n" + _("Nothing sent. Send it as shown with: %(command)s", command=command))
            return
        cmd = tracing.AnswerRequest.as_drafted(request_id, draft)
    else:
        cmd = tracing.AnswerRequest(request_id, outcome, restriction, failure, tuple(fact or ()), next_country, weapon)
    handled = tracing.answer(cmd, uow, rt.clock)
    answered = _("Request %(request)s answered: %(outcome)s.", request=request_id, outcome=word(cmd.outcome))
    done_or_waiting(handled, answered)


def print_disclosure(request_id: str, draft: Disclosure) -> None:
    a = draft.answer
    console.print(
        _(
            "[bold]Answer to %(request)s[/bold], drafted from the registry: exactly what would be sent",
            request=request_id,
        )
    )
    console.print("  " + _("outcome: %(outcome)s", outcome=word(a.outcome.value)))
    if a.restriction:
        console.print("  " + _("reason: %(reason)s", reason=word(a.restriction.value)))
    if a.failure:
        console.print("  " + _("failure: %(failure)s", failure=word(a.failure.value)))
    if a.next_country:
        console.print("  " + _("next State: %(country)s", country=a.next_country))
    for line in a.facts:  # the facts as they will be sent, in the words they will be sent in
        console.print(f"  • {escape(line)}", soft_wrap=True)
    if draft.notes:
        console.print("[dim]" + _("For you only, not sent:") + "[/dim]")
        for note in draft.notes:
            console.print(f"  [dim]{escape(word(note))}[/dim]", soft_wrap=True)


@trace.command("photo", help=_("Save a photograph of a request to a file, fetched from the requesting State."))
def trace_photo(
    ctx: typer.Context,
    request_id: str,
    sha256: Annotated[str, typer.Argument(help=_("The photograph's hash, as the request lists it"))],
    out: Annotated[Path, Opt(help=_("The file to write"))],
) -> None:
    rt = ready(ctx)
    with httpx.Client() as client:
        p = photographs.photograph(request_id, sha256.removeprefix("sha256:"), rt.uow(signed_in(ctx)), rt.clock, client)
    out.write_bytes(p.data)
    console.print(_("Saved %(name)s (%(size)s bytes, hash checked) to %(path)s.", name=p.name, size=len(p.data),
                    path=str(out)))  # fmt: skip


@trace.command("withdraw", help=_("Withdraw a request this node sent; the requested State is told why."))
def trace_withdraw(
    ctx: typer.Context,
    request_id: str,
    why: Annotated[str, Opt(help=_("Why it is withdrawn: the requested State reads it"))],
) -> None:
    rt = ready(ctx)
    tracing.withdraw(request_id, why, rt.uow(signed_in(ctx)), rt.clock)
    console.print(_("Request %(request)s withdrawn; the requested State is told.", request=request_id))


@trace.command("follow", help=_("Follow an answer to the next State: a new request, linked to this one."))
def trace_follow(ctx: typer.Context, request_id: str) -> None:
    rt = ready(ctx)
    ref = tracing.follow(request_id, rt.uow(signed_in(ctx)), rt.clock)
    console.print(
        _(
            "Drafted follow-up request [bold]%(request)s[/bold]. Send it with: armtrace trace send %(request)s",
            request=ref,
        )
    )


@trace.command("list", help=_("Requests sent and received, newest first; overdue ones flagged."))
def trace_list(
    ctx: typer.Context,
    overdue: Annotated[bool, Opt("--overdue", help=_("Only requests past a deadline"))] = False,
) -> None:
    rt = ready(ctx)
    rows = tracing.list_requests(rt.uow(signed_in(ctx)), rt.clock, only_overdue=overdue).items
    table = Table(
        _("request"), _("direction"), _("with"), _("status"), _("outcome"), _("sent"), _("waiting, days"),
        _("answer by"), _("overdue"),
    )  # fmt: skip
    for r in rows:
        table.add_row(
            r.id,
            word(r.direction),
            r.counterpart,
            word(r.status),
            word(r.outcome) if r.outcome else "",
            r.sent_at.date().isoformat() if r.sent_at else "",
            "" if r.waited_days is None else str(r.waited_days),
            r.answer_by.date().isoformat() if r.answer_by else "",
            f"[red]{word(r.overdue)}[/red]" if r.overdue else "",
        )
    console.print(table)


@trace.command(
    "show", help=_("A request: what it asks, the chain so far State by State, its answer, and every act, timed.")
)
def trace_show(
    ctx: typer.Context,
    request_id: str,
    as_json: Annotated[bool, Opt("--json", help=_("Everything, as JSON"))] = False,
) -> None:
    rt = ready(ctx)
    case = tracing.show_request(request_id, rt.uow(signed_in(ctx)), rt.clock)
    if as_json:
        console.print_json(json.dumps(case.request, default=str))
        return
    print_case(case.request)
    for a in case.waiting:
        console.print(
            "  "
            + _(
                "[yellow]Waiting for approval #%(approval)s[/yellow], asked by %(user)s: %(what)s",
                approval=a.id,
                user=a.requested_by,
                what=escape(a.summary.splitlines()[0]),
            ),
            soft_wrap=True,
        )


def _print_clocks(d: dict[str, Any]) -> None:
    """How long the request has waited, the deadlines it runs on, and the requester's own expectation."""
    if d.get("waited_days") is not None:
        console.print("  " + _("Waiting for %(days)s days.", days=d["waited_days"]))
    if d.get("acknowledge_by"):
        whose = _("Our deadlines") if d["direction"] == "incoming" else _("What we expect")
        console.print(
            "  " + _("%(whose)s: acknowledge by %(ack)s, answer by %(answer)s.", whose=whose,
                     ack=d["acknowledge_by"].date().isoformat(), answer=d["answer_by"].date().isoformat())
        )  # fmt: skip
    if d.get("expected_acknowledge_by"):
        expected = d["expected_answer_by"].date().isoformat() if d.get("expected_answer_by") else "—"
        console.print(
            "  " + _("%(requester)s expects an acknowledgement by %(ack)s and an answer by %(answer)s.",
                     requester=d["requester"], ack=d["expected_acknowledge_by"].date().isoformat(), answer=expected)
        )  # fmt: skip
    if d.get("contact_notified_at"):
        told = d["contact_notified_at"].date().isoformat()
        console.print("  " + _("The national point of contact was told on %(date)s.", date=told))


def print_case(d: dict[str, Any]) -> None:
    """The case view: the request, the chain State by State, and its timed acts."""
    m = d["content"]["markings"]
    overdue = " — " + _("[red]%(what)s overdue[/red]", what=word(d["overdue"])) if d.get("overdue") else ""
    heading = _(
        "[bold]%(request)s[/bold] (%(direction)s, %(priority)s) %(requester)s → %(requested)s: %(status)s",
        request=d["id"],
        direction=word(d["direction"]),
        priority=word(d["priority"]),
        requester=d["requester"],
        requested=d["requested"],
        status=word(d["status"]),
    )
    console.print(heading + overdue)
    _print_clocks(d)
    serial = _("obliterated") if m.get("serial_obliterated") and not m.get("serial") else m.get("serial")
    category = d["content"].get("category")
    console.print(
        "  "
        + _(
            "%(category)s %(manufacturer)s %(model)s, serial %(serial)s, %(calibre)s; found: %(circumstances)s",
            category=word(category) if category else category,
            manufacturer=m.get("manufacturer") or "",
            model=m.get("model") or "",
            serial=serial,
            calibre=d["content"].get("calibre"),
            circumstances=escape(d["content"]["circumstances"]),
        ),
        soft_wrap=True,
    )
    for i, link in enumerate(d.get("chain", []), 1):
        where = link["country"] or link["asked"]
        result = word(link["outcome"] or link["status"])
        if link["reason"]:
            result += f" ({word(link['reason'])})"
        console.print(
            "  "
            + _(
                "%(n)s. asked %(state)s [%(request)s]: [bold]%(result)s[/bold]",
                n=i,
                state=where,
                request=link["request_id"],
                result=result,
            )
        )
        for fact in link["facts"]:  # as the other State sent them
            console.print(f"       {escape(fact)}", soft_wrap=True)
        if link["next_country"]:
            console.print("       " + _("→ went to %(country)s", country=link["next_country"]))
    for act in d["acts"]:
        done = _("%(at)s %(act)s by %(by)s", at=format(act["at"], "%Y-%m-%d %H:%M"), act=word(act["act"]), by=act["by"])
        console.print(f"  [dim]{done}[/dim]")


@trace.command(
    "remind", help=_("Remind counterparts of overdue acknowledgements and answers (at most once a week each).")
)
def trace_remind(ctx: typer.Context) -> None:
    rt = ready(ctx)
    sent = tracing.send_reminders(rt.uow(signed_in(ctx)), rt.clock)
    if sent:
        console.print(_("Reminders queued: %(count)s (%(requests)s)", count=len(sent), requests=", ".join(sent)))
    else:
        console.print(_("Reminders queued: %(count)s", count=0))


@trace.command(
    "stats", help=_("Per counterpart State and overall: requests, answers, response times, why traces fail.")
)
def trace_stats(ctx: typer.Context) -> None:
    rt = ready(ctx)
    print_statistics(tracing.statistics(rt.uow(signed_in(ctx))))


def print_statistics(s: Statistics) -> None:
    table = Table(
        _("with"),
        _("sent"),
        _("recv."),
        _("ack'd"),
        _("answered"),
        _("traced"),
        _("days to ack\nmedian / p90"),
        _("days to answer\nmedian / p90"),
        title=_("Tracing statistics"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )

    def pair(values: tuple[float | None, float | None]) -> str:
        return "—" if values[0] is None else f"{values[0]:g} / {values[1]:g}"

    for c in [*s.by_counterpart, s.overall]:
        table.add_row(
            _("all") if c is s.overall else c.name,
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
        # The reasons stay the codes of the ITI's answer form (serial_obliterated), as --failure takes them.
        reasons = ", ".join(f"{reason} ({n})" for reason, n in s.failure_reasons)
        console.print(_("Why traces failed: %(reasons)s", reasons=reasons))
    if s.restrictions:
        reasons = ", ".join(f"{reason} ({n})" for reason, n in s.restrictions)
        console.print(_("Answers restricted for: %(reasons)s", reasons=reasons))
