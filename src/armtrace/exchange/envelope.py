"""Signed envelopes between national nodes (DESIGN.md, "Nodes and exchange").

Every message is a JSON envelope: id, type, sender, recipient, time of creation, time of
sending, body, and an Ed25519 signature over the canonical encoding of all of these. A
node accepts an envelope only if it is signed by the key it holds for that sender,
addressed to itself, sent within the allowed clock skew, and not seen before. A message
held in an outbox while its peer was down is signed again when it is finally sent: its
id and creation time stay, so it is still applied once. Anything else is refused
whole, with the reason, and nothing of it is applied.
"""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from armtrace.domain.chain import canonical
from armtrace.domain.errors import N_, NotPermitted, Problem, RuleViolation, TooLarge
from armtrace.domain.lifecycle import parse_utc, utc_text

CLOCK_SKEW = timedelta(minutes=10)
FIELDS = ("id", "type", "sender", "recipient", "created_at", "sent_at", "body")


class EnvelopeRefused(NotPermitted):
    """An envelope this node will not apply; `reason` says why in one word."""

    code = "envelope_refused"
    title = "Envelope refused"

    def __init__(
        self, reason: str, detail: str, hint: str | None = None, problems: list[Problem] | None = None
    ) -> None:
        super().__init__(
            detail, rule="DESIGN.md: nodes and exchange", hint=hint, problems=problems or (), extra={"reason": reason}
        )
        self.reason = reason


class EnvelopeTooLarge(TooLarge, EnvelopeRefused):
    """An envelope over the node's size limit, refused before it is read whole (HTTP 413)."""

    code = "envelope_refused"
    title = "Envelope refused"


@dataclass(frozen=True)
class Envelope:
    id: str
    type: str
    sender: str
    recipient: str
    created_at: datetime
    body: dict[str, Any]
    signature: str = ""
    sent_at: datetime | None = None  # when this copy was signed and sent; the creation time otherwise

    def signed_part(self) -> bytes:
        """The canonical bytes the signature covers: every field but the signature itself."""
        return canonical({k: v for k, v in self.to_json().items() if k != "signature"})

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "sender": self.sender,
            "recipient": self.recipient,
            "created_at": utc_text(self.created_at),
            "sent_at": utc_text(self.sent_at or self.created_at),
            "body": self.body,
            "signature": self.signature,
        }

    @classmethod
    def from_json(cls, data: object) -> Envelope:
        if not isinstance(data, Mapping):
            raise EnvelopeRefused("malformed", N_("an envelope must be a JSON object"))
        missing = [f for f in (*FIELDS, "signature") if f not in data]
        if missing:
            reason = "unsigned" if missing == ["signature"] else "malformed"
            raise EnvelopeRefused(reason, N_("the envelope lacks: %(fields)s", fields=", ".join(missing)))
        if not isinstance(data["body"], Mapping) or not all(isinstance(data[f], str) for f in FIELDS[:6]):
            raise EnvelopeRefused("malformed", N_("the envelope's fields have the wrong types"))
        try:
            created, sent = parse_utc(str(data["created_at"])), parse_utc(str(data["sent_at"]))
        except ValueError:
            raise EnvelopeRefused("malformed", N_("created_at or sent_at is not a time")) from None
        return cls(
            str(data["id"]),
            str(data["type"]),
            str(data["sender"]),
            str(data["recipient"]),
            created,
            dict(data["body"]),
            str(data["signature"] or ""),
            sent,
        )


def new_envelope(
    kind: str, sender: str, recipient: str, body: dict[str, Any], now: datetime, key: Ed25519PrivateKey
) -> Envelope:
    return signed(Envelope(str(uuid.uuid4()), kind, sender, recipient, now, body), now, key)


def signed(envelope: Envelope, now: datetime, key: Ed25519PrivateKey) -> Envelope:
    """The envelope signed for sending now: same id and creation time, a fresh sending time."""
    copy = replace(envelope, sent_at=now, signature="")
    return replace(copy, signature=base64.b64encode(key.sign(copy.signed_part())).decode("ascii"))


def check(
    envelope: Envelope,
    *,
    me: str,
    keys: Mapping[str, str],
    now: datetime,
    seen: Callable[[str], bool],
    skew: timedelta = CLOCK_SKEW,
) -> None:
    """Refuse an envelope not signed by its sender's known key, not for this node, stale, or replayed."""
    if not envelope.signature:
        raise EnvelopeRefused("unsigned", N_("envelope %(envelope)s is not signed", envelope=envelope.id))
    if envelope.recipient != me:
        raise EnvelopeRefused(
            "wrong_recipient",
            N_(
                "envelope %(envelope)s is addressed to %(recipient)s, not to this node (%(node)s)",
                envelope=envelope.id,
                recipient=envelope.recipient,
                node=me,
            ),
        )
    public = keys.get(envelope.sender)
    if public is None:
        raise EnvelopeRefused(
            "unknown_sender",
            N_("no key is held for the sender %(sender)r", sender=envelope.sender),
            hint=N_("register the peer and its public key with 'armtrace peer add'"),
        )
    try:
        signature = base64.b64decode(envelope.signature, validate=True)
        public_key(public).verify(signature, envelope.signed_part())
    except (InvalidSignature, ValueError):
        raise EnvelopeRefused(
            "bad_signature",
            N_(
                "envelope %(envelope)s does not match its signature: it was altered, or signed by another key",
                envelope=envelope.id,
            ),
        ) from None
    sent = envelope.sent_at or envelope.created_at
    if abs(now - sent) > skew:
        raise EnvelopeRefused(
            "clock_skew",
            N_(
                "envelope %(envelope)s was sent at %(time)s, outside %(minutes)s minutes of this node's clock",
                envelope=envelope.id,
                time=utc_text(sent),
                minutes=int(skew.total_seconds() // 60),
            ),
        )
    if seen(envelope.id):
        raise EnvelopeRefused("replay", N_("envelope %(envelope)s was received already", envelope=envelope.id))


def signed_by(envelope: Envelope, public: str) -> bool:
    """Whether the envelope carries a valid signature by this key, however old (a receipt kept for years)."""
    try:
        public_key(public).verify(base64.b64decode(envelope.signature, validate=True), envelope.signed_part())
    except (InvalidSignature, ValueError, RuleViolation):
        return False
    return True


def public_key(text: str) -> Ed25519PublicKey:
    """A public key from its base64 raw form (32 bytes)."""
    raw = base64.b64decode(text, validate=True)
    if len(raw) != 32:
        raise RuleViolation("a public key is 32 bytes, base64-encoded", hint=N_("copy it from 'armtrace node show'"))
    return Ed25519PublicKey.from_public_bytes(raw)


def public_text(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def create_key(path: Path) -> Ed25519PrivateKey:
    """A new node key, written outside the database with owner-only permissions (0600)."""
    if path.exists():
        raise RuleViolation(
            N_("%(path)s exists already: a node's key is never overwritten", path=str(path)),
            hint=N_("keep it, or move it away if you really mean to give this node a new identity"),
        )
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    return key


def load_key(path: Path) -> Ed25519PrivateKey:
    if not path.is_file():
        raise RuleViolation(
            N_("there is no node key at %(path)s", path=str(path)), hint=N_("create one with 'armtrace node init'")
        )
    if path.stat().st_mode & 0o077:
        raise NotPermitted(
            N_("the node key %(path)s can be read by others", path=str(path)),
            hint=N_("restrict it: chmod 600 %(path)s", path=str(path)),
        )
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise RuleViolation(N_("%(path)s is not an Ed25519 key", path=str(path)))
    return key
