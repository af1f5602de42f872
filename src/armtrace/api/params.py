"""Parameters the routes share, bounded so no value reaches the store that it cannot hold."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

MAX_ID = 2**63 - 1  # a 64-bit key on both stores

RecordId = Annotated[int, Path(ge=1, le=MAX_ID, description="A record's number")]
PageNumber = Annotated[int, Query(ge=1, le=1_000_000)]
PerPage = Annotated[int, Query(ge=1, le=500)]
OptionalId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
