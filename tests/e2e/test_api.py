"""The HTTP API through an HTTP client: the permission table walked role by role, problem+json for bad
input, holders' names withheld from roles that may not read them, and every search in the access log."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from armtrace.app import create_app
from armtrace.demo.pictures import plate
from armtrace.domain.accounts import PEOPLE, PERMISSIONS, Role
from armtrace.domain.tracing import Markings
from armtrace.runtime import Runtime
from armtrace.services import accounts
from armtrace.services import exchange as ex
from armtrace.services import tracing as tr
from armtrace.services.registry import add_weapon
from armtrace.settings import Settings
from armtrace.store import tables as t
from armtrace.store.uow import UnitOfWork
from tests.conftest import CLERK
from tests.factories import add_weapon as weapon_cmd

PASSWORD = "a long enough passphrase"
ROLES = sorted(PEOPLE)  # the roles an account may hold: peers, the scheduler and the console hold no token


@dataclass
class Api:
    client: TestClient
    tokens: dict[Role, str]
    rt: Runtime
    spare_token: int  # one that may be revoked
    uow: Callable[[], UnitOfWork]  # the node's store, for the tests' own setup

    def as_(self, role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


@pytest.fixture
def api(store_url: str, clock, uow, tmp_path: Path) -> Iterator[Api]:  # type: ignore[no-untyped-def]
    rt = Runtime(Settings(database_url=store_url), clock=clock)
    tokens = {}
    for role in ROLES:
        accounts.add_user(accounts.AddUser(role.value, role.value.title(), PASSWORD, (role.value,)), uow(), clock)
        tokens[role] = accounts.create_token(accounts.CreateToken(role.value, "tests"), uow(), clock)[1]
    spare, _ = accounts.create_token(accounts.CreateToken("analyst", "spare"), uow(), clock)
    add_weapon(weapon_cmd("AK123456"), uow(), clock)
    ex.init_node(ex.InitNode("KEN-NFP", "KEN", tmp_path / "ken.pem", "Kenya NFP"), uow(), clock)
    ex.add_peer(ex.AddPeer("RUS-NFP", "state", "http://127.0.0.1:9", "A" * 43 + "=", "RUS"), uow(), clock)
    with TestClient(create_app(rt)) as client:
        yield Api(client, tokens, rt, spare, uow)
    rt.engine.dispose()


REQUEST = {
    "bases": ["a"],
    "legal_justification": "Firearms Act s.4",
    "circumstances": "seized near Garissa",
    "markings": {
        "manufacturer": "Kalashnikov Concern",
        "serial": "AK123456",
        "country_of_manufacture": "RUS",
        "model": "AKM",
    },
    "category": "assault_rifle",
    "calibre": "7.62x39",
    "intended_use": "criminal investigation",
}
EVENT = {"type": "transferred", "why": "Firearm certificate FC/1", "country": "KEN", "holder": "Unit 4"}
WEAPON = {
    "description": {"category": "rifle", "manufacturer": "FN Herstal", "model": "FAL", "serial": "99{n}"},
    "first_event": {"type": "imported", "why": "Import permit IP/9", "country": "KEN", "holder": "MoD"},
}
# Every /api/v1 route, the permission it needs (None: any signed-in caller), and a request that is valid
# apart from who sends it.
ENDPOINTS = [
    ("GET", "/api/v1/weapons", "registry.read", None),
    ("GET", "/api/v1/weapons/{weapon_id}", "registry.read", None),
    ("POST", "/api/v1/weapons", "registry.record", WEAPON),
    ("POST", "/api/v1/weapons/{weapon_id}/events", "registry.record", EVENT),
    ("POST", "/api/v1/weapons/{weapon_id}/corrections", "registry.record",
     {"corrects": 1, "why": "place mistyped", "changes": {"place": "Nakuru"}}),
    ("POST", "/api/v1/weapons/{weapon_id}/state-mark", "registry.record", {"country": "KEN", "why": "Order 3"}),
    ("GET", "/api/v1/marking/tasks", "registry.read", None),
    ("POST", "/api/v1/weapons/{weapon_id}/import-mark", "registry.record", {"location": "receiver", "why": "MO/3"}),
    ("GET", "/api/v1/retention/due", "registry.purge", None),
    ("POST", "/api/v1/retention/purge", "registry.purge", {"weapon_ids": [1], "why": "Board decision 12"}),
    ("GET", "/api/v1/approvals", "approvals.decide", None),
    ("POST", "/api/v1/approvals/{approval_id}/approve", "approvals.decide", None),
    ("POST", "/api/v1/approvals/{approval_id}/reject", "approvals.decide", {"note": "no document"}),
    ("POST", "/api/v1/imports", "registry.import", "file"),
    ("POST", "/api/v1/businesses/closures", "registry.record", "closure"),
    ("GET", "/api/v1/businesses/{business}", "registry.record", None),
    ("POST", "/api/v1/businesses/{business}/differences/{weapon_id}/explanation", "registry.record",
     {"why": "sold under permit P/1, on file"}),
    ("GET", "/api/v1/verify", "registry.verify", None),
    ("GET", "/api/v1/verifications/last", "registry.verify", None),
    ("GET", "/api/v1/anchors", "registry.verify", None),
    ("POST", "/api/v1/anchors", "registry.anchor", None),
    ("POST", "/api/v1/identify", "identify.search", {"serial": "AK12345?"}),
    ("GET", "/api/v1/trace/requests", "tracing.read", None),
    ("GET", "/api/v1/trace/requests/{request_id}", "tracing.read", None),
    ("POST", "/api/v1/trace/requests", "tracing.act", REQUEST),
    ("POST", "/api/v1/trace/requests/{request_id}/send", "tracing.act", None),
    ("POST", "/api/v1/trace/requests/{request_id}/acknowledge", "tracing.act", None),
    ("GET", "/api/v1/trace/requests/{request_id}/draft-answer", "tracing.act", None),
    ("POST", "/api/v1/trace/requests/{request_id}/answer", "tracing.act", {"outcome": "refused"}),
    ("POST", "/api/v1/trace/requests/{request_id}/follow", "tracing.act", None),
    ("POST", "/api/v1/trace/requests/{request_id}/withdraw", "tracing.act", {"why": "identified otherwise"}),
    ("POST", "/api/v1/trace/photographs", "tracing.act", "photograph"),
    ("GET", "/api/v1/trace/requests/{request_id}/photographs/{sha256}", "tracing.read", None),
    ("GET", "/api/v1/trace/statistics", "tracing.statistics", None),
    ("GET", "/api/v1/trace/node", None, None),
    ("GET", "/api/v1/trace/peers", "tracing.read", None),
    ("POST", "/api/v1/trace/peers", "node.manage", {"node_id": "TZA-NFP", "address": "https://tz.example",
                                                    "public_key": "B" * 43 + "=", "country": "TZA"}),
    ("GET", "/api/v1/trace/outbox", "tracing.read", None),
    ("GET", "/api/v1/users", "accounts.manage", None),
    ("POST", "/api/v1/users", "accounts.manage", {"username": "u{n}", "name": "U", "password": PASSWORD,
                                                 "roles": ["analyst"]}),
    ("POST", "/api/v1/tokens", "accounts.manage", {"username": "analyst", "name": "sys"}),
    ("DELETE", "/api/v1/tokens/{token_id}", "accounts.manage", None),
    ("GET", "/api/v1/access-log", "accounts.audit", None),
]  # fmt: skip


def book(serial: str) -> dict[str, object]:
    """One record of a closed dealer's books, as JSON Lines carry it."""
    weapon = {"category": "self_loading_pistol", "manufacturer": "Glock", "model": "17", "serial": serial}
    sale = {"type": "transferred", "why": "Sale 1", "occurred_at": "2015-01-02T10:00:00Z", "country": "KEN",
            "holder": "Licensed holder 12"}  # fmt: skip
    return {"weapon": weapon, "events": [sale]}


