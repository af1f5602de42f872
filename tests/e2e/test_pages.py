"""The pages through an HTTP client: sign-in, refusals without the form token, field-level errors that
keep what was typed, holders withheld, cards and drafts only for whom their services allow, and a page
that does not exist."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from armtrace import i18n
from armtrace.app import create_app
from armtrace.domain.errors import N_
from armtrace.domain.tracing import Markings
from armtrace.runtime import Runtime
from armtrace.services import accounts
from armtrace.services import exchange as ex
from armtrace.services import tracing as tr
from armtrace.services.registry import add_weapon
from armtrace.settings import Settings
from armtrace.store import tables as t
from tests.conftest import CLERK
from tests.factories import add_weapon as weapon_cmd
from tests.factories import imported_unmarked, when
from tests.messages import deliver

PASSWORD = "a long enough passphrase"


@pytest.fixture
def pages(store_url: str, clock, uow, tmp_path: Path) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    rt = Runtime(Settings(database_url=store_url), clock=clock)
    accounts.add_user(accounts.AddUser("marie", "Marie", PASSWORD, ("tracing_officer",)), uow(), clock)
    accounts.add_user(accounts.AddUser("ana", "Ana", PASSWORD, ("analyst",)), uow(), clock)
    accounts.add_user(accounts.AddUser("otto", "Otto", PASSWORD, ("auditor",)), uow(), clock)
    add_weapon(weapon_cmd("AK123456"), uow(), clock)
    ex.init_node(ex.InitNode("KEN-NFP", "KEN", tmp_path / "ken.pem", "Kenya NFP"), uow(), clock)
    with TestClient(create_app(rt)) as client:
        yield client
    rt.engine.dispose()


def sign_in(client: TestClient, username: str) -> str:
    response = client.post("/signin", data={"username": username, "password": PASSWORD, "next": "/"})
    assert response.status_code == 200 and "armtrace_session" in client.cookies
    return re.search(r'name="csrf" value="([^"]+)"', response.text).group(1)  # type: ignore[union-attr]


def test_a_form_with_missing_elements_marks_each_field_and_keeps_what_was_typed(pages: TestClient) -> None:
    csrf = sign_in(pages, "marie")
    typed = {"csrf": csrf, "legal_justification": "Firearms Act s.4", "manufacturer": "Norinco", "serial": "",
             "circumstances": "", "intended_use": "prosecution"}  # fmt: skip
    response = pages.post("/trace/new", data=typed)
    assert response.status_code == 422
    html = response.text
    assert 'name="circumstances" aria-invalid="true"' in html and 'name="serial" aria-invalid="true"' in html
    assert 'name="legal_justification" value="Firearms Act s.4"' in html and 'value="Norinco"' in html
    assert "the circumstances of the find are missing" in html


def test_a_change_without_the_form_token_is_refused(pages: TestClient) -> None:
    sign_in(pages, "marie")
    response = pages.post("/identify", data={"serial": "AK12345?"})
    assert response.status_code == 403 and "security token" in response.text


def test_a_wrong_password_keeps_the_user_name_and_says_what_to_do(pages: TestClient) -> None:
    response = pages.post("/signin", data={"username": "marie", "password": "not it", "next": "/"})
    assert response.status_code == 401
    assert 'value="marie"' in response.text and "5 failures in a row lock the account" in response.text


def test_an_analyst_sees_a_weapon_without_its_holder_and_cannot_open_tracing(pages: TestClient) -> None:
    sign_in(pages, "ana")
    weapon = pages.get("/weapons/1")
    assert weapon.status_code == 200 and "Kenya Police Service" not in weapon.text and "(withheld)" in weapon.text
    assert pages.get("/trace").status_code == 403


def test_a_page_that_does_not_exist_is_a_page_not_json(pages: TestClient) -> None:
    sign_in(pages, "marie")
    response = pages.get("/no-such-page?lang=fr")
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert '<html lang="fr"' in response.text


def test_garbled_cookies_and_out_of_range_numbers_get_an_answer_not_a_crash(pages: TestClient) -> None:
    garbled = {"cookie": "armtrace_session=eyJ1Ijoi.\xe9".encode("latin-1")}  # a browser may send any byte
    assert pages.get("/", headers=garbled, follow_redirects=False).status_code == 303  # type: ignore[arg-type]
    sign_in(pages, "marie")
    assert pages.get("/weapons/99999999999999999999").status_code == 422
    assert pages.get("/trace/KEN-NFP-2026-000001?weapon_id=99999999999999999999").status_code == 422


def test_a_clerk_listing_weapons_with_holders_is_written_to_the_access_log(pages: TestClient, engine) -> None:  # type: ignore[no-untyped-def]
    sign_in(pages, "marie")  # a tracing officer may read holders
    assert pages.get("/weapons").status_code == 200
    with engine.connect() as conn:
        actions = conn.execute(sa.select(t.access_log.c.action, t.access_log.c.actor)).all()
    assert ("registry:weapons:search:holders", "marie") in actions


def test_a_french_form_explains_its_errors_in_french(pages: TestClient) -> None:
    csrf = sign_in(pages, "marie")
    response = pages.post("/trace/new?lang=fr", data={"csrf": csrf, "legal_justification": "Loi 7", "serial": ""})
    assert response.status_code == 422 and '<html lang="fr"' in response.text
    assert 'name="circumstances" aria-invalid="true"' in response.text
    assert "the circumstances of the find are missing" not in response.text  # translated, not left in English


def test_identification_explains_each_candidate_in_the_readers_language(pages: TestClient) -> None:
    csrf = sign_in(pages, "marie")
    typed = {"csrf": csrf, "serial": "AK12345?", "manufacturer": "Izhmash"}
    english = pages.post("/identify", data=typed).text
    french = pages.post("/identify?lang=fr", data=typed).text
    assert "serial equal up to 1 obliterated character; Izhmash is a former name of Kalashnikov Concern" in english
    worded = [
        i18n.word("fr", N_("serial equal up to 1 obliterated character")),
        i18n.word("fr", N_("%(matched)s is a former name of %(name)s", matched="Izhmash", name="Kalashnikov Concern")),
    ]
    assert "; ".join(worded) in french and "former name" not in french


def received_request(uow, clock, tmp_path: Path) -> str:  # type: ignore[no-untyped-def]
    """A request from Uganda about the weapon recorded here, delivered to this node's inbox."""
    uga = Runtime(Settings(database_url=f"sqlite:///{tmp_path}/uga.db"), clock=clock)
    uga.init_store()
    uga_key = ex.init_node(ex.InitNode("UGA-NFP", "UGA", tmp_path / "uga.pem", "UGA NFP"), uga.uow(CLERK), clock)
    ken_key = ex.node_identity(uow())["public_key"]
    ex.add_peer(ex.AddPeer("UGA-NFP", "state", "http://127.0.0.1:9", uga_key, "UGA"), uow(), clock)
    ex.add_peer(ex.AddPeer("KEN-NFP", "state", "http://127.0.0.1:9", ken_key, "KEN"), uga.uow(CLERK), clock)
    marks = Markings("Kalashnikov Concern", "AK123456", "RUS", "AKM", last_import_country="KEN")
    asked = tr.DraftRequest(("a",), "Firearms Act s.3", "seized at Busia", marks, "assault_rifle", "7.62x39",
                            "prosecution", requested="KEN-NFP")  # fmt: skip
    ref = tr.draft_request(asked, uga.uow(CLERK), clock)
    tr.send_request(ref, uga.uow(CLERK), clock)
    deliver(uga.engine, uow, clock)
    uga.engine.dispose()
    return ref


