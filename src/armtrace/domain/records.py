"""Records as they come in, before the registry resolves them: a weapon with its first event, an event,
and a weapon with its history. Command line options, API bodies, file rows and EPCIS documents all
become these, so each is checked by the same rules (services/importing/intake.py, services/registry.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class EventInput:
    """An event as given, before it is resolved (CLI options, API body, a file row)."""

    type: str
    why: str = ""
    occurred_at: object = None
    country: str | None = None
    place: str | None = None
    who: str | None = None
    holder: str | None = None
    counterpart_country: str | None = None
    facility: str | None = None
    marks: tuple[Mapping[str, object], ...] = ()
    state_to_civilian: bool = False
    note: str | None = None
    temporary: str | None = None  # an import's reason for being temporary (Firearms Protocol Art. 8)
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class AddWeapon:
    """Record a weapon: its description and the first event that brings it into the registry."""

    description: Mapping[str, object]
    first_event: EventInput
    allow_unlisted_manufacturer: bool = False
    accept_similar_manufacturer: bool = False  # bulk imports: a clear misspelling is read, and reported


@dataclass(frozen=True)
class WeaponRecord:
    """One weapon and its history: the first event in `add`, the rest in `events`."""

    add: AddWeapon
    events: tuple[EventInput, ...] = ()
