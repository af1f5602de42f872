"""Chain heads anchored with a peer over real HTTP catch a log rewritten with recomputed hashes, which
`verify` alone cannot: through the peer's signed receipts held here, and by asking the peer itself."""

from __future__ import annotations

import json

import httpx
import sqlalchemy as sa
from typer.testing import CliRunner

from armtrace.cli.main import app
from armtrace.domain.accounts import operator
from armtrace.domain.chain import Link, link_hash
from armtrace.domain.lifecycle import utc_text
from armtrace.services import anchors, integrity
from armtrace.services.importing.records import load_records
from armtrace.store import tables as t
from tests.e2e.test_exchange import pair  # noqa: F401  (the fixture: KEN on the store under test, BEL)
from tests.factories import fal


def anchored(ken, bel) -> None:  # type: ignore[no-untyped-def]
    """Kenya lodges its heads with Belgium, Belgium keeps them and its receipt comes back."""
    assert anchors.lodge(ken.uow(), ken.rt.clock, every=None) == 1
    assert ken.deliver().delivered == 1
    assert bel.deliver().delivered == 1


def rewrite_from(engine: sa.Engine, seq: int) -> None:
    """What someone with the database can do: change event `seq` and recompute every hash after it."""
    e = t.events.c
    with engine.begin() as conn:
        prev = conn.execute(sa.select(e.hash).where(e.seq == seq - 1)).scalar_one()
        rows = conn.execute(sa.select(t.events).where(e.seq >= seq).order_by(e.seq)).all()
        for row in rows:
            payload = json.loads(row.payload)
            if row.seq == seq:
                payload["why"] = "Export licence EXP/forged"
            link = Link(row.seq, row.weapon_id, utc_text(row.recorded_at), row.recorded_by, payload)
            digest = link_hash(prev, link)
            text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
            conn.execute(t.events.update().where(e.seq == row.seq).values(payload=text, prev_hash=prev, hash=digest))
            prev = digest
        conn.execute(t.chain_head.update().where(t.chain_head.c.id == 1).values(hash=prev))


def test_a_log_rewritten_with_recomputed_hashes_is_caught_by_the_anchors_a_peer_signed(pair, store_url) -> None:  # noqa: F811
    ken, bel = pair
    load_records([fal("1000001"), fal("1000002", "KEN")], ken.uow(), ken.rt.clock)  # events 1-3
    anchored(ken, bel)
    load_records([fal("1000003", "UGA")], ken.uow(), ken.rt.clock)  # events 4-5
    anchored(ken, bel)
    console = operator("auditor")
    assert anchors.verify_anchors(ken.rt.uow(console), ken.rt.clock).ok

    rewrite_from(ken.rt.engine, 5)
    assert integrity.verify(ken.rt.uow(console)).ok  # the rewrite holds together by itself
    report = anchors.verify_anchors(ken.rt.uow(console), ken.rt.clock)
    assert (report.first_broken.seq, report.last_holding.seq, report.first_suspect_event) == (5, 3, 4)  # type: ignore[union-attr]
    assert {c.source for c in report.checks} == {"receipt"}

    with httpx.Client() as client:
        asked = anchors.verify_anchors(ken.rt.uow(console), ken.rt.clock, client, ask_peers=True)
    peer = [c for c in asked.checks if c.source == "peer"]
    assert [(c.seq, c.holds) for c in peer] == [(3, True), (5, False)] and asked.first_suspect_event == 4

    result = CliRunner().invoke(app, ["--db", store_url, "verify", "--anchors", "--ask-peers"], env={"COLUMNS": "200"})
    assert result.exit_code == 1, result.output
    assert "The first event that may have been rewritten is #4." in result.output
    assert "The last anchor that still holds is event #3" in result.output


def test_a_peer_that_is_down_is_reported_never_taken_as_agreement(pair) -> None:  # noqa: F811
    ken, bel = pair
    load_records([fal("2000001")], ken.uow(), ken.rt.clock)
    anchored(ken, bel)
    bel.stop()
    with httpx.Client() as client:
        report = anchors.verify_anchors(ken.rt.uow(operator("auditor")), ken.rt.clock, client, ask_peers=True)
    assert [node for node, _ in report.unanswered] == ["BEL-FPS"]
    assert [c.source for c in report.checks] == ["receipt"]  # the receipt held here still counts
    bel.start()


def test_a_receipt_rewritten_here_is_not_taken_for_the_peers_word(pair) -> None:  # noqa: F811
    ken, bel = pair
    load_records([fal("3000001")], ken.uow(), ken.rt.clock)
    anchored(ken, bel)
    with ken.rt.engine.begin() as conn:
        receipt = json.loads(conn.execute(sa.select(t.anchors.c.receipt)).scalar_one())
        receipt["body"]["hash"] = "f" * 64
        conn.execute(t.anchors.update().values(receipt=json.dumps(receipt)))
    report = anchors.verify_anchors(ken.rt.uow(operator("auditor")), ken.rt.clock)
    assert report.checks == [] and report.unanswered == [
        ("BEL-FPS", "a receipt held here is not signed by that peer's key")
    ]


def test_a_receipt_for_an_anchor_never_lodged_is_refused(pair) -> None:  # noqa: F811
    ken, bel = pair
    from armtrace.exchange.envelope import load_key, new_envelope

    body = {"anchor": "00000000-0000-0000-0000-000000000000", "seq": 1, "hash": "a" * 64, "change_seq": 1,
            "change_hash": "b" * 64}  # fmt: skip
    e = new_envelope("chain.anchor_receipt", "BEL-FPS", "KEN-NFP", body, ken.rt.clock.now(), load_key(bel.key_path))
    response = httpx.post(ken.address + "/exchange/v1/envelopes", json=e.to_json())
    assert (response.status_code, response.json()["reason"]) == (403, "unknown_anchor")


def test_the_nodes_scheduler_lodges_the_heads_once_a_day(pair) -> None:  # noqa: F811
    """What `armtrace serve` runs in the background: a pass lodges the day's anchors and delivers them."""
    from datetime import timedelta

    from armtrace import scheduler

    ken, bel = pair
    load_records([fal("4000001")], ken.uow(), ken.rt.clock)
    with httpx.Client() as client:
        first = scheduler.one_pass(ken.rt, client)
        assert first.delivered == 1  # the anchor, to Belgium
        assert scheduler.one_pass(ken.rt, client).delivered == 0  # not again the same day
        assert bel.deliver().delivered == 1  # Belgium's receipt
        ken.rt.clock.at += timedelta(days=1, minutes=1)  # both nodes share the test clock
        assert scheduler.one_pass(ken.rt, client).delivered == 1  # the next day's
    lodged, _ = anchors.overview(ken.rt.uow(operator("auditor")))
    assert [a.node for a in lodged] == ["BEL-FPS", "BEL-FPS"] and lodged[-1].receipt_at is not None
