"""The two-person rule: sensitive acts wait for a second authorized user, then are carried out.

An officer's trace answer that sends registry data abroad, a correction that changes a
weapon's holder, the explanation of a closing business's difference, and the destruction
of records after retention are not done at once:
they are kept as an approval with the command to carry out. A second user, holding the
act's own permission, approves (and the act is carried out, in the approver's name, the
change log naming who asked) or rejects it with a reason. The decision is committed
first, so an approval is never carried out twice; an act refused when carried out (the
request moved on meanwhile) leaves the approval 'failed' with the reason.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from armtrace.domain.actors import Clock
from armtrace.domain.approvals import Act, Status, check_approver
from armtrace.domain.errors import N_, ArmtraceError, Conflict, NotFound
from armtrace.domain.retention import RetentionPolicy
from armtrace.queries.approvals import ApprovalRow, approvals
from armtrace.services import closures, registry, retention, tracing
from armtrace.services.door import use_case
from armtrace.store.uow import UnitOfWork


@use_case("approvals.decide")
def waiting(uow: UnitOfWork, status: str | None = "pending", subject: str | None = None) -> list[ApprovalRow]:
    """Acts waiting for a second person (or, with status None, every act asked for and its decision)."""
    with uow:
        return approvals(uow.conn, status=status, subject=subject)


@use_case("approvals.decide")
def decide(
    approval_id: int, approve: bool, note: str | None, uow: UnitOfWork, clock: Clock, policy: RetentionPolicy
) -> str:
    """Approve (and carry out) or reject a waiting act; returns the approval's status after it."""
    who = uow.principal
    with uow:
        found = uow.approvals.get(approval_id, lock=True)
        if found is None:
            raise NotFound(
                N_("there is no approval #%(approval)s", approval=approval_id),
                hint=N_("see what waits with 'armtrace approval list' or GET /api/v1/approvals"),
            )
        if found["status"] != Status.PENDING.value:
            raise Conflict(
                N_(
                    "approval #%(approval)s was decided already: %(status)s by %(user)s",
                    approval=approval_id,
                    status=N_(found["status"]),
                    user=found["decided_by"],
                )
            )
        act = Act(found["act"])
        check_approver(act, found["requested_by"], who)
        if not approve and not (note or "").strip():
            raise Conflict("a rejection says why", hint=N_("give the reason; the one who asked reads it"))
        status = Status.APPROVED if approve else Status.REJECTED
        uow.approvals.decide(approval_id, status.value, who.actor.id, clock.now(), note)
        uow.commit()
    if not approve:
        return status.value
    try:
        _carry_out(act, approval_id, json.loads(found["payload"]), uow, clock, policy)
    except Exception as exc:  # whatever stopped it, the approval must not say it was carried out
        reason = str(exc) if isinstance(exc, ArmtraceError) else f"{type(exc).__name__}: {exc}"
        with uow:
            uow.approvals.decide(approval_id, Status.FAILED.value, who.actor.id, clock.now(), reason[:2000])
            uow.commit()
        raise
    return status.value


def _carry_out(
    act: Act, approval_id: int, payload: dict[str, Any], uow: UnitOfWork, clock: Clock, policy: RetentionPolicy
) -> None:
    """The act, carried out by its use case under the approval (which checks it and marks it used)."""
    if act is Act.DISCLOSE:
        cmd = tracing.AnswerRequest(**{**payload, "facts": tuple(payload["facts"])})
        tracing.answer(cmd, uow, clock, approval=approval_id)
    elif act is Act.CORRECT_HOLDER:
        registry.correct_event(registry.CorrectEvent(**payload), uow, clock, policy, approval=approval_id)
    elif act is Act.EXPLAIN_DIFFERENCE:
        closures.explain_difference(closures.ExplainDifference(**payload), uow, clock, approval=approval_id)
    else:
        purge = retention.PurgeRecords(tuple(payload["weapon_ids"]), payload["why"], Path(payload["archive_dir"]))
        retention.purge(purge, uow, clock, approval=approval_id)
