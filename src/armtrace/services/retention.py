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

import sqlalchemy as sa

from armtrace.domain.actors import Clock
from armtrace.domain.errors import N_, NotFound, RuleViolation
from armtrace.domain.lifecycle import replay, to_payload, utc_text
from armtrace.domain.retention import check_purge
from armtrace.services.registry import load_history
from armtrace.store import tables as t
from armtrace.store.uow import Change, UnitOfWork


@dataclass(frozen=True)
class PurgeRecords:
    """Archive and remove these weapons' records; `why` names the decision."""

    weapon_ids: tuple[int, ...]
    why: str
    archive_dir: Path


@dataclass(frozen=True)
class Purged:
    archive: Path
    sha256: str
    weapons: int
    events: int


def eligible(uow: UnitOfWork, today: date, limit: int = 10_000) -> list[int]:
    """Weapons past their retention date that have left the territory (destroyed or exported)."""
    c = t.weapons.c
    with uow:
        return list(
            uow.conn.execute(
                sa.select(c.id)
                .where(c.retain_until <= today, c.status.in_(("destroyed", "exported")))
                .order_by(c.id)
                .limit(limit)
            ).scalars()
        )


def check_purgeable(cmd: PurgeRecords, uow: UnitOfWork, clock: Clock) -> None:
    """Refuse now a purge that would be refused when carried out: one that waits for approval must be due."""
    _check_reason(cmd)
    with uow:
        for wid in cmd.weapon_ids:
            _purgeable(uow, wid, clock.now().date())


def purge(cmd: PurgeRecords, uow: UnitOfWork, clock: Clock) -> Purged:
    """Archive first, then remove: nothing is dropped silently, nothing before its date."""
    _check_reason(cmd)
    now = clock.now()
    with uow:
        uow.events.lock_head()
        bundle = []
        for wid in cmd.weapon_ids:
            row = _purgeable(uow, wid, now.date())
            stored = uow.events.of_weapon(wid)
            marks = [dict(r._mapping) for r in uow.conn.execute(sa.select(t.marks).where(t.marks.c.weapon_id == wid))]
            bundle.append((wid, row, marks, stored))
        path, digest = _write_archive(cmd.archive_dir, now, bundle)
        archive_id = uow.conn.execute(
            t.archives.insert().returning(t.archives.c.id),
            {
                "created_at": now,
                "created_by": uow.actor.id,
                "path": str(path),
                "sha256": digest,
                "weapons": len(bundle),
                "events": sum(len(b[3]) for b in bundle),
            },
        ).scalar_one()
        tombstones = [
            {"seq": e.seq, "weapon_id": e.weapon_id, "prev_hash": e.prev_hash, "hash": e.hash, "archive_id": archive_id}
            for b in bundle
            for e in b[3]
        ]
        uow.conn.execute(t.archived_events.insert(), tombstones)
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
    return Purged(path, digest, len(bundle), len(tombstones))


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
    check_purge(replay(load_history(uow, weapon_id)), row["retain_until"], today)  # type: ignore[arg-type]
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
