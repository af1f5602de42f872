"""How the demo is told: the story decides what happens and in which order, a narrator shows it.

The demo package acts; it never prints. What it has to say is a message for the
catalogues (`N_`), worded by the narrator in its reader's language, or a result (a
registry's figures, a drafted answer, a case, statistics) that the narrator renders as
the rest of its interface does. The command line's narrator is in cli/demo.py.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Protocol

from armtrace.demo.recoveries import Recovery
from armtrace.domain.disclosure import Disclosure
from armtrace.queries.identify import Identification
from armtrace.queries.registry import Summary
from armtrace.queries.tracing import Statistics
from armtrace.services.integrity import VerifyReport


class Narrator(Protocol):
    def say(self, text: str, *, gap: bool = False, prefix: str = "") -> None:
        """A line of the story: a message, worded where it is shown (it may carry markup), after `prefix`
        (an indent, a step's number); `gap`: a blank line before it. An empty text is a blank line."""

    def loading(self, what: str, total: int) -> AbstractContextManager[Callable[[int], None]]:
        """Progress over `total` items while `what` goes on; the callable advances it by a number of items."""
        ...

    def registry(self, summary: Summary, verified: VerifyReport) -> None:
        """The registry just built, in figures, and whether its hash chain verifies."""

    def recovery(self, recovery: Recovery, found: Identification) -> None:
        """A weapon recovered with damaged marks, and the candidates its marks as read point to."""

    def node(self, node_id: str, role: str, address: str, store: str = "") -> None:
        """One of the demo's nodes: its id, its role in the story (a message), where it serves, its store."""

    def disclosure(self, request_id: str, draft: Disclosure) -> None:
        """An answer drafted from a registry: exactly what would be sent, and the notes for the officer."""

    def case(self, request: dict[str, Any]) -> None:
        """A request as its officer reads it: the chain State by State, and its timed acts."""

    def statistics(self, stats: Statistics) -> None:
        """Tracing statistics per counterpart."""
