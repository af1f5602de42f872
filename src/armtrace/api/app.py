"""`create_app(runtime)`: the node's HTTP server. Nothing connects at import time."""

from __future__ import annotations

from fastapi import FastAPI

from armtrace import __version__
from armtrace.api import exchange
from armtrace.api.errors import problem
from armtrace.domain.errors import ArmtraceError
from armtrace.runtime import Runtime


def create_app(runtime: Runtime) -> FastAPI:
    app = FastAPI(
        title="armtrace",
        version=__version__,
        description="A national node: mark, record and trace small arms and light weapons.",
    )
    app.state.runtime = runtime
    app.add_exception_handler(ArmtraceError, problem)
    app.include_router(exchange.router)
    return app
