"""Wiring: settings in, an engine, a clock and units of work out, each for the principal it acts for.

Built once by an entry point (the command line, the node's server) and passed along;
nothing connects at import time. Entry points reach the store only through units of work
handed to services, which check what their principal may do (services/door.py).
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from functools import cached_property

import sqlalchemy as sa

from armtrace.domain.accounts import Principal, operator
from armtrace.domain.actors import Clock, SystemClock
from armtrace.domain.errors import N_, RuleViolation
from armtrace.domain.retention import RecordType, RetentionPolicy
from armtrace.domain.tracing import Deadlines
from armtrace.exchange.mail import Mailer
from armtrace.settings import Settings
from armtrace.store.engine import make_engine
from armtrace.store.migrate import is_current, upgrade
from armtrace.store.uow import UnitOfWork


@dataclass
class Runtime:
    settings: Settings
    clock: Clock = field(default_factory=SystemClock)

    @cached_property
    def engine(self) -> sa.Engine:
        return make_engine(self.settings.database_url)

    @cached_property
    def policy(self) -> RetentionPolicy:
        return RetentionPolicy(
            {
                RecordType.MANUFACTURE: self.settings.retention_manufacture_years,
                RecordType.OTHER: self.settings.retention_other_years,
            }
        )

    @cached_property
    def deadlines(self) -> Deadlines:
        s = self.settings
        return Deadlines(
            s.acknowledge_working_days,
            s.answer_days,
            s.urgent_acknowledge_working_days,
            s.urgent_answer_days,
            s.closed_dates,  # the State's public holidays are added by the services, from the node's country
        )

    @cached_property
    def mailer(self) -> Mailer | None:
        """The mail server that tells the national point of contact, if the node has one."""
        s = self.settings
        if not s.smtp_host:
            return None
        return Mailer(s.smtp_host, s.smtp_port, s.mail_from, s.smtp_starttls, s.smtp_user, s.smtp_password)

    def uow(self, principal: Principal) -> UnitOfWork:
        """A unit of work acting for `principal`: what it may do is checked by the service it is given to."""
        return UnitOfWork(self.engine, principal, self.clock)

    @cached_property
    def operator(self) -> Principal:
        """Whoever runs the console beside the store, before signing in: may initialise and verify it."""
        return operator(_login())

    def init_store(self) -> None:
        upgrade(self.engine)

    def require_store(self) -> None:
        """Refuse to work on a store that was never initialised or is behind the code."""
        try:
            current = is_current(self.engine)
        except sa.exc.DatabaseError as exc:  # not reachable, or not a database at all
            raise RuleViolation(
                N_("cannot open the store at %(store)s: %(error)s", store=self.safe_url, error=str(exc.orig)),
                hint=N_("check ARMTRACE_DATABASE_URL"),
            ) from exc
        if not current:
            raise RuleViolation(
                N_("the store at %(store)s is not initialised or not up to date", store=self.safe_url),
                hint=N_("run 'armtrace init' first"),
            )

    @property
    def safe_url(self) -> str:
        return sa.make_url(self.settings.database_url).render_as_string(hide_password=True)


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
