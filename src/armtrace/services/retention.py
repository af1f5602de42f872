"""Archiving and removing records whose retention has run out (ITI, section on record-keeping).

Purging is refused before a record's date and while the weapon is on the territory. When
allowed, the weapon's rows and events are first written to an archive file (JSON Lines,
fsynced, its SHA-256 kept), then removed in one transaction that keeps each removed
event's hashes, so the chain still verifies and the archive can be checked against it.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from armtrace.domain.actors import Clock
from armtrace.domain.approvals import Act
from armtrace.domain.errors import N_, NotFound, RuleViolation
from armtrace.domain.lifecycle import replay, to_payload, utc_text
from armtrace.domain.retention import check_purge
from armtrace.services.door import Gate, Handled, use_case
from armtrace.services.registry import _load_history
from armtrace.store.uow import Change, UnitOfWork


@dataclass(frozen=True)
class PurgeRecords:
    """Archive and remove these weapons' records; `why` names the decision."""

    weapon_ids: tuple[int, ...]
    why: str
    archive_dir: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "weapon_ids", tuple(dict.fromkeys(self.weapon_ids)))  # each weapon once


@dataclass(frozen=True)
class Purged:
    archive: Path
    sha256: str
    weapons: int
    events: int


@use_case("registry.purge")
def due(uow: UnitOfWork, clock: Clock, limit: int = 10_000) -> list[int]:
    """Weapons past their retention date that have left the territory (destroyed or exported)."""
    with uow:
        return uow.retention.due(clock.now().date(), limit)


def _check_purgeable(cmd: PurgeRecords, uow: UnitOfWork, clock: Clock) -> None:
    """Refuse now a purge that would be refused when carried out: one that waits for approval must be due."""
    _check_reason(cmd)
    with uow:
        for wid in cmd.weapon_ids:
            _purgeable(uow, wid, clock.now().date())


def _summary(cmd: PurgeRecords) -> str:
    ids = cmd.weapon_ids
    named = ", ".join(f"#{i}" for i in ids[:20]) + (f" and {len(ids) - 20} more" if len(ids) > 20 else "")
    return f"archive to {cmd.archive_dir}, then remove, the records of {len(ids)} weapon(s) ({named}): {cmd.why}"


PURGE = Gate(
    Act.PURGE,
    needs=lambda cmd, uow: True,  # destroying records always needs two people
    prepare=_check_purgeable,
    payload=lambda c: {"weapon_ids": list(c.weapon_ids), "why": c.why, "archive_dir": str(c.archive_dir)},
    summary=_summary,
    subject=lambda c: f"{len(c.weapon_ids)} weapons",
)


@use_case("registry.purge", gate=PURGE)
def purge(cmd: PurgeRecords, uow: UnitOfWork, clock: Clock, approval: int | None = None) -> Handled:
    """Archive first, then remove: nothing is dropped silently, nothing before its date, and never by
    one person (the two-person rule); the result is the archive written."""
    _check_reason(cmd)
    now = clock.now()
    with uow:
        uow.events.lock_head()
        bundle = []
        for wid in cmd.weapon_ids:
            row = _purgeable(uow, wid, now.date())
            bundle.append((wid, row, uow.retention.marks_of(wid), uow.events.of_weapon(wid)))
        path, digest = _write_archive(cmd.archive_dir, now, bundle)
        archive_id = uow.retention.add_archive(
            {
                "created_at": now,
                "created_by": uow.actor.id,
                "path": str(path),
                "sha256": digest,
                "weapons": len(bundle),
                "events": sum(len(b[3]) for b in bundle),
            }
        )
        tombstones = [
            {"seq": e.seq, "weapon_id": e.weapon_id, "prev_hash": e.prev_hash, "hash": e.hash, "archive_id": archive_id}
            for b in bundle
            for e in b[3]
        ]
        uow.retention.keep_tombstones(tombstones)
        for wid, row, _, _ in bundle:
            uow.weapons.delete(wid)
            uow.note(
                Change(
                    "registry:weapon:purge",
                    "weapon",
                    str(wid),
                    _plain(row),
                    {"archive": str(path), "sha256": digest},
                    cmd.why,
                )
            )
        uow.commit()
    return Handled(True, result=Purged(path, digest, len(bundle), len(tombstones)))


def _check_reason(cmd: PurgeRecords) -> None:
    if not cmd.why.strip():
        raise RuleViolation("a purge needs its reason", hint=N_("cite the decision under which records are archived"))
    if not cmd.weapon_ids:
        raise RuleViolation("no weapon was named", hint=N_("name the weapons, or use --expired"))


def _purgeable(uow: UnitOfWork, weapon_id: int, today: date) -> dict[str, object]:
    """The weapon's row, if its records may be destroyed today; else refused with the date they are kept to."""
    row = uow.weapons.row(weapon_id)
    if row is None:
        raise NotFound(N_("there is no weapon #%(weapon)s", weapon=weapon_id))
    check_purge(replay(_load_history(uow, weapon_id)), row["retain_until"], today)  # type: ignore[arg-type]
    return row


def _write_archive(folder: Path, now: object, bundle: list) -> tuple[Path, str]:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"armtrace-archive-{utc_text(now).replace(':', '')}.jsonl"  # type: ignore[arg-type]
    h = hashlib.sha256()
    with open(path, "xb") as f:
        for wid, row, marks, stored in bundle:
            line = (
                json.dumps(
                    {
                        "weapon_id": wid,
                        "weapon": _plain(row),
                        "marks": [_plain(m) for m in marks],
                        "events": [
                            {
                                "seq": e.seq,
                                "recorded_at": utc_text(e.recorded_at),
                                "recorded_by": e.recorded_by,
                                "payload": to_payload(e.facts),
                                "prev_hash": e.prev_hash,
                                "hash": e.hash,
                            }
                            for e in stored
                        ],
                    },
                    sort_keys=True,
                    ensure_ascii=False,
                ).encode("utf-8")
                + b"\n"
            )
            h.update(line)
            f.write(line)
        f.flush()
        os.fsync(f.fileno())
    return path, h.hexdigest()


def _plain(row: dict[str, object]) -> dict[str, object]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items()}
