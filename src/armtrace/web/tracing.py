"""Tracing pages: inbox and outbox, the case with its chain State by State, the answer form that shows
exactly what will be disclosed, a new request, and the statistics with their charts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from armtrace.domain.accounts import Principal
from armtrace.domain.errors import RuleViolation
from armtrace.domain.tracing import FailureReason, Markings, Outcome, Restriction
from armtrace.queries.approvals import approvals
from armtrace.queries.disclosure import draft_answer
from armtrace.queries.registry import weapon_detail
from armtrace.queries.tracing import list_requests, peers, request_detail, statistics_of
from armtrace.services import accounts, tracing
from armtrace.services import approvals as two_person
from armtrace.web.auth import allowed, csrf_checked, runtime_of
from armtrace.web.charts import bars
from armtrace.web.render import render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(allowed("tracing.read"))]
Officer = Annotated[Principal, Depends(allowed("tracing.act"))]
Checked = Annotated[Principal, Depends(csrf_checked)]
PREFILLED = ("manufacturer", "serial", "model", "category", "calibre", "country_of_manufacture")
MAX_ID = 2**63 - 1
CHOICES = {
    "outcomes": [o.value for o in Outcome],
    "restrictions": [r.value for r in Restriction],
    "failures": [f.value for f in FailureReason],
}


@router.get("/trace")
def requests(request: Request, who: Reader, box: str = "inbox") -> Response:
    rt = runtime_of(request)
    with rt.engine.connect() as conn:
        rows = list_requests(conn, rt.clock.now(), limit=500)
    direction = "incoming" if box == "inbox" else "outgoing"
    return render(request, "tracing/requests.html", box=box, rows=[r for r in rows if r.direction == direction])


@router.get("/trace/new")
def new_form(
    request: Request, who: Officer, weapon_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None
) -> Response:
    """The request form; opened from a recovered weapon's page, its markings come from the record."""
    form: dict[str, object] = {"weapon_id": weapon_id or "", "bases": ["a"]}
    if weapon_id is not None:
        rt = runtime_of(request)
        with rt.engine.connect() as conn:
            w = weapon_detail(conn, weapon_id, holders=False).weapon
        form.update(
            {
                k: w.get(k) or ""
                for k in ("manufacturer", "serial", "model", "category", "calibre", "country_of_manufacture")
            }
        )
        form["serial_obliterated"] = w.get("marking_condition") in ("obliterated", "partially_obliterated")
    return render(request, "tracing/new.html", form=form, error=None, peers=_peers(request))


@router.post("/trace/new")
async def new(request: Request, who: Officer, checked: Checked) -> Response:
    rt = runtime_of(request)
    form = await request.form()
    values = {k: str(v).strip() for k, v in form.items() if k not in ("csrf", "bases")}
    bases = tuple(str(b) for b in form.getlist("bases"))
    markings = Markings(
        values.get("manufacturer") or None,
        values.get("serial") or None,
        values.get("country_of_manufacture") or None,
        values.get("model") or None,
        values.get("last_import_country") or None,
        bool(values.get("serial_obliterated")),
    )
    photos = tuple(p.strip() for p in values.get("photographs", "").splitlines() if p.strip())
    weapon = values.get("weapon_id", "")
    try:
        ref = tracing.draft_request(
            tracing.DraftRequest(
                bases, values.get("legal_justification", ""), values.get("circumstances", ""), markings,
                values.get("category") or None, values.get("calibre") or None, values.get("intended_use", ""),
                photographs=photos, requested=values.get("requested") or None,
                weapon_id=_record_id(weapon),
            ),
            rt.uow(who.actor),
            rt.clock,
        )  # fmt: skip
    except RuleViolation as exc:
        typed = {**values, "bases": list(bases)}
        return render(request, "tracing/new.html", status_code=422, form=typed, error=exc, peers=_peers(request))
    return RedirectResponse(f"/trace/{ref}", status_code=303)


