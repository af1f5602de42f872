"""Finding a recovered weapon's record from the marks as read, through indexes only.

Candidates come from index lookups, never from a scan of the registry: equality on the
look-alike-folded serial; its prefix (a missing end); the reversed key's prefix (a missing
beginning); '?' and '*' patterns anchored on their longest fixed end, or on a trigram
index for a middle run; and for typing errors at unknown places, the pigeonhole: with one
error the first or the second half of the serial is intact, with two the first third, the
last third or the middle is, and each is found by one of those indexes. Those lookups keep
only serials of a length the errors allow. A record one error away does not end the search
for the weapon two errors away (it may be a neighbour that hides it): the thirds are still
looked up. The costly middle runs only when no record lies within one error and fewer than
five of the stated maker within two. The candidates are then ranked precisely (rapidfuzz)
and each is explained in one line.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import sqlalchemy as sa
from rapidfuzz import process
from rapidfuzz.distance import OSA

from armtrace.domain.errors import N_, RuleViolation
from armtrace.domain.identify import Facts, SerialPattern, Stored, judge, judge_serial, reverse
from armtrace.domain.registry import model_key
from armtrace.reference import calibres, categories, countries
from armtrace.reference.manufacturers import manufacturers
from armtrace.store import tables as t

PER_LOOKUP = 3000  # rows one index lookup may return; bounds the time of the worst query
JUDGED = 60  # candidates judged in full, at the most (their rows are fetched one by one)
NEAR_TWINS = 300  # rows per typing-error lookup when the serial as read is on record as it is
BEHIND_ONE = 1000  # rows per two-error lookup when a record one error away is found already
MIN_SCORE = 0.5
SETTLED = 5  # near records of the stated maker that decide the top five, so farther ones need not be sought


@dataclass(frozen=True)
class IdentifyQuery:
    serial: str | None = None
    manufacturer: str | None = None
    country: str | None = None
    model: str | None = None
    calibre: str | None = None
    category: str | None = None
    limit: int = 10


@dataclass(frozen=True)
class Candidate:
    weapon_id: int
    score: float
    explanation: str
    serial: str | None
    manufacturer: str | None
    model: str | None
    calibre: str | None
    category: str
    country_of_manufacture: str | None
    status: str


@dataclass
class Identification:
    candidates: list[Candidate] = field(default_factory=list)
    read_as: list[str] = field(default_factory=list)  # how the inputs were understood
    advice: list[str] = field(default_factory=list)
    looked_up: int = 0  # candidate rows the indexes returned


_W = t.weapons.c
KEYS = (_W.id, _W.serial_fold, _W.manufacturer_id)  # what the index lookups fetch; full rows only for the shortlist
COLUMNS = (
    _W.id,
    _W.serial,
    _W.serial_fold,
    _W.manufacturer_id,
    _W.manufacturer,
    _W.model,
    _W.model_key,
    _W.calibre,
    _W.category,
    _W.country_of_manufacture,
    _W.status,
)


def _starts(column: sa.ColumnElement[str], prefix: str, dialect: str) -> sa.ColumnElement[bool]:
    """A prefix condition that uses the B-tree index on each store."""
    if dialect == "postgresql":
        return column.like(prefix + "%")  # served by the text_pattern_ops index
    return sa.and_(column >= prefix, column < prefix + "\U0010ffff")


def _facts(q: IdentifyQuery, out: Identification) -> Facts:
    maker = note = None
    if q.manufacturer:
        match = manufacturers().resolve(q.manufacturer) or manufacturers().similar(q.manufacturer)
        if match is None:
            out.read_as.append(
                N_("manufacturer %(given)r is not known: not used to narrow the search", given=q.manufacturer)
            )
        else:
            maker = match.manufacturer.id
            note = (
                match.explain(q.manufacturer)
                if match.kind != "name"
                else N_("manufacturer %(name)s", name=match.manufacturer.name)
            )
            out.read_as.append(note)
    calibre = calibres.resolve(q.calibre) if q.calibre else None
    category = categories.resolve(q.category) if q.category else None
    return Facts(
        maker,
        note,
        countries.resolve(q.country) if q.country else None,
        model_key(q.model) or None,
        calibre.canonical if calibre else None,
        category.value if category else None,
    )


def identify(conn: sa.Connection, q: IdentifyQuery) -> Identification:
    """Ranked candidates for the marks as read, each with why it fits."""
    out = Identification()
    facts = _facts(q, out)
    pattern = SerialPattern.read(q.serial) if q.serial and q.serial.strip() else None
    if pattern is None or pattern.known < 3:
        if not (facts.manufacturer_id and facts.model_key):
            raise RuleViolation(
                N_("too little to go on: no serial was given")
                if pattern is None
                else N_("too little to go on: only %(count)s readable character(s) of the serial", count=pattern.known),
                hint=N_(
                    "give at least 3 readable characters of the serial (use ? for each unreadable one, * for a "
                    "run), or the manufacturer and model together; calibre, type and country then narrow it"
                ),
            )
        rows = _by_description(conn, facts)
        out.advice.append(N_("no usable serial: candidates match the make and model only; a serial would narrow them"))
    else:
        keys = _by_serial(conn, pattern, facts, conn.dialect.name)
        if facts.manufacturer_id and not _fits_well(pattern, keys, facts):
            # The manufacturer may be wrong: look again without it, and let the ranking lower what differs.
            keys = {**_by_serial(conn, pattern, replace(facts, manufacturer_id=None), conn.dialect.name), **keys}
        out.looked_up = len(keys)
        rows = _rows(conn, _shortlist(pattern, keys, facts, max(JUDGED, 5 * q.limit)))
    out.looked_up = out.looked_up or len(rows)
    scored = []
    for row in rows.values():
        distance = (
            OSA.distance(pattern.folded, row.serial_fold, score_cutoff=2)
            if (pattern and not pattern.has_wildcards and row.serial_fold)
            else None
        )
        serial = (
            judge_serial(pattern, row.serial or "", distance if distance is not None and distance <= 2 else None)
            if pattern
            else None
        )
        if pattern and serial is None:
            continue
        score, why = judge(
            serial,
            facts,
            Stored(
                row.manufacturer_id,
                row.manufacturer,
                row.country_of_manufacture,
                row.model_key,
                row.calibre,
                row.category,
            ),
        )
        if score >= MIN_SCORE:
            scored.append(
                Candidate(
                    row.id,
                    round(score, 3),
                    why,
                    row.serial,
                    row.manufacturer,
                    row.model,
                    row.calibre,
                    row.category,
                    row.country_of_manufacture,
                    row.status,
                )
            )
    scored.sort(key=lambda c: (-c.score, c.weapon_id))
    out.candidates = scored[: q.limit]
    if not out.candidates:
        out.advice.append(
            N_(
                "no record fits: check the serial on the frame or receiver, try '?' for doubtful "
                "characters, or drop the manufacturer if it may be wrong"
            )
        )
    return out


def _fits_well(pattern: SerialPattern, keys: Keys, facts: Facts) -> bool:
    """Whether a candidate of the stated manufacturer fits the serial read closely."""
    return any(
        maker == facts.manufacturer_id
        and fold
        and (pattern.has_wildcards or OSA.distance(pattern.folded, fold, score_cutoff=2) <= 2)
        for fold, maker in keys.values()
    )


def _shortlist(pattern: SerialPattern, keys: Keys, facts: Facts, size: int) -> list[int]:
    """The candidates worth judging in full, best first by a cheap measure (computed in C by rapidfuzz)."""
    ids = list(keys)
    folds = [keys[i][0] for i in ids]
    key = pattern.folded
    if pattern.has_wildcards:
        cheap = [0.0] * len(ids)  # the lookup matched the pattern already
    else:
        near = {i: d for _, d, i in process.extract(key, folds, scorer=OSA.distance, score_cutoff=2, limit=None)}
        cheap = []
        for n, fold in enumerate(folds):
            d = near.get(n, 3)
            if fold == key:
                cheap.append(0.0)
            elif d <= 2:
                cheap.append(float(d))
            elif len(key) >= 3 and (fold.endswith(key) or fold.startswith(key)):
                cheap.append(1.0 + 0.1 * (len(fold) - len(key)))
            else:
                cheap.append(9.0)  # fits in no way: not judged
    ranked = sorted(
        (c - (0.5 if keys[i][1] == facts.manufacturer_id and facts.manufacturer_id else 0.0), i)
        for c, i in zip(cheap, ids, strict=True)
        if c < 9.0
    )
    return [i for _, i in ranked[:size]]


def _rows(conn: sa.Connection, ids: list[int]) -> dict[int, sa.Row]:
    rows: dict[int, sa.Row] = {}
    for start in range(0, len(ids), 500):
        for row in conn.execute(sa.select(*COLUMNS).where(_W.id.in_(ids[start : start + 500]))):
            rows[row.id] = row
    return rows


def _by_description(conn: sa.Connection, f: Facts) -> dict[int, sa.Row]:
    cond = [_W.manufacturer_id == f.manufacturer_id, _W.model_key == f.model_key]
    if f.calibre:
        cond.append(_W.calibre == f.calibre)
    rows = conn.execute(sa.select(*COLUMNS).where(*cond).limit(PER_LOOKUP)).all()
    return {r.id: r for r in rows}


Keys = dict[int, tuple[str, str | None]]  # weapon id -> (folded serial, manufacturer id)


def _lookups(conn: sa.Connection, conditions: list[list[sa.ColumnElement[bool]]], limit: int = PER_LOOKUP) -> Keys:
    """Run several index lookups as one statement (UNION ALL), each bounded by `limit` rows."""
    if not conditions:
        return {}
    parts = [sa.select(*KEYS).where(*where).limit(limit).subquery() for where in conditions]
    statement = sa.union_all(*(sa.select(*part.c) for part in parts))
    return {row[0]: (row[1] or "", row[2]) for row in conn.execute(statement)}


def _by_serial(conn: sa.Connection, p: SerialPattern, f: Facts, dialect: str) -> Keys:
    """Candidates by index: first the cheap, selective lookups; typing errors only if those found nothing equal."""
    key = p.folded
    if p.has_wildcards:
        if len(p.prefix) >= 2:
            anchor = _starts(_W.serial_fold, p.prefix, dialect)
        elif len(p.suffix) >= 2:
            anchor = _starts(_W.serial_rev, reverse(p.suffix), dialect)
        elif len(p.longest_run) >= 3:
            anchor = _contains(p.longest_run, dialect)
        else:
            raise RuleViolation(
                N_("the serial %(serial)r has no run of 3 readable characters and no 2 at either end", serial=p.raw),
                hint=N_("read more characters, or give the manufacturer and model to search by description"),
            )
        return _lookups(conn, [[anchor, _pattern(p, dialect)]])
    found = _lookups(
        conn,
        [
            [_W.serial_fold == key],
            [_starts(_W.serial_fold, key, dialect)],  # the end was not read
            [_starts(_W.serial_rev, reverse(key), dialect)],  # the beginning was not read
        ],
    )
    if len(key) < 5:
        return found
    maker = [_W.manufacturer_id == f.manufacturer_id] if f.manufacturer_id else []

    def settled(distance: int) -> bool:
        """Whether enough records of the stated maker lie within `distance` of the reading that a record
        farther away could not reach the top five: only then may the search for farther ones stop."""
        return (
            sum(
                OSA.distance(key, fold, score_cutoff=distance) <= distance and f.manufacturer_id in (None, m)
                for fold, m in found.values()
            )
            >= SETTLED
        )

    def near(distance: int) -> bool:
        return any(OSA.distance(key, fold, score_cutoff=distance) <= distance for fold, _ in found.values())

    def sized(distance: int) -> sa.ColumnElement[bool]:
        """Serials `distance` typing errors away are at most that many characters longer or shorter: a filter
        on the index's own key, so the rows a lookup may return are spent on serials that can fit."""
        return sa.func.length(_W.serial_fold).between(len(key) - distance, len(key) + distance)

    # One typing error leaves the first half or the second half intact (a deletion, insertion or
    # substitution at p keeps key[:p] and what follows p). Two characters swapped across the middle
    # damage both halves: that one reading is looked up as it would be with the swap undone.
    h = len(key) // 2
    # The serial as read (or cut short) is on record for the stated maker: near twins are still shown,
    # but only a few are looked for.
    on_record = any(
        (fold == key or fold.startswith(key) or fold.endswith(key)) and f.manufacturer_id in (None, maker)
        for fold, maker in found.values()
    )
    lookups = [
        [_starts(_W.serial_fold, key[:h], dialect), *maker, sized(1)],
        [_starts(_W.serial_rev, reverse(key[h:]), dialect), *maker, sized(1)],
    ]
    if key[h - 1] != key[h]:
        lookups.append([_W.serial_fold == key[: h - 1] + key[h] + key[h - 1] + key[h + 1 :]])
    found = {**_lookups(conn, lookups, NEAR_TWINS if on_record else PER_LOOKUP), **found}
    if on_record:
        return found
    k = -(-len(key) // 3)
    a = max(2, min(k, (len(key) - 3) // 2))
    # A record one error away makes a two-error reading less likely, not impossible: it may hide the weapon
    # two errors away, so the thirds are still looked up, for fewer rows, and the middle is not.
    one_away = near(1)
    # Two errors leave one of three pieces intact: the first and last thirds, shorter ones, then the middle.
    found = {
        **_lookups(
            conn,
            [
                [_starts(_W.serial_fold, key[:k], dialect), *maker, sized(2)],
                [_starts(_W.serial_rev, reverse(key[-k:]), dialect), *maker, sized(2)],
            ],
            BEHIND_ONE if one_away else PER_LOOKUP,
        ),
        **found,
    }
    if one_away:
        return found
    if a < k:
        found = {
            **_lookups(
                conn,
                [
                    [_starts(_W.serial_fold, key[:a], dialect), *maker, sized(2)],
                    [_starts(_W.serial_rev, reverse(key[-a:]), dialect), *maker, sized(2)],
                ],
            ),
            **found,
        }
    if not settled(2) and len(key) - 2 * a >= 3:
        # Only the middle can be intact. A substring search reads the most rows: it runs last, when needed.
        middle = _contains(key[a:-a], dialect)
        maker_unindexed = [_unindexed_maker(f.manufacturer_id, dialect)] if f.manufacturer_id else []
        found = {**_lookups(conn, [[middle, *maker_unindexed]]), **found}
    return found


def _unindexed_maker(maker: str, dialect: str) -> sa.ColumnElement[bool]:
    """The manufacturer as a filter only: SQLite would otherwise walk the maker's whole index before the
    trigram table (unary + turns its index off); PostgreSQL combines both indexes by itself."""
    if dialect == "sqlite":
        return sa.literal_column("+weapons.manufacturer_id") == maker
    return _W.manufacturer_id == maker


def _pattern(p: SerialPattern, dialect: str) -> sa.ColumnElement[bool]:
    if dialect == "postgresql":
        return _W.serial_fold.like(p.like())
    return _W.serial_fold.op("GLOB")(p.folded)  # case-sensitive, like the folded key


def _contains(run: str, dialect: str) -> sa.ColumnElement[bool]:
    """A substring condition served by the trigram index (pg_trgm GIN; SQLite FTS5 trigram)."""
    if dialect == "postgresql":
        return _W.serial_fold.like(f"%{run}%")
    phrase = '"' + run.replace('"', '""') + '"'
    return _W.id.in_(
        sa.text("SELECT rowid FROM serial_trigrams WHERE serial_trigrams MATCH :phrase").bindparams(phrase=phrase)
    )