def drafts_read(engine) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        log = t.access_log.c
        return conn.execute(sa.select(log.actor, log.object).where(log.action == "tracing:answer:draft")).all()


def test_an_answer_is_drafted_only_for_an_officer_who_may_send_it_and_the_read_is_logged(  # type: ignore[no-untyped-def]
    pages: TestClient, uow, clock, engine, tmp_path: Path
) -> None:
    ref = received_request(uow, clock, tmp_path)
    sign_in(pages, "otto")  # an auditor reads the case, and may not answer it
    case = pages.get(f"/trace/{ref}")
    assert case.status_code == 200 and "seized at Busia" in case.text
    assert 'name="facts"' not in case.text and drafts_read(engine) == []
    sign_in(pages, "marie")
    case = pages.get(f"/trace/{ref}")
    assert case.status_code == 200 and 'name="facts"' in case.text and "Drafted from the registry" in case.text
    assert drafts_read(engine) == [("marie", ref)]


def test_a_refused_answer_is_shown_again_as_typed_with_what_was_wrong(  # type: ignore[no-untyped-def]
    pages: TestClient, uow, clock, tmp_path: Path
) -> None:
    ref = received_request(uow, clock, tmp_path)
    csrf = sign_in(pages, "marie")
    typed = {"csrf": csrf, "outcome": "not_traced", "facts": "no record under this serial", "next_country": ""}
    response = pages.post(f"/trace/{ref}/answer", data=typed)
    assert response.status_code == 422
    assert "a not-traced answer gives the coded reason it failed" in response.text
    assert ">no record under this serial</textarea>" in response.text
    assert '<option value="not_traced" selected>' in response.text


