"""For each identification the benchmark missed, how many records fit the reading at least as well as
the right one: when five or more do, no method could be sure to rank the right one in the top five.

The fit is the reading's own kind of damage: the edit distance of a mistyped serial, the pattern of an
obliterated one, the end or the beginning of one cut short; a record counts only if it also agrees with
the maker and model the reading gives. It is computed by brute force over every serial (rapidfuzz and
regular expressions), for the misses only.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from rapidfuzz import process
from rapidfuzz.distance import OSA

from armtrace.domain.identify import SerialPattern, fold
from armtrace.domain.registry import model_key
from armtrace.reference.manufacturers import manufacturers
from armtrace.store import tables as t
from bench.degrade import Query


def rivals(conn: sa.Connection, q: Query, truth_id: int, folds: Sequence[str], ids: Sequence[int]) -> int:
    """Records other than the truth that fit the reading as well as the truth does."""
    pattern = SerialPattern.read(q.serial)
    truth = fold(q.truth_serial)
    if pattern.has_wildcards:
        rx = pattern.regex()
        close = [ids[i] for i, f in enumerate(folds) if rx.match(f)]
    elif truth.endswith(pattern.folded) or truth.startswith(pattern.folded):
        key = pattern.folded
        close = [ids[i] for i, f in enumerate(folds) if f.endswith(key) or f.startswith(key)]
    else:
        d = OSA.distance(pattern.folded, truth)
        hits = process.extract(pattern.folded, folds, scorer=OSA.distance, score_cutoff=d, limit=None)
        close = [ids[i] for _, _, i in hits]
    close = [i for i in close if i != truth_id]
    if not close:
        return 0
    maker = manufacturers().resolve(q.manufacturer) if q.manufacturer else None
    w = t.weapons.c
    agree = 0
    for start in range(0, len(close), 5000):
        rows = conn.execute(
            sa.select(w.manufacturer_id, w.model_key).where(w.id.in_(close[start : start + 5000]))
        ).all()
        agree += sum(
            1
            for m, k in rows
            if (maker is None or m == maker.manufacturer.id) and (q.model is None or k == model_key(q.model))
        )
    return agree
