"""The schema. Alembic migrations create it; this module describes it for queries.

Every constraint is named by convention so migrations can alter it on both stores.
The `weapons` and `marks` tables are projections of `events`, rewritten in the same
transaction; `events` is append-only and hash-chained (`chain_head` holds its tip).
"""

from __future__ import annotations

import sqlalchemy as sa

from armtrace.store.types import BigId, UTCDateTime

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

businesses = sa.Table(
    "businesses",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("name_key", sa.String(300), nullable=False, unique=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("country", sa.String(3)),
    sa.Column("licence", sa.String(100)),
    sa.Column("closed_on", sa.Date),
    sa.Column("records_received_at", UTCDateTime),
    sa.Column("note", sa.Text),
)

weapons = sa.Table(
    "weapons",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("category", sa.String(40), nullable=False),
    sa.Column("manufacturer", sa.String(300)),
    sa.Column("manufacturer_id", sa.String(80)),  # indexed first in ix_weapons_maker_serial_*
    sa.Column("manufacturer_key", sa.String(320), nullable=False),
    sa.Column("country_of_manufacture", sa.String(3)),
    sa.Column("serial", sa.String(100)),
    sa.Column("serial_key", sa.String(100)),  # compared through uq_weapons_identity; searched by serial_fold
    sa.Column("serial_fold", sa.String(100)),  # look-alikes folded (domain.identify.fold)
    sa.Column("serial_rev", sa.String(100)),  # serial_fold reversed: a missing prefix is a prefix here
    sa.Column("model", sa.String(120)),
    sa.Column("model_key", sa.String(120), nullable=False),
    sa.Column("calibre", sa.String(80)),
    sa.Column("year_of_manufacture", sa.Integer),
    sa.Column("marking_condition", sa.String(30), nullable=False),
    sa.Column("origin", sa.String(20), nullable=False),
    sa.Column("reference_id", sa.String(80)),
    sa.Column("flagged", sa.Boolean, nullable=False),
    sa.Column("status", sa.String(20), nullable=False, index=True),
    sa.Column("holder", sa.String(300)),
    sa.Column("country", sa.String(3)),
    sa.Column("place", sa.String(300)),
    sa.Column("facility", sa.String(120)),
    sa.Column("first_seq", sa.BigInteger, nullable=False),
    sa.Column("last_seq", sa.BigInteger, nullable=False),
    sa.Column("retain_until", sa.Date, nullable=False),
    sa.Column("business_id", sa.BigInteger, sa.ForeignKey("businesses.id"), index=True),
    sa.UniqueConstraint("manufacturer_key", "model_key", "serial_key", name="uq_weapons_identity"),
    # Prefix search: PostgreSQL needs the pattern operator class whatever the database's collation,
    # and the columns identification reads INCLUDEd, for index-only scans (migration 0004).
    sa.Index(
        "ix_weapons_serial_fold",
        "serial_fold",
        postgresql_ops={"serial_fold": "text_pattern_ops"},
        postgresql_include=["manufacturer_id", "id"],
    ),
    sa.Index(
        "ix_weapons_serial_rev",
        "serial_rev",
        postgresql_ops={"serial_rev": "text_pattern_ops"},
        postgresql_include=["serial_fold", "manufacturer_id", "id"],
    ),
    sa.Index(
        "ix_weapons_maker_serial_fold",
        "manufacturer_id",
        "serial_fold",
        postgresql_ops={"serial_fold": "text_pattern_ops"},
        postgresql_include=["id"],
    ),
    sa.Index(
        "ix_weapons_maker_serial_rev",
        "manufacturer_id",
        "serial_rev",
        postgresql_ops={"serial_rev": "text_pattern_ops"},
        postgresql_include=["serial_fold", "id"],
    ),
)

node = sa.Table(
    "node",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),  # one row: this node
    sa.Column("node_id", sa.String(40), nullable=False),
    sa.Column("country", sa.String(3), nullable=False),
    sa.Column("key_path", sa.Text, nullable=False),
    sa.Column("public_key", sa.String(64), nullable=False),
    sa.Column("contact_name", sa.String(200), nullable=False),  # national point of contact (ITI para 25)
    sa.Column("contact_email", sa.String(200)),
    sa.Column("contact_phone", sa.String(60)),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

peers = sa.Table(
    "peers",
    metadata,
    sa.Column("node_id", sa.String(40), primary_key=True),
    sa.Column("country", sa.String(3)),
    sa.Column("role", sa.String(20), nullable=False),  # state or hub
    sa.Column("address", sa.Text, nullable=False),
    sa.Column("public_key", sa.String(64), nullable=False),
    sa.Column("added_at", UTCDateTime, nullable=False),
)

trace_requests = sa.Table(
    "trace_requests",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # the requester's reference, e.g. KEN-2026-000042
    sa.Column("direction", sa.String(10), nullable=False),  # outgoing or incoming
    sa.Column("requester", sa.String(40), nullable=False),
    sa.Column("requested", sa.String(40), nullable=False),
    sa.Column("status", sa.String(20), nullable=False, index=True),
    sa.Column("priority", sa.String(10), nullable=False),
    sa.Column("content", sa.Text, nullable=False),  # the request as sent (JSON)
    sa.Column("weapon_id", sa.BigInteger),  # the record here: the weapon recovered, or the one answered from
    sa.Column("parent_id", sa.String(40)),  # the request this one follows on from, State to State
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("sent_at", UTCDateTime),
    sa.Column("acknowledge_by", UTCDateTime),
    sa.Column("answer_by", UTCDateTime),
    sa.Column("acknowledged_at", UTCDateTime),
    sa.Column("answered_at", UTCDateTime),
    sa.Column("outcome", sa.String(20)),
    sa.Column("restriction", sa.String(30)),
    sa.Column("failure", sa.String(40)),
    sa.Column("answer", sa.Text),  # the answer as sent (JSON)
)

trace_events = sa.Table(
    "trace_events",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("request_id", sa.String(40), sa.ForeignKey("trace_requests.id"), nullable=False, index=True),
    sa.Column("act", sa.String(30), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("actor", sa.String(120), nullable=False),
    sa.Column("detail", sa.Text),
)

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("seq", BigId, primary_key=True, autoincrement=True),  # the order messages were written in
    sa.Column("id", sa.String(36), nullable=False, unique=True),  # the envelope's id
    sa.Column("recipient", sa.String(40), nullable=False),
    sa.Column("envelope", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", UTCDateTime, nullable=False, index=True),
    sa.Column("delivered_at", UTCDateTime),
    sa.Column("last_error", sa.Text),
)

inbox = sa.Table(
    "inbox",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),  # the envelope's id: delivered twice, applied once
    sa.Column("sender", sa.String(40), nullable=False),
    sa.Column("type", sa.String(40), nullable=False),
    sa.Column("received_at", UTCDateTime, nullable=False),
    sa.Column("envelope", sa.Text, nullable=False),
)

# Made by migration 0002 outside this metadata, for substring search of serials ('*123*'):
# on PostgreSQL a pg_trgm GIN index, on SQLite an FTS5 trigram table kept by triggers.
SUBSTRING_INDEXES = frozenset(
    {
        "ix_weapons_serial_trgm",
        "serial_trigrams",
        "serial_trigrams_data",
        "serial_trigrams_idx",
        "serial_trigrams_config",
        "serial_trigrams_docsize",
        "serial_trigrams_content",
    }
)

import_files = sa.Table(
    "import_files",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("format", sa.String(20), nullable=False),
    sa.Column("rows_done", sa.Integer, nullable=False),  # rows committed, in file order: where a rerun resumes
    sa.Column("imported", sa.Integer, nullable=False),
    sa.Column("duplicates", sa.Integer, nullable=False),
    sa.Column("rejected", sa.Integer, nullable=False),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("finished_at", UTCDateTime),
)

marks = sa.Table(
    "marks",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("weapon_id", sa.BigInteger, sa.ForeignKey("weapons.id"), nullable=False, index=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("location", sa.String(30), nullable=False),
    sa.Column("text", sa.String(300), nullable=False),
    sa.Column("country", sa.String(3)),
    sa.Column("year", sa.Integer),
    sa.Column("manufacturer", sa.String(300)),
    sa.Column("serial", sa.String(100)),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("weapon_id", sa.BigInteger, sa.ForeignKey("weapons.id"), nullable=False),
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("occurred_at", UTCDateTime, nullable=False),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.Column("recorded_by", sa.String(120), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("corrects", sa.BigInteger),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Index("ix_events_weapon_id_seq", "weapon_id", "seq"),
)

chain_head = sa.Table(
    "chain_head",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)

archives = sa.Table(
    "archives",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.String(120), nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("weapons", sa.Integer, nullable=False),
    sa.Column("events", sa.Integer, nullable=False),
)

archived_events = sa.Table(
    "archived_events",
    metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("weapon_id", sa.BigInteger, nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Column("archive_id", sa.BigInteger, sa.ForeignKey("archives.id"), nullable=False, index=True),
)

change_log = sa.Table(
    "change_log",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("at", UTCDateTime, nullable=False, index=True),
    sa.Column("actor", sa.String(120), nullable=False),
    sa.Column("actor_name", sa.String(300), nullable=False),
    sa.Column("run_id", sa.String(36), nullable=False),
    sa.Column("action", sa.String(80), nullable=False),
    sa.Column("object_type", sa.String(40), nullable=False),
    sa.Column("object_id", sa.String(64), nullable=False),
    sa.Column("before", sa.Text),
    sa.Column("after", sa.Text),
    sa.Column("reason", sa.Text),
    sa.Index("ix_change_log_object", "object_type", "object_id"),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(80), nullable=False, unique=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=False),  # argon2id
    sa.Column("roles", sa.String(300), nullable=False),  # comma-separated role names
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("failures", sa.Integer, nullable=False),  # failed sign-ins in a row
    sa.Column("last_failure_at", UTCDateTime),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.BigInteger, sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("name", sa.String(120), nullable=False),  # what system uses it
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),  # sha256 of a 256-bit random token
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("revoked_at", UTCDateTime),
    sa.Column("last_used_at", UTCDateTime),
)

access_log = sa.Table(
    "access_log",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("at", UTCDateTime, nullable=False, index=True),
    sa.Column("actor", sa.String(120), nullable=False),
    sa.Column("action", sa.String(80), nullable=False),  # e.g. identify:search, registry:holders:read
    sa.Column("object", sa.String(120)),
    sa.Column("query", sa.Text),  # what was asked, as JSON
)

approvals = sa.Table(
    "approvals",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("act", sa.String(40), nullable=False),  # retention:purge, registry:correct_holder, tracing:disclose
    sa.Column("payload", sa.Text, nullable=False),  # the command, as JSON, carried out once approved
    sa.Column("summary", sa.Text, nullable=False),  # what the approver reads
    sa.Column("subject", sa.String(64)),  # e.g. the request or weapon it concerns
    sa.Column("status", sa.String(20), nullable=False, index=True),
    sa.Column("requested_by", sa.String(120), nullable=False),
    sa.Column("requested_at", UTCDateTime, nullable=False),
    sa.Column("decided_by", sa.String(120)),
    sa.Column("decided_at", UTCDateTime),
    sa.Column("note", sa.Text),  # the rejection's reason, or why carrying it out failed
    sa.Column("carried_out_at", UTCDateTime),  # set in the act's own transaction: an approval serves once
)
