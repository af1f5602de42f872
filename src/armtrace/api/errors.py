"""Errors as application/problem+json (RFC 9457), from the one table in domain/errors.py."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from armtrace import i18n
from armtrace.domain.errors import N_, ArmtraceError, Problem, RuleViolation, response_for


def problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ArmtraceError)
    status, _ = response_for(exc)
    lang = i18n.choose(None, None, request.headers.get("accept-language"))
    body: dict[str, object] = {
        "type": f"urn:armtrace:problem:{exc.code}",
        "title": i18n.word(lang, exc.title),
        "status": status,
        "detail": i18n.word(lang, exc.detail),
        "instance": str(request.url.path),
    }
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
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def invalid_request(request: Request, exc: Exception) -> JSONResponse:
    """Unknown fields, wrong types, missing values: a RuleViolation's problem+json, every problem listed."""
    assert isinstance(exc, RequestValidationError)
    problems = [
        Problem(".".join(str(p) for p in e["loc"] if p != "body") or "body", e["msg"], rule="the API schema")
        for e in exc.errors()
    ]
    error = RuleViolation(
        "the request does not match the API schema", hint=N_("see /openapi.json for the fields"), problems=problems
    )
    return problem(request, error)


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
