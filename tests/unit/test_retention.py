"""Retention: never below the ITI floors, nothing purged before its date."""

from __future__ import annotations

from datetime import date

import pytest

from armtrace.domain.errors import RuleViolation
from armtrace.domain.lifecycle import EventType, replay
from armtrace.domain.retention import RecordType, RetentionPolicy, check_purge, retain_until
from tests.factories import event, manufactured, when


def test_a_policy_below_the_iti_floor_is_refused_naming_the_floor() -> None:
    with pytest.raises(RuleViolation, match="under the floor of 30") as err:
        RetentionPolicy({RecordType.MANUFACTURE: 25, RecordType.OTHER: 20})
    assert "30 years for manufacturing records" in (err.value.rule or "")


def test_a_state_may_keep_records_longer_than_the_floor() -> None:
    policy = RetentionPolicy({RecordType.MANUFACTURE: 50, RecordType.OTHER: 25})
    assert policy.keep_until(EventType.IMPORTED, when(2000)) == date(2025, 1, 1)


def test_manufacture_records_keep_30_years_and_others_20() -> None:
    policy = RetentionPolicy()
    assert retain_until([(EventType.MANUFACTURED, when(2000)), (EventType.EXPORTED, when(2001))], policy) == date(
        2030, 1, 1
    )
    assert retain_until([(EventType.MANUFACTURED, when(2000)), (EventType.EXPORTED, when(2015))], policy) == date(
        2035, 1, 1
    )


def test_a_record_dated_29_february_is_kept_to_1_march() -> None:
    assert RetentionPolicy().keep_until(EventType.MANUFACTURED, when(2004, 2, 29)) == date(2034, 3, 1)


def test_purging_before_the_date_is_refused_naming_the_date() -> None:
    state = replay([(1, manufactured(at=when(2000))), (2, event(EventType.DESTROYED, when(2001)))])
    with pytest.raises(RuleViolation, match="must be kept until 2030-01-01"):
        check_purge(state, date(2030, 1, 1), today=date(2029, 12, 31))
    check_purge(state, date(2030, 1, 1), today=date(2030, 1, 1))


def test_a_weapon_still_on_the_territory_is_never_purged() -> None:
    state = replay([(1, manufactured(at=when(1980)))])
    with pytest.raises(RuleViolation, match="still on the territory"):
        check_purge(state, date(2010, 1, 1), today=date(2026, 1, 1))
