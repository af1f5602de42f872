"""Parameters the pages share, bounded so no value reaches the store that it cannot hold."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

MAX_ID = 2**63 - 1  # a 64-bit key on both stores

RecordId = Annotated[int, Path(ge=1, le=MAX_ID, description="A record's number")]
OptionalId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
PageNumber = Annotated[int, Query(ge=1, le=1_000_000)]


def record_id(typed: str) -> int | None:
    """A record number typed in a form, if it is one."""
    typed = typed.strip()
    return int(typed) if typed.isascii() and typed.isdigit() and 0 < int(typed) <= MAX_ID else None
