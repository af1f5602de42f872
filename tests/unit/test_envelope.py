"""Envelopes between nodes: only what the known sender signed, for us, fresh and new, is accepted."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from armtrace.domain.errors import NotPermitted
from armtrace.exchange.envelope import (
    Envelope,
    EnvelopeRefused,
    check,
    create_key,
    load_key,
    new_envelope,
    public_text,
)

NOW = datetime(2026, 11, 27, 10, tzinfo=UTC)
KEN, BEL = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
KEYS = {"KEN": public_text(KEN), "BEL": public_text(BEL)}


def request() -> Envelope:
    return new_envelope("trace.request", "KEN", "BEL", {"serial": "0365292", "bases": ["a"]}, NOW, KEN)


def refused(envelope: Envelope, seen: set[str] | None = None, now: datetime = NOW) -> str:
    with pytest.raises(EnvelopeRefused) as err:
        check(envelope, me="BEL", keys=KEYS, now=now, seen=lambda i: i in (seen or set()))
    return err.value.reason


def test_an_envelope_signed_by_the_known_sender_for_this_node_is_accepted() -> None:
    check(request(), me="BEL", keys=KEYS, now=NOW + timedelta(minutes=3), seen=lambda i: False)


def test_an_envelope_survives_its_json_round_trip_with_its_signature() -> None:
    e = request()
    again = Envelope.from_json(e.to_json())
    assert again == e
    check(again, me="BEL", keys=KEYS, now=NOW, seen=lambda i: False)


def test_an_altered_body_is_refused() -> None:
    e = request()
    assert refused(replace(e, body={**e.body, "serial": "0365293"})) == "bad_signature"


def test_an_envelope_signed_with_another_key_is_refused() -> None:
    forged = new_envelope("trace.request", "KEN", "BEL", {"serial": "1"}, NOW, Ed25519PrivateKey.generate())
    assert refused(forged) == "bad_signature"


def test_an_unknown_sender_is_refused_with_what_to_do() -> None:
    stranger = new_envelope("trace.request", "XXX", "BEL", {}, NOW, Ed25519PrivateKey.generate())
    with pytest.raises(EnvelopeRefused) as err:
        check(stranger, me="BEL", keys=KEYS, now=NOW, seen=lambda i: False)
    assert err.value.reason == "unknown_sender" and "armtrace peer add" in (err.value.hint or "")


def test_an_unsigned_envelope_is_refused() -> None:
    data = request().to_json()
    del data["signature"]
    with pytest.raises(EnvelopeRefused) as err:
        Envelope.from_json(data)
    assert err.value.reason == "unsigned"
    assert refused(replace(request(), signature="")) == "unsigned"


def test_an_envelope_for_another_node_is_refused() -> None:
    assert refused(new_envelope("trace.request", "KEN", "UGA", {}, NOW, KEN)) == "wrong_recipient"


def test_a_stale_envelope_is_refused() -> None:
    assert refused(request(), now=NOW + timedelta(hours=1)) == "clock_skew"


def test_a_replayed_envelope_is_refused() -> None:
    e = request()
    assert refused(e, seen={e.id}) == "replay"


@pytest.mark.parametrize(
    "data",
    [[], {"id": "x"}, {**request().to_json(), "body": "text"}, {**request().to_json(), "created_at": "yesterday"}],
)
def test_a_malformed_envelope_is_refused(data: object) -> None:
    with pytest.raises(EnvelopeRefused) as err:
        Envelope.from_json(data)
    assert err.value.reason == "malformed"


def test_a_node_key_is_written_owner_only_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "node.pem"
    key = create_key(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert public_text(load_key(path)) == public_text(key)
    with pytest.raises(Exception, match="never overwritten"):
        create_key(path)
    path.chmod(0o644)
    with pytest.raises(NotPermitted, match="can be read by others"):
        load_key(path)


def test_a_message_held_for_hours_is_signed_again_when_sent_and_accepted() -> None:
    from armtrace.exchange.envelope import signed

    held = request()
    later = NOW + timedelta(hours=6)
    assert refused(held, now=later) == "clock_skew"
    resent = signed(held, later, KEN)
    assert (resent.id, resent.created_at) == (held.id, held.created_at)
    check(resent, me="BEL", keys=KEYS, now=later, seen=lambda i: False)
