"""The exchange between nodes: where peers deliver signed envelopes and learn this node's identity
(/exchange/v1), and, for this node's officers, its identity, the peers it trusts and its outbox."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from armtrace.api.auth import Caller, runtime_of
from armtrace.api.errors import PROBLEMS
from armtrace.domain.accounts import NOBODY, PEER_NODE
from armtrace.domain.errors import N_
from armtrace.exchange.envelope import EnvelopeRefused, EnvelopeTooLarge
from armtrace.services import anchors, exchange, photographs

router = APIRouter(tags=["exchange"], responses=PROBLEMS)


@router.post(
    "/exchange/v1/envelopes",
    status_code=202,
    summary="Deliver a signed envelope to this node",
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}},
)
async def deliver(request: Request) -> dict[str, str]:
    """A peer is known by its envelope's signature, checked by the service, not by credentials. An envelope
    larger than the node's limit is refused before it is read whole."""
    rt = runtime_of(request)
    envelope = await _envelope(request, rt.settings.envelope_max_bytes)
    result = await run_in_threadpool(exchange.receive, envelope, rt.uow(PEER_NODE), rt.clock, rt.deadlines)
    return {"result": result}


async def _envelope(request: Request, limit: int) -> object:
    """The posted envelope, read as it streams in and refused as soon as it passes the limit."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _too_large(limit)
    try:
        return json.loads(body)
    except ValueError:
        raise EnvelopeRefused("malformed", N_("the envelope is not JSON")) from None


@router.post(
    "/exchange/v1/attachments",
    summary="A peer fetches a photograph of a request sent to it, by its hash (a signed fetch)",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}, "application/pdf": {}}}},
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}},
)
async def give_photograph(request: Request) -> Response:
    rt = runtime_of(request)
    envelope = await _envelope(request, rt.settings.envelope_max_bytes)
    p = await run_in_threadpool(photographs.give, envelope, rt.uow(PEER_NODE), rt.clock)
    return Response(p.data, media_type=p.media_type, headers={"x-armtrace-name": _header(p.name)})


@router.post(
    "/exchange/v1/anchors",
    summary="A peer asks what this node keeps of its chain heads; the answer is signed by this node",
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}},
)
async def anchors_held(request: Request) -> dict[str, Any]:
    rt = runtime_of(request)
    query = await _envelope(request, rt.settings.envelope_max_bytes)
    answer: dict[str, Any] = await run_in_threadpool(anchors.held_for, query, rt.uow(PEER_NODE), rt.clock)
    return answer


def _header(name: str) -> str:
    return name.encode("ascii", "replace").decode("ascii").replace("?", "_")


def _too_large(limit: int) -> EnvelopeTooLarge:
    return EnvelopeTooLarge(
        "too_large",
        N_("the envelope is larger than this node accepts (%(limit)s bytes)", limit=limit),
        hint=N_("send photographs and attachments as references by their hash, not in the envelope"),
    )


@router.get("/exchange/v1/node", summary="This node's public identity and point of contact")
def node(request: Request) -> dict[str, Any]:
    return exchange.node_identity(runtime_of(request).uow(NOBODY))


@router.get("/api/v1/trace/node", summary="This node's identity and national point of contact (ITI para 25)")
def this_node(request: Request, who: Caller) -> dict[str, Any]:
    return exchange.node_identity(runtime_of(request).uow(who))


@router.get("/api/v1/trace/peers", summary="The nodes this one trusts, with the only key each may sign with")
def peers(request: Request, who: Caller) -> list[dict[str, Any]]:
    return [{"node_id": node, "country": country} for node, country in exchange.peers(runtime_of(request).uow(who))]


class PeerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    node_id: str = Field(min_length=1, max_length=40)
    role: str = Field("state", description="state, or hub for an international body")
    address: str = Field(description="The peer's base URL, e.g. https://trace.example.gov")
    public_key: str = Field(description="The peer's Ed25519 public key, base64 (from its GET /exchange/v1/node)")
    country: str | None = None


@router.post("/api/v1/trace/peers", status_code=201, summary="Trust another node (or update its address and key)")
def add_peer(request: Request, body: PeerIn, who: Caller) -> dict[str, str]:
    rt = runtime_of(request)
    cmd = exchange.AddPeer(body.node_id, body.role, body.address, body.public_key, body.country)
    exchange.add_peer(cmd, rt.uow(who), rt.clock)
    return {"node_id": body.node_id}


@router.get("/api/v1/trace/outbox", summary="Messages waiting for delivery, with their attempts and last error")
def outbox(request: Request, who: Caller) -> dict[str, Any]:
    waiting = exchange.outbox(runtime_of(request).uow(who))
    return {"waiting": [dataclasses.asdict(m) for m in waiting], "count": len(waiting)}
