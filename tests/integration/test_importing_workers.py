"""Preparing rows in worker processes changes nothing in what is imported, only how fast."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from armtrace.services.importing.files import ImportFile, import_file
from armtrace.services.integrity import verify
from armtrace.store import tables as t
from bench.registry import write_csv


def test_an_import_prepared_by_worker_processes_stores_every_row_once_and_in_file_order(
    engine, uow, clock, tmp_path: Path
) -> None:
    source = tmp_path / "register.csv"
    write_csv(source, 1200, seed=9)
    report = import_file(ImportFile(source, batch_size=100, workers=2), uow(), clock)
    assert (report.read, report.imported, report.rejected, report.duplicates) == (1200, 1200, 0, 0)
    with engine.connect() as conn:
        serials = conn.execute(sa.select(t.weapons.c.serial).order_by(t.weapons.c.id)).scalars().all()
    assert serials == [line.split(",")[0] for line in source.read_text().splitlines()[1:]]
    assert verify(uow()).ok


def test_a_long_import_refreshes_the_statistics_postgresql_plans_with(engine, uow, clock, tmp_path: Path) -> None:
    source = tmp_path / "register.csv"
    write_csv(source, 5200, seed=4)
    import_file(ImportFile(source, batch_size=1000, workers=0), uow(), clock)
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            analyzed = conn.exec_driver_sql(
                "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'weapons'"
            ).scalar_one()
            assert analyzed, "the weapons table was not analyzed after 5,000 imported rows"
        else:  # SQLite plans without gathered statistics here: the import must still be whole
            assert conn.execute(sa.select(sa.func.count()).select_from(t.weapons)).scalar_one() == 5200
