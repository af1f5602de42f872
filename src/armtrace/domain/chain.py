"""The hash chain over the node's whole event log (DESIGN.md, "Event").

Each event stores the SHA-256 of the event before it and its own, computed over a
canonical encoding (sorted keys, no spaces, UTF-8). One chain covers every weapon, so
deleting a weapon's entire history breaks it as surely as editing one event.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from armtrace.domain.errors import N_

GENESIS = "0" * 64


def canonical(value: object) -> bytes:
    """Deterministic bytes for a JSON value: the same facts always hash the same."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class Link:
    """What the chain covers of one event."""

    seq: int
    weapon_id: int
    recorded_at: str
    recorded_by: str
    payload: dict[str, object]

    def body(self) -> dict[str, object]:
        return {
            "seq": self.seq,
            "weapon_id": self.weapon_id,
            "recorded_at": self.recorded_at,
            "recorded_by": self.recorded_by,
            "payload": self.payload,
        }


def link_hash(prev_hash: str, link: Link, payload_json: bytes | None = None) -> str:
    """The hash of an event: its predecessor's hash, then its canonical body.

    `payload_json`, when given, is canonical(link.payload) already computed (bulk loads store
    it too); the body is then assembled around it, byte for byte what canonical() gives.
    """
    h = hashlib.sha256(prev_hash.encode("ascii"))
    h.update(b"\n")
    if payload_json is None:
        h.update(canonical(link.body()))
    else:
        h.update(
            b'{"payload":'
            + payload_json
            + b',"recorded_at":'
            + canonical(link.recorded_at)
            + b',"recorded_by":'
            + canonical(link.recorded_by)
            + b',"seq":'
            + str(link.seq).encode()
            + b',"weapon_id":'
            + str(link.weapon_id).encode()
            + b"}"
        )
    return h.hexdigest()


@dataclass(frozen=True)
class Break:
    """The first place where the stored chain disagrees with a recomputation."""

    seq: int
    reason: str


def check_link(expected_seq: int, prev_hash: str, link: Link, stored_prev: str, stored_hash: str) -> Break | None:
    """Compare one stored event with what the chain says it must be."""
    if link.seq != expected_seq:
        if link.seq > expected_seq:
            return Break(
                expected_seq,
                N_("event #%(seq)s is missing (the next stored is #%(next)s)", seq=expected_seq, next=link.seq),
            )
        return Break(
            link.seq, N_("event #%(seq)s is out of order (expected #%(expected)s)", seq=link.seq, expected=expected_seq)
        )
    if stored_prev != prev_hash:
        return Break(
            link.seq,
            N_(
                "event #%(seq)s does not follow the event before it "
                "(its previous-hash differs: an event was removed, inserted or reordered)",
                seq=link.seq,
            ),
        )
    if link_hash(prev_hash, link) != stored_hash:
        return Break(
            link.seq,
            N_("event #%(seq)s was altered after it was recorded (its hash does not match)", seq=link.seq),
        )
    return None


CHANGE_FIELDS = ("at", "actor", "actor_name", "run_id", "action", "object_type", "object_id", "before", "after",
                 "reason")  # fmt: skip


def change_hash(prev_hash: str, line: dict[str, object]) -> str:
    """The hash of one change-log line: its predecessor's hash, then its canonical content. The change log
    is chained like the events, so a line edited, removed or inserted by hand is named by `verify`."""
    h = hashlib.sha256(prev_hash.encode("ascii"))
    h.update(b"\n")
    h.update(canonical({k: line.get(k) for k in CHANGE_FIELDS}))
    return h.hexdigest()
