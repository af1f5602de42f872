"""A business closes and its records pass to the State (ITI, section on record-keeping, para 13).

Closing takes the books in (all or nothing: one invalid record and nothing is taken) and
reconciles them with what the registry holds for the business (domain/closures.py). No
difference: the business is closed at once. Differences: they are recorded, the business is
'closing', and each waits for an explanation by one person approved by a second; the last
approval closes it. Books that are empty while the registry holds weapons or transactions
of the business are refused: its records have not reached the State yet.

What the registry holds for a business is read through `weapons.holder_key` (indexed): the
weapons it holds today. Its transactions are the events of those weapons that name it. Events
of weapons that have since left it are not searched: the event log has no index by holder
and a scan of it per closure does not scale to a national registry; those weapons are in the
register under their later holders already.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date

from armtrace.domain.actors import Clock
from armtrace.domain.approvals import Act
from armtrace.domain.closures import RULE, Difference, InBooks, OnRecord, reconcile
from armtrace.domain.closures import Status as ClosureStatus
from armtrace.domain.errors import N_, Conflict, NotFound, Problem, ProblemList, RuleViolation
from armtrace.domain.records import WeaponRecord
from armtrace.domain.registry import name_key
from armtrace.domain.retention import RetentionPolicy
from armtrace.queries.approvals import approvals
from armtrace.queries.closures import BusinessDetail, business_detail, pending_closures
from armtrace.services.door import Gate, Handled, use_case
from armtrace.services.importing.intake import country
from armtrace.services.importing.records import LoadResult, Prepared, _write_prepared, prepare
from armtrace.services.registry import DEFAULT_POLICY
from armtrace.store.uow import UnitOfWork


@dataclass(frozen=True)
class CloseBusiness:
    name: str
    kind: str  # manufacturer or dealer
    closed_on: date
    why: str  # the legal act or decision
    country: str | None = None
    licence: str | None = None


@dataclass(frozen=True)
class Closure:
    """What a closure did: the books counted and taken in, what was on record, and the differences."""

    business_id: int
    status: ClosureStatus
    load: LoadResult
    held: int  # weapons the registry held as the business's
    transactions: int  # events of those weapons naming it
    differences: list[Difference]

    @property
    def books(self) -> dict[str, int]:
        return {"read": self.load.read, "taken_in": self.load.loaded, "already_registered": len(self.load.duplicates),
                "held_on_record": self.held, "transactions_on_record": self.transactions,
                "differences": len(self.differences)}  # fmt: skip


@use_case("registry.record")
def close_business(
    cmd: CloseBusiness,
    records: Sequence[WeaponRecord],
    uow: UnitOfWork,
    clock: Clock,
    policy: RetentionPolicy = DEFAULT_POLICY,
) -> Closure:
    """Take a closing business's books into the register and reconcile them; it is closed at once when
    they account for everything on record, else when each difference is explained and approved."""
    problems = ProblemList()
    if cmd.kind not in ("manufacturer", "dealer"):
        problems.add("kind", "is not manufacturer or dealer", cmd.kind)
    if not cmd.why.strip():
        problems.add("why", "is missing", hint=N_("cite the decision or law under which the records pass to the State"))
    if cmd.closed_on > clock.now().date():
        problems.add("closed_on", "is in the future", cmd.closed_on.isoformat())
    code = country(problems, "country", cmd.country)
    problems.raise_if_any(
        N_("the closure of %(business)r was not recorded", business=cmd.name),
        hint=N_("correct the fields listed and try again"),
    )
    key = name_key(cmd.name)
    with uow:
        uow.events.lock_head()
        found = uow.businesses.by_name(cmd.name)
        _not_closed_yet(cmd.name, found)
        held = uow.closures.held_by(key)
        transactions = uow.closures.transactions([w.weapon_id for w in held], key)
        if not records and (held or transactions):
            raise RuleViolation(
                N_(
                    "the books of %(business)r are empty, but the registry holds %(weapons)s weapons and "
                    "%(transactions)s transactions of it: its records have not reached the State",
                    business=cmd.name,
                    weapons=len(held),
                    transactions=transactions,
                ),
                rule=RULE,
                hint=N_("obtain the business's records and run the closure again with them (--records FILE)"),
            )
        values: dict[str, object] = {"status": ClosureStatus.CLOSING.value, "closing_on": cmd.closed_on,
                                     "records_received_at": clock.now()}  # fmt: skip
        if found is None:
            business_id = uow.businesses.add(
                {"name": cmd.name.strip(), "kind": cmd.kind, "country": code, "licence": cmd.licence, **values}
            )
        else:
            business_id = int(found["id"])  # type: ignore[call-overload]
        prepared = [prepare(i, rec, clock, policy) for i, rec in enumerate(records)]
        load = _write_prepared(uow, prepared, clock, business_id=business_id)
        _refuse_invalid(cmd.name, load)
        differences = reconcile(cmd.name, held, _books(prepared), _known(uow, load))
        done = Closure(business_id, ClosureStatus.CLOSING, load, len(held), transactions, differences)
        values["books"] = json.dumps(done.books, sort_keys=True)
        uow.businesses.update(business_id, values, "registry:business:closing", cmd.why)
        uow.closures.add(business_id, differences, clock.now())
        if not differences:
            _complete(uow, business_id, cmd.closed_on, cmd.why)
            done = Closure(business_id, ClosureStatus.CLOSED, load, len(held), transactions, differences)
        uow.commit()
    return done


def _not_closed_yet(name: str, found: dict[str, object] | None) -> None:
    if found is None:
        return
    if found["status"] == ClosureStatus.CLOSED.value or found["closed_on"] is not None:
        raise Conflict(
            N_("%(business)r was already closed on %(date)s", business=found["name"], date=found["closed_on"]),
            hint=N_("its records are in the register: 'armtrace weapon list --business NAME'"),
        )
    if found["status"] == ClosureStatus.CLOSING.value:
        raise Conflict(
            N_("the records of %(business)r were taken in already; its closure waits for explanations",
               business=found["name"]),
            hint=N_("see the differences with 'armtrace business show NAME' and explain each"),
        )  # fmt: skip


def _refuse_invalid(name: str, load: LoadResult) -> None:
    """Records pass to the State complete: one invalid record and nothing is taken (the unit of work rolls back)."""
    if load.rejected:
        raise RuleViolation(
            N_(
                "%(invalid)s of %(read)s records of %(business)r are invalid: nothing was taken over",
                invalid=len(load.rejected),
                read=load.read,
                business=name,
            ),
            rule="ITI, section on record-keeping: records pass to the State complete",
            problems=[
                Problem(
                    f"record {r.index + 1}", r.detail + ("; " + "; ".join(map(str, r.problems)) if r.problems else "")
                )
                for r in load.rejected[:20]
            ],
            hint=N_("correct those records in the file and run the closure again"),
        )


def _books(prepared: Sequence[object]) -> list[InBooks]:
    return [
        InBooks(p.key, p.row["holder"], str(p.row["status"]))  # type: ignore[arg-type]
        for p in prepared
        if isinstance(p, Prepared)
    ]


def _known(uow: UnitOfWork, load: LoadResult) -> dict[tuple[str, str, str], OnRecord]:
    """The books' weapons the registry had already, by identity, as it holds them."""
    ids = {wid for _, wid in load.duplicates if wid > 0}
    return {w.identity: w for w in uow.closures.on_record(ids) if w.identity is not None}


