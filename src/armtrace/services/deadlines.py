"""The clocks of tracing as a State keeps them, and the notice to its national point of contact.

A requested State owns its deadlines: they are counted in its own working days, without its public
holidays and the days its office is closed, from the moment the request reached it (services/exchange.py).
A request still unacknowledged past that time is brought to the national point of contact (ITI para 25):
it stands on the dashboard, and a mail goes to the contact's address when the node has a mail server.
"""

from __future__ import annotations

from datetime import datetime

from armtrace.domain.actors import Clock
from armtrace.domain.errors import RuleViolation
from armtrace.domain.lifecycle import utc_text
from armtrace.domain.tracing import Deadlines
from armtrace.exchange.mail import Mailer, MailError
from armtrace.reference.holidays import public_holidays
from armtrace.services.door import use_case
from armtrace.store.uow import UnitOfWork


def calendar(deadlines: Deadlines, country: str | None, start: datetime) -> Deadlines:
    """The deadlines as a State's office counts them from `start`: its public holidays are not working days."""
    return deadlines.closed_on(public_holidays(country, range(start.year, start.year + 2)))


@use_case("tracing.remind")
def notify_contact(uow: UnitOfWork, clock: Clock, mailer: Mailer | None = None) -> list[str]:
    """Tell the national point of contact of each received request that waits past its acknowledgement
    time, once: by mail when the node has a mail server and the contact an address, and on the dashboard
    in every case. A mail that cannot be handed over is tried again at the next pass."""
    now = clock.now()
    told: list[str] = []
    with uow:
        me = uow.nodes.this()
        if me is None:
            raise RuleViolation("this store has no node identity")
        for r in uow.requests.waiting_past_acknowledgement(now):
            address = me["contact_email"] if mailer is not None else None
            if address:
                try:
                    mailer.send(address, *_mail(r, me, now))  # type: ignore[union-attr]
                except MailError as exc:
                    uow.requests.act(r["id"], "contact_mail_failed", now, {"error": f"{type(exc).__name__}: {exc}"})
                    continue
            uow.requests.update(
                r["id"], {"contact_notified_at": now}, "contact_notified", now, detail={"mail": address}
            )
            told.append(r["id"])
        uow.commit()
    return told


def _mail(r: dict[str, object], me: dict[str, object], now: datetime) -> tuple[str, str]:
    received = r["created_at"]
    waited = (now - received).days if isinstance(received, datetime) else None
    subject = f"[armtrace {me['node_id']}] Tracing request {r['id']} waits past its acknowledgement time"
    text = "\n".join(
        [
            f"Dear {me['contact_name']},",
            "",
            f"The tracing request {r['id']} from {r['requester']} reached this node on "
            f"{utc_text(received) if isinstance(received, datetime) else received} and is not acknowledged.",
            f"This State's own time to acknowledge it ran out on {_shown(r['acknowledge_by'])}; "
            f"it has waited {waited} days.",
            f"The requesting State expected an acknowledgement by {_shown(r['expected_acknowledge_by'])}.",
            "",
            f"Open it on the node's dashboard, or: armtrace trace show {r['id']}",
            "",
            "ITI para 25: the national point of contact liaises on tracing with other States.",
        ]
    )
    return subject, text


def _shown(value: object) -> str:
    return utc_text(value) if isinstance(value, datetime) else "(not stated)"
