"""Identify a recovered weapon from its marks as read: every search is written to the access log
first (who searched the registry, for what), then answered from a read-only transaction, so a
search never waits behind an import."""

from __future__ import annotations

from dataclasses import asdict

from armtrace.queries.identify import Identification, IdentifyQuery
from armtrace.queries.identify import identify as ranked_candidates
from armtrace.services.door import use_case
from armtrace.store.uow import UnitOfWork


@use_case("identify.search", access="identify:search")
def identify(q: IdentifyQuery, uow: UnitOfWork) -> Identification:
    """Ranked candidates, each with why it fits; refused with what would help when there is too little."""
    with uow:
        uow.accessed(None, {k: v for k, v in asdict(q).items() if v not in (None, "")})
        uow.commit()
    with uow.reading():
        return ranked_candidates(uow.conn, q)
