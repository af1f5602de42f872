"""Alembic migrations of the armtrace schema."""
