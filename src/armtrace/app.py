"""The node's web application: the HTTP API and the pages on one server, with the one error table.

`create_app(runtime)` builds it; nothing connects at import time. A refusal (a service's error,
a request that does not match the schema, an address the framework does not know) is answered
as problem+json to programs (api/errors.py) and as a page to people (web/app.py).
`NodeServer` runs it in a background thread, for the demo, which runs several nodes in one
process, each on its own loopback port; `armtrace serve` runs one in the foreground instead.
"""

from __future__ import annotations

import socket
import threading
import time
from http import HTTPStatus

import uvicorn
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from armtrace import __version__
from armtrace.api.app import add_api, is_api
from armtrace.api.errors import http_problem, problem, schema_violation
from armtrace.domain.errors import N_, ArmtraceError, NotFound, RuleViolation
from armtrace.runtime import Runtime
from armtrace.web.app import add_pages, error_page


def create_app(runtime: Runtime) -> FastAPI:
    app = FastAPI(
        title="armtrace",
        version=__version__,
        description="A national node: mark, record and trace small arms and light weapons. "
        "Errors are application/problem+json (RFC 9457). Send 'Authorization: Bearer <token>'.",
    )
    app.state.runtime = runtime
    app.add_exception_handler(ArmtraceError, _refusal)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(StarletteHTTPException, _http_refusal)
    add_api(app)
    add_pages(app)
    return app


def _refusal(request: Request, exc: Exception) -> Response:
    """The one error table, answered as problem+json to programs and as a page to people."""
    assert isinstance(exc, ArmtraceError)
    return problem(request, exc) if is_api(request) else error_page(request, exc)


def _invalid(request: Request, exc: Exception) -> Response:
    """Unknown fields, wrong types, numbers out of range: a RuleViolation, every problem listed."""
    assert isinstance(exc, RequestValidationError)
    return _refusal(request, schema_violation(exc))


def _http_refusal(request: Request, exc: Exception) -> Response:
    """What the framework itself refuses (an unknown address, a method not allowed), in the same two forms."""
    assert isinstance(exc, StarletteHTTPException)
    if is_api(request):
        return http_problem(request, exc)
    detail = str(exc.detail or HTTPStatus(exc.status_code).phrase)
    return error_page(request, NotFound(detail) if exc.status_code == 404 else ArmtraceError(detail), exc.status_code)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class NodeServer:
    """A node's app served on `host:port` from a background thread, started and stopped at will."""

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
