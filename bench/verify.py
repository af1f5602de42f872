"""How long `armtrace verify` takes on a registry of N events, beside reading the same rows raw.

    python -m bench.verify --store sqlite --n 1000000

Builds (or reuses) a store of N weapons, one import event each, through the import use case, then
times `verify` (both hash chains, every projection) beside the baseline of the same run: a plain
scan of the events, weapons, marks and change-log rows it reads, with no check at all.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from armtrace.domain.accounts import operator
from armtrace.domain.actors import SystemClock
from armtrace.services.importing.files import ImportFile, import_file
from armtrace.services.integrity import verify
from armtrace.store.engine import make_engine
from armtrace.store.uow import UnitOfWork
from bench.registry import write_csv
from bench.run import BENCH, store


def raw_scan(engine: sa.Engine) -> int:
    rows = 0
    with engine.connect() as conn:
        for table in ("events", "weapons", "marks", "change_log"):
            result = conn.execute(sa.text(f"SELECT * FROM {table}").execution_options(stream_results=True))
            for _ in result:
                rows += 1
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--work", type=Path, default=Path("bench-work"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    source = args.work / f"registry-{args.n}.csv"
    if not source.exists():
        write_csv(source, args.n)
    url = store(args.store, f"armtrace_bench_verify_{args.n}", args.work)
    engine = make_engine(url)
    clock = SystemClock()
    started = time.perf_counter()
    report = import_file(ImportFile(source, batch_size=5000, workers=2), UnitOfWork(engine, BENCH, clock), clock)
    built = time.perf_counter() - started
    started = time.perf_counter()
    rows = raw_scan(engine)
    scanned = time.perf_counter() - started
    started = time.perf_counter()
    checked = verify(UnitOfWork(engine, operator("bench"), clock))
    verified = time.perf_counter() - started
    engine.dispose()
    print(
        json.dumps(
            {
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": f"{platform.machine()}, Python {platform.python_version()}",
                "store": args.store,
                "weapons": report.imported,
                "events": checked.events,
                "change_log_lines": checked.change_log,
                "ok": checked.ok,
                "build_s": round(built, 1),
                "raw_scan_s": round(scanned, 2),
                "raw_rows": rows,
                "verify_s": round(verified, 2),
                "verify_over_raw_scan": round(verified / scanned, 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
