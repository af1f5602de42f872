"""Who does things and when: the actor and the clock every use case is given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol


@dataclass(frozen=True)
class Actor:
    """A user or system acting on the registry; `name` is kept as it was at the time."""

    id: str
    name: str


SYSTEM = Actor("system", "armtrace")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that stands still until moved: for tests, demos and replays."""

    at: datetime

    def now(self) -> datetime:
        return self.at