def test_a_closed_dealers_books_pass_into_the_register_through_the_api(api: Api) -> None:
    lines = "".join(json.dumps(book(s)) + "\n" for s in ("GLK001", "GLK002"))
    response = api.client.post(
        "/api/v1/businesses/closures",
        files={"records": ("books.jsonl", lines)},
        data={"name": "Coast Arms", "kind": "dealer", "closed_on": "2024-06-30", "why": "Firearms Act s.19"},
        headers=api.as_(Role.REGISTRY_CLERK),
    )
    assert response.status_code == 201, response.text
    assert response.json()["records"] == 2
    bad = api.client.post(
        "/api/v1/businesses/closures",
        files={"records": ("books.jsonl", "not json\n")},
        data={"name": "Other", "kind": "dealer", "closed_on": "2024-06-30", "why": "Act"},
        headers=api.as_(Role.REGISTRY_CLERK),
    )
    assert bad.status_code == 422 and "books.jsonl:1 is not JSON" in bad.json()["detail"]


def test_a_closure_through_the_api_lists_its_difference_and_closes_when_a_second_clerk_approves(api: Api) -> None:
    clerk, police = api.as_(Role.REGISTRY_CLERK), "Kenya Police Service"  # weapon #1 is on record as theirs
    form = {"name": police, "kind": "dealer", "closed_on": "2024-06-30", "why": "Firearms Act s.19"}
    empty = api.client.post("/api/v1/businesses/closures", files={"records": ("books.jsonl", "")}, data=form,
                            headers=clerk)  # fmt: skip
    assert empty.status_code == 422 and empty.json()["rule"] == "ITI, section on record-keeping (para 13)"
    books = {"records": ("books.jsonl", json.dumps(book("GLK009")) + "\n")}
    closing = api.client.post("/api/v1/businesses/closures", files=books, data=form, headers=clerk)
    assert closing.status_code == 201, closing.text
    assert closing.json()["status"] == "closing" and closing.json()["books"]["held_on_record"] == 1
    assert [(d["weapon_id"], d["kind"]) for d in closing.json()["differences"]] == [(1, "missing")]
    url = f"/api/v1/businesses/{police}"
    asked = api.client.post(f"{url}/differences/1/explanation", json={"why": "returned to the MoD, voucher RV/3"},
                            headers=clerk)  # fmt: skip
    assert asked.status_code == 202 and asked.json()["status"] == "waiting"
    approval = asked.json()["approval_id"]
    assert api.client.get(url, headers=clerk).json()["differences"][0]["waiting"] == approval
    same = api.client.post(f"/api/v1/approvals/{approval}/approve", headers=clerk)
    assert same.status_code == 403 and same.json()["rule"] == "armtrace two-person rule"
    assert api.client.post(f"/api/v1/approvals/{approval}/approve", headers=api.as_(Role.ADMIN)).status_code == 200
    shown = api.client.get(url, headers=clerk).json()
    assert (shown["status"], shown["closed_on"], shown["unexplained"]) == ("closed", "2024-06-30", 0)
    assert shown["differences"][0]["approved_by"] == "admin"


