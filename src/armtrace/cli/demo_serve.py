"""`armtrace demo --serve`: the three demo nodes stay up, with their pages, for a newcomer to click through.

Each node gets demo sign-ins, serves its API and pages on its port, and delivers its outbox
(and reminders) every second, so a request drafted on one node's pages reaches the other
node's inbox while the newcomer switches tabs.
"""

from __future__ import annotations

import threading

import httpx

from armtrace.api.server import BackgroundServer
from armtrace.cli.demo_tracing import Served
from armtrace.cli.output import _, console
from armtrace.demo.people import PASSWORD, USERS, demo_users
from armtrace.domain.actors import Actor
from armtrace.exchange.delivery import deliver_due
from armtrace.runtime import Runtime
from armtrace.services import tracing
from armtrace.settings import Settings


def serve_world(served: list[Served]) -> None:
    """Serve every node until Ctrl-C, delivering each one's outbox every second."""
    stop = threading.Event()
    servers, workers = [], []
    for s in served:
        rt = Runtime(Settings(database_url=s.url), actor=Actor(s.node_id.lower(), f"{s.node_id} node"))
        demo_users(rt)
        server = BackgroundServer(rt, s.port)
        server.start()
        servers.append(server)
        workers.append(threading.Thread(target=_deliver, args=(rt, stop), name=f"outbox:{s.node_id}", daemon=True))
    for w in workers:
        w.start()
    console.print("\n" + _("[bold]The demo world is up[/bold] — open the nodes in a browser:"))
    for s, server in zip(served, servers, strict=True):
        console.print(f"  {s.node_id}  {s.role:<35} {server.address}/", soft_wrap=True)
    officer, supervisor, auditor = (username for username, _name, _roles in USERS)
    console.print(
        _(
            "Sign in on any node as [bold]%(officer)s[/bold], [bold]%(supervisor)s[/bold] or "
            "[bold]%(auditor)s[/bold], password '%(password)s'. An answer that sends registry data abroad waits "
            "for a second officer: the supervisor approves it from the dashboard or the request's page.",
            officer=officer,
            supervisor=supervisor,
            auditor=auditor,
            password=PASSWORD,
        )
    )
    uga, bel = servers[2].address, servers[0].address
    steps = (
        _("[bold]A trace round trip by clicking[/bold]:"),
        "  1. "
        + _(
            "%(page)s — open a seized weapon, then 'Open a tracing request for this weapon';\n"
            "     fill in the legal basis, circumstances and intended use, draft it, and send it.",
            page=uga + "/weapons?status=recovered",
        ),
        "  2. "
        + _(
            "%(page)s — the request is in 'Requests to acknowledge': open it, acknowledge, check the answer\n"
            "     drafted from Belgium's registry, and send it; sign in as %(supervisor)s and approve it.",
            page=bel + "/",
            supervisor=supervisor,
        ),
        "  3. "
        + _(
            "%(page)s — the answer is there; follow the chain to the next State if it names one.",
            page=uga + "/trace?box=outbox",
        ),
        "  " + _("Statistics: %(page)s. Press Ctrl-C to stop the nodes.", page=uga + "/statistics"),
    )
    console.print("\n" + "\n".join(steps), soft_wrap=True)
    try:
        stop.wait()
    except KeyboardInterrupt:
        console.print(_("Stopping the nodes."))
    finally:
        stop.set()
        for server in servers:
            server.stop()


def _deliver(rt: Runtime, stop: threading.Event) -> None:
    with httpx.Client() as client:
        while not stop.is_set():
            try:
                tracing.send_reminders(rt.uow(), rt.clock)
                deliver_due(rt.uow(), rt.clock, client)
            except Exception as exc:  # a pass that fails is tried again a second later
                console.print(_("[yellow]delivery pass failed:[/yellow] %(error)s", error=exc))
            stop.wait(1.0)
