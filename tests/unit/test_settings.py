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


def test_bad_settings_are_refused_as_a_rule_violation_that_names_each_variable_and_never_echoes_the_secret() -> None:
    from armtrace.domain.errors import RuleViolation
    from armtrace.settings import load_settings

    with pytest.raises(RuleViolation) as refused:
        load_settings(environment="production", secret_key="short secret", answer_days=0)
    fields = {p.field for p in refused.value.problems}
    assert fields == {"ARMTRACE_ANSWER_DAYS"}  # a field refused: the secret is checked once the fields hold
    assert "short secret" not in str(refused.value) + repr([p.value for p in refused.value.problems])
    with pytest.raises(RuleViolation) as weak:
        load_settings(environment="production", secret_key="short secret")
    assert [p.field for p in weak.value.problems] == ["ARMTRACE_*"]
    assert "ARMTRACE_SECRET_KEY must be" in weak.value.problems[0].message
    assert "short secret" not in str(weak.value)
    assert load_settings(environment="production", secret_key="x" * 40).environment == "production"
