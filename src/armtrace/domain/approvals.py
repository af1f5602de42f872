"""Acts that need two people: one asks, a second authorized user approves, and only then it happens.

Four acts cannot be undone or expose what the registry guards, so no one user may do them
alone: destroying records after their retention period, changing who holds a weapon by
correcting an earlier event, sending registry data to a foreign State in a trace
answer, and explaining away a difference between a closing business's books and the
registry (which lets the closure complete: ITI para 13, domain/closures.py). The one
who asked cannot approve; the approver needs the permission the act itself needs.
"""

from __future__ import annotations

from enum import StrEnum

from armtrace.domain.accounts import Principal
from armtrace.domain.errors import N_, NotPermitted
from armtrace.domain.tracing import Answer

RULE = "armtrace two-person rule"


class Act(StrEnum):
    PURGE = "retention:purge"
    CORRECT_HOLDER = "registry:correct_holder"
    DISCLOSE = "tracing:disclose"
    EXPLAIN_DIFFERENCE = "registry:explain_difference"


PERMISSION_OF = {
    Act.PURGE: "registry.purge",
    Act.CORRECT_HOLDER: "registry.record",
    Act.DISCLOSE: "tracing.act",
    Act.EXPLAIN_DIFFERENCE: "registry.record",
}


class Status(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"  # and carried out
    REJECTED = "rejected"
    FAILED = "failed"  # approved, but the act was refused when carried out (e.g. the request moved on)


def discloses(answer: Answer) -> bool:
    """Whether an answer sends registry data abroad: any facts from the records, or where the weapon went,
    whatever the outcome it is sent with."""
    return bool(answer.facts) or answer.next_country is not None


def changes_holder(changes: dict[str, object] | None, void: bool, voided_holder: str | None) -> bool:
    """Whether a correction changes who holds the weapon: by restating the holder, or by voiding an
    event that named one."""
    return "holder" in (changes or {}) or (void and voided_holder is not None)


def check_approver(act: Act, requested_by: str, approver: Principal) -> None:
    """A second person, holding the act's own permission; else refused, saying which."""
    if approver.actor.id == requested_by:
        raise NotPermitted(
            N_("%(user)s asked for this and cannot also approve it", user=approver.actor.id),
            rule=RULE,
            hint=N_("another authorized user must approve it"),
        )
    approver.require(PERMISSION_OF[act])