def test_the_dashboard_and_the_case_show_how_long_a_request_has_waited_on_this_states_own_clock(  # type: ignore[no-untyped-def]
    pages: TestClient, uow, clock, tmp_path: Path
) -> None:
    from datetime import timedelta

    ref = received_request(uow, clock, tmp_path)
    sign_in(pages, "marie")
    assert "since today" in pages.get("/").text
    clock.at += timedelta(days=9)
    sign_in(pages, "marie")  # a sign-in lasts hours, not days
    dashboard = pages.get("/").text
    assert "Past our time to acknowledge" in dashboard and "Brought to the national point of contact" in dashboard
    assert re.search(rf"{ref}</bdi></a> from UGA-NFP, waiting 9 days", dashboard), dashboard
    case = pages.get(f"/trace/{ref}").text
    assert "waiting</strong>" not in case and "waiting 9 days</strong>" in case
    assert "Our deadlines" in case and "What UGA-NFP expects" in case and "own expectation)" in case


def test_the_request_form_asks_the_intended_use_from_the_list_and_cites_the_rule_it_misses(  # type: ignore[no-untyped-def]
    pages: TestClient,
) -> None:
    csrf = sign_in(pages, "marie")
    form = pages.get("/trace/new").text
    assert '<option value="stockpile_or_loss_investigation">' in form and 'name="craft_made"' in form
    typed = {"csrf": csrf, "bases": "a", "legal_justification": "Firearms Act s.4", "circumstances": "found",
             "manufacturer": "Norinco", "serial": "123", "country_of_manufacture": "CHN", "category": "rifle",
             "calibre": "7.62x39", "intended_use": "other"}  # fmt: skip
    refused = pages.post("/trace/new", data=typed)
    assert refused.status_code == 422
    assert 'name="model" aria-invalid="true"' in refused.text and "ISACS 05.31" in refused.text
    assert 'name="intended_use_detail" aria-invalid="true"' in refused.text and "ITI para 17(c)" in refused.text
    assert '<option value="other" selected>' in refused.text


def test_an_analysts_dashboard_leaves_out_the_cards_the_services_refuse_them(pages: TestClient) -> None:
    sign_in(pages, "ana")
    dashboard = pages.get("/")
    assert dashboard.status_code == 200
    assert "The registry" in dashboard.text  # an analyst reads the registry, holders masked
    assert "Requests to answer" not in dashboard.text and "Waiting for a second person" not in dashboard.text
    sign_in(pages, "marie")
    dashboard = pages.get("/")
    assert "Requests to answer" in dashboard.text and "Waiting for a second person" in dashboard.text


def test_a_sign_in_never_sends_the_browser_to_another_site(pages: TestClient) -> None:
    for elsewhere in ("//evil.example/", "/\\evil.example/", "https://evil.example/"):
        response = pages.post(
            "/signin", data={"username": "marie", "password": PASSWORD, "next": elsewhere}, follow_redirects=False
        )
        assert response.status_code == 303 and response.headers["location"] == "/", elsewhere


def test_a_number_out_of_range_on_a_page_is_answered_by_a_page(pages: TestClient) -> None:
    sign_in(pages, "marie")
    response = pages.get("/weapons/99999999999999999999")
    assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")
    assert "weapon_id" in response.text


def test_an_officer_withdraws_a_request_from_its_page_and_the_requested_state_is_told(  # type: ignore[no-untyped-def]
    pages: TestClient, uow, clock, engine, tmp_path: Path
) -> None:
    ex.add_peer(ex.AddPeer("RUS-NFP", "state", "http://127.0.0.1:9", "B" * 43 + "=", "RUS"), uow(), clock)
    marks = Markings("Kalashnikov Concern", "AK123456", "RUS", "AKM")
    asked = tr.DraftRequest(("a",), "Firearms Act s.3", "seized at Busia", marks, "assault_rifle", "7.62x39",
                            "prosecution")  # fmt: skip
    ref = tr.draft_request(asked, uow(), clock)
    tr.send_request(ref, uow(), clock)
    csrf = sign_in(pages, "marie")
    assert "Withdraw this request" in pages.get(f"/trace/{ref}").text
    refused = pages.post(f"/trace/{ref}/withdraw", data={"csrf": csrf, "why": " "})
    assert refused.status_code == 422 and "a withdrawal says why" in refused.text
    done = pages.post(f"/trace/{ref}/withdraw", data={"csrf": csrf, "why": "identified by the police"})
    assert done.status_code == 200 and "Withdraw this request" not in done.text
    with engine.connect() as conn:
        status = conn.execute(sa.select(t.trace_requests.c.status).where(t.trace_requests.c.id == ref)).scalar_one()
        sent = [json.loads(e)["type"] for e in conn.execute(sa.select(t.outbox.c.envelope)).scalars()]
    assert status == "withdrawn" and sent == ["trace.request", "trace.withdrawal"]