def test_the_endpoint_table_covers_every_api_route_and_every_permission(api: Api) -> None:
    paths = api.client.get("/openapi.json").json()["paths"]
    routes = {
        (method.upper(), path)
        for path, operations in paths.items()
        if path.startswith("/api/v1/") and path != "/api/v1/me"
        for method in operations
    }
    assert routes == {(m, p) for m, p, _, _ in ENDPOINTS}
    assert {perm for _, _, perm, _ in ENDPOINTS if perm} | set(GUARDING_NO_API_ROUTE) == set(PERMISSIONS)
    assert not {perm for _, _, perm, _ in ENDPOINTS} & set(GUARDING_NO_API_ROUTE)


# Permissions no /api/v1 route needs, and why; each is walked where it is used.
GUARDING_NO_API_ROUTE = {
    "registry.read_holders": "guards data, not a route: the next test walks it on a weapon's page",
    "exchange.receive": "a peer's envelope (/exchange/v1) is known by its signature, not a token: test_exchange.py",
    "exchange.deliver": "the node's scheduler and the console deliver the outbox: test_exchange.py, the CLI",
    "tracing.remind": "the node's scheduler and the console send reminders: the CLI and the integration tests",
}


def test_every_role_gets_exactly_what_the_permission_table_lists(api: Api) -> None:
    n = 0
    for role in ROLES:
        for method, path, permission, body in ENDPOINTS:
            n += 1
            url = path.format(
                weapon_id=1,
                business="Coast Arms",
                request_id="KEN-NFP-2026-000001",
                token_id=api.spare_token,
                approval_id=999_999,
                sha256="0" * 64,
            )
            if body == "closure":
                kwargs = {
                    "files": {"records": ("books.jsonl", json.dumps(book(f"CL{n}")) + "\n")},
                    "data": {"name": f"Dealer {n}", "kind": "dealer", "closed_on": "2024-06-30", "why": "Act 12"},
                }
            elif body == "photograph":
                kwargs = {"files": {"file": ("receiver.png", plate(shade=n % 250), "image/png")}}
            elif body == "file":
                kwargs: dict[str, object] = {"files": {"file": ("r.csv", f"Serial,Make,Type\nZ{n},Glock,pistol\n")}}
            elif body is not None:
                text = repr(body).replace("{n}", str(n))
                kwargs = {"json": eval(text)}
            else:
                kwargs = {}
            response = api.client.request(method, url, headers=api.as_(role), **kwargs)
            allowed = permission is None or role in PERMISSIONS[permission]
            if allowed:
                assert response.status_code not in (401, 403), (role, method, path, response.text)
            else:
                assert response.status_code == 403, (role, method, path, response.status_code)
                assert response.json()["rule"] == "armtrace permission table"
        holder = api.client.get("/api/v1/weapons/1", headers=api.as_(role)).json()["weapon"]["holder"]
        assert (holder is not None) is (role in PERMISSIONS["registry.read_holders"]), role


