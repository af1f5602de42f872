"""Accounts' use cases through an in-memory unit of work: who may make accounts, and what is recorded."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from armtrace.domain.accounts import NOBODY, Principal, Role
from armtrace.domain.actors import Actor, FixedClock
from armtrace.domain.errors import NotPermitted, NotSignedIn
from armtrace.services import accounts
from tests.fakes import FakeUnitOfWork

CLOCK = FixedClock(datetime(2026, 3, 1, 9, 30, tzinfo=UTC))
PASSWORD = "correct horse battery"


def test_the_first_account_is_an_administrator_and_after_it_only_an_administrator_adds_accounts() -> None:
    store = FakeUnitOfWork(NOBODY, CLOCK)
    clerk = accounts.AddUser("amina", "Amina Clerk", PASSWORD, ("registry_clerk",))
    with pytest.raises(NotPermitted, match="first account of a registry is its administrator"):
        accounts.add_first_administrator(clerk, store, CLOCK)
    accounts.add_first_administrator(accounts.AddUser("root", "Ada Admin", PASSWORD, ("admin",)), store, CLOCK)
    with pytest.raises(NotPermitted, match="has an administrator already"):
        accounts.add_first_administrator(accounts.AddUser("eve", "Eve", PASSWORD, ("admin",)), store, CLOCK)
    with pytest.raises(NotSignedIn):  # the console, not signed in
        accounts.add_user(clerk, store, CLOCK)
    auditor = Principal(Actor("ana", "Ana"), frozenset({Role.AUDITOR}))
    with pytest.raises(NotPermitted, match=r"accounts\.manage"):
        accounts.add_user(clerk, store.acting_as(auditor), CLOCK)
    admin = accounts.sign_in("root", PASSWORD, store.acting_as(NOBODY), CLOCK)
    accounts.add_user(clerk, store.acting_as(admin), CLOCK)
    assert [(who, c.action, c.object_id) for who, c in store.change_log] == [
        ("anonymous", "accounts:user:add", "root"),
        ("root", "accounts:user:add", "amina"),
    ]
    assert {u["username"] for u in store.accounts.users.values()} == {"root", "amina"}


def test_a_refused_sign_in_is_still_counted_toward_the_lockout() -> None:
    store = FakeUnitOfWork(NOBODY, CLOCK)
    accounts.add_first_administrator(accounts.AddUser("root", "Ada Admin", PASSWORD, ("admin",)), store, CLOCK)
    with pytest.raises(NotPermitted, match="wrong"):
        accounts.sign_in("root", "not the password", store, CLOCK)
    [user] = store.accounts.users.values()
    assert (user["failures"], user["last_failure_at"]) == (1, CLOCK.now())
