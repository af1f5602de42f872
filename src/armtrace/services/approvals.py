"""The two-person rule: sensitive acts wait for a second authorized user, then are carried out.

An officer's trace answer that sends registry data abroad, a correction that changes a
weapon's holder, and the destruction of records after retention are not done at once:
they are kept as an approval with the command to carry out. A second user, holding the
act's own permission, approves (and the act is carried out, in the approver's name, the
change log naming who asked) or rejects it with a reason. The decision is committed
first, so an approval is never carried out twice; an act refused when carried out (the
request moved on meanwhile) leaves the approval 'failed' with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from armtrace.domain.accounts import Principal
from armtrace.domain.actors import Actor, Clock
from armtrace.domain.approvals import Act, Status, changes_holder, check_approver, discloses
from armtrace.domain.errors import N_, ArmtraceError, Conflict, NotFound
from armtrace.domain.retention import RetentionPolicy
from armtrace.domain.tracing import Answer, FailureReason, Outcome, Restriction
from armtrace.services import registry, retention, tracing
from armtrace.store.uow import UnitOfWork

UowFor = Callable[[Actor], UnitOfWork]


@dataclass(frozen=True)
class Handled:
    """What became of an act: done at once, or waiting for approval `approval_id`."""

    done: bool
    approval_id: int | None = None


def ask(act: Act, payload: dict[str, Any], summary: str, subject: str, uow: UnitOfWork, clock: Clock) -> int:
    """Keep an act for a second person's approval; returns the approval's number."""
    with uow:
        approval_id = uow.approvals.add(
            {
                "act": act.value,
                "payload": json.dumps(payload, sort_keys=True, ensure_ascii=False),
                "summary": summary,
                "subject": subject,
                "status": Status.PENDING.value,
                "requested_by": uow.actor.id,
                "requested_at": clock.now(),
            }
        )
        uow.commit()
        return approval_id


def answer_or_ask(cmd: tracing.AnswerRequest, uow: UnitOfWork, clock: Clock) -> Handled:
    """Answer a request at once, unless the answer sends registry data abroad: that waits for approval."""
    answer = Answer(
        Outcome(cmd.outcome) if cmd.outcome in set(Outcome) else Outcome.NOT_TRACED,
        Restriction(cmd.restriction) if cmd.restriction in set(Restriction) else None,
        FailureReason(cmd.failure) if cmd.failure in set(FailureReason) else None,
        cmd.facts,
        cmd.next_country,
    )
    if cmd.outcome not in set(Outcome) or not discloses(answer):  # an unknown outcome is refused by answer()
        tracing.answer(cmd, uow, clock)
        return Handled(True)
    tracing.check_answerable(cmd, uow)  # refuse now what would fail later: a bad answer never waits
    summary = f"answer request {cmd.request_id} as {cmd.outcome}, disclosing:\n" + "\n".join(cmd.facts)
    payload = {**asdict(cmd), "facts": list(cmd.facts)}
    return Handled(False, ask(Act.DISCLOSE, payload, summary, cmd.request_id, uow, clock))


def correct_or_ask(cmd: registry.CorrectEvent, uow: UnitOfWork, clock: Clock, policy: RetentionPolicy) -> Handled:
    """Correct an event at once, unless the correction changes who holds the weapon."""
    registry.check_correction(cmd, uow, clock)  # refuse now what would fail later: a bad correction never waits
    voided_holder = None
    if cmd.void:
        with uow:
            history = dict(registry.load_history(uow, cmd.weapon_id))
        voided_holder = history[cmd.corrects].holder
    if not changes_holder(cmd.changes, cmd.void, voided_holder):
        registry.correct_event(cmd, uow, clock, policy)
        return Handled(True)
    summary = f"correct event #{cmd.corrects} of weapon #{cmd.weapon_id}: {cmd.changes} — {cmd.why}"
    return Handled(False, ask(Act.CORRECT_HOLDER, asdict(cmd), summary, f"weapon:{cmd.weapon_id}", uow, clock))


def ask_purge(cmd: retention.PurgeRecords, uow: UnitOfWork, clock: Clock) -> Handled:
    """Destroying records always waits for a second person; records not yet due are refused at once."""
    ids = tuple(dict.fromkeys(cmd.weapon_ids))  # each weapon once
    retention.check_purgeable(retention.PurgeRecords(ids, cmd.why, cmd.archive_dir), uow, clock)
    named = ", ".join(f"#{i}" for i in ids[:20]) + (f" and {len(ids) - 20} more" if len(ids) > 20 else "")
    summary = f"archive to {cmd.archive_dir}, then remove, the records of {len(ids)} weapon(s) ({named}): {cmd.why}"
    payload = {"weapon_ids": list(ids), "why": cmd.why, "archive_dir": str(cmd.archive_dir)}
    return Handled(False, ask(Act.PURGE, payload, summary, f"{len(ids)} weapons", uow, clock))


def decide(
    approval_id: int,
    approve: bool,
    note: str | None,
    who: Principal,
    uow_for: UowFor,
    clock: Clock,
    policy: RetentionPolicy,
) -> str:
    """Approve (and carry out) or reject a waiting act; returns the approval's status after it."""
    with uow_for(who.actor) as uow:
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
        _carry_out(act, json.loads(found["payload"]), uow_for(who.actor), clock, policy)
    except Exception as exc:  # whatever stopped it, the approval must not say it was carried out
        reason = str(exc) if isinstance(exc, ArmtraceError) else f"{type(exc).__name__}: {exc}"
        with uow_for(who.actor) as uow:
            uow.approvals.decide(approval_id, Status.FAILED.value, who.actor.id, clock.now(), reason[:2000])
            uow.commit()
        raise
    return status.value


def _carry_out(act: Act, payload: dict[str, Any], uow: UnitOfWork, clock: Clock, policy: RetentionPolicy) -> None:
    if act is Act.DISCLOSE:
        tracing.answer(tracing.AnswerRequest(**{**payload, "facts": tuple(payload["facts"])}), uow, clock)
    elif act is Act.CORRECT_HOLDER:
        registry.correct_event(registry.CorrectEvent(**payload), uow, clock, policy)
    else:
        cmd = retention.PurgeRecords(tuple(payload["weapon_ids"]), payload["why"], Path(payload["archive_dir"]))
        retention.purge(cmd, uow, clock)
