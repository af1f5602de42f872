"""A weapon's life as immutable events, and its current state as their projection.

Events are never updated or deleted: a correction is a new event naming the one it
corrects, either replacing some of its facts or voiding it (DESIGN.md, "Event"). The
current state (status, holder, place, marks) is a fold over the effective events, so the
same function writes the projection and lets `verify` recompute it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from armtrace.domain.errors import N_, ProblemList, RuleViolation
from armtrace.domain.markings import Import, Mark
from armtrace.domain.registry import WeaponDescription


class EventType(StrEnum):
    MANUFACTURED = "manufactured"
    MARKED = "marked"
    EXPORTED = "exported"
    IMPORTED = "imported"
    TRANSFERRED = "transferred"
    STOCK_IN = "stock_in"
    STOCK_OUT = "stock_out"
    LOST = "lost"
    STOLEN = "stolen"
    RECOVERED = "recovered"
    DEACTIVATED = "deactivated"
    DESTROYED = "destroyed"
    CORRECTION = "correction"


class Status(StrEnum):
    HELD = "held"  # under licit control of a holder in this State
    IN_STOCK = "in_stock"  # in a stockpile facility
    EXPORTED = "exported"  # left this State under an export
    LOST = "lost"
    STOLEN = "stolen"
    RECOVERED = "recovered"  # found or seized, in State custody
    DEACTIVATED = "deactivated"
    DESTROYED = "destroyed"


FIRST_EVENTS = frozenset(
    {EventType.MANUFACTURED, EventType.IMPORTED, EventType.TRANSFERRED, EventType.STOCK_IN, EventType.RECOVERED}
)
ON_TERRITORY = frozenset(
    {Status.HELD, Status.IN_STOCK, Status.LOST, Status.STOLEN, Status.RECOVERED, Status.DEACTIVATED}
)

# Which statuses each event may follow; the status it leads to (None: unchanged).
_FROM_ANY_LIVE = frozenset(Status) - {Status.DESTROYED}
TRANSITIONS: dict[EventType, tuple[frozenset[Status], Status | None]] = {
    EventType.MANUFACTURED: (frozenset(), Status.HELD),
    EventType.MARKED: (_FROM_ANY_LIVE, None),
    EventType.EXPORTED: (frozenset({Status.HELD, Status.IN_STOCK, Status.RECOVERED}), Status.EXPORTED),
    EventType.IMPORTED: (frozenset({Status.EXPORTED}), Status.HELD),
    EventType.TRANSFERRED: (
        frozenset({Status.HELD, Status.IN_STOCK, Status.RECOVERED, Status.DEACTIVATED}),
        Status.HELD,
    ),
    EventType.STOCK_IN: (frozenset({Status.HELD, Status.IN_STOCK, Status.RECOVERED}), Status.IN_STOCK),
    EventType.STOCK_OUT: (frozenset({Status.IN_STOCK}), Status.HELD),
    EventType.LOST: (frozenset({Status.HELD, Status.IN_STOCK, Status.RECOVERED, Status.DEACTIVATED}), Status.LOST),
    EventType.STOLEN: (frozenset({Status.HELD, Status.IN_STOCK, Status.RECOVERED, Status.DEACTIVATED}), Status.STOLEN),
    EventType.RECOVERED: (_FROM_ANY_LIVE, Status.RECOVERED),
    EventType.DEACTIVATED: (frozenset({Status.HELD, Status.IN_STOCK, Status.RECOVERED}), Status.DEACTIVATED),
    EventType.DESTROYED: (_FROM_ANY_LIVE, Status.DESTROYED),
}

# What each event must say besides when and why.
REQUIRED: dict[EventType, tuple[str, ...]] = {
    EventType.MANUFACTURED: ("holder", "country"),
    EventType.MARKED: ("marks",),
    EventType.EXPORTED: ("country", "counterpart_country"),
    EventType.IMPORTED: ("country", "holder"),
    EventType.TRANSFERRED: ("holder",),
    EventType.STOCK_IN: ("facility",),
    EventType.STOCK_OUT: ("holder",),
    EventType.RECOVERED: ("holder",),
    EventType.CORRECTION: ("corrects",),
}
HINTS = {
    "holder": N_("name who holds the weapon after this event"),
    "country": N_("give the ISO 3166 alpha-3 code of the country where it happened"),
    "counterpart_country": N_("give the country of destination (export) as an alpha-3 code"),
    "facility": N_("name the stockpile facility"),
    "marks": N_("describe at least one mark: kind, location and text"),
    "corrects": N_("name the event number this corrects"),
}


@dataclass(frozen=True)
class EventFacts:
    """What happened: when, where, who, why, and what it changed."""

    type: EventType
    occurred_at: datetime
    why: str
    country: str | None = None
    place: str | None = None
    who: str | None = None
    holder: str | None = None
    counterpart_country: str | None = None
    facility: str | None = None
    marks: tuple[Mark, ...] = ()
    description: WeaponDescription | None = None
    state_to_civilian: bool = False
    note: str | None = None
    corrects: int | None = None
    void: bool = False
    changes: dict[str, object] | None = None
    temporary: str | None = None  # why an import is temporary, so exempt from import marking (Firearms Protocol Art. 8)

    def problems(self) -> ProblemList:
        """Every missing or contradictory fact at once (DESIGN.md: when, where, who, why)."""
        problems = ProblemList()
        if self.occurred_at.tzinfo is None:
            problems.add("occurred_at", "has no time zone", self.occurred_at, hint=N_("give the time in UTC"))
        if not (self.why or "").strip():
            problems.add(
                "why",
                "is missing: every event cites its legal authority or document",
                hint=N_("give the licence, order, law or document under which this happened"),
            )
        for name in REQUIRED.get(self.type, ()):
            if not getattr(self, name):
                problems.add(
                    name,
                    N_("is required for an event of type '%(type)s'", type=N_(self.type.value)),
                    hint=HINTS.get(name),
                )
        for name in ("country", "counterpart_country"):
            value = getattr(self, name)
            if value and (len(value) != 3 or not value.isalpha() or not value.isupper()):
                problems.add(name, "is not an ISO 3166 alpha-3 code", value)
        if self.temporary and self.type is not EventType.IMPORTED:
            problems.add(
                "temporary",
                N_("only an import is temporary, not a %(type)s", type=N_(self.type.value)),
                rule="Firearms Protocol Art. 8",
                hint=N_("leave the temporary reason out, or record the event as an import"),
            )
        if self.type is EventType.CORRECTION and not self.void and not self.changes:
            problems.add(
                "changes",
                "a correction either voids the event or gives replacement facts",
                hint=N_("pass the corrected values, or void the event"),
            )
        if self.type is not EventType.CORRECTION and (self.void or self.changes or self.corrects):
            problems.add(
                "corrects", N_("only a correction event corrects others, not a %(type)s", type=N_(self.type.value))
            )
        return problems

    def amended(self, changes: dict[str, object]) -> EventFacts:
        """This event as a correction restates it."""
        values = dict(changes)
        if "description" in values and self.description is not None:
            values["description"] = self.description.amended(values["description"])  # type: ignore[arg-type]
        if "marks" in values:
            values["marks"] = tuple(Mark.from_dict(m) for m in values["marks"])  # type: ignore[attr-defined]
        return replace(self, **values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class WeaponState:
    """The projection of a weapon's events: what the registry shows today."""

    description: WeaponDescription
    status: Status
    holder: str | None
    country: str | None
    place: str | None
    facility: str | None
    marks: tuple[Mark, ...]
    imports: tuple[Import, ...] = ()
    left_state_stock_for_civilian: str | None = None
    first_at: datetime | None = None
    last_at: datetime | None = None
    manufactured_at: datetime | None = None
    event_types: frozenset[EventType] = field(default_factory=frozenset)