def _complete(uow: UnitOfWork, business_id: int, closed_on: object, why: str | None) -> None:
    values = {"status": ClosureStatus.CLOSED.value, "closed_on": closed_on}
    uow.businesses.update(business_id, values, "registry:business:close", why)


@dataclass(frozen=True)
class ExplainDifference:
    """Explain why a weapon on record and a closing business's books differ (e.g. 'sold to X under permit P')."""

    business: str
    weapon_id: int
    why: str


def _open_difference(cmd: ExplainDifference, uow: UnitOfWork) -> tuple[dict[str, object], dict[str, object]]:
    """The business, closing, and its difference on this weapon, not yet explained; else why not."""
    found = uow.businesses.by_name(cmd.business)
    if found is None:
        raise NotFound(
            N_("no business named %(business)r is recorded", business=cmd.business),
            hint=N_("closures pending are listed on /businesses"),
        )
    business_id = int(found["id"])  # type: ignore[call-overload]
    difference = uow.closures.difference(business_id, cmd.weapon_id)
    if difference is None:
        raise NotFound(
            N_("%(business)r has no difference on weapon #%(weapon)s", business=found["name"], weapon=cmd.weapon_id),
            hint=N_("see its differences with 'armtrace business show NAME'"),
        )
    if difference["explained_at"] is not None:
        raise Conflict(
            N_("the difference on weapon #%(weapon)s was explained already", weapon=cmd.weapon_id),
            hint=N_("see the explanation with 'armtrace business show NAME'"),
        )
    return found, difference


