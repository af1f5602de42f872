"""`armtrace weapon | event | business`: the registry from the command line."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from armtrace.cli.output import ArmtraceGroup, console, ready
from armtrace.domain.errors import RuleViolation
from armtrace.queries.registry import WeaponFilter, list_weapons, weapon_detail
from armtrace.services.intake import EventInput
from armtrace.services.records import CloseBusiness, close_business, read_records
from armtrace.services.registry import (
    AddWeapon,
    AssignMark,
    CorrectEvent,
    Recorded,
    RecordEvent,
    add_weapon,
    assign_mark,
    correct_event,
    record_event,
)

weapon = typer.Typer(cls=ArmtraceGroup, no_args_is_help=True, help="Record, find and show weapons.")
event = typer.Typer(cls=ArmtraceGroup, no_args_is_help=True, help="Record what happens to a weapon.")
business = typer.Typer(cls=ArmtraceGroup, no_args_is_help=True, help="Businesses whose records the State keeps.")

Opt = typer.Option
MARK_HELP = "A mark as KIND:LOCATION:TEXT[:COUNTRY[:YEAR]], e.g. import:receiver:'KEN 19':KEN:2019 (repeatable)"


def parse_mark(spec: str) -> dict[str, object]:
    parts = spec.split(":")
    if len(parts) < 3:
        raise RuleViolation(
            f"the mark {spec!r} is not KIND:LOCATION:TEXT[:COUNTRY[:YEAR]]",
            hint="for example --mark import:receiver:'KEN 19':KEN:2019",
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
    )


def _report(r: Recorded, verb: str) -> None:
    console.print(
        f"[bold green]{verb}[/bold green] weapon #{r.weapon_id}: event #{r.seq}, status {r.state.status.value}"
    )
    for note in getattr(r, "notes", ()):
        console.print(f"  [dim]note:[/dim] {note}")
    _gaps(r.gaps)


def _gaps(gaps: list) -> None:  # type: ignore[type-arg]
    if not gaps:
        console.print("  ITI marking check: [green]no gap[/green]")
        return
    console.print(f"  ITI marking check: [yellow]{len(gaps)} gap(s)[/yellow]")
    for g in gaps:
        colour = "red" if g.severity.value == "required" else "yellow"
        console.print(f"    [{colour}]{g.severity.value}[/{colour}] {g.message} [dim]({g.rule})[/dim]")


@weapon.command("add")
def weapon_add(
    ctx: typer.Context,
    category: Annotated[str, Opt(help="ITI category, e.g. assault_rifle, self_loading_pistol, manpads")],
    why: Annotated[str, Opt(help="Legal authority or document of the first event (licence, order...)")],
    manufacturer: Annotated[str | None, Opt(help="Manufacturer as marked (any known alias)")] = None,
    serial: Annotated[str | None, Opt()] = None,
    model: Annotated[str | None, Opt()] = None,
    calibre: Annotated[str | None, Opt()] = None,
    year: Annotated[int | None, Opt(help="Year of manufacture")] = None,
    made_in: Annotated[str | None, Opt("--made-in", help="Country of manufacture (default: the maker's)")] = None,
    condition: Annotated[str, Opt(help="marked, partially_obliterated, obliterated, unmarked")] = "marked",
    origin: Annotated[str, Opt(help="industrial, craft, 3d_printed, converted, unknown")] = "industrial",
    first: Annotated[
        str, Opt("--event", help="First event: manufactured, imported, transferred, stock_in, recovered")
    ] = "manufactured",
    when: Annotated[str | None, Opt("--date", help="When it happened (YYYY-MM-DD; default now)")] = None,
    country: Annotated[str | None, Opt(help="Where it happened (country)")] = None,
    place: Annotated[str | None, Opt()] = None,
    who: Annotated[str | None, Opt(help="Who carried it out")] = None,
    holder: Annotated[str | None, Opt(help="Who holds the weapon after it")] = None,
    facility: Annotated[str | None, Opt()] = None,
    mark: Annotated[list[str] | None, Opt(help=MARK_HELP)] = None,
    unlisted_manufacturer: Annotated[bool, Opt(help="Record a manufacturer not in the reference, as written")] = False,
) -> None:
    """Record a weapon and the event that brings it into the registry."""
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
        _event_input(first, why, when, country, place, who, holder, None, facility, mark),
        unlisted_manufacturer,
    )
    _report(add_weapon(cmd, rt.uow(), rt.clock, rt.policy), "Recorded")


@weapon.command("show")
def weapon_show(ctx: typer.Context, weapon_id: int) -> None:
    """A weapon's identity, status, marks, ITI marking check and timeline."""
    rt = ready(ctx)
    with rt.engine.connect() as conn:
        d = weapon_detail(conn, weapon_id)
    w = d.weapon
    flag = " [bold yellow]FLAGGED[/bold yellow]" if w["flagged"] else ""
    console.print(f"[bold]Weapon #{w['id']}[/bold]{flag}  {w['category']}")
    for label, key in (
        ("Manufacturer", "manufacturer"),
        ("Made in", "country_of_manufacture"),
        ("Model", "model"),
        ("Serial", "serial"),
        ("Calibre", "calibre"),
        ("Year", "year_of_manufacture"),
        ("Marking", "marking_condition"),
        ("Origin", "origin"),
        ("Status", "status"),
        ("Holder", "holder"),
        ("Country", "country"),
        ("Place", "place"),
        ("Facility", "facility"),
        ("Keep until", "retain_until"),
    ):
        if w.get(key) not in (None, ""):
            console.print(f"  {label:<13}{w[key]}")
    if d.business:
        console.print(f"  {'Records of':<13}{d.business} (closed business; records held by the State)")
    marks = Table("kind", "location", "text", "country", "year", title="Marks", title_justify="left")
    for m in d.marks:
        marks.add_row(str(m["kind"]), str(m["location"]), str(m["text"]), str(m["country"] or ""), str(m["year"] or ""))
    console.print(marks)
    _gaps(d.gaps)
    timeline = Table("#", "date", "event", "details", "why", "recorded by", title="Timeline", title_justify="left")
    for e in d.timeline:
        label = e.type + (
            f" [dim](corrected by #{', #'.join(map(str, e.corrected_by))})[/dim]" if e.corrected_by else ""
        )
        timeline.add_row(str(e.seq), e.occurred_at.date().isoformat(), label, e.summary, e.why, e.recorded_by)
    console.print(timeline)