def test_without_credentials_the_api_answers_401_as_problem_json(api: Api) -> None:
    response = api.client.get("/api/v1/weapons")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert "Bearer" in response.json()["hint"]
    assert api.client.get("/api/v1/weapons", headers={"Authorization": "Bearer armtrace_nope"}).status_code == 401


def test_unknown_fields_and_wrong_types_are_refused_with_every_problem_listed(api: Api) -> None:
    body = {**REQUEST, "colour": "black", "bases": "a", "markings": {"serial": 7}}
    response = api.client.post("/api/v1/trace/requests", json=body, headers=api.as_(Role.TRACING_OFFICER))
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    fields = {p["field"] for p in response.json()["problems"]}
    assert {"colour", "bases", "markings.serial"} <= fields


def test_an_analyst_sees_weapons_without_holders_and_a_clerks_reads_are_logged(api: Api) -> None:
    analyst = api.client.get("/api/v1/weapons/1", headers=api.as_(Role.ANALYST)).json()
    clerk = api.client.get("/api/v1/weapons/1", headers=api.as_(Role.REGISTRY_CLERK)).json()
    assert analyst["weapon"]["holder"] is None and "holder (withheld)" in analyst["timeline"][0]["summary"]
    assert clerk["weapon"]["holder"] == "Kenya Police Service"
    api.client.post("/api/v1/identify", json={"serial": "AK12345?"}, headers=api.as_(Role.TRACING_OFFICER))
    log = api.client.get("/api/v1/access-log", headers=api.as_(Role.AUDITOR)).json()["items"]
    assert [(x["actor"], x["action"], x["object"]) for x in log[:2]] == [
        ("tracing_officer", "identify:search", None),
        ("registry_clerk", "registry:holders:read", "weapon:1"),
    ]
    assert log[0]["query"] == {"serial": "AK12345?", "limit": 10}


def test_a_weapon_recorded_through_the_api_names_its_caller_in_the_change_log(api: Api) -> None:
    body = {**WEAPON, "description": {**WEAPON["description"], "serial": "9911"}}  # type: ignore[dict-item]
    response = api.client.post("/api/v1/weapons", json=body, headers=api.as_(Role.REGISTRY_CLERK))
    assert response.status_code == 201, response.text
    with api.rt.engine.connect() as conn:
        actor = conn.execute(sa.select(t.change_log.c.actor).order_by(t.change_log.c.id.desc()).limit(1)).scalar_one()
    assert actor == "registry_clerk"