def _check_explanation(cmd: ExplainDifference, uow: UnitOfWork, clock: Clock) -> None:
    """Refuse now an explanation that would be refused when approved, or one that repeats a waiting one."""
    if not cmd.why.strip():
        raise RuleViolation(
            N_("an explanation says what became of the weapon"),
            rule=RULE,
            hint=N_("e.g. 'sold to X under permit P, permit on file'"),
        )
    with uow:
        _open_difference(cmd, uow)
        waiting = [a for a in approvals(uow.conn, subject=f"weapon:{cmd.weapon_id}")
                   if a.act == Act.EXPLAIN_DIFFERENCE.value]  # fmt: skip
    if waiting:
        raise Conflict(
            N_("an explanation of weapon #%(weapon)s waits for approval #%(approval)s already",
               weapon=cmd.weapon_id, approval=waiting[0].id),
            hint=N_("a second person approves or rejects it: 'armtrace approval list'"),
        )  # fmt: skip


EXPLAIN = Gate(
    Act.EXPLAIN_DIFFERENCE,
    needs=lambda cmd, uow: True,  # every explanation: it is what lets a closure complete
    prepare=_check_explanation,
    payload=asdict,
    summary=lambda c: f"explain the difference on weapon #{c.weapon_id} of closing business {c.business!r}: {c.why}",
    subject=lambda c: f"weapon:{c.weapon_id}",
)


@use_case("registry.record", gate=EXPLAIN)
def explain_difference(cmd: ExplainDifference, uow: UnitOfWork, clock: Clock, approval: int | None = None) -> Handled:
    """Record an approved explanation of a difference; the last one closes the business."""
    with uow:
        business, _ = _open_difference(cmd, uow)
        assert approval is not None, "the gate asks for every explanation to be approved"
        asked = uow.approvals.get(approval)
        assert asked is not None  # the door checked it
        business_id = int(business["id"])  # type: ignore[call-overload]
        uow.closures.explain(business_id, cmd.weapon_id, cmd.why.strip(), asked["requested_by"], clock.now(), approval)
        closed = uow.closures.unexplained(business_id) == 0 and business["status"] == ClosureStatus.CLOSING.value
        if closed:
            _complete(uow, business_id, business["closing_on"], N_("every difference explained and approved"))
        uow.commit()
    return Handled(True, result=ClosureStatus.CLOSED if closed else ClosureStatus.CLOSING)


@use_case("registry.record")
def show_business(name: str, uow: UnitOfWork) -> BusinessDetail:
    """A business with its closure: the books' reconciliation and each difference, explained or waiting."""
    with uow:
        return business_detail(uow.conn, name)


@use_case("registry.record")
def pending(uow: UnitOfWork) -> list[BusinessDetail]:
    """Closures waiting for explanations, with their differences."""
    with uow:
        return pending_closures(uow.conn)
