"""`create_app(runtime)`: the node's HTTP server. Nothing connects at import time."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from armtrace import __version__
from armtrace.api import accounts, approvals, exchange, identify, registry, retention, tracing
from armtrace.api.errors import invalid_request, problem
from armtrace.domain.errors import ArmtraceError, NotFound
from armtrace.runtime import Runtime
from armtrace.web.app import add_pages, error_page


def create_app(runtime: Runtime) -> FastAPI:
    app = FastAPI(
        title="armtrace",
        version=__version__,
        description="A national node: mark, record and trace small arms and light weapons. "
        "Errors are application/problem+json (RFC 9457). Send 'Authorization: Bearer <token>'.",
    )
    app.state.runtime = runtime
    app.add_exception_handler(ArmtraceError, _refusal)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(StarletteHTTPException, _http_refusal)
    for module in (exchange, registry, retention, identify, tracing, approvals, accounts):
        app.include_router(module.router)
    add_pages(app)

    @app.get("/api/v1", include_in_schema=False)
    def index(request: Request) -> JSONResponse:
        return JSONResponse({"version": __version__, "openapi": str(request.url_for("openapi"))})

    return app


def _http_refusal(request: Request, exc: Exception) -> Response:
    """What the framework itself refuses (an unknown address, an unreadable body), in the same two forms."""
    assert isinstance(exc, StarletteHTTPException)
    code = exc.status_code
    detail = str(exc.detail or HTTPStatus(code).phrase)
    if request.url.path.startswith(("/api/", "/exchange/")):
        body = {"type": f"urn:armtrace:problem:http_{code}", "title": HTTPStatus(code).phrase, "status": code,
                "detail": detail, "instance": request.url.path, "hint": "see /openapi.json"}  # fmt: skip
        return JSONResponse(body, status_code=code, media_type="application/problem+json")
    error = NotFound(detail) if code == 404 else ArmtraceError(detail)
    response = error_page(request, error)
    response.status_code = code
    return response


def _refusal(request: Request, exc: Exception) -> Response:
    """The one error table, answered as problem+json to programs and as a page to people."""
    assert isinstance(exc, ArmtraceError)
    if request.url.path.startswith(("/api/", "/exchange/", "/openapi")):
        return problem(request, exc)
    return error_page(request, exc)
