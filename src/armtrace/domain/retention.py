"""How long records are kept (ITI, section on record-keeping; FACTS 1.3).

The ITI asks for records kept indefinitely where possible, and for no less than 30 years
for manufacturing records and 20 years for all others, imports and exports included. A
State may keep them longer, never shorter. Nothing is purged before its date; after it,
records are archived to a file first, and only then removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from armtrace.domain.errors import N_, RuleViolation
from armtrace.domain.lifecycle import ON_TERRITORY, EventType, WeaponState

RULE = "ITI, section on record-keeping: at least 30 years for manufacturing records, 20 for all others"


class RecordType(StrEnum):
    MANUFACTURE = "manufacture"
    OTHER = "other"


FLOORS = {RecordType.MANUFACTURE: 30, RecordType.OTHER: 20}


def record_type(event_type: EventType) -> RecordType:
    return RecordType.MANUFACTURE if event_type is EventType.MANUFACTURED else RecordType.OTHER


@dataclass(frozen=True)
class RetentionPolicy:
    """Years to keep each record type; refuses any figure under the ITI floor."""

    years: dict[RecordType, int] = field(default_factory=lambda: dict(FLOORS))

    def __post_init__(self) -> None:
        for kind, floor in FLOORS.items():
            given = self.years.get(kind, floor)
            if given < floor:
                raise RuleViolation(
                    N_(
                        "retention for %(kind)s records is set to %(years)s years, under the floor of %(floor)s",
                        kind=kind.value,
                        years=given,
                        floor=floor,
                    ),
                    rule=RULE,
                    hint=N_("set it to %(floor)s years or more", floor=floor),
                )

    def keep_until(self, event_type: EventType, occurred_at: datetime) -> date:
        years = self.years.get(record_type(event_type), FLOORS[record_type(event_type)])
        return add_years(occurred_at.date(), years)


def add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February in a year that has none: keep to 1 March
        return date(d.year + years, 3, 1)


def retain_until(events: list[tuple[EventType, datetime]], policy: RetentionPolicy) -> date:
    """The day before which no record of this weapon may go: the latest of its events' dates."""
    return max(policy.keep_until(t, at) for t, at in events)


def check_purge(state: WeaponState, until: date, today: date) -> None:
    """Refuse to purge a weapon's record before its retention date, or while it is on the territory."""
    if today < until:
        raise RuleViolation(
            N_("the record must be kept until %(date)s", date=until.isoformat()),
            rule=RULE,
            hint=N_("it can be archived and removed from that date; nothing is purged earlier"),
        )
    if state.status in ON_TERRITORY:
        raise RuleViolation(
            N_(
                "the weapon is still on the territory (status '%(status)s'): its record stays",
                status=N_(state.status.value),
            ),
            rule="ITI, section on record-keeping: records of every marked weapon on the territory",
            hint=N_("only records of weapons destroyed or exported can be archived and removed"),
        )
