"""The one door: every use case declares who may use it, what it writes to the access log, and
whether it waits for a second person, and the declaration is enforced here, inside the service.

An entry point (a route, a page, a command, a scheduled job) builds a unit of work for the
principal it has authenticated and calls the use case; it cannot skip the checks, because
they run in the use case itself (DESIGN.md, "One door"). `DOORS` lists every declaration,
so a test can call each use case as every role and prove it refuses the others.

A gated use case (the two-person rule) is given the approval it is carried out under. Asked
without one, it checks that the act could be carried out, keeps it for a second person and
returns `Handled(done=False, approval_id=...)`; given one, it checks that the approval is
approved, is for this very act, was decided by the one carrying it out, and has not served
before, and the unit of work marks it carried out in the act's own transaction.
"""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from armtrace.domain.actors import Clock
from armtrace.domain.approvals import RULE, Act, Status
from armtrace.domain.errors import N_, NotFound, NotPermitted
from armtrace.store.uow import UnitOfWork

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Handled:
    """What became of an act held to the two-person rule: done at once, or waiting for approval `approval_id`."""

    done: bool
    approval_id: int | None = None
    result: Any = None  # what the act returns, when it was done


@dataclass(frozen=True)
class Gate:
    """How an act is held for a second person: when it is, what is kept, and what the approver reads."""

    act: Act
    needs: Callable[[Any, UnitOfWork], bool]  # whether this call waits (e.g. the answer discloses records)
    prepare: Callable[[Any, UnitOfWork, Clock], None]  # refuse now what would be refused when carried out
    payload: Callable[[Any], dict[str, Any]]  # the command, as kept and compared when carried out
    summary: Callable[[Any], str]
    subject: Callable[[Any], str]


@dataclass(frozen=True)
class Door:
    name: str  # module.function
    permission: str | None  # None: a public use case (`public_because` says why)
    access: str | None = None  # the access-log action, for reads that reveal holders or search the registry
    gate: Gate | None = None
    public_because: str | None = None


DOORS: dict[str, Door] = {}


def use_case(
    permission: str, *, access: str | None = None, gate: Gate | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare a use case: the permission it needs, its access-log action, its two-person gate."""
    return lambda fn: _guarded(fn, permission, access, gate, None)


def public(because: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare a use case anyone may call (signing in, what peers must read to trust this node), and why."""
    return lambda fn: _guarded(fn, None, None, None, because)


def _guarded(
    fn: Callable[P, R], permission: str | None, access: str | None, gate: Gate | None, because: str | None
) -> Callable[P, R]:
    door = Door(f"{fn.__module__.removeprefix('armtrace.services.')}.{fn.__name__}", permission, access, gate, because)
    signature = inspect.signature(fn)
    if "uow" not in signature.parameters:
        raise TypeError(f"{door.name}: a use case takes the unit of work as 'uow'")
    if gate is not None and "approval" not in signature.parameters:
        raise TypeError(f"{door.name}: a gated use case takes 'approval'")

    @functools.wraps(fn)
    def through_the_door(*args: P.args, **kwargs: P.kwargs) -> R:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        uow: UnitOfWork = bound.arguments["uow"]
        if permission is not None:
            uow.principal.require(permission)
        if gate is not None:
            command = next(iter(bound.arguments.values()))
            approval = bound.arguments["approval"]
            if approval is None:
                if gate.needs(command, uow):
                    gate.prepare(command, uow, bound.arguments["clock"])
                    return _ask(gate, command, uow, bound.arguments["clock"])  # type: ignore[return-value]
            else:
                _check_approval(gate, approval, command, uow)
                uow.carrying = approval
        uow.access_action = access
        try:
            return fn(*bound.args, **bound.kwargs)
        finally:
            uow.access_action = None
            uow.carrying = None

    through_the_door.__door__ = door  # type: ignore[attr-defined]
    DOORS[door.name] = door
    return through_the_door


def door_of(fn: Callable[..., Any]) -> Door | None:
    return getattr(fn, "__door__", None)


def _ask(gate: Gate, command: Any, uow: UnitOfWork, clock: Clock) -> Handled:
    """Keep the act for a second person's approval."""
    with uow:
        approval_id = uow.approvals.add(
            {
                "act": gate.act.value,
                "payload": _kept(gate.payload(command)),
                "summary": gate.summary(command),
                "subject": gate.subject(command),
                "status": Status.PENDING.value,
                "requested_by": uow.actor.id,
                "requested_at": clock.now(),
            }
        )
        uow.commit()
    return Handled(False, approval_id)


def _check_approval(gate: Gate, approval_id: int, command: Any, uow: UnitOfWork) -> None:
    """The approval must be approved, for this act and command, by the one carrying it out, and unused."""
    with uow:
        found = uow.approvals.get(approval_id)
    if found is None:
        raise NotFound(N_("there is no approval #%(approval)s", approval=approval_id))
    fits = (
        found["status"] == Status.APPROVED.value
        and found["act"] == gate.act.value
        and found["decided_by"] == uow.actor.id
        and found["carried_out_at"] is None
        and json.loads(found["payload"]) == json.loads(_kept(gate.payload(command)))
    )
    if not fits:
        raise NotPermitted(
            N_("approval #%(approval)s does not carry this act", approval=approval_id),
            rule=RULE,
            hint=N_("an act is carried out only as it was approved, by its approver, once"),
        )


def _kept(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
