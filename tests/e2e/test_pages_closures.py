"""The businesses page through an HTTP client: a closure pending with its difference, explained by one
clerk from the page, approved by a second on the approvals of the dashboard, and then closed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest
from fastapi.testclient import TestClient

from armtrace.app import create_app
from armtrace.domain.records import WeaponRecord
from armtrace.runtime import Runtime
from armtrace.services import accounts
from armtrace.services.closures import CloseBusiness, close_business
from armtrace.services.registry import add_weapon
from armtrace.settings import Settings
from tests.factories import add_weapon as weapon_cmd

PASSWORD = "a long enough passphrase"
DEALER = "Coast Firearms & Outfitters"


def dealers(serial: str) -> WeaponRecord:
    add = weapon_cmd(serial)
    return WeaponRecord(replace(add, first_event=replace(add.first_event, holder=DEALER)))


@pytest.fixture
def pages(store_url: str, clock, uow) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    rt = Runtime(Settings(database_url=store_url), clock=clock)
    for username, role in (("clara", "registry_clerk"), ("dan", "registry_clerk"), ("ana", "analyst")):
        accounts.add_user(accounts.AddUser(username, username.title(), PASSWORD, (role,)), uow(), clock)
    add_weapon(dealers("AK777").add, uow(), clock)  # weapon #1, on record as the dealer's
    closure = CloseBusiness(DEALER, "dealer", date(2025, 6, 30), "Firearms Act s.12")
    close_business(closure, [dealers("AK888")], uow(), clock)
    with TestClient(create_app(rt)) as client:
        yield client
    rt.engine.dispose()


def sign_in(client: TestClient, username: str) -> str:
    client.cookies.clear()
    response = client.post("/signin", data={"username": username, "password": PASSWORD, "next": "/"})
    assert response.status_code == 200
    return re.search(r'name="csrf" value="([^"]+)"', response.text).group(1)  # type: ignore[union-attr]


def test_a_clerk_explains_a_difference_on_the_page_and_a_second_clerks_approval_closes_the_business(
    pages: TestClient,
) -> None:
    csrf = sign_in(pages, "clara")
    page = pages.get("/businesses")
    assert page.status_code == 200 and 'href="/businesses"' in page.text
    assert DEALER.replace("&", "&amp;") in page.text and "missing from the books" in page.text
    assert 'action="/businesses/explain"' in page.text
    asked = pages.post(
        "/businesses/explain",
        data={"csrf": csrf, "business": DEALER, "weapon_id": "1", "why": "sold under permit P/1, on file"},
        follow_redirects=False,
    )
    assert asked.status_code == 303
    approval = int(asked.headers["location"].rsplit("=", 1)[1])
    waiting = pages.get(asked.headers["location"]).text
    assert f"waiting for approval #{approval}" in waiting and 'action="/businesses/explain"' not in waiting
    assert "Waiting for a second authorized user" in pages.get("/").text  # the asker cannot approve it
    csrf = sign_in(pages, "dan")
    decided = pages.post(f"/approvals/{approval}/approve", data={"csrf": csrf, "back": "/"}, follow_redirects=False)
    assert decided.status_code == 303
    assert "No closure waits for explanations." in pages.get("/businesses").text
    closed = pages.get("/businesses", params={"name": DEALER}).text
    assert "closed" in closed and "sold under permit P/1, on file" in closed and "approved by dan" in closed


def test_an_explanation_without_words_is_refused_on_a_page_and_an_analyst_has_no_businesses_page(
    pages: TestClient,
) -> None:
    csrf = sign_in(pages, "clara")
    refused = pages.post("/businesses/explain", data={"csrf": csrf, "business": DEALER, "weapon_id": "1", "why": " "})
    assert refused.status_code == 422 and "says what became of the weapon" in refused.text
    unknown = pages.post("/businesses/explain", data={"csrf": csrf, "business": DEALER, "weapon_id": "9", "why": "x"})
    assert unknown.status_code == 404 and "has no difference on weapon #9" in unknown.text
    sign_in(pages, "ana")
    assert 'href="/businesses"' not in pages.get("/").text
    assert pages.get("/businesses").status_code == 403
