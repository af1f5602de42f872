"""What a tracing answer discloses from a weapon's recorded history.

The requested State answers from its records (ITI, section on cooperation in tracing):
when the weapon was made or came in, where it went, to whom. Each effective event
(corrections applied) becomes one plain line the officer reads before anything is sent;
the weapon's last recorded status decides where the chain goes next: another State
(it was exported there), or nowhere, because this is where it left licit control (lost,
stolen) or where the records say it still is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from armtrace.domain.lifecycle import EventFacts, EventType, Status, effective, replay
from armtrace.domain.tracing import Answer, FailureReason, Markings, Outcome


@dataclass(frozen=True)
class Disclosure:
    """The answer drafted from the records, and what the officer should know that is not sent."""

    answer: Answer
    weapon_id: int | None = None
    notes: tuple[str, ...] = ()  # for the answering officer only: how the record was found


def from_history(weapon_id: int, events: Iterable[tuple[int, EventFacts]]) -> Disclosure:
    """A traced answer: the weapon's effective history, line by line, and where it went next."""
    history = effective(list(events))
    state = replay(history)
    lines = [_line(e) for _, e in history]
    exports = [e for _, e in history if e.type is EventType.EXPORTED]
    next_country = exports[-1].counterpart_country if state.status is Status.EXPORTED and exports else None
    lines.append(_conclusion(state.status, history, next_country))
    return Disclosure(Answer(Outcome.TRACED, facts=tuple(lines), next_country=next_country), weapon_id)


def not_held(markings: Markings, manufacturer_known: bool, notes: tuple[str, ...] = ()) -> Disclosure:
    """A not-traced answer with the coded reason (FACTS 4.3): why the records could not answer."""
    if markings.serial_obliterated and not (markings.serial or "").strip("?* "):
        reason = FailureReason.SERIAL_OBLITERATED
    elif not (markings.serial or "").strip():
        reason = FailureReason.DESCRIPTION_INCOMPLETE
    elif markings.manufacturer and not manufacturer_known:
        reason = FailureReason.MANUFACTURER_UNIDENTIFIED
    else:
        reason = FailureReason.RECORD_NOT_FOUND
    return Disclosure(Answer(Outcome.NOT_TRACED, failure=reason), None, notes)


LABELS = {
    EventType.MANUFACTURED: "manufactured",
    EventType.MARKED: "marked",
    EventType.EXPORTED: "exported",
    EventType.IMPORTED: "imported",
    EventType.TRANSFERRED: "transferred",
    EventType.STOCK_IN: "taken into State stocks",
    EventType.STOCK_OUT: "issued from State stocks",
    EventType.LOST: "reported lost",
    EventType.STOLEN: "reported stolen",
    EventType.RECOVERED: "recovered",
    EventType.DEACTIVATED: "deactivated",
    EventType.DESTROYED: "destroyed",
}

HOLDER_WORD = {EventType.TRANSFERRED: "to", EventType.STOCK_OUT: "to", EventType.IMPORTED: "for"}


def _line(e: EventFacts) -> str:
    parts = [f"{e.occurred_at.date().isoformat()} {LABELS.get(e.type, e.type.value)}"]
    if e.type is EventType.EXPORTED:
        parts.append(f"from {e.country or '?'} to {e.counterpart_country or '?'}")
    elif e.type is EventType.IMPORTED:
        parts.append(f"into {e.country or '?'}" + (f" from {e.counterpart_country}" if e.counterpart_country else ""))
    elif e.country:
        parts.append(f"in {e.country}")
    if e.place and e.place not in (e.holder, e.facility):
        parts.append(f"at {e.place}")
    if e.facility:
        parts.append(f"at {e.facility}")
    if e.holder and e.holder != e.who:
        handed = e.type in (EventType.TRANSFERRED, EventType.STOCK_OUT)
        parts.append(
            f"to {e.holder}" if handed else f"for {e.holder}" if e.type is EventType.IMPORTED else f"holder {e.holder}"
        )
    if e.who and e.type is EventType.MANUFACTURED:
        parts.append(f"by {e.who}")
    for m in e.marks:
        parts.append(f"mark '{m.text}' on {m.location}" if m.text else f"{m.kind} mark on {m.location}")
    parts.append(f"— under {e.why}")
    return " ".join(parts)


def _conclusion(status: Status, history: list[tuple[int, EventFacts]], next_country: str | None) -> str:
    last = history[-1][1] if history else None
    when = last.occurred_at.date().isoformat() if last else "?"
    if status is Status.EXPORTED:
        onward = next_country or "the importing State"
        return f"Last recorded here: exported on {when}; the trace continues with {onward}."
    if status in (Status.LOST, Status.STOLEN):
        return f"The weapon left licit control here: {status.value} on {when}, as recorded above."
    if status is Status.DESTROYED:
        return f"Recorded as destroyed on {when}: a weapon bearing these marks should not exist."
    return f"Recorded as {status.value.replace('_', ' ')} in this State since {when}."
