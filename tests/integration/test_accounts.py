"""Accounts on both stores: sign-in with lockout, tokens that expire and are revoked, the change log."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from armtrace.domain.accounts import Role
from armtrace.domain.errors import Conflict, NotPermitted, NotSignedIn, RuleViolation
from armtrace.services import accounts
from armtrace.store import tables as t

PASSWORD = "correct horse battery"


def test_five_failed_sign_ins_lock_the_account_for_fifteen_minutes(uow, clock) -> None:
    accounts.add_user(accounts.AddUser("amina", "Amina Clerk", PASSWORD, ("registry_clerk",)), uow(), clock)
    for _ in range(5):
        with pytest.raises(NotPermitted, match="wrong"):
            accounts.sign_in("amina", "guess " * 3, uow(), clock)
    with pytest.raises(NotPermitted, match="locked") as err:
        accounts.sign_in("amina", PASSWORD, uow(), clock)  # even the right password, while locked
    assert "09:" in (err.value.hint or "")
    clock.at += timedelta(minutes=16)
    who = accounts.sign_in("amina", PASSWORD, uow(), clock)
    assert who.actor.id == "amina" and who.roles == {Role.REGISTRY_CLERK}
    with pytest.raises(NotPermitted, match="wrong"):
        accounts.sign_in("nobody", PASSWORD, uow(), clock)


def test_a_user_is_refused_with_every_problem_and_recorded_without_the_password_hash(uow, engine, clock) -> None:
    with pytest.raises(RuleViolation) as err:
        accounts.add_user(accounts.AddUser("x y", "", "short", ("nobody",)), uow(), clock)
    assert [p.field for p in err.value.problems] == ["username", "name", "roles", "password"]
    accounts.add_user(accounts.AddUser("Amina", "Amina Clerk", PASSWORD, ("auditor",)), uow(), clock)
    with pytest.raises(Conflict):
        accounts.add_user(accounts.AddUser("amina", "Other", PASSWORD, ("auditor",)), uow(), clock)
    with engine.connect() as conn:
        row = conn.execute(sa.select(t.change_log).where(t.change_log.c.action == "accounts:user:add")).one()
        stored = conn.execute(sa.select(t.users.c.password_hash)).scalar_one()
    assert json.loads(row.after)["username"] == "amina" and "password_hash" not in row.after
    assert stored.startswith("$argon2id$")


def test_a_token_works_until_it_expires_or_is_revoked_and_is_stored_only_as_a_digest(uow, engine, clock) -> None:
    accounts.add_user(accounts.AddUser("rms", "Police RMS", PASSWORD, ("registry_clerk",)), uow(), clock)
    token_id, secret = accounts.create_token(accounts.CreateToken("rms", "police records system", 1), uow(), clock)
    assert accounts.principal_for_token(secret, uow(), clock).actor.id == "rms"
    with engine.connect() as conn:
        assert secret not in json.dumps([list(r) for r in conn.execute(sa.select(t.api_tokens))], default=str)
    clock.at += timedelta(days=2)
    with pytest.raises(NotSignedIn):
        accounts.principal_for_token(secret, uow(), clock)
    clock.at -= timedelta(days=2)
    accounts.revoke_token(token_id, uow(), clock)
    with pytest.raises(NotSignedIn):
        accounts.principal_for_token(secret, uow(), clock)
