"""The HTTP API, added to the node's app (armtrace/app.py): /api/v1 for people's systems, /exchange/v1
for peer nodes. Each area's routes are in its own module."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from armtrace import __version__
from armtrace.api import (
    accounts,
    approvals,
    closures,
    exchange,
    identify,
    importing,
    marking,
    registry,
    retention,
    tracing,
)

# Where a refusal is answered as problem+json rather than as a page.
PATHS = ("/api/", "/exchange/", "/openapi")


def add_api(app: FastAPI) -> None:
    for module in (exchange, registry, marking, importing, closures, retention, identify, tracing, approvals, accounts):
        app.include_router(module.router)

    @app.get("/api/v1", include_in_schema=False)
    def index(request: Request) -> JSONResponse:
        return JSONResponse({"version": __version__, "openapi": str(request.url_for("openapi"))})


def is_api(request: Request) -> bool:
    return request.url.path.startswith(PATHS)
