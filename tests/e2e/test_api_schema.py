"""Schemathesis against /openapi.json: generated requests, valid and not, find no server error and no
response that contradicts the schema (status code, content type, body).

Schemathesis parametrizes at collection, so the node it calls is built then: a SQLite store in a
temporary folder, an administrator's token, one weapon, a node identity.
"""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from armtrace.app import create_app
from armtrace.domain.actors import FixedClock
from armtrace.runtime import Runtime
from armtrace.services import accounts
from armtrace.services import exchange as ex
from armtrace.services.registry import add_weapon
from armtrace.settings import Settings
from tests.conftest import CLERK
from tests.factories import add_weapon as weapon_cmd

EXAMPLES = int(os.environ.get("ARMTRACE_SCHEMA_EXAMPLES", "12"))  # per operation; 80 found nothing more
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _node() -> tuple[Runtime, str]:
    folder = Path(tempfile.mkdtemp(prefix="armtrace-schema-"))
    clock = FixedClock(datetime(2026, 3, 1, 9, 30, tzinfo=UTC))
    rt = Runtime(Settings(database_url=f"sqlite:///{folder}/api.db"), clock=clock)
    rt.init_store()
    setup = rt.uow(CLERK)
    accounts.add_user(accounts.AddUser("admin", "Admin", "a long enough passphrase", ("admin",)), setup, clock)
    _, token = accounts.create_token(accounts.CreateToken("admin", "schemathesis"), setup, clock)
    add_weapon(weapon_cmd("AK123456"), setup, clock)
    ex.init_node(ex.InitNode("KEN-NFP", "KEN", folder / "ken.pem", "Kenya NFP"), setup, clock)
    return rt, token


RUNTIME, TOKEN = _node()
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(RUNTIME))


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_generated_request_meets_a_server_error_or_an_undocumented_response(case) -> None:  # type: ignore[no-untyped-def]
    response = case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, checks=CHECKS)  # raises on any
    assert response.status_code < 500  # and, plainly, never a server error
