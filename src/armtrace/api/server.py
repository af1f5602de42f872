"""A node's HTTP server running in a background thread: for the demo, which runs several nodes in one
process, each on its own loopback port. `armtrace serve` runs one in the foreground instead."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn

from armtrace.api.app import create_app
from armtrace.domain.errors import N_, RuleViolation
from armtrace.runtime import Runtime


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class BackgroundServer:
    def __init__(self, runtime: Runtime, port: int, host: str = "127.0.0.1") -> None:
        self.runtime, self.host, self.port = runtime, host, port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 10) -> None:
        config = uvicorn.Config(create_app(self.runtime), host=self.host, port=self.port, log_level="error")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name=f"node:{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuleViolation(
                    N_("the node's server did not start on %(address)s", address=self.address),
                    hint=N_("is the port already in use?"),
                )
            time.sleep(0.02)

    def stop(self, timeout: float = 10) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout)
        self._server = self._thread = None
