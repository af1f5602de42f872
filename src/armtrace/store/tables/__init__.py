"""The schema, one module per area. Alembic migrations create it; these modules describe it for queries
and repositories. A new area adds its module and one line here.

The `weapons` and `marks` tables are projections of `events`, rewritten in the same transaction;
`events` is append-only and hash-chained (`chain_head` holds its tip).
"""

from armtrace.store.tables.accounts import *  # noqa: F403
from armtrace.store.tables.anchors import *  # noqa: F403
from armtrace.store.tables.approvals import *  # noqa: F403
from armtrace.store.tables.base import metadata as metadata
from armtrace.store.tables.chain import *  # noqa: F403
from armtrace.store.tables.closures import *  # noqa: F403
from armtrace.store.tables.exchange import *  # noqa: F403
from armtrace.store.tables.importing import *  # noqa: F403
from armtrace.store.tables.registry import *  # noqa: F403
from armtrace.store.tables.retention import *  # noqa: F403
from armtrace.store.tables.tracing import *  # noqa: F403
