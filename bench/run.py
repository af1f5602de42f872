"""Import and identify at registry scale, each beside a baseline measured in the same run.

    python -m bench.run --store sqlite --n 1000000
    python -m bench.run --store postgresql --n 10000000 --preload-workers 2

Import: `armtrace import` of a CSV export (validation, normalisation, hash chain, all on),
timed on the last --timed rows of the file, beside the raw store: the very rows that
import wrote (weapons, events, marks), deleted and written again into the same store in
one transaction (executemany on SQLite, COPY on PostgreSQL). Also shown: the CSV rows
into a bare unindexed table, the cheapest write there is.

Identify: degraded queries with known truth (bench/degrade.py), p50 and p95 latency and
recall@1 and @5, beside a full rapidfuzz scan of every serial held in memory.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import platform
import random
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from armtrace.domain.accounts import Principal, Role
from armtrace.domain.actors import Actor, SystemClock
from armtrace.domain.errors import RuleViolation
from armtrace.domain.identify import SerialPattern, fold
from armtrace.queries.identify import IdentifyQuery, identify
from armtrace.services.importing.files import ImportFile, import_file
from armtrace.store import bulk
from armtrace.store import tables as t
from armtrace.store.engine import make_engine
from armtrace.store.migrate import upgrade
from armtrace.store.uow import UnitOfWork
from bench.degrade import KINDS, queries
from bench.oracle import rivals
from bench.registry import HEADER, weapons, write_csv

PG_ADMIN = os.environ.get("ARMTRACE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


BENCH = Principal(Actor("bench", "bench"), frozenset({Role.REGISTRY_CLERK}))  # imports as a registry clerk


def store(kind: str, name: str, work: Path) -> str:
    if kind == "sqlite":
        path = work / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
        url = sa.make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def split(source: Path, work: Path, timed: int, parts: int) -> tuple[list[Path], Path]:
    """The file's last `timed` rows, and the rows before them in `parts` pieces."""
    with open(source, encoding="utf-8") as f:
        header, *rows = f.readlines()
    head, tail = rows[: len(rows) - timed], rows[len(rows) - timed :]
    pieces = []
    size = -(-len(head) // parts) if head else 0
    for i in range(parts if head else 0):
        piece = work / f"preload-{i}.csv"
        piece.write_text(header + "".join(head[i * size : (i + 1) * size]), encoding="utf-8")
        pieces.append(piece)
    tail_path = work / "timed.csv"
    tail_path.write_text(header + "".join(tail), encoding="utf-8")
    return pieces, tail_path


def preload(url: str, pieces: list[Path], workers: int) -> float:
    """Import the rows before the timed ones with `armtrace import` (not timed for the figures).

    On PostgreSQL the trigram index is dropped for the preload and built again after it, as
    a bulk load would do; the timed import then runs with every index in place."""
    started = time.perf_counter()
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP INDEX ix_weapons_serial_trgm")
    clock = SystemClock()
    for piece in pieces:  # the import use case itself, as `armtrace import` runs it, signed in as a clerk
        import_file(ImportFile(piece, batch_size=5000, workers=workers), UnitOfWork(engine, BENCH, clock), clock)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE INDEX ix_weapons_serial_trgm ON weapons USING gin (serial_fold gin_trgm_ops)")
            conn.exec_driver_sql("ANALYZE weapons")
    engine.dispose()
    return time.perf_counter() - started


def timed_import(url: str, path: Path) -> tuple[int, float]:
    engine = make_engine(url)
    clock = SystemClock()
    started = time.perf_counter()
    report = import_file(ImportFile(path, batch_size=5000), UnitOfWork(engine, BENCH, clock), clock)
    elapsed = time.perf_counter() - started
    engine.dispose()
    if report.rejected or report.duplicates:
        raise SystemExit(f"the timed import rejected {report.rejected} and found {report.duplicates} duplicates")
    return report.imported, elapsed


def raw_store(source_url: str, work: Path, first_id: int) -> tuple[int, float, float]:
    """The raw write speed of the same data into the same store: the rows the timed import wrote are
    read back, deleted, and written again in one transaction (executemany on SQLite, COPY on PostgreSQL),
    so indexes of the same size are maintained as during the import."""
    engine = make_engine(source_url)
    with engine.connect() as conn:
        w = [tuple(r) for r in conn.execute(sa.select(t.weapons).where(t.weapons.c.id >= first_id))]
        e = [tuple(r) for r in conn.execute(sa.select(t.events).where(t.events.c.weapon_id >= first_id))]
        m = [tuple(r) for r in conn.execute(sa.select(t.marks).where(t.marks.c.weapon_id >= first_id))]
        conn.rollback()  # end the reading transaction
        with conn.begin():
            for table in (t.marks, t.events):
                conn.execute(table.delete().where(table.c.weapon_id >= first_id))
            conn.execute(t.weapons.delete().where(t.weapons.c.id >= first_id))
        started = time.perf_counter()
        with conn.begin():
            bulk.insert(conn, t.weapons, [c.name for c in t.weapons.c], w)
            bulk.index_serials(conn, [r[0] for r in w])
            bulk.insert(conn, t.events, [c.name for c in t.events.c], e)
            bulk.insert(conn, t.marks, [c.name for c in t.marks.c], m)
        same_store = time.perf_counter() - started
        with open(work / "timed.csv", encoding="utf-8") as f:
            rows = list(csv.reader(f))[1:]
        bare = sa.Table("bench_bare", sa.MetaData(), *(sa.Column(f"c{i}", sa.Text) for i in range(len(HEADER))))
        with conn.begin():
            bare.drop(conn, checkfirst=True)
            bare.create(conn)
        started = time.perf_counter()
        with conn.begin():
            bulk.insert(conn, bare, [c.name for c in bare.c], rows)
        bare_time = time.perf_counter() - started
        with conn.begin():
            bare.drop(conn)
    engine.dispose()
    return len(w), same_store, bare_time


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


def settle(engine: sa.Engine) -> None:
    """What autovacuum does after a bulk load, done at once: statistics, and the visibility map that
    lets PostgreSQL answer from its covering indexes alone. Autovacuum is off on these machines."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE) weapons")


def run_queries(url: str, n: int, count: int, scan_count: int) -> dict[str, object]:
    lines = set(random.Random(5).sample(range(2, n + 2), min(n, count * 3)))
    population = [w for w in weapons(n) if w.line in lines]
    qs = queries(population, count)
    engine = make_engine(url)
    settle(engine)
    results: list[tuple[str, float, int | None]] = []
    with engine.connect() as conn:
        truth = {}
        for q in qs:
            model = next(w.model.model for w in population if w.line == q.truth_line)
            truth[q.truth_line] = conn.execute(  # through the folded key's index
                sa.select(t.weapons.c.id).where(
                    t.weapons.c.serial_fold == fold(q.truth_serial),
                    t.weapons.c.serial == q.truth_serial,
                    t.weapons.c.model == model,
                )
            ).scalar_one()
        for q in qs[:20]:  # warm the caches and the reference data
            with contextlib.suppress(RuleViolation):
                identify(conn, IdentifyQuery(serial=q.serial, manufacturer=q.manufacturer, model=q.model))
        for q in qs:
            started = time.perf_counter()
            try:
                found = identify(
                    conn, IdentifyQuery(serial=q.serial, manufacturer=q.manufacturer, model=q.model, limit=5)
                )
                ids = [c.weapon_id for c in found.candidates]
            except RuleViolation:  # too little to go on: counted as a miss
                ids = []
            elapsed = (time.perf_counter() - started) * 1000
            rank = ids.index(truth[q.truth_line]) + 1 if truth[q.truth_line] in ids else None
            results.append((q.kind, elapsed, rank))
        folds = list(conn.execute(sa.select(t.weapons.c.serial_fold, t.weapons.c.id)).all())
        choices = [f or "" for f, _ in folds]
        all_ids = [i for _, i in folds]
        misses: list[dict[str, object]] = []
        unresolvable = 0  # misses with five or more records fitting the reading as well as the right one
        for q, (kind, _, rank) in zip(qs, results, strict=True):
            if rank is None:
                n_rivals = rivals(conn, q, truth[q.truth_line], choices, all_ids)
                unresolvable += n_rivals >= 5
                misses.append({"kind": kind, "read": q.serial, "truth": q.truth_serial, "rivals": n_rivals})
    engine.dispose()
    scan_ms, scan_hits = [], 0
    for q in qs[:scan_count]:
        text = SerialPattern.read(q.serial).folded.replace("?", "").replace("*", "")
        started = time.perf_counter()
        best = process.extract(text, choices, scorer=Levenshtein.normalized_similarity, limit=5)
        scan_ms.append((time.perf_counter() - started) * 1000)
        scan_hits += any(folds[i][1] == truth[q.truth_line] for _, _, i in best)
    latencies = [ms for _, ms, _ in results]
    by_kind = {}
    for kind, _ in KINDS:
        rows = [(ms, rank) for k, ms, rank in results if k == kind]
        if rows:
            by_kind[kind] = {
                "queries": len(rows),
                "p95_ms": round(pct([ms for ms, _ in rows], 95), 2),
                "recall@1": round(sum(r == 1 for _, r in rows) / len(rows), 3),
                "recall@5": round(sum(r is not None for _, r in rows) / len(rows), 3),
            }
    return {
        "queries": len(results),
        "p50_ms": round(pct(latencies, 50), 2),
        "p95_ms": round(pct(latencies, 95), 2),
        "recall@1": round(sum(r == 1 for _, _, r in results) / len(results), 4),
        "recall@5": round(sum(r is not None for _, _, r in results) / len(results), 4),
        "scan_queries": len(scan_ms),
        "scan_p50_ms": round(pct(scan_ms, 50), 1),
        "scan_p95_ms": round(pct(scan_ms, 95), 1),
        "scan_recall@5": round(scan_hits / max(1, len(scan_ms)), 3),
        "by_kind": by_kind,
        "misses": misses,
        "misses_unresolvable": unresolvable,
        "recall@5_resolvable": round(sum(r is not None for _, _, r in results) / (len(results) - unresolvable), 4),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--timed", type=int, default=None, help="rows imported under the clock (default: all, max 1M)")
    ap.add_argument("--preload-workers", type=int, default=1, help="processes preparing rows for the preload import")
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--scan-queries", type=int, default=30, help="queries also answered by the full scan")
    ap.add_argument("--work", type=Path, default=Path("/tmp/armtrace-bench"))
    ap.add_argument(
        "--identify-only",
        action="store_true",
        help="query the store an earlier run of the same --store and --n left; keep its import figures",
    )
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    timed = min(args.n, args.timed or 1_000_000)
    out = Path(__file__).parent / "out" / f"{args.store}-{args.n}.json"
    if args.identify_only:
        result = json.loads(out.read_text(encoding="utf-8"))
        url = (
            f"sqlite:///{args.work / 'bench.db'}"
            if args.store == "sqlite"
            else sa.make_url(PG_ADMIN).set(database="armtrace_bench").render_as_string(hide_password=False)
        )
        print("identifying ...", flush=True)
        result["identify"] = run_queries(url, args.n, args.queries, args.scan_queries)
        result["identify_date"] = datetime.now(UTC).isoformat(timespec="seconds")
        out.write_text(json.dumps(result, indent=2), encoding="utf-8")
        print(json.dumps(result, indent=2))
        return
    source = args.work / f"registry-{args.n}.csv"
    if not source.exists():
        print(f"generating {args.n:,} records ...", flush=True)
        write_csv(source, args.n)
    pieces, tail = split(source, args.work, timed, 1)
    url = store(args.store, "armtrace_bench" if args.store != "sqlite" else "bench", args.work)
    preload_s = preload(url, pieces, args.preload_workers) if pieces else 0.0
    engine = make_engine(url)
    with engine.connect() as conn:
        first_id = (conn.execute(sa.select(sa.func.max(t.weapons.c.id))).scalar() or 0) + 1
    engine.dispose()
    print(
        f"preloaded {args.n - timed:,} rows in {preload_s:,.0f} s; importing {timed:,} under the clock ...", flush=True
    )
    imported, import_s = timed_import(url, tail)
    raw_rows, raw_s, bare_s = raw_store(url, args.work, first_id)
    print("identifying ...", flush=True)
    ident = run_queries(url, args.n, args.queries, args.scan_queries)
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "store": args.store,
        "n": args.n,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "import": {
            "rows": imported,
            "seconds": round(import_s, 1),
            "rows_per_s": round(imported / import_s),
            "raw_store_rows_per_s": round(raw_rows / raw_s),
            "ratio": round((imported / import_s) / (raw_rows / raw_s), 3),
            "bare_table_rows_per_s": round(raw_rows / bare_s),
            "ratio_to_bare": round((imported / import_s) / (raw_rows / bare_s), 4),
            "preload_rows": args.n - timed,
            "preload_seconds": round(preload_s),
        },
        "identify": ident,
    }
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
