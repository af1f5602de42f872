"""What the README promises a newcomer: `armtrace demo --serve`, then a trace round trip by clicking,
Uganda to Belgium and on to Kenya, in headless Chromium, across the three nodes' pages."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_pages_browser import ARGS, CHROMIUM

playwright = pytest.importorskip("playwright.sync_api", reason="the test extras install Playwright")
PASSWORD = "demo passphrase 2026"


def three_free_ports() -> int:
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = int(s.getsockname()[1])
        if base > 65000:
            continue
        try:
            for port in (base, base + 1, base + 2):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
    raise AssertionError("no three consecutive free ports on loopback")


@pytest.fixture
def world(tmp_path: Path) -> Iterator[dict[str, str]]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    base = three_free_ports()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARMTRACE_")}
    log = (tmp_path / "demo.log").open("w")
    demo = subprocess.Popen(
        [sys.executable, "-m", "armtrace.cli.main", "demo", "--serve", "--port", str(base), "--weapons", "1500"],
        cwd=tmp_path,
        env={**env, "COLUMNS": "200"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while "The demo world is up" not in (tmp_path / "demo.log").read_text() and time.monotonic() < deadline:
        assert demo.poll() is None, (tmp_path / "demo.log").read_text()
        time.sleep(0.2)
    assert "The demo world is up" in (tmp_path / "demo.log").read_text()
    yield {c: f"http://127.0.0.1:{base + i}" for i, c in enumerate(("BEL", "KEN", "UGA"))}
    demo.send_signal(signal.SIGINT)
    demo.wait(timeout=30)
    log.close()


def sign_in(page, address: str, who: str = "officer") -> None:  # type: ignore[no-untyped-def]
    page.goto(address + "/signin")
    page.fill("input[name=username]", who)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=What needs you today")


def wait_for_text(page, url: str, text: str, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    """Reload until the text appears: the nodes deliver their outboxes every second."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page.goto(url)
        if text in page.inner_text("main"):
            return
        time.sleep(0.5)
    raise AssertionError(f"{text!r} did not appear at {url}")


def answer_from_registry(page, address: str, request_id: str) -> str:  # type: ignore[no-untyped-def]
    sign_in(page, address)
    wait_for_text(page, address + "/", request_id)
    page.click(f"a:text('{request_id}')")
    page.click("button:text-is('Acknowledge')")
    page.wait_for_selector("h1 >> text=acknowledged")
    facts = page.input_value("textarea[name=facts]")
    page.click("text=Send the answer")
    page.wait_for_selector("text=The answer waits for a second officer")  # it discloses registry data
    page.click("button.link:text-is('Sign out')")
    sign_in(page, address, "supervisor")
    page.click(f"a:text('{request_id}')")
    page.click("text=Approve and carry out")
    page.wait_for_selector("text=Answer sent")
    return facts


def test_a_newcomer_completes_a_trace_round_trip_by_clicking(world: dict[str, str]) -> None:
    shots = Path(os.environ["ARMTRACE_SCREENSHOTS"]) if os.environ.get("ARMTRACE_SCREENSHOTS") else None
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        uga, bel, ken = (browser.new_context(viewport={"width": 1200, "height": 900}).new_page() for _ in range(3))
        sign_in(uga, world["UGA"])
        uga.goto(world["UGA"] + "/weapons?status=recovered")
        uga.click("table tbody tr:has-text('FN Herstal') a >> nth=0")
        uga.click("text=Open a tracing request for this weapon")
        assert uga.input_value("input[name=manufacturer]") == "FN Herstal"
        uga.fill("input[name=legal_justification]", "Firearms Act (Cap. 299), s. 3")
        uga.fill("textarea[name=circumstances]", "seized at Busia border post, second search")
        uga.select_option("select[name=intended_use]", "prosecution")
        uga.click("text=Draft the request")
        uga.wait_for_selector("h1 >> text=drafted")
        request_id = re.search(r"UGA-NFP-\d{4}-\d{6}", uga.inner_text("h1")).group(0)  # type: ignore[union-attr]
        uga.click("text=Send the request")
        uga.wait_for_selector("h1 >> text=sent")

        facts = answer_from_registry(bel, world["BEL"], request_id)
        assert "exported from BEL to KEN" in facts

        wait_for_text(uga, f"{world['UGA']}/trace/{request_id}", "Follow the chain to KEN")
        uga.click("text=Follow the chain to KEN")
        uga.click("text=Send the request")
        uga.wait_for_selector("h1 >> text=sent")
        follow_up = re.search(r"UGA-NFP-\d{4}-\d{6}", uga.inner_text("h1")).group(0)  # type: ignore[union-attr]

        facts = answer_from_registry(ken, world["KEN"], follow_up)
        assert "imported into KEN" in facts

        wait_for_text(uga, f"{world['UGA']}/trace/{follow_up}", "answered: traced")
        links = uga.locator("ol.chain > li")
        assert links.count() == 2
        assert links.nth(0).inner_text().startswith("BEL") and "went to KEN" in links.nth(0).inner_text()
        assert links.nth(1).inner_text().startswith("KEN") and "traced" in links.nth(1).inner_text()
        if shots:
            uga.screenshot(path=shots / "case-chain.png", full_page=True)
        browser.close()
