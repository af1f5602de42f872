"""`armtrace demo --serve`: the three demo nodes stay up, with their pages, for a newcomer to click through.

Each node gets demo sign-ins, serves its API and pages on its port, and delivers its outbox
(and reminders) every second, so a request drafted on one node's pages reaches the other
node's inbox while the newcomer switches tabs.
"""

from __future__ import annotations

import contextlib
import threading

import httpx

from armtrace.api.server import BackgroundServer
from armtrace.cli.demo_tracing import Served
from armtrace.cli.output import console
from armtrace.domain.actors import Actor
from armtrace.domain.errors import Conflict
from armtrace.exchange.delivery import deliver_due
from armtrace.runtime import Runtime
from armtrace.services import accounts, tracing
from armtrace.settings import Settings

PASSWORD = "demo passphrase 2026"
USERS = (
    ("officer", "Demo tracing officer", ("tracing_officer", "registry_clerk", "analyst")),
    ("supervisor", "Demo supervising officer", ("tracing_officer", "registry_clerk")),  # the second person
    ("auditor", "Demo auditor", ("auditor",)),
)


def demo_users(rt: Runtime) -> None:
    for username, name, roles in USERS:
        with contextlib.suppress(Conflict):  # served before: the sign-ins exist
            accounts.add_user(accounts.AddUser(username, name, PASSWORD, roles), rt.uow(), rt.clock)


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
    console.print("\n[bold]The demo world is up[/bold] — open the nodes in a browser:")
    for s, server in zip(served, servers, strict=True):
        console.print(f"  {s.node_id}  {s.role:<35} {server.address}/", soft_wrap=True)
    console.print(
        f"Sign in on any node as [bold]officer[/bold], [bold]supervisor[/bold] or [bold]auditor[/bold], "
        f"password '{PASSWORD}'. An answer that sends registry data abroad waits for a second officer: "
        "the supervisor approves it from the dashboard or the request's page."
    )
    uga, bel = servers[2].address, servers[0].address
    console.print(
        "\n[bold]A trace round trip by clicking[/bold]:\n"
        f"  1. {uga}/weapons?status=recovered — open a seized weapon, then 'Open a tracing request for this weapon';\n"
        "     fill in the legal basis, circumstances and intended use, draft it, and send it.\n"
        f"  2. {bel}/ — the request is in 'Requests to acknowledge': open it, acknowledge, check the answer\n"
        "     drafted from Belgium's registry, and send it; sign in as supervisor and approve it.\n"
        f"  3. {uga}/trace?box=outbox — the answer is there; follow the chain to the next State if it names one.\n"
        f"  Statistics: {uga}/statistics. Press Ctrl-C to stop the nodes.",
        soft_wrap=True,
    )
    try:
        stop.wait()
    except KeyboardInterrupt:
        console.print("Stopping the nodes.")
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
                console.print(f"[yellow]delivery pass failed:[/yellow] {exc}")
            stop.wait(1.0)
