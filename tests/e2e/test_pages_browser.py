"""The pages in headless Chromium (Debian's package, driven by Playwright): a tracing officer signs in,
identifies a weapon from damaged marks, opens its timeline, answers a trace request from another State
by clicking, and sees the statistics; the pages also lay out right to left in Arabic.

Runs on SQLite: the pages' storage is the same code the API and integration tests run on both stores.
Screenshots go to ARMTRACE_SCREENSHOTS when it is set (docs/screenshots/ holds the README's).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from armtrace.app import NodeServer, free_port
from armtrace.domain.actors import FixedClock
from armtrace.domain.tracing import Markings
from armtrace.runtime import Runtime
from armtrace.services import accounts
from armtrace.services import exchange as ex
from armtrace.services import tracing as tr
from armtrace.services.importing.records import load_records
from armtrace.settings import Settings
from tests.conftest import CLERK
from tests.factories import fal
from tests.messages import deliver

CHROMIUM = os.environ.get("ARMTRACE_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]  # fmt: skip
PASSWORD = "a long enough passphrase"

playwright = pytest.importorskip("playwright.sync_api", reason="the test extras install Playwright")


@pytest.fixture
def bel(tmp_path: Path) -> Iterator[str]:
    """Belgium's node serving its pages, with a request from Uganda waiting in its inbox."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    clock = FixedClock(datetime.now(UTC))
    rt = Runtime(Settings(database_url=f"sqlite:///{tmp_path}/bel.db"), clock=clock)
    uga = Runtime(Settings(database_url=f"sqlite:///{tmp_path}/uga.db"), clock=clock)
    for node in (rt, uga):
        node.init_store()
    bel_setup, uga_setup = (lambda: rt.uow(CLERK)), (lambda: uga.uow(CLERK))
    keys = {
        "BEL-FPS": ex.init_node(
            ex.InitNode("BEL-FPS", "BEL", tmp_path / "bel.pem", "BEL focal point"), bel_setup(), clock
        ),
        "UGA-NFP": ex.init_node(ex.InitNode("UGA-NFP", "UGA", tmp_path / "uga.pem", "UGA NFP"), uga_setup(), clock),
    }
    ex.add_peer(ex.AddPeer("UGA-NFP", "state", "http://127.0.0.1:9", keys["UGA-NFP"], "UGA"), bel_setup(), clock)
    ex.add_peer(ex.AddPeer("BEL-FPS", "state", "http://127.0.0.1:9", keys["BEL-FPS"], "BEL"), uga_setup(), clock)
    assert load_records([fal(s, "KEN") for s in ("8382593", "8382511", "1234567")], bel_setup(), clock).loaded == 3
    for username, name in (("marie", "Marie Dubois"), ("jean", "Jean Martin")):
        roles = ("tracing_officer", "registry_clerk")
        accounts.add_user(accounts.AddUser(username, name, PASSWORD, roles), bel_setup(), clock)
    ref = tr.draft_request(
        tr.DraftRequest(("a",), "Firearms Act (Cap. 299) s.3", "seized at Busia border post",
                        Markings("FN Herstal", "8382593", "BEL", "FAL"), "rifle", "7.62x51 NATO", "prosecution"),
        uga_setup(), clock,
    )  # fmt: skip
    tr.send_request(ref, uga_setup(), clock)
    deliver(uga.engine, bel_setup, clock)
    server = NodeServer(rt, free_port())
    server.start()
    yield server.address
    server.stop()
    for node in (rt, uga):
        node.engine.dispose()


def test_an_officer_identifies_a_weapon_and_answers_a_trace_request_by_clicking(bel: str, tmp_path: Path) -> None:
    shots = Path(os.environ.get("ARMTRACE_SCREENSHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 860}, locale="en-GB")
        page.goto(bel + "/")
        assert "/signin" in page.url  # nobody signed in: to the sign-in page
        page.fill("input[name=username]", "marie")
        page.fill("input[name=password]", PASSWORD)
        page.screenshot(path=shots / "signin.png")
        page.click("button[type=submit]")
        page.wait_for_selector("text=What needs you today")
        assert "UGA-NFP-" in page.inner_text("main")
        page.screenshot(path=shots / "dashboard.png", full_page=True)

        page.click("nav >> text=Identify")
        page.fill("input[name=serial]", "B3825?3")  # 8 misread as B, one character ground off
        page.fill("input[name=manufacturer]", "Fabrique Nationale")
        page.click("text=Find candidates")
        first = page.wait_for_selector("ol.candidates li >> nth=0")
        assert "8382593" in first.inner_text() and "obliterated" in first.inner_text()
        page.screenshot(path=shots / "identify.png", full_page=True)
        page.click("ol.candidates li >> nth=0 >> a")
        page.wait_for_selector("ol.timeline")
        assert page.locator("ol.timeline li").count() == 2
        assert "exported" in page.inner_text("ol.timeline") and "KEN" in page.inner_text("ol.timeline")
        page.screenshot(path=shots / "weapon.png", full_page=True)

        page.click("nav >> text=Tracing")
        page.click("table a >> nth=0")
        page.click("button:text-is('Acknowledge')")
        page.wait_for_selector("h1 >> text=acknowledged")
        facts = page.input_value("textarea[name=facts]")
        assert "exported from BEL to KEN" in facts and page.input_value("input[name=next_country]") == "KEN"
        page.screenshot(path=shots / "answer.png", full_page=True)
        page.click("text=Send the answer")
        page.wait_for_selector("text=The answer waits for a second officer")
        assert "Approve and carry out" not in page.inner_text("main")  # not by the one who asked
        case = page.url
        page.click("button.link:text-is('Sign out')")
        page.fill("input[name=username]", "jean")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("text=Waiting for a second person")
        page.goto(case)
        page.click("text=Approve and carry out")
        page.wait_for_selector("text=Answer sent")
        assert "answered" in page.inner_text("h1")

        page.click("nav >> text=Statistics")
        page.wait_for_selector("svg.chart")
        assert "UGA-NFP" in page.inner_text("table")
        page.screenshot(path=shots / "statistics.png", full_page=True)

        page.goto(bel + "/trace?lang=ar")
        assert page.get_attribute("html", "dir") == "rtl"
        nav_start = page.locator("header nav").bounding_box()
        brand = page.locator(".brand").bounding_box()
        assert nav_start and brand and brand["x"] > nav_start["x"]  # the brand stands at the right, first
        page.screenshot(path=shots / "tracing-ar.png", full_page=True)
        page.goto(bel + "/trace?lang=fr")
        assert page.get_attribute("html", "lang") == "fr"
        browser.close()