def test_a_message_a_peer_refused_for_good_is_on_the_dashboard_with_its_reason(  # type: ignore[no-untyped-def]
    pages: TestClient, uow, clock, tmp_path: Path
) -> None:
    from armtrace.exchange.envelope import create_key, new_envelope

    body = {"request_id": "KEN-NFP-2026-000007", "awaiting": "answer"}
    message = new_envelope("trace.reminder", "KEN-NFP", "BEL-FPS", body, clock.now(), create_key(tmp_path / "k.pem"))
    with uow() as u:
        u.outbox.put(message.to_json(), clock.now())
        u.outbox.refused(message.id, "unknown_request", "HTTP 403: ...", clock.now())
        u.commit()
    sign_in(pages, "marie")
    dashboard = pages.get("/").text
    assert "Refused by a peer" in dashboard and "to BEL-FPS: unknown request" in dashboard
    assert 'href="/trace/KEN-NFP-2026-000007"' in dashboard


def test_the_auditor_verifies_from_the_integrity_page_and_reads_every_finding(  # type: ignore[no-untyped-def]
    pages: TestClient, engine
) -> None:
    sign_in(pages, "ana")
    assert pages.get("/integrity").status_code == 403  # an analyst may not
    csrf = sign_in(pages, "otto")
    first = pages.get("/integrity").text
    assert "Not verified yet." in first and "No anchor lodged yet" in first
    done = pages.post("/integrity/verify", data={"csrf": csrf})
    assert done.status_code == 200 and "the chains are intact and every projection matches its events" in done.text
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE change_log SET actor = 'nobody' WHERE id = 1")
    again = pages.post("/integrity/verify", data={"csrf": csrf}).text
    assert "1 finding(s)" in again and "change-log line 1 was altered: it does not match its hash" in again


def test_the_dashboard_counts_the_weapons_awaiting_their_import_mark_and_the_marking_page_closes_one(  # type: ignore[no-untyped-def]
    pages: TestClient, uow, clock
) -> None:
    accounts.add_user(accounts.AddUser("kim", "Kim", PASSWORD, ("registry_clerk",)), uow(), clock)
    wid = add_weapon(imported_unmarked("AK555001"), uow(), clock).weapon_id
    age = (clock.now() - when(2019, 5, 2)).days
    csrf = sign_in(pages, "kim")
    card = pages.get("/").text.split('id="marking"')[1].split("</section>")[0]
    assert 'class="count alert">1<' in card and f"{age} days" in card and f'href="/weapons/{wid}"' in card
    assert 'href="/marking"' in card
    weapon = pages.get(f"/weapons/{wid}").text
    assert "Awaiting its import mark" in weapon and "since 2019-05-02: KEN, 2019" in weapon
    page = pages.get("/marking").text
    assert f'id="w{wid}"' in page and f'<td class="age">{age}</td>' in page
    assert f'action="/marking/{wid}/mark"' in page
    refused = pages.post(f"/marking/{wid}/mark", data={"csrf": csrf, "location": "", "why": "MO/9"})
    assert refused.status_code == 422 and "the place of the mark on the weapon" in refused.text
    assert 'value="MO/9"' in refused.text  # what was typed is kept
    done = pages.post(f"/marking/{wid}/mark", data={"csrf": csrf, "location": "receiver", "why": "MO/9"})
    assert done.status_code == 200 and f"Weapon #{wid} is marked" in done.text
    assert "No weapon awaits its import mark." in done.text
    assert "Awaiting its import mark" not in pages.get(f"/weapons/{wid}").text


def test_a_temporary_import_shows_its_exemption_on_the_weapons_page(pages: TestClient, uow, clock) -> None:  # type: ignore[no-untyped-def]
    reason = "repair at the maker's, re-exported"
    wid = add_weapon(imported_unmarked("AK555002", temporary=reason), uow(), clock).weapon_id
    sign_in(pages, "ana")
    html = pages.get(f"/weapons/{wid}").text
    assert "temporary import, exempt from import marking: repair at the maker&#39;s, re-exported" in html
    assert "Awaiting its import mark" not in html
