"""`armtrace weapon | event`: the registry from the command line (`business`: cli/closures.py)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from armtrace.cli.approvals import done_or_waiting
from armtrace.cli.output import ArmtraceGroup, _, console, ready, word
from armtrace.cli.signin import signed_in
from armtrace.domain.errors import N_, RuleViolation
from armtrace.domain.records import AddWeapon, EventInput
from armtrace.queries.registry import WeaponDetail, WeaponFilter
from armtrace.services import registry
from armtrace.services.registry import AssignMark, CorrectEvent, Recorded, RecordEvent

weapon = typer.Typer(cls=ArmtraceGroup, no_args_is_help=True, help=_("Record, find and show weapons."))
event = typer.Typer(cls=ArmtraceGroup, no_args_is_help=True, help=_("Record what happens to a weapon."))

Opt = typer.Option
CODES = ("marking_condition", "origin", "status")  # stored codes that weapon show words
MARK_HELP = _("A mark as KIND:LOCATION:TEXT[:COUNTRY[:YEAR]], e.g. import:receiver:'KEN 19':KEN:2019 (repeatable)")


def parse_mark(spec: str) -> dict[str, object]:
    parts = spec.split(":")
    if len(parts) < 3:
        raise RuleViolation(
            N_("the mark %(mark)s is not KIND:LOCATION:TEXT[:COUNTRY[:YEAR]]", mark=repr(spec)),
            hint=N_("for example --mark import:receiver:'KEN 19':KEN:2019"),
        )
    keys = ("kind", "location", "text", "country", "year")
    return {k: v for k, v in zip(keys, parts, strict=False) if v}


def _event_input(
    type_: str,
    why: str,
    when: str | None,
    country: str | None,
    place: str | None,
    who: str | None,
    holder: str | None,
    to_country: str | None,
    facility: str | None,
    marks: list[str] | None,
    state_to_civilian: bool = False,
    note: str | None = None,
    temporary: str | None = None,
) -> EventInput:
    return EventInput(
        type=type_,
        why=why,
        occurred_at=when,
        country=country,
        place=place,
        who=who,
        holder=holder,
        counterpart_country=to_country,
        facility=facility,
        marks=tuple(parse_mark(m) for m in marks or ()),
        state_to_civilian=state_to_civilian,
        note=note,
        temporary=temporary,
    )


def report(r: Recorded, marked: bool = False) -> None:
    # The status stays the code the user filters by (weapon list --status in_stock).
    done = {"weapon": r.weapon_id, "event": r.seq, "status": r.state.status.value}
    if marked:
        console.print(
            _("[bold green]Marked[/bold green] weapon #%(weapon)s: event #%(event)s, status %(status)s", **done)
        )
    else:
        console.print(
            _("[bold green]Recorded[/bold green] weapon #%(weapon)s: event #%(event)s, status %(status)s", **done)
        )
    for note in getattr(r, "notes", ()):
        console.print("  " + _("[dim]note:[/dim] %(note)s", note=word(note)))
    _gaps(r.gaps)


def _gaps(gaps: list) -> None:  # type: ignore[type-arg]
    if not gaps:
        console.print("  " + _("ITI marking check: [green]no gap[/green]"))
        return
    console.print("  " + _("ITI marking check: [yellow]%(count)s gap(s)[/yellow]", count=len(gaps)))
    for g in gaps:
        colour = "red" if g.severity.value == "required" else "yellow"
        console.print(f"    [{colour}]{word(g.severity.value)}[/{colour}] {word(g.message)} [dim]({g.rule})[/dim]")


def _import_marking(d: WeaponDetail) -> None:
    """Whether the weapon awaits its import mark (ITI para 8(b)), and its temporary imports, exempt."""
    due = d.import_marking
    if due is not None:
        needed = ", " + _("and a unique serial") if due.serial_needed else ""
        console.print(
            "  "
            + _(
                "[bold yellow]Awaiting its import mark[/bold yellow] since %(since)s: %(country)s, %(year)s%(serial)s "
                "[dim](ITI para 8(b))[/dim]",
                since=due.since.date().isoformat(),
                country=due.country,
                year=due.year,
                serial=needed,
            )
        )
        console.print(
            "  "
            + _("Record it with: %(command)s", command=f"armtrace marking mark {d.weapon['id']} --location … --why …")
        )
    for i in d.temporary_imports:
        console.print(
            "  "
            + _("Temporary import, exempt from import marking: %(reason)s", reason=i.temporary)
            + f" [dim]({i.country} {i.year}; Firearms Protocol Art. 8)[/dim]"
        )


@weapon.command("add", help=_("Record a weapon and the event that brings it into the registry."))
def weapon_add(
    ctx: typer.Context,
    category: Annotated[str, Opt(help=_("ITI category, e.g. assault_rifle, self_loading_pistol, manpads"))],
    why: Annotated[str, Opt(help=_("Legal authority or document of the first event (licence, order...)"))],
    manufacturer: Annotated[str | None, Opt(help=_("Manufacturer as marked (any known alias)"))] = None,
    serial: Annotated[str | None, Opt()] = None,
    model: Annotated[str | None, Opt()] = None,
    calibre: Annotated[str | None, Opt()] = None,
    year: Annotated[int | None, Opt(help=_("Year of manufacture"))] = None,
    made_in: Annotated[str | None, Opt("--made-in", help=_("Country of manufacture (default: the maker's)"))] = None,
    condition: Annotated[str, Opt(help=_("marked, partially_obliterated, obliterated, unmarked"))] = "marked",
    origin: Annotated[str, Opt(help=_("industrial, craft, 3d_printed, converted, unknown"))] = "industrial",
    first: Annotated[
        str, Opt("--event", help=_("First event: manufactured, imported, transferred, stock_in, recovered"))
    ] = "manufactured",
    when: Annotated[str | None, Opt("--date", help=_("When it happened (YYYY-MM-DD; default now)"))] = None,
    country: Annotated[str | None, Opt(help=_("Where it happened (country)"))] = None,
    place: Annotated[str | None, Opt()] = None,
    who: Annotated[str | None, Opt(help=_("Who carried it out"))] = None,
    holder: Annotated[str | None, Opt(help=_("Who holds the weapon after it"))] = None,
    facility: Annotated[str | None, Opt()] = None,
    mark: Annotated[list[str] | None, Opt(help=MARK_HELP)] = None,
    unlisted_manufacturer: Annotated[
        bool, Opt(help=_("Record a manufacturer not in the reference, as written"))
    ] = False,
    temporary: Annotated[
        str | None,
        Opt(
            help=_("Why an import is temporary (competition, repair, exhibition, with re-export): exempt from marking")
        ),
    ] = None,
) -> None:
    rt = ready(ctx)
    description = {
        "category": category,
        "manufacturer": manufacturer,
        "serial": serial,
        "model": model,
        "calibre": calibre,
        "year_of_manufacture": year,
        "country_of_manufacture": made_in,
        "marking_condition": condition,
        "origin": origin,
    }
    cmd = AddWeapon(
        description,
        _event_input(first, why, when, country, place, who, holder, None, facility, mark, temporary=temporary),
        unlisted_manufacturer,
    )
    report(registry.add_weapon(cmd, rt.uow(signed_in(ctx)), rt.clock, rt.policy))


@weapon.command("show", help=_("A weapon's identity, status, marks, ITI marking check and timeline."))
def weapon_show(ctx: typer.Context, weapon_id: int) -> None:
    rt = ready(ctx)
    d = registry.show_weapon(weapon_id, rt.uow(signed_in(ctx)))
    w = d.weapon
    flag = " [bold yellow]" + _("FLAGGED") + "[/bold yellow]" if w["flagged"] else ""
    console.print(_("[bold]Weapon #%(weapon)s[/bold]", weapon=w["id"]) + f"{flag}  {word(str(w['category']))}")
    fields = (
        (_("Manufacturer"), "manufacturer"),
        (_("Made in"), "country_of_manufacture"),
        (_("Model"), "model"),
        (_("Serial"), "serial"),
        (_("Calibre"), "calibre"),
        (_("Year"), "year_of_manufacture"),
        (_("Marking"), "marking_condition"),
        (_("Origin"), "origin"),
        (_("Status"), "status"),
        (_("Holder"), "holder"),
        (_("Country"), "country"),
        (_("Place"), "place"),
        (_("Facility"), "facility"),
        (_("Keep until"), "retain_until"),
    )
    records_of = _("Records of")
    width = max(13, 1 + max(len(label) for label, _key in (*fields, (records_of, ""))))  # 13 in English
    for label, key in fields:
        if w.get(key) not in (None, ""):
            value = word(str(w[key])) if key in CODES else w[key]
            console.print(f"  {label:<{width}}{value}")
    if d.business:
        closed = _("%(business)s (closed business; records held by the State)", business=d.business)
        console.print(f"  {records_of:<{width}}{closed}")
    marks = Table(_("kind"), _("location"), _("text"), _("country"), _("year"), title=_("Marks"), title_justify="left")
    for m in d.marks:
        marks.add_row(
            word(str(m["kind"])), str(m["location"]), str(m["text"]), str(m["country"] or ""), str(m["year"] or "")
        )
    console.print(marks)
    _gaps(d.gaps)
    _import_marking(d)
    timeline = Table(
        _("#"),
        _("date"),
        _("event"),
        _("details"),
        _("why"),
        _("recorded by"),
        title=_("Timeline"),
        title_justify="left",
    )
    for e in d.timeline:
        corrected = ", #".join(map(str, e.corrected_by))
        label = word(e.type) + (
            " [dim]" + _("(corrected by #%(events)s)", events=corrected) + "[/dim]" if corrected else ""
        )
        timeline.add_row(str(e.seq), e.occurred_at.date().isoformat(), label, word(e.summary), e.why, e.recorded_by)
    console.print(timeline)


@weapon.command("list", help=_("List weapons, newest records last, with filters."))
def weapon_list(
    ctx: typer.Context,
    serial: Annotated[str | None, Opt(help=_("Serial, or its beginning"))] = None,
    manufacturer: Annotated[str | None, Opt(help=_("Manufacturer reference id, e.g. glock"))] = None,
    status: Annotated[str | None, Opt()] = None,
    category: Annotated[str | None, Opt()] = None,
    flagged: Annotated[bool, Opt(help=_("Only unmarked, obliterated or craft-made items"))] = False,
    business: Annotated[str | None, Opt(help=_("Records taken over from this closed business"))] = None,
    awaiting_marking: Annotated[
        bool, Opt(help=_("Only imported weapons awaiting their import mark (ITI para 8(b))"))
    ] = False,
    page: Annotated[int, Opt(min=1)] = 1,
    per_page: Annotated[int, Opt(min=1, max=500)] = 25,
) -> None:
    rt = ready(ctx)
    f = WeaponFilter(serial, manufacturer, status, category, flagged or None, business, awaiting_marking or None)
    result = registry.find_weapons(f, rt.uow(signed_in(ctx)), page, per_page)
    table = Table(
        _("id"),
        _("category"),
        _("manufacturer"),
        _("model"),
        _("serial"),
        _("calibre"),
        _("year"),
        _("status"),
        _("holder"),
        title=_("%(count)s weapons (page %(page)s)", count=format(result.total, ","), page=page),
        title_justify="left",
    )
    for w in result.items:
        table.add_row(
            str(w.id),
            word(w.category),
            w.manufacturer or "",
            w.model or "",
            (w.serial or "—") + (" ⚑" if w.flagged else ""),
            w.calibre or "",
            str(w.year_of_manufacture or ""),
            word(w.status),
            w.holder or "",
        )
    console.print(table)


@weapon.command("assign-mark", help=_("Give an unmarked, obliterated or craft-made weapon a unique State mark."))
def weapon_assign_mark(
    ctx: typer.Context,
    weapon_id: int,
    country: Annotated[str, Opt(help=_("The State assigning the mark"))],
    why: Annotated[str, Opt(help=_("The order or law under which it is marked"))],
    location: Annotated[str, Opt()] = "frame",
    text: Annotated[str | None, Opt(help=_("The mark's text (default: COUNTRY YEAR A<id>)"))] = None,
) -> None:
    rt = ready(ctx)
    cmd = AssignMark(weapon_id, country, why, location, text)
    report(registry.assign_mark(cmd, rt.uow(signed_in(ctx)), rt.clock, rt.policy), marked=True)


@event.command("add", help=_("Record one event in a weapon's life."))
def event_add(
    ctx: typer.Context,
    weapon_id: int,
    type_: Annotated[
        str,
        Opt(
            "--type",
            help=_(
                "manufactured, marked, exported, imported, transferred, stock_in, "
                "stock_out, lost, stolen, recovered, deactivated, destroyed"
            ),
        ),
    ],
    why: Annotated[str, Opt(help=_("Legal authority or document (licence, order, report number)"))],
    when: Annotated[str | None, Opt("--date", help=_("When it happened (default now)"))] = None,
    country: Annotated[str | None, Opt(help=_("Where it happened (country)"))] = None,
    place: Annotated[str | None, Opt()] = None,
    who: Annotated[str | None, Opt(help=_("Who carried it out"))] = None,
    holder: Annotated[str | None, Opt(help=_("Who holds the weapon after it"))] = None,
    to_country: Annotated[str | None, Opt(help=_("Destination of an export"))] = None,
    facility: Annotated[str | None, Opt()] = None,
    mark: Annotated[list[str] | None, Opt(help=MARK_HELP)] = None,
    state_to_civilian: Annotated[bool, Opt(help=_("A transfer from government stock to civilian use"))] = False,
    note: Annotated[str | None, Opt()] = None,
    temporary: Annotated[
        str | None,
        Opt(
            help=_("Why an import is temporary (competition, repair, exhibition, with re-export): exempt from marking")
        ),
    ] = None,
) -> None:
    rt = ready(ctx)
    cmd = RecordEvent(
        weapon_id,
        _event_input(
            type_,
            why,
            when,
            country,
            place,
            who,
            holder,
            to_country,
            facility,
            mark,
            state_to_civilian,
            note,
            temporary,
        ),
    )
    report(registry.record_event(cmd, rt.uow(signed_in(ctx)), rt.clock, rt.policy))


@event.command("correct", help=_("Correct an earlier event with a new one that names it; the original stays."))
def event_correct(
    ctx: typer.Context,
    weapon_id: int,
    seq: int,
    why: Annotated[str, Opt(help=_("Why the record was wrong"))],
    void: Annotated[bool, Opt(help=_("The event should never have been recorded"))] = False,
    set_: Annotated[
        list[str] | None,
        Opt(
            "--set",
            help=_("FIELD=VALUE to restate, e.g. holder='J. Doe' or description.serial=AK123 (repeatable)"),
        ),
    ] = None,
) -> None:
    rt = ready(ctx)
    changes: dict[str, object] = {}
    for item in set_ or ():
        key, sep, value = item.partition("=")
        if not sep:
            raise RuleViolation(
                N_("--set %(item)s is not FIELD=VALUE", item=repr(item)), hint=N_("e.g. --set holder='Unit 4'")
            )
        if key.startswith("description."):
            changes.setdefault("description", {})[key.split(".", 1)[1]] = value  # type: ignore[index]
        else:
            changes[key] = value
    cmd = CorrectEvent(weapon_id, seq, why, void, changes)
    handled = registry.correct_event(cmd, rt.uow(signed_in(ctx)), rt.clock, rt.policy)
    done_or_waiting(
        handled,
        _("[bold green]Corrected[/bold green] weapon #%(weapon)s: event #%(event)s.", weapon=weapon_id, event=seq),
    )
