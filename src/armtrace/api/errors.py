"""Errors as application/problem+json (RFC 9457), from the one table in domain/errors.py.

This is the one place the API words a refusal: a service's error, a body that does not match
the schema, or what the framework itself refuses (an unknown address), all in one shape.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from armtrace import i18n
from armtrace.domain.errors import N_, ArmtraceError, Problem, RuleViolation, response_for


def problem(request: Request, exc: ArmtraceError) -> JSONResponse:
    """A service's refusal, worded in the language the client accepts."""
    status, _ = response_for(exc)
    lang = i18n.choose(None, None, request.headers.get("accept-language"))
    body = _body(request, exc.code, i18n.word(lang, exc.title), status, i18n.word(lang, exc.detail))
    if exc.rule:
        body["rule"] = exc.rule
    if exc.hint:
        body["hint"] = i18n.word(lang, exc.hint)
    if exc.problems:
        body["problems"] = [
            {
                "field": p.field,
                "message": i18n.word(lang, p.message),
                "rule": p.rule,
                "hint": p.hint and i18n.word(lang, p.hint),
            }
            for p in exc.problems
        ]
    body.update({k: v for k, v in exc.extra.items() if isinstance(v, str | int | float | bool)})
    return _response(body)


def http_problem(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """What the framework refuses before any service runs: an unknown address, a method not allowed."""
    code = exc.status_code
    body = _body(request, f"http_{code}", HTTPStatus(code).phrase, code, str(exc.detail or HTTPStatus(code).phrase))
    body["hint"] = "see /openapi.json"
    return _response(body)


def schema_violation(exc: RequestValidationError) -> RuleViolation:
    """Unknown fields, wrong types, missing values: one RuleViolation, every problem listed."""
    problems = [
        Problem(".".join(str(p) for p in e["loc"] if p != "body") or "body", e["msg"], rule="the API schema")
        for e in exc.errors()
    ]
    return RuleViolation(
        "the request does not match the API schema", hint=N_("see /openapi.json for the fields"), problems=problems
    )


def _body(request: Request, code: str, title: str, status: int, detail: str) -> dict[str, object]:
    return {
        "type": f"urn:armtrace:problem:{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": str(request.url.path),
    }


def _response(body: dict[str, object]) -> JSONResponse:
    status = body["status"]
    assert isinstance(status, int)
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


class ProblemOut(BaseModel):
    """An error as RFC 9457 problem details, with the rule broken and what to do."""

    model_config = ConfigDict(extra="allow")
    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    rule: str | None = None
    hint: str | None = None
    problems: list[dict[str, Any]] | None = None


def _problem(description: str) -> dict[str, Any]:
    schema = {"$ref": "#/components/schemas/ProblemOut"}
    return {
        "model": ProblemOut,
        "description": description,
        "content": {"application/problem+json": {"schema": schema}},
    }


# The refusals every route may answer, documented so clients (and schemathesis) know their shape.
PROBLEMS: dict[int | str, dict[str, Any]] = {
    400: _problem("The request could not be carried out"),
    401: _problem("No valid credentials"),
    403: _problem("Not permitted for the caller's roles, or refused by the exchange checks"),
    404: _problem("Not found"),
    409: _problem("Conflicts with an existing record, or outside the permitted time"),
    422: _problem("Breaks a rule, or does not match the schema; every problem is listed"),
}


# An act that needs two people answers 202: it waits as an approval (GET /api/v1/approvals).
WAITING: dict[int | str, dict[str, Any]] = {
    202: {"description": "Waiting for a second authorized user's approval; the body names the approval"}
}