def _record_id(text: str) -> int | None:
    """A record number typed in a form, if it is one."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID else None


def _peers(request: Request) -> list[tuple[str, str | None]]:
    with runtime_of(request).engine.connect() as conn:
        return peers(conn)


@router.get("/trace/{request_id}")
def case(
    request: Request,
    request_id: str,
    who: Reader,
    weapon_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    rt = runtime_of(request)
    with rt.engine.connect() as conn:
        d = request_detail(conn, request_id, rt.clock.now())
        draft = None
        waiting = approvals(conn, subject=request_id)
        open_ = d["direction"] == "incoming" and d["status"] in ("sent", "acknowledged")
        if open_ and not waiting and who.may("tracing.act"):
            draft = draft_answer(conn, request_id, weapon_id)
    if draft is not None:  # the draft shows the registry's record, holders included
        accounts.record_access(who.actor, "tracing:answer:draft", request_id, None, rt.uow(who.actor), rt.clock)
    return render(request, "tracing/case.html", d=d, draft=draft, choices=CHOICES, error=None, waiting=waiting)


@router.post("/approvals/{approval_id}/{decision}")
def decide(
    request: Request,
    approval_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    decision: str,
    who: Annotated[Principal, Depends(allowed("approvals.decide"))],
    checked: Checked,
    note: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "/",
) -> Response:
    """A second officer approves (the act is then carried out) or rejects, with the reason."""
    rt = runtime_of(request)
    two_person.decide(approval_id, decision == "approve", note or None, who, rt.uow, rt.clock, rt.policy)
    return RedirectResponse(back if back.startswith("/") and not back.startswith("//") else "/", status_code=303)


@router.post("/trace/{request_id}/send")
def send(request: Request, request_id: str, who: Officer, checked: Checked) -> Response:
    rt = runtime_of(request)
    tracing.send_request(request_id, rt.uow(who.actor), rt.clock, rt.deadlines)
    return RedirectResponse(f"/trace/{request_id}", status_code=303)


@router.post("/trace/{request_id}/acknowledge")
def acknowledge(request: Request, request_id: str, who: Officer, checked: Checked) -> Response:
    rt = runtime_of(request)
    tracing.acknowledge(request_id, rt.uow(who.actor), rt.clock)
    return RedirectResponse(f"/trace/{request_id}", status_code=303)


@router.post("/trace/{request_id}/follow")
def follow(request: Request, request_id: str, who: Officer, checked: Checked) -> Response:
    rt = runtime_of(request)
    ref = tracing.follow(request_id, rt.uow(who.actor), rt.clock)
    return RedirectResponse(f"/trace/{ref}", status_code=303)


@router.post("/trace/{request_id}/answer")
def answer(
    request: Request,
    request_id: str,
    who: Officer,
    checked: Checked,
    outcome: Annotated[str, Form()] = "",
    restriction: Annotated[str, Form()] = "",
    failure: Annotated[str, Form()] = "",
    facts: Annotated[str, Form()] = "",
    next_country: Annotated[str, Form()] = "",
    weapon_id: Annotated[str, Form()] = "",
) -> Response:
    rt = runtime_of(request)
    cmd = tracing.AnswerRequest(
        request_id, outcome, restriction or None, failure or None,
        tuple(line.strip() for line in facts.splitlines() if line.strip()), next_country or None,
        _record_id(weapon_id),
    )  # fmt: skip
    try:
        two_person.answer_or_ask(cmd, rt.uow(who.actor), rt.clock)
    except RuleViolation as exc:
        with rt.engine.connect() as conn:
            d = request_detail(conn, request_id, rt.clock.now())
        typed = {"outcome": outcome, "restriction": restriction, "failure": failure, "facts": facts,
                 "next_country": next_country, "weapon_id": weapon_id}  # fmt: skip
        return render(request, "tracing/case.html", status_code=422, d=d, draft=None, typed=typed, choices=CHOICES,
                      error=exc, waiting=[])  # fmt: skip
    return RedirectResponse(f"/trace/{request_id}", status_code=303)


@router.get("/statistics")
def statistics(request: Request, who: Annotated[Principal, Depends(allowed("tracing.statistics"))]) -> Response:
    rt = runtime_of(request)
    with rt.engine.connect() as conn:
        s = statistics_of(conn)
    answer_days = [(c.name, c.median_and_p90(c.days_to_answer)[0] or 0.0) for c in s.by_counterpart]
    return render(
        request,
        "tracing/statistics.html",
        s=s,
        answer_chart=bars(answer_days, unit="d"),
        failure_chart=bars([(r, float(n)) for r, n in s.failure_reasons], unit=""),
    )
