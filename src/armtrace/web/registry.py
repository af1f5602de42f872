"""Registry pages: find weapons (live, as the clerk types), and a weapon's page with its timeline."""

from __future__ import annotations

import dataclasses
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from armtrace.domain.accounts import Principal
from armtrace.queries.registry import WeaponFilter, list_weapons, weapon_detail
from armtrace.services import accounts
from armtrace.web.auth import allowed, runtime_of
from armtrace.web.render import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(allowed("registry.read"))]
MAX_ID = 2**63 - 1  # a 64-bit key on both stores
STATUSES = ("held", "in_stock", "exported", "lost", "stolen", "recovered", "deactivated", "destroyed")


@router.get("/weapons")
def weapons(
    request: Request,
    who: Reader,
    serial: str = "",
    status: str = "",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    rt = runtime_of(request)
    f = WeaponFilter(serial.strip() or None, None, status if status in STATUSES else None)
    with rt.engine.connect() as conn:
        found = list_weapons(conn, f, page, 25)
    holders = who.may("registry.read_holders")
    query = {**{k: v for k, v in dataclasses.asdict(f).items() if v is not None}, "page": page}
    accounts.weapons_listed(who, query, holders, rt.uow(who.actor), rt.clock)
    return render(
        request, "registry/weapons.html", found=found, serial=serial, status=status, statuses=STATUSES, holders=holders
    )


@router.get("/weapons/{weapon_id}")
def weapon(request: Request, weapon_id: Annotated[int, Path(ge=1, le=MAX_ID)], who: Reader) -> Response:
    rt = runtime_of(request)
    holders = who.may("registry.read_holders")
    with rt.engine.connect() as conn:
        detail = weapon_detail(conn, weapon_id, holders=holders)
    accounts.weapon_read(who, weapon_id, holders, rt.uow(who.actor), rt.clock)
    return render(request, "registry/weapon.html", d=detail, w=detail.weapon, holders=holders)