def fold(state: WeaponState | None, e: EventFacts) -> WeaponState:
    """Apply one effective event; refuse a transition the lifecycle does not allow."""
    if e.type is EventType.CORRECTION:
        raise ValueError("corrections are resolved by replay(), not folded")
    if state is None:
        if e.type not in FIRST_EVENTS:
            raise RuleViolation(
                N_("a weapon's record cannot start with a %(type)s event", type=N_(e.type.value)),
                rule="registry lifecycle",
                hint=N_("start with one of: %(types)s", types=", ".join(sorted(t.value for t in FIRST_EVENTS))),
            )
        if e.description is None:
            raise RuleViolation("the first event of a weapon must describe it", rule="ITI para 8(a)")
        state = WeaponState(e.description, Status.HELD, None, None, None, None, (), first_at=e.occurred_at)
    else:
        allowed, _ = TRANSITIONS[e.type]
        if state.status not in allowed:
            raise RuleViolation(
                N_(
                    "a %(type)s event cannot follow status '%(status)s'",
                    type=N_(e.type.value),
                    status=N_(state.status.value),
                ),
                rule="registry lifecycle",
                hint=_next_step_hint(state.status),
            )
        if state.last_at is not None and e.occurred_at < state.last_at:
            raise RuleViolation(
                N_(
                    "this event is dated %(date)s, before the weapon's last recorded event (%(last)s)",
                    date=e.occurred_at.date(),
                    last=state.last_at.date(),
                ),
                rule="registry lifecycle: events are recorded in the order they happened",
                hint=N_("record a correction to the earlier event instead"),
            )
    new_status = TRANSITIONS[e.type][1] or state.status
    holder = e.holder or state.holder
    if e.type is EventType.STOCK_IN:
        facility = e.facility
    else:
        facility = state.facility if new_status is Status.IN_STOCK else None
    country = e.counterpart_country if e.type is EventType.EXPORTED else (e.country or state.country)
    imports = state.imports
    if e.type is EventType.IMPORTED and e.country:
        imports = (*imports, Import(e.country, e.occurred_at.year, e.occurred_at, e.temporary or None))
    description = e.description if e.description is not None else state.description
    return replace(
        state,
        description=description,
        status=new_status,
        holder=holder,
        country=country,
        place=e.place if e.type is not EventType.MARKED else state.place,
        facility=facility,
        marks=(*state.marks, *e.marks),
        imports=imports,
        left_state_stock_for_civilian=(e.country or state.country)
        if e.state_to_civilian
        else state.left_state_stock_for_civilian,
        last_at=e.occurred_at,
        manufactured_at=e.occurred_at if e.type is EventType.MANUFACTURED else state.manufactured_at,
        event_types=state.event_types | {e.type},
    )


