"""The node's background work: deliver the outbox and send the reminders a counterpart is owed.

It acts as the node's scheduler (`domain.accounts.SCHEDULER`), a principal of its own that
may deliver and remind and nothing else, through the same services as an officer at the
command line. One loop, used by `armtrace serve` and by the demo's served nodes: a pass
every `every` seconds until its stop event is set. A pass that fails is reported and tried
again at the next; delivery itself retries each message with backoff (exchange/delivery.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import TracebackType

import httpx

from armtrace.domain.accounts import SCHEDULER
from armtrace.exchange.delivery import Delivered
from armtrace.runtime import Runtime
from armtrace.services import anchors, deadlines, exchange, tracing

OnError = Callable[[Exception], None]


def one_pass(rt: Runtime, client: httpx.Client) -> Delivered:
    """Queue the reminders that are due and the day's anchors, then deliver what the outbox holds."""
    uow = rt.uow(SCHEDULER)
    tracing.send_reminders(uow, rt.clock)
    deadlines.notify_contact(uow, rt.clock, rt.mailer)  # the point of contact, of requests past acknowledgement
    anchors.lodge(uow, rt.clock)  # at most once a day: the chain heads, lodged with every peer
    return exchange.deliver(uow, rt.clock, client)


def run(rt: Runtime, stop: threading.Event, every: float = 2.0, on_error: OnError | None = None) -> None:
    """Pass after pass until `stop` is set; a failed pass goes to `on_error` and the loop goes on."""
    with httpx.Client() as client:
        while not stop.is_set():
            try:
                one_pass(rt, client)
            except Exception as exc:  # the node keeps serving; the next pass tries again
                if on_error is not None:
                    on_error(exc)
            stop.wait(every)


class Scheduler:
    """The loop in a thread of its own, beside a node's server: `with Scheduler(rt): serve()`."""

    def __init__(self, rt: Runtime, every: float = 2.0, on_error: OnError | None = None, name: str = "scheduler"):
        self.stop_event = threading.Event()
        self._thread = threading.Thread(target=run, args=(rt, self.stop_event, every, on_error), name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5) -> None:
        """Stop after the pass under way, waiting for it at most `timeout` seconds."""
        self.stop_event.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def __enter__(self) -> Scheduler:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
