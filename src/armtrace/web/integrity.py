"""The auditor's page: the last verification and its findings, a button to verify now, and the anchors
(who holds which of this node's chain heads, since when, and the heads this node keeps for peers)."""

from __future__ import annotations

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from armtrace.services import anchors, integrity
from armtrace.web.auth import Changing, User, runtime_of
from armtrace.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/integrity")
def integrity_page(request: Request, who: User) -> Response:
    rt = runtime_of(request)
    uow = rt.uow(who)
    last = integrity.last_verification(uow)
    checked = integrity.last_verification(uow, scope="anchors")
    lodged, held = anchors.overview(uow)
    return render(request, "integrity/integrity.html", last=last, checked=checked, lodged=lodged, held=held)


@router.post("/integrity/verify")
def verify_now(request: Request, who: Changing) -> Response:
    rt = runtime_of(request)
    integrity.verify(rt.uow(who), rt.policy)
    with httpx.Client() as client:
        anchors.verify_anchors(rt.uow(who), rt.clock, client, ask_peers=True)
    return RedirectResponse("/integrity", status_code=303)


@router.post("/integrity/lodge")
def lodge_now(request: Request, who: Changing) -> Response:
    rt = runtime_of(request)
    anchors.lodge(rt.uow(who), rt.clock, every=None)
    return RedirectResponse("/integrity", status_code=303)