def _next_step_hint(status: Status) -> str:
    return {
        Status.DESTROYED: N_("a destroyed weapon's record is closed; correct the destruction event if it was wrong"),
        Status.EXPORTED: N_("the weapon left the country; record an import if it came back"),
        Status.LOST: N_("record its recovery first"),
        Status.STOLEN: N_("record its recovery first"),
    }.get(status, N_("check the weapon's current status with 'armtrace weapon show'"))


def effective(events: Iterable[tuple[int, EventFacts]]) -> list[tuple[int, EventFacts]]:
    """The events as corrected: voided ones dropped, amended ones restated, in order.

    A later correction of the same event supersedes an earlier one.
    """
    ordered = list(events)
    latest: dict[int, EventFacts] = {}
    for _, e in ordered:
        if e.type is EventType.CORRECTION and e.corrects is not None:
            latest[e.corrects] = e
    result = []
    for seq, e in ordered:
        if e.type is EventType.CORRECTION:
            continue
        fix = latest.get(seq)
        if fix is None:
            result.append((seq, e))
        elif not fix.void:
            result.append((seq, e.amended(fix.changes or {})))
    return result


def replay(events: Iterable[tuple[int, EventFacts]]) -> WeaponState:
    """Recompute a weapon's state from all its events, corrections included."""
    events = list(events)
    if len(events) == 1 and events[0][1].type is not EventType.CORRECTION:
        return fold(None, events[0][1])  # the common case of bulk loads: no correction to resolve
    state: WeaponState | None = None
    for _, e in effective(events):
        state = fold(state, e)
    if state is None:
        raise RuleViolation(
            "no event would remain in the weapon's record",
            rule="registry lifecycle",
            hint=N_("a record keeps at least its first event; correct it instead of voiding it"),
        )
    return state


_OPTIONAL = ("country", "place", "who", "holder", "counterpart_country", "facility", "note", "corrects", "temporary")


def to_payload(e: EventFacts) -> dict[str, object]:
    """The event's facts as plain JSON values (stored, hashed, exported); empty ones left out."""
    out: dict[str, object] = {"type": e.type.value, "occurred_at": utc_text(e.occurred_at), "why": e.why}
    # `temporary` only when set, so the payloads (and hashes) of events recorded before it are unchanged.
    for name in _OPTIONAL:
        value = getattr(e, name)
        if value not in (None, ""):
            out[name] = value
    if e.marks:
        out["marks"] = [m.to_dict() for m in e.marks]
    if e.description is not None:
        out["description"] = e.description.to_dict()
    if e.state_to_civilian:
        out["state_to_civilian"] = True
    if e.void:
        out["void"] = True
    if e.changes:
        out["changes"] = e.changes
    return out


def from_payload(p: dict[str, Any]) -> EventFacts:
    return EventFacts(
        type=EventType(str(p["type"])),
        occurred_at=parse_utc(str(p["occurred_at"])),
        why=str(p.get("why") or ""),
        country=p.get("country"),
        place=p.get("place"),
        who=p.get("who"),
        holder=p.get("holder"),
        counterpart_country=p.get("counterpart_country"),
        facility=p.get("facility"),
        marks=tuple(Mark.from_dict(m) for m in p.get("marks", ())),
        description=WeaponDescription.from_dict(p["description"]) if "description" in p else None,
        state_to_civilian=bool(p.get("state_to_civilian", False)),
        note=p.get("note"),
        corrects=p.get("corrects"),
        void=bool(p.get("void", False)),
        changes=p.get("changes"),
        temporary=p.get("temporary"),
    )


def utc_text(t: datetime) -> str:
    """One text form for an instant, so a hash never depends on the store's date type."""
    return t.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def parse_utc(text: str) -> datetime:
    t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return t.astimezone(UTC) if t.tzinfo else t.replace(tzinfo=UTC)