def test_a_revoked_token_stops_working_at_once(api: Api) -> None:
    created = api.client.post(
        "/api/v1/tokens", json={"username": "analyst", "name": "sys"}, headers=api.as_(Role.ADMIN)
    ).json()
    mine = {"Authorization": f"Bearer {created['secret']}"}
    assert api.client.get("/api/v1/me", headers=mine).json()["roles"] == ["analyst"]
    assert api.client.delete(f"/api/v1/tokens/{created['id']}", headers=api.as_(Role.ADMIN)).status_code == 204
    assert api.client.get("/api/v1/me", headers=mine).status_code == 401


def test_a_tracing_officer_drafts_and_sends_a_request_through_the_api(api: Api) -> None:
    officer = api.as_(Role.TRACING_OFFICER)
    ref = api.client.post("/api/v1/trace/requests", json=REQUEST, headers=officer).json()["id"]
    assert api.client.post(f"/api/v1/trace/requests/{ref}/send", headers=officer).status_code == 200
    listed = api.client.get("/api/v1/trace/requests", headers=officer).json()
    assert listed["total"] == 1 and listed["items"][0]["status"] == "sent"
    incomplete = {**REQUEST, "intended_use": "", "markings": Markings(None, None).__dict__}
    refused = api.client.post("/api/v1/trace/requests", json=incomplete, headers=officer)
    assert refused.status_code == 422
    assert {p["field"] for p in refused.json()["problems"]} >= {"intended_use", "markings.serial"}


def test_the_overdue_requests_come_a_page_at_a_time_with_their_total(api: Api) -> None:
    officer = api.as_(Role.TRACING_OFFICER)
    sent = []
    for _ in range(3):
        ref = api.client.post("/api/v1/trace/requests", json=REQUEST, headers=officer).json()["id"]
        assert api.client.post(f"/api/v1/trace/requests/{ref}/send", headers=officer).status_code == 200
        sent.append(ref)
    api.client.post("/api/v1/trace/requests", json=REQUEST, headers=officer)  # a draft is never overdue
    api.rt.clock.at += timedelta(days=40)  # past the deadlines to acknowledge and to answer
    pages = [
        api.client.get(f"/api/v1/trace/requests?overdue=true&page={n}&per_page=2", headers=officer).json()
        for n in (1, 2, 3)
    ]
    assert [p["total"] for p in pages] == [3, 3, 3]
    assert [[r["id"] for r in p["items"]] for p in pages] == [sent[:0:-1], sent[:1], []]  # newest first
    assert {r["overdue"] for p in pages for r in p["items"]} == {"acknowledgement"}
    everything = api.client.get("/api/v1/trace/requests?per_page=1", headers=officer).json()
    assert everything["total"] == 4 and len(everything["items"]) == 1


def test_problem_titles_follow_the_callers_language(api: Api) -> None:
    french = api.client.get("/api/v1/weapons/999", headers={**api.as_(Role.AUDITOR), "Accept-Language": "fr-FR"})
    english = api.client.get("/api/v1/weapons/999", headers=api.as_(Role.AUDITOR))
    assert french.status_code == english.status_code == 404
    assert english.json()["title"] == "Not found" and french.json()["title"] not in ("", "Not found")


