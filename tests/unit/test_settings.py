"""Settings refuse what would make a node unsafe."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from armtrace.settings import Settings


@pytest.mark.parametrize("environment", ["production", "staging", "Production"])
def test_the_default_secret_is_refused_outside_development(environment: str) -> None:
    with pytest.raises(ValidationError, match="ARMTRACE_SECRET_KEY"):
        Settings(environment=environment)
    assert Settings(environment=environment, secret_key="x" * 40).environment == environment
