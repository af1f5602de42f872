"""`armtrace demo --serve`: the three demo nodes stay up, with their pages, for a newcomer to click through.

Each node keeps its demo sign-ins, serves its API and pages on its port, and its scheduler
delivers its outbox (and reminders) every second, so a request drafted on one node's
pages reaches the other node's inbox while the newcomer switches tabs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from armtrace.app import NodeServer
from armtrace.demo.narrator import Narrator
from armtrace.demo.people import PASSWORD, USERS, demo_users
from armtrace.demo.tracing import Served
from armtrace.domain.errors import N_
from armtrace.runtime import Runtime
from armtrace.scheduler import OnError, Scheduler
from armtrace.settings import load_settings

EVERY = 1.0  # seconds between a node's delivery passes: a click on one node shows on the next at once


@contextmanager
def serving(served: list[Served], narrator: Narrator, on_error: OnError | None = None) -> Iterator[None]:
    """Every node served, and its scheduler running, until the block ends."""
    with ExitStack() as up:
        servers = []
        for s in served:
            rt = Runtime(load_settings(database_url=s.url))
            demo_users(rt)
            server = NodeServer(rt, s.port)
            server.start()
            up.callback(server.stop)
            servers.append(server)
            up.enter_context(Scheduler(rt, EVERY, on_error, name=f"scheduler:{s.node_id}"))
        _tell(served, [server.address for server in servers], narrator)
        yield


def _tell(served: list[Served], addresses: list[str], narrator: Narrator) -> None:
    narrator.say(N_("[bold]The demo world is up[/bold] — open the nodes in a browser:"), gap=True)
    for s, address in zip(served, addresses, strict=True):
        narrator.node(s.node_id, s.role, address + "/")
    officer, supervisor, auditor = (username for username, _name, _roles in USERS)
    narrator.say(
        N_(
            "Sign in on any node as [bold]%(officer)s[/bold], [bold]%(supervisor)s[/bold] or "
            "[bold]%(auditor)s[/bold], password '%(password)s'. An answer that sends registry data abroad waits "
            "for a second officer: the supervisor approves it from the dashboard or the request's page.",
            officer=officer,
            supervisor=supervisor,
            auditor=auditor,
            password=PASSWORD,
        )
    )
    bel, uga = addresses[0], addresses[2]
    narrator.say(N_("[bold]A trace round trip by clicking[/bold]:"), gap=True)
    narrator.say(
        N_(
            "%(page)s — open a seized weapon, then 'Open a tracing request for this weapon';\n"
            "     fill in the legal basis, circumstances and intended use, draft it, and send it.",
            page=uga + "/weapons?status=recovered",
        ),
        prefix="  1. ",
    )
    narrator.say(
        N_(
            "%(page)s — the request is in 'Requests to acknowledge': open it, acknowledge, check the answer\n"
            "     drafted from Belgium's registry, and send it; sign in as %(supervisor)s and approve it.",
            page=bel + "/",
            supervisor=supervisor,
        ),
        prefix="  2. ",
    )
    narrator.say(
        N_(
            "%(page)s — the answer is there; follow the chain to the next State if it names one.",
            page=uga + "/trace?box=outbox",
        ),
        prefix="  3. ",
    )
    narrator.say(N_("Statistics: %(page)s. Press Ctrl-C to stop the nodes.", page=uga + "/statistics"), prefix="  ")
