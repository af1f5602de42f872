"""Tracing pages: inbox and outbox, the case with its chain State by State, the answer form that shows
exactly what will be disclosed, a new request, and the statistics with their charts."""

from __future__ import annotations

from typing import Annotated

import httpx
from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from armtrace.domain.errors import ArmtraceError, response_for
from armtrace.domain.tracing import FailureReason, IntendedUse, Outcome, Restriction
from armtrace.queries.disclosure import Disclosure
from armtrace.services import exchange, photographs, registry, tracing
from armtrace.web.auth import Changing, User, runtime_of, unless_refused
from armtrace.web.charts import bars
from armtrace.web.params import OptionalId, record_id
from armtrace.web.render import render

router = APIRouter(include_in_schema=False)
PREFILLED = ("manufacturer", "serial", "model", "category", "calibre", "country_of_manufacture")
USES = [u.value for u in IntendedUse]
CHOICES = {
    "outcomes": [o.value for o in Outcome],
    "restrictions": [r.value for r in Restriction],
    "failures": [f.value for f in FailureReason],
}


@router.get("/trace")
def requests(request: Request, who: User, box: str = "inbox") -> Response:
    rt = runtime_of(request)
    rows = tracing.list_requests(rt.uow(who), rt.clock, limit=500).items
    direction = "incoming" if box == "inbox" else "outgoing"
    return render(request, "tracing/requests.html", box=box, rows=[r for r in rows if r.direction == direction])


@router.get("/trace/new")
def new_form(request: Request, who: User, weapon_id: OptionalId = None) -> Response:
    """The request form; opened from a recovered weapon's page, its markings come from the record."""
    rt = runtime_of(request)
    uow = rt.uow(who)
    peers = exchange.peers(uow)
    form: dict[str, object] = {"weapon_id": weapon_id or "", "bases": ["a"]}
    if weapon_id is not None:
        w = registry.show_weapon(weapon_id, uow, holders=False).weapon
        form.update({k: w.get(k) or "" for k in PREFILLED})
        form["serial_obliterated"] = w.get("marking_condition") in ("obliterated", "partially_obliterated")
        form["craft_made"] = w.get("origin") in ("craft", "3d_printed")
    return render(request, "tracing/new.html", form=form, error=None, peers=peers, uses=USES)


@router.post("/trace/new")
async def new(request: Request, who: Changing) -> Response:
    rt = runtime_of(request)
    form = await request.form()
    attached: list[str] = []  # kept at once: after a refusal the form carries their references, not the files
    try:
        for f in form.getlist("photo_files"):
            if isinstance(f, UploadFile) and f.filename:
                data = await f.read()
                attached.append(photographs.attach(f.filename, f.content_type or "", data, rt.uow(who), rt.clock))
        ref = tracing.draft_request(_draft(form, attached), rt.uow(who), rt.clock)
    except ArmtraceError as exc:  # every field as typed, each problem at its field
        typed = {**{k: str(v).strip() for k, v in form.items() if k not in ("csrf", "photo_files")},
                 "bases": form.getlist("bases"), "unreadable": form.getlist("unreadable")}  # fmt: skip
        typed["photographs"] = "\n".join(filter(None, [str(typed.get("photographs", "")), *attached]))
        return render(request, "tracing/new.html", status_code=response_for(exc)[0], form=typed, error=exc,
                      peers=exchange.peers(rt.uow(who)), uses=USES)  # fmt: skip
    return RedirectResponse(f"/trace/{ref}", status_code=303)


def _draft(form: FormData, attached: list[str]) -> tracing.DraftRequest:
    """The request form as the command: an empty field is a value not given."""
    v = {k: str(x).strip() for k, x in form.items() if k not in ("csrf", "bases", "unreadable")}
    marks = ("manufacturer", "serial", "country_of_manufacture", "model", "last_import_country", "serial_obliterated",
             "craft_made")  # fmt: skip
    return tracing.DraftRequest.of(
        {
            **v,
            "bases": form.getlist("bases"),
            "markings": {**{k: v.get(k) for k in marks}, "unreadable": form.getlist("unreadable")},
            "photographs": [*v.get("photographs", "").splitlines(), *attached],
            "weapon_id": record_id(v.get("weapon_id", "")),
        }
    )


