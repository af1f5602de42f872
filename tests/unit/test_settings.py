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


def test_the_days_the_office_is_closed_are_read_from_the_settings_and_count_as_no_working_day(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from armtrace.domain.errors import RuleViolation
    from armtrace.runtime import Runtime
    from armtrace.settings import load_settings

    monkeypatch.setenv("ARMTRACE_CLOSED_DAYS", "2026-12-28, 2026-12-29")
    rt = Runtime(load_settings())
    assert rt.deadlines.holidays == {date(2026, 12, 28), date(2026, 12, 29)}
    with pytest.raises(RuleViolation) as bad:
        load_settings(closed_days="2026-12-28, 28/12/2026")
    assert [p.field for p in bad.value.problems] == ["ARMTRACE_CLOSED_DAYS"]
    assert "'28/12/2026' is not a date" in bad.value.problems[0].message


def test_the_mail_password_is_never_echoed() -> None:
    from armtrace.domain.errors import RuleViolation
    from armtrace.settings import load_settings

    with pytest.raises(RuleViolation) as bad:
        load_settings(smtp_port=0, smtp_password=["not text"])
    assert "not text" not in str(bad.value) + repr([p.value for p in bad.value.problems])
