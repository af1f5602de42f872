"""Registry pages: find weapons (live, as the clerk types), and a weapon's page with its timeline."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from armtrace.queries.registry import WeaponFilter
from armtrace.services import registry
from armtrace.web.auth import User, runtime_of
from armtrace.web.params import PageNumber, RecordId
from armtrace.web.render import render

router = APIRouter(include_in_schema=False)
STATUSES = ("held", "in_stock", "exported", "lost", "stolen", "recovered", "deactivated", "destroyed")


@router.get("/weapons")
def weapons(
    request: Request,
    who: User,
    serial: str = "",
    status: str = "",
    page: PageNumber = 1,
) -> Response:
    f = WeaponFilter(serial.strip() or None, None, status if status in STATUSES else None)
    found = registry.find_weapons(f, runtime_of(request).uow(who), page, 25)
    return render(
        request,
        "registry/weapons.html",
        found=found,
        serial=serial,
        status=status,
        statuses=STATUSES,
        holders=found.holders,
    )


@router.get("/weapons/{weapon_id}")
def weapon(request: Request, weapon_id: RecordId, who: User) -> Response:
    detail = registry.show_weapon(weapon_id, runtime_of(request).uow(who))
    return render(request, "registry/weapon.html", d=detail, w=detail.weapon, holders=detail.holders)