@router.get("/trace/{request_id}")
def case(request: Request, request_id: str, who: User, weapon_id: OptionalId = None) -> Response:
    rt = runtime_of(request)
    uow = rt.uow(who)
    found = tracing.show_request(request_id, uow, rt.clock)
    draft = None
    if tracing.answerable(found):  # drafted from the registry, holders included: for those who may answer
        draft = unless_refused(lambda: tracing.draft_answer(request_id, uow, weapon_id))
    return _case(request, found, draft=draft)


def _case(
    request: Request,
    found: tracing.Case,
    status: int = 200,
    draft: Disclosure | None = None,
    typed: dict[str, str] | None = None,
    error: ArmtraceError | None = None,
) -> Response:
    return render(request, "tracing/case.html", status_code=status, d=found.request, waiting=found.waiting,
                  answerable=tracing.answerable(found), draft=draft, typed=typed, choices=CHOICES,
                  error=error)  # fmt: skip


@router.post("/trace/{request_id}/send")
def send(request: Request, request_id: str, who: Changing) -> Response:
    rt = runtime_of(request)
    tracing.send_request(request_id, rt.uow(who), rt.clock, rt.deadlines)
    return RedirectResponse(f"/trace/{request_id}", status_code=303)


@router.post("/trace/{request_id}/acknowledge")
def acknowledge(request: Request, request_id: str, who: Changing) -> Response:
    rt = runtime_of(request)
    tracing.acknowledge(request_id, rt.uow(who), rt.clock)
    return RedirectResponse(f"/trace/{request_id}", status_code=303)


@router.get("/trace/{request_id}/photographs/{sha256}")
def photograph(request: Request, request_id: str, sha256: str, who: User) -> Response:
    """The photograph itself, fetched from the requesting State the first time it is opened."""
    rt = runtime_of(request)
    with httpx.Client() as client:
        p = photographs.photograph(request_id, sha256, rt.uow(who), rt.clock, client)
    return Response(p.data, media_type=p.media_type, headers={"Content-Disposition": "inline"})


@router.post("/trace/{request_id}/withdraw")
def withdraw(request: Request, request_id: str, who: Changing, why: Annotated[str, Form()] = "") -> Response:
    rt = runtime_of(request)
    tracing.withdraw(request_id, why, rt.uow(who), rt.clock)
    return RedirectResponse(f"/trace/{request_id}", status_code=303)


@router.post("/trace/{request_id}/follow")
def follow(request: Request, request_id: str, who: Changing) -> Response:
    rt = runtime_of(request)
    ref = tracing.follow(request_id, rt.uow(who), rt.clock)
    return RedirectResponse(f"/trace/{ref}", status_code=303)


@router.post("/trace/{request_id}/answer")
def answer(
    request: Request,
    request_id: str,
    who: Changing,
    outcome: Annotated[str, Form()] = "",
    restriction: Annotated[str, Form()] = "",
    failure: Annotated[str, Form()] = "",
    facts: Annotated[str, Form()] = "",
    next_country: Annotated[str, Form()] = "",
    weapon_id: Annotated[str, Form()] = "",
) -> Response:
    """Send the answer as the form shows it; one that discloses registry data waits for a second officer."""
    rt = runtime_of(request)
    cmd = tracing.AnswerRequest(
        request_id, outcome, restriction or None, failure or None,
        tuple(line.strip() for line in facts.splitlines() if line.strip()), next_country or None,
        record_id(weapon_id),
    )  # fmt: skip
    try:
        tracing.answer(cmd, rt.uow(who), rt.clock)
    except ArmtraceError as exc:  # the answer as typed stays in the form, with what was wrong
        typed = {"outcome": outcome, "restriction": restriction, "failure": failure, "facts": facts,
                 "next_country": next_country, "weapon_id": weapon_id}  # fmt: skip
        found = tracing.show_request(request_id, rt.uow(who), rt.clock)
        return _case(request, found, status=response_for(exc)[0], typed=typed, error=exc)
    return RedirectResponse(f"/trace/{request_id}", status_code=303)


@router.get("/statistics")
def statistics(request: Request, who: User) -> Response:
    s = tracing.statistics(runtime_of(request).uow(who))
    answer_days = [(c.name, c.median_and_p90(c.days_to_answer)[0] or 0.0) for c in s.by_counterpart]
    return render(
        request,
        "tracing/statistics.html",
        s=s,
        answer_chart=bars(answer_days, unit="d"),
        failure_chart=bars([(r, float(n)) for r, n in s.failure_reasons], unit=""),
    )