@weapon.command("list")
def weapon_list(
    ctx: typer.Context,
    serial: Annotated[str | None, Opt(help="Serial, or its beginning")] = None,
    manufacturer: Annotated[str | None, Opt(help="Manufacturer reference id, e.g. glock")] = None,
    status: Annotated[str | None, Opt()] = None,
    category: Annotated[str | None, Opt()] = None,
    flagged: Annotated[bool, Opt(help="Only unmarked, obliterated or craft-made items")] = False,
    business: Annotated[str | None, Opt(help="Records taken over from this closed business")] = None,
    page: Annotated[int, Opt(min=1)] = 1,
    per_page: Annotated[int, Opt(min=1, max=500)] = 25,
) -> None:
    """List weapons, newest records last, with filters."""
    rt = ready(ctx)
    with rt.engine.connect() as conn:
        result = list_weapons(
            conn, WeaponFilter(serial, manufacturer, status, category, flagged or None, business), page, per_page
        )
    table = Table(
        "id",
        "category",
        "manufacturer",
        "model",
        "serial",
        "calibre",
        "year",
        "status",
        "holder",
        title=f"{result.total:,} weapons (page {page})",
        title_justify="left",
    )
    for w in result.items:
        table.add_row(
            str(w.id),
            w.category,
            w.manufacturer or "",
            w.model or "",
            (w.serial or "—") + (" ⚑" if w.flagged else ""),
            w.calibre or "",
            str(w.year_of_manufacture or ""),
            w.status,
            w.holder or "",
        )
    console.print(table)


@weapon.command("assign-mark")
def weapon_assign_mark(
    ctx: typer.Context,
    weapon_id: int,
    country: Annotated[str, Opt(help="The State assigning the mark")],
    why: Annotated[str, Opt(help="The order or law under which it is marked")],
    location: Annotated[str, Opt()] = "frame",
    text: Annotated[str | None, Opt(help="The mark's text (default: COUNTRY YEAR A<id>)")] = None,
) -> None:
    """Give an unmarked, obliterated or craft-made weapon a unique State mark."""
    rt = ready(ctx)
    _report(assign_mark(AssignMark(weapon_id, country, why, location, text), rt.uow(), rt.clock, rt.policy), "Marked")


