"""The pages, added to the node's app (armtrace/app.py): static files, each area's page routes, and a
refusal shown as a page."""

from __future__ import annotations

from importlib.resources import files
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from armtrace.domain.errors import ArmtraceError, NotSignedIn, response_for
from armtrace.web import accounts, approvals, closures, dashboard, identify, integrity, marking, registry, tracing
from armtrace.web.render import render


def add_pages(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=str(files("armtrace.web") / "static")), name="static")
    for module in (accounts, dashboard, registry, marking, closures, identify, tracing, approvals, integrity):
        app.include_router(module.router)


def error_page(request: Request, exc: ArmtraceError, status: int | None = None) -> Response:
    """A refusal on a page: to the sign-in page if nobody is signed in, else the message on a page."""
    if isinstance(exc, NotSignedIn):
        target = "/signin?next=" + quote(str(request.url.path))
        if request.headers.get("hx-request"):
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)
    return render(request, "error.html", status_code=status or response_for(exc)[0], error=exc)