def test_an_answer_that_discloses_registry_data_waits_for_a_second_officer(api: Api, tmp_path: Path) -> None:
    from tests.messages import deliver

    clock = api.rt.clock
    other = Runtime(Settings(database_url=f"sqlite:///{tmp_path}/rus.db"), clock=clock)
    other.init_store()
    key = ex.init_node(ex.InitNode("RUS-NFP", "RUS", tmp_path / "rus.pem", "RUS NFP"), other.uow(CLERK), clock)
    ex.add_peer(ex.AddPeer("KEN-NFP", "state", "http://127.0.0.1:9", _public_key(api), "KEN"), other.uow(CLERK),
                clock)  # fmt: skip
    ex.add_peer(ex.AddPeer("RUS-NFP", "state", "http://127.0.0.1:9", key, "RUS"), api.uow(), clock)
    marks = Markings("Kalashnikov Concern", "AK123456", "RUS", "AKM", last_import_country="KEN")
    ref = tr.draft_request(tr.DraftRequest(("a",), "Law", "found", marks, "assault_rifle", "7.62x39", "prosecution"),
                           other.uow(CLERK), clock)  # fmt: skip
    tr.send_request(ref, other.uow(CLERK), clock)
    deliver(other.engine, api.uow, clock)
    body = {"outcome": "traced", "facts": ["2010-01-01 imported into KEN"]}
    asked = api.client.post(f"/api/v1/trace/requests/{ref}/answer", json=body, headers=api.as_(Role.TRACING_OFFICER))
    assert asked.status_code == 202 and asked.json()["status"] == "waiting"
    approval = asked.json()["approval_id"]
    same = api.client.post(f"/api/v1/approvals/{approval}/approve", headers=api.as_(Role.TRACING_OFFICER))
    assert same.status_code == 403 and same.json()["rule"] == "armtrace two-person rule"
    done = api.client.post(f"/api/v1/approvals/{approval}/approve", headers=api.as_(Role.ADMIN))
    assert done.status_code == 200 and done.json()["status"] == "approved"
    detail = api.client.get(f"/api/v1/trace/requests/{ref}", headers=api.as_(Role.AUDITOR)).json()
    assert detail["status"] == "answered"
    other.engine.dispose()


def _public_key(api: Api) -> str:
    return str(api.client.get("/exchange/v1/node").json()["public_key"])


def test_an_error_is_worded_in_the_language_the_client_accepts(api: Api) -> None:
    english = api.client.get("/api/v1/weapons/999", headers=api.as_(Role.REGISTRY_CLERK)).json()
    french = api.client.get(
        "/api/v1/weapons/999", headers={**api.as_(Role.REGISTRY_CLERK), "Accept-Language": "fr-SN,fr;q=0.9"}
    ).json()
    assert english["detail"] == "there is no weapon #999"
    assert french["detail"] != english["detail"] and "999" in french["detail"]
    assert french["title"] != english["title"] and french["hint"] != english["hint"]


def test_a_weapon_awaiting_its_import_mark_is_listed_filtered_and_marked_through_the_api(api: Api) -> None:
    clerk = api.as_(Role.REGISTRY_CLERK)
    body = {**WEAPON, "description": {**WEAPON["description"], "serial": "9901"}}  # type: ignore[dict-item]
    wid = api.client.post("/api/v1/weapons", json=body, headers=clerk).json()["weapon_id"]
    temporary = {**WEAPON, "description": {**WEAPON["description"], "serial": "9902"},  # type: ignore[dict-item]
                 "first_event": {**WEAPON["first_event"], "temporary": "shooting competition, re-exported"}}  # type: ignore[dict-item]  # fmt: skip
    exempt = api.client.post("/api/v1/weapons", json=temporary, headers=clerk).json()["weapon_id"]
    tasks = api.client.get("/api/v1/marking/tasks", headers=api.as_(Role.ANALYST)).json()
    assert [(x["weapon_id"], x["country"], x["age_days"]) for x in tasks["items"]] == [(wid, "KEN", 0)]
    assert "holder" not in tasks["items"][0]
    listed = api.client.get("/api/v1/weapons", params={"awaiting_marking": True}, headers=clerk).json()
    assert [w["id"] for w in listed["items"]] == [wid]
    detail = api.client.get(f"/api/v1/weapons/{wid}", headers=clerk).json()
    assert detail["import_marking"]["country"] == "KEN" and detail["weapon"]["marking_due"] == "KEN 2026"
    shown = api.client.get(f"/api/v1/weapons/{exempt}", headers=clerk).json()
    assert shown["import_marking"] is None and shown["temporary_imports"][0]["temporary"].startswith("shooting")
    refused = api.client.post(f"/api/v1/weapons/{wid}/import-mark", json={"location": "", "why": "MO/3"}, headers=clerk)
    assert refused.status_code == 422 and refused.json()["problems"][0]["field"] == "location"
    marked = api.client.post(f"/api/v1/weapons/{wid}/import-mark", json={"location": "receiver", "why": "MO/3"},
                             headers=clerk)  # fmt: skip
    assert marked.status_code == 201, marked.text
    assert api.client.get("/api/v1/marking/tasks", headers=clerk).json()["total"] == 0
