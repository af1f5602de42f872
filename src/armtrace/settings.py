"""The one settings object, read from ARMTRACE_* variables and built once at start.

`load_settings` is how entry points build it: a bad value is refused as a RuleViolation of the one
error tree (what, which rule, what to do), never as a validation traceback.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from armtrace.domain.errors import N_, ProblemList

DEFAULT_DATABASE_URL = "sqlite:///armtrace.db"
DEVELOPMENT_SECRET = "development-only: set ARMTRACE_SECRET_KEY in production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ARMTRACE_", extra="ignore")

    database_url: str = Field(DEFAULT_DATABASE_URL, description="SQLAlchemy URL of the store")
    environment: str = Field("development", description="development or production")
    retention_manufacture_years: int = 30
    retention_other_years: int = 20
    archive_dir: str = "archive"
    acknowledge_working_days: int = Field(5, ge=1, description="working days a requested State has to acknowledge")
    answer_days: int = Field(30, ge=1, description="days a requested State has to answer")
    urgent_acknowledge_working_days: int = Field(1, ge=1)
    urgent_answer_days: int = Field(7, ge=1)
    closed_days: str = Field(
        "", description="days this office is closed beside the public holidays, as YYYY-MM-DD separated by commas"
    )
    smtp_host: str = Field("", description="the mail server that tells the national point of contact; none: no mail")
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_starttls: bool = False
    smtp_user: str = ""
    smtp_password: str = ""
    mail_from: str = Field("armtrace@localhost", description="the sender of the node's mail")
    secret_key: str = Field(DEVELOPMENT_SECRET, description="signs the pages' session cookies")
    session_hours: int = Field(8, ge=1, le=24, description="how long a sign-in lasts")
    envelope_max_bytes: int = Field(
        1_000_000, ge=10_000, description="the largest envelope a peer may deliver; larger ones are refused unread"
    )

    @model_validator(mode="after")
    def _no_default_secret_outside_development(self) -> Settings:
        weak = self.secret_key == DEVELOPMENT_SECRET or len(self.secret_key) < 32
        if self.environment != "development" and weak:
            raise ValueError(
                f"ARMTRACE_SECRET_KEY must be a random value of 32+ characters when ARMTRACE_ENVIRONMENT is "
                f"{self.environment!r}: with the default, anyone could sign a session cookie"
            )
        return self

    @field_validator("closed_days")
    @classmethod
    def _dates(cls, text: str) -> str:
        for part in filter(None, (p.strip() for p in text.split(","))):
            try:
                date.fromisoformat(part)
            except ValueError:
                raise ValueError(f"{part!r} is not a date: write YYYY-MM-DD, separated by commas") from None
        return text

    @property
    def closed_dates(self) -> frozenset[date]:
        return frozenset(date.fromisoformat(p.strip()) for p in self.closed_days.split(",") if p.strip())

    @field_validator("database_url")
    @classmethod
    def _psycopg3(cls, url: str) -> str:
        # "postgresql://" means psycopg2 to SQLAlchemy; armtrace ships psycopg 3.
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            return "postgresql+psycopg://" + url.split("://", 1)[1]
        return url


def load_settings(**overrides: Any) -> Settings:
    """The settings from the environment and `overrides`, or every problem with them at once."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = ProblemList()
        for error in exc.errors():
            name = "_".join(str(part) for part in error["loc"]) or "settings"
            variable = f"ARMTRACE_{name.upper()}" if name != "settings" else "ARMTRACE_*"
            shown = (
                error.get("input") if name not in ("settings", "secret_key", "smtp_password") else None
            )  # never echo a secret
            problems.add(variable, error["msg"].removeprefix("Value error, "), shown, rule="armtrace settings")
        problems.raise_if_any(
            N_("armtrace cannot start: its settings are not valid"),
            hint=N_("set the variables listed (see the README) and start again"),
        )
        raise  # unreachable: there was at least one problem
