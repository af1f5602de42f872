"""Errors as application/problem+json (RFC 9457), from the one table in domain/errors.py."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse

from armtrace.domain.errors import ArmtraceError, response_for


def problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ArmtraceError)
    status, _ = response_for(exc)
    body: dict[str, object] = {
        "type": f"urn:armtrace:problem:{exc.code}",
        "title": exc.title,
        "status": status,
        "detail": exc.detail,
        "instance": str(request.url.path),
    }
    if exc.rule:
        body["rule"] = exc.rule
    if exc.hint:
        body["hint"] = exc.hint
    if exc.problems:
        body["problems"] = [
            {"field": p.field, "message": p.message, "rule": p.rule, "hint": p.hint} for p in exc.problems
        ]
    body.update({k: v for k, v in exc.extra.items() if isinstance(v, str | int | float | bool)})
    return JSONResponse(body, status_code=status, media_type="application/problem+json")