@event.command("add")
def event_add(
    ctx: typer.Context,
    weapon_id: int,
    type_: Annotated[
        str,
        Opt(
            "--type",
            help="manufactured, marked, exported, imported, transferred, stock_in, "
            "stock_out, lost, stolen, recovered, deactivated, destroyed",
        ),
    ],
    why: Annotated[str, Opt(help="Legal authority or document (licence, order, report number)")],
    when: Annotated[str | None, Opt("--date", help="When it happened (default now)")] = None,
    country: Annotated[str | None, Opt(help="Where it happened (country)")] = None,
    place: Annotated[str | None, Opt()] = None,
    who: Annotated[str | None, Opt(help="Who carried it out")] = None,
    holder: Annotated[str | None, Opt(help="Who holds the weapon after it")] = None,
    to_country: Annotated[str | None, Opt(help="Destination of an export")] = None,
    facility: Annotated[str | None, Opt()] = None,
    mark: Annotated[list[str] | None, Opt(help=MARK_HELP)] = None,
    state_to_civilian: Annotated[bool, Opt(help="A transfer from government stock to civilian use")] = False,
    note: Annotated[str | None, Opt()] = None,
) -> None:
    """Record one event in a weapon's life."""
    rt = ready(ctx)
    cmd = RecordEvent(
        weapon_id,
        _event_input(
            type_, why, when, country, place, who, holder, to_country, facility, mark, state_to_civilian, note
        ),
    )
    _report(record_event(cmd, rt.uow(), rt.clock, rt.policy), "Recorded")


@event.command("correct")
def event_correct(
    ctx: typer.Context,
    weapon_id: int,
    seq: int,
    why: Annotated[str, Opt(help="Why the record was wrong")],
    void: Annotated[bool, Opt(help="The event should never have been recorded")] = False,
    set_: Annotated[
        list[str] | None,
        Opt("--set", help="FIELD=VALUE to restate, e.g. holder='J. Doe' or description.serial=AK123 (repeatable)"),
    ] = None,
) -> None:
    """Correct an earlier event with a new one that names it; the original stays."""
    rt = ready(ctx)
    changes: dict[str, object] = {}
    for item in set_ or ():
        key, sep, value = item.partition("=")
        if not sep:
            raise RuleViolation(f"--set {item!r} is not FIELD=VALUE", hint="e.g. --set holder='Unit 4'")
        if key.startswith("description."):
            changes.setdefault("description", {})[key.split(".", 1)[1]] = value  # type: ignore[index]
        else:
            changes[key] = value
    _report(correct_event(CorrectEvent(weapon_id, seq, why, void, changes), rt.uow(), rt.clock, rt.policy), "Corrected")


@business.command("close")
def business_close(
    ctx: typer.Context,
    name: str,
    kind: Annotated[str, Opt(help="manufacturer or dealer")],
    closed_on: Annotated[str, Opt(help="Date of closure, YYYY-MM-DD")],
    why: Annotated[str, Opt(help="The decision or law under which its records pass to the State")],
    records: Annotated[
        Path,
        Opt(help="The company's records, JSON Lines: one weapon with its events a line", exists=True, dir_okay=False),
    ],
    country: Annotated[str | None, Opt()] = None,
    licence: Annotated[str | None, Opt()] = None,
) -> None:
    """Record a business's closure and take its records into the State register."""
    rt = ready(ctx)
    try:
        closed = date.fromisoformat(closed_on)
    except ValueError:
        raise RuleViolation(f"--closed-on {closed_on!r} is not a date", hint="write it as YYYY-MM-DD") from None
    loaded = read_records(records.read_text(encoding="utf-8"), str(records))
    business_id, result = close_business(
        CloseBusiness(name, kind, closed, why, country, licence), loaded, rt.uow(), rt.clock, rt.policy
    )
    console.print(
        f"[bold green]Closed[/bold green] business #{business_id} {name!r}: {result.loaded} records taken "
        f"over ({result.events} events), {len(result.duplicates)} already in the register."
    )
    console.print(f"Find them with: armtrace weapon list --business {json.dumps(name)}")
