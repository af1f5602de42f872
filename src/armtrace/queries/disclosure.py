"""Drafting an answer to a tracing request from the registry: find the record, say what it shows.

The request's markings go through identification; one record that fits surely (the serial
equal, at most up to look-alike characters, and nothing else as close) is the weapon, and
its history is drafted as the answer. Anything less sure is left to the officer, who sees
the candidates and picks one, or answers not traced with the coded reason.
"""

from __future__ import annotations

import json

import sqlalchemy as sa

from armtrace.domain.disclosure import Disclosure, from_history, not_held
from armtrace.domain.errors import N_, NotFound, RuleViolation
from armtrace.domain.lifecycle import from_payload
from armtrace.domain.tracing import Markings
from armtrace.queries.identify import IdentifyQuery, identify
from armtrace.reference.manufacturers import manufacturers
from armtrace.store import tables as t

SURE = 0.95  # serial equal up to look-alikes, or one obliterated character, with the maker agreeing
MARGIN = 0.05  # and no other record this close


def draft_answer(conn: sa.Connection, request_id: str, weapon_id: int | None = None) -> Disclosure:
    """The answer the registry supports for an incoming request; `weapon_id` when the officer chose the record."""
    row = conn.execute(sa.select(t.trace_requests).where(t.trace_requests.c.id == request_id)).one_or_none()
    if row is None or row.direction != "incoming":
        raise NotFound(
            N_("there is no incoming request %(request)s", request=request_id),
            hint=N_("see them with 'armtrace trace list'"),
        )
    content = json.loads(row.content)
    markings = Markings(**content["markings"])
    if weapon_id is not None:
        return _history(conn, weapon_id, ("the officer chose this record",))
    maker_known = bool(
        markings.manufacturer
        and (manufacturers().resolve(markings.manufacturer) or manufacturers().similar(markings.manufacturer))
    )
    if markings.serial_obliterated and not (markings.serial or "").strip("?* "):
        return not_held(markings, maker_known, ("the serial is obliterated: no record can be found by it",))
    try:
        found = identify(
            conn,
            IdentifyQuery(
                markings.serial,
                markings.manufacturer,
                markings.country_of_manufacture,
                markings.model,
                content.get("calibre"),
                content.get("category"),
                limit=5,
            ),
        )
    except RuleViolation as exc:
        return not_held(markings, maker_known, (N_("identification refused: %(reason)s", reason=exc.detail),))
    ranked = found.candidates
    if ranked and ranked[0].score >= SURE and (len(ranked) == 1 or ranked[0].score - ranked[1].score >= MARGIN):
        best = ranked[0]
        sure = N_("record #%(weapon)s found: %(why)s", weapon=best.weapon_id, why=best.explanation)
        return _history(conn, best.weapon_id, (sure,))
    notes = tuple(
        N_(
            "possible record #%(weapon)s (%(score)s): %(description)s; %(why)s",
            weapon=c.weapon_id,
            score=f"{c.score:.2f}",
            description=" ".join(x for x in (c.serial, c.manufacturer, c.model) if x),
            why=c.explanation,
        )
        for c in ranked
    ) or (N_("no record fits these markings"),)
    if ranked:
        notes += (N_("none is sure: check the candidates, then answer from one with --weapon, or as not traced"),)
    return not_held(markings, maker_known, notes)


def _history(conn: sa.Connection, weapon_id: int, notes: tuple[str, ...]) -> Disclosure:
    e = t.events.c
    rows = list(conn.execute(sa.select(e.seq, e.payload).where(e.weapon_id == weapon_id).order_by(e.seq)))
    if not rows:
        raise NotFound(
            N_("there is no weapon #%(weapon)s with recorded events", weapon=weapon_id),
            hint=N_("check the record number"),
        )
    d = from_history(weapon_id, [(r.seq, from_payload(json.loads(r.payload))) for r in rows])
    return Disclosure(d.answer, d.weapon_id, notes)
