"""The hash chain: any change, removal or reordering of history is detected."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from armtrace.domain.chain import GENESIS, Link, canonical, check_link, link_hash


def chain(n: int) -> list[tuple[Link, str, str]]:
    out, prev = [], GENESIS
    for seq in range(1, n + 1):
        link = Link(seq, seq % 3 + 1, "2026-01-01T00:00:00.000000Z", "clerk", {"type": "marked", "n": seq})
        digest = link_hash(prev, link)
        out.append((link, prev, digest))
        prev = digest
    return out


def walk(rows: list[tuple[Link, str, str]]) -> str | None:
    prev, expected = GENESIS, 1
    for link, stored_prev, stored_hash in rows:
        broken = check_link(expected, prev, link, stored_prev, stored_hash)
        if broken:
            return broken.reason
        prev, expected = stored_hash, expected + 1
    return None


def test_an_untouched_chain_verifies() -> None:
    assert walk(chain(5)) is None


def test_the_canonical_encoding_ignores_key_order_and_keeps_unicode() -> None:
    assert canonical({"b": 1, "a": "Česká"}) == canonical({"a": "Česká", "b": 1}) == '{"a":"Česká","b":1}'.encode()


def test_a_changed_payload_is_named_as_altered() -> None:
    rows = chain(5)
    link, prev, digest = rows[2]
    rows[2] = (Link(link.seq, link.weapon_id, link.recorded_at, link.recorded_by, {"type": "lost"}), prev, digest)
    assert walk(rows) == "event #3 was altered after it was recorded (its hash does not match)"


def test_a_removed_event_is_named_as_missing() -> None:
    rows = chain(5)
    del rows[1]
    assert walk(rows) == "event #2 is missing (the next stored is #3)"


def test_two_swapped_events_break_the_chain_at_the_first() -> None:
    rows = chain(5)
    (a, pa, ha), (b, pb, hb) = rows[1], rows[2]
    swapped = [
        rows[0],
        (Link(2, b.weapon_id, b.recorded_at, b.recorded_by, b.payload), pb, hb),
        (Link(3, a.weapon_id, a.recorded_at, a.recorded_by, a.payload), pa, ha),
        *rows[3:],
    ]
    assert (walk(swapped) or "").startswith("event #2 does not follow the event before it")


@given(st.integers(min_value=0, max_value=9), st.text(min_size=1, max_size=8))
def test_any_edit_of_any_event_is_detected(position: int, text: str) -> None:
    rows = chain(10)
    link, prev, digest = rows[position]
    edited = {**link.payload, "note": text}
    rows[position] = (Link(link.seq, link.weapon_id, link.recorded_at, link.recorded_by, edited), prev, digest)
    assert walk(rows) is not None


@given(
    st.dictionaries(st.text(max_size=5), st.one_of(st.text(max_size=8), st.integers(), st.booleans()), max_size=4),
    st.text(max_size=10),
    st.integers(min_value=1, max_value=10**12),
)
def test_the_bulk_hash_of_a_precomputed_payload_equals_the_plain_one(payload: dict, by: str, seq: int) -> None:
    link = Link(seq, seq // 3 + 1, "2026-01-01T00:00:00.000000Z", by, payload)
    assert link_hash(GENESIS, link, canonical(payload)) == link_hash(GENESIS, link)
